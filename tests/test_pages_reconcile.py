"""底数核查 on the page (AppTest): a street account sees its communities' counts and the queue masked, resolves an
item through the form (audited), and gets the confirmed people only the outside list had as a members ledger that
imports again; a district account sees counts only."""

from __future__ import annotations

import io
from datetime import date, datetime

import ledger_files as lf
import pytest
from app_support import app_test, download_links, page_strings, streamlit_english
from openpyxl import load_workbook

import tiny_city
from data_access.accounts import fetch_audit
from data_access.areas import AreaPath, Scope
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from ledgers.reading import open_ledgers
from metrics.thresholds import Thresholds
from services.accounts import Account
from services.importing import import_files
from services.reconcile import fetch_queue, resolve
from services.refresh import refresh_from_tables
from ui import downloads, labels

STREET = "江汉区/北湖街道"
HEADER = ["姓名", "手机号", "所在社区", "来源"]
LIST = [
    HEADER,
    ["测试1", "13800000001", "环保社区", "公安流动人口"],
    ["别人", "13800000002", "环保社区", "公安流动人口"],
    ["新来的", "13900000001", "环保社区", "公安流动人口"],
]

pytestmark = pytest.mark.usefixtures("clear_caches")


@pytest.fixture
def url(tmp_path):
    """The tiny city with one outside list loaded, and its one person only the list had confirmed by the street."""
    url = f"sqlite:///{tmp_path / 'tiny.sqlite'}"
    engine = get_engine(url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    import_files(engine, [("公安.csv", lf.csv_bytes(LIST))], thresholds=Thresholds(), at=datetime(2026, 11, 25, 9))
    queue = fetch_queue(engine, scope=Scope("street", AreaPath.parse(STREET)), area=AreaPath.parse(STREET))
    newcomer = int(queue.loc[queue["phone"] == "13900000001", "item_id"].iloc[0])
    resolve(engine, Account("街道书记", "street", AreaPath.parse(STREET)), item_id=newcomer, resolution="confirmed",
            note="入户核实", now=datetime(2026, 11, 24, 10))  # fmt: skip
    return url


def run(monkeypatch, url, role, area=STREET):
    monkeypatch.setenv("DATABASE_URL", url)
    app = app_test(role, area)
    app.switch_page("pages/reconcile.py")
    app.session_state["view_area"] = STREET
    return app.run()


def test_a_street_account_sees_counts_and_its_queue_masked(monkeypatch, url):
    app = run(monkeypatch, url, "street")
    assert not app.exception
    summary = app.dataframe[0].value.set_index(labels.RECONCILE_LEVELS["community"])
    # 环保社区: 1 agreed, 别人 differs by name, 新来的 only in the list; 测试3, 4, 5, 7 only ours (6 has returned)
    shown = [*labels.RECONCILE_STATES.values(), labels.RECONCILE_OPEN]
    assert summary.loc["环保社区", shown].tolist() == [1, 1, 4, 1, 5]
    assert summary.loc["环保社区", labels.RECONCILE_OLDEST] == "0"  # loaded today (the frozen clock's 2026-11-25)
    queue = app.dataframe[1].value
    assert len(queue) == 6 and queue[labels.RECONCILE_COLUMNS["resolution"]].iloc[-1] == "核实无误"
    text, cells = page_strings(app)
    assert "别人" not in cells and "别*" in cells and "13900000001" not in text and "139****0001" in cells
    assert not streamlit_english(app)
    assert [label for label, _ in download_links(app)] == [labels.RECONCILE_REGISTRATION]


def test_a_district_account_sees_counts_only(monkeypatch, url):
    app = run(monkeypatch, url, "district", "江汉区")
    assert not app.exception
    assert len(app.dataframe) == 1
    text, cells = page_strings(app)
    assert "测*" not in cells and "138****" not in text and not download_links(app)
    assert labels.RECONCILE_LEADER_NOTE in [info.value for info in app.info]


def test_resolving_through_the_form_is_audited(monkeypatch, url):
    app = run(monkeypatch, url, "street")
    queue = fetch_queue(get_engine(url), scope=Scope("street", AreaPath.parse(STREET)), area=AreaPath.parse(STREET))
    item = int(queue.loc[queue["phone"] == "13800000002", "item_id"].iloc[0])
    app.selectbox(key="reconcile_item").select(item)
    app.radio(key="reconcile_resolution").set_value("corrected")
    app.text_input(key="reconcile_note").input("姓名已按身份证更正")
    app.button(key="reconcile_submit").click().run()
    assert not app.exception
    assert app.success[0].value == labels.RECONCILE_SAVED.format(item=item, resolution="已更正")
    with get_engine(url).connect() as conn:
        audit = fetch_audit(conn).iloc[0]
    assert audit[["action", "area", "detail"]].tolist() == ["reconcile_resolve", f"{STREET}/环保社区",
                                                             f"item {item}:corrected"]  # fmt: skip


def test_the_registration_export_is_a_members_ledger_that_imports_again(monkeypatch, url):
    app = run(monkeypatch, url, "street")
    ((_, path),) = download_links(app)
    offer = downloads.claim(path.removeprefix(downloads.ROUTE), app.session_state["session_token"])
    content = offer.build(app.session_state["account"])
    (opened,) = open_ledgers(content, offer.file_name).ledgers
    assert opened.ledger.kind == "members"
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(rows) if row[:2] == ("姓名", "手机号") or row[:2] == ["姓名", "手机号"])
    header, body = rows[header_at], rows[header_at + 1 :]
    assert [row[:2] for row in body] == [["新来的", "13900000001"]]
    assert body[0][header.index("所在社区")] == f"{STREET}/环保社区" and body[0][header.index("流动类型")] is None
    # The clerk fills in 流动类型 and 报到日期, and imports it
    body[0][header.index("流动类型")], body[0][header.index("报到日期")] = "流入", "2026-11-24"
    (report,) = import_files(get_engine(url), [("登记.csv", lf.csv_bytes([header, *body]))], thresholds=Thresholds(),
                             at=datetime(2026, 11, 25, 9))  # fmt: skip
    assert (report.ledger, report.new, report.rejected) == ("members", 1, 0), report.rejections
    with get_engine(url).connect() as conn:
        assert fetch_audit(conn).iloc[0]["action"] == "export_registration"


def test_the_audit_page_words_a_resolution():
    from ui.audit import describe_detail

    assert describe_detail("reconcile_resolve", "item 12:not_ours") == "核查条目 #12：非本辖区"
    assert describe_detail("reconcile_resolve", "item 12:nonsense") == "item 12:nonsense"  # never hidden
    assert labels.AUDIT_ACTIONS["export_registration"] == "导出待登记名单"


def test_the_import_page_loads_an_outside_list_for_the_signed_in_clerk(monkeypatch, tmp_path):
    from sqlalchemy import select

    from data_access.reconcile import fetch_external_lists
    from data_access.schema import members_table

    url = f"sqlite:///{tmp_path / 'clerk.sqlite'}"
    engine = get_engine(url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    with engine.connect() as conn:
        before = conn.execute(select(members_table)).all()
    monkeypatch.setenv("DATABASE_URL", url)
    app = app_test("clerk")
    app.switch_page("pages/import.py")
    app.run()
    app.file_uploader[0].set_value([("公安.csv", lf.csv_bytes(LIST), "text/csv")]).run()
    next(b for b in app.button if b.label == labels.IMPORT_START).click().run()
    assert not app.exception
    with engine.connect() as conn:
        lists = fetch_external_lists(conn)
        assert conn.execute(select(members_table)).all() == before
    shown = lists[["file", "source", "rows", "account"]].values.tolist()
    assert shown == [["公安.csv", "公安流动人口", 3, "test-clerk"]]
