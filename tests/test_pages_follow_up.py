"""Follow-up lists on the pages (AppTest): 联系情况 shows a street account how far its exported lists got (masked,
pending first) and shows a district account nothing of it; 区域下钻 offers the full-phone list only once a purpose
is chosen, and its link builds an audited workbook for the fetching account."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pytest
from app_support import app_test, download_links, page_strings
from openpyxl import load_workbook

import tiny_city
from data_access.accounts import fetch_audit
from data_access.areas import AreaPath
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from metrics.periods import Week
from metrics.thresholds import Thresholds
from services.accounts import Account
from services.follow_up import record_follow_up_list
from services.refresh import refresh_from_tables
from ui import downloads, labels
from ui.text import escape_markdown

WEEK = Week.parse("2026-W47")  # 11-16 to 11-22
STREET = "江汉区/北湖街道"

pytestmark = pytest.mark.usefixtures("clear_caches")


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    """The tiny city with member 9 contacted on 11-18, and two lists kept: 11-17 (1, 2, 3, 6, 8, 9) and 11-10 (8)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('follow_up') / 'tiny.sqlite'}"
    engine = get_engine(url)
    tables = tiny_city.tables()
    extra = dict(id=len(tables["contacts"]) + 1, member_id=9, contacted_on=date(2026, 11, 18), side="inflow_org",
                 method="phone", liaison=None)  # fmt: skip
    tables["contacts"] = pd.concat([tables["contacts"], pd.DataFrame([extra])], ignore_index=True)
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    account = Account("街道书记", "street", AreaPath.parse(STREET))
    for ids, at in (([1, 2, 3, 6, 8, 9], datetime(2026, 11, 17, 9)), ([8], datetime(2026, 11, 10, 9))):
        record_follow_up_list(engine, account, area=AreaPath.parse(STREET), week=WEEK.previous, kind="overdue",
                              member_ids=ids, now=at)  # fmt: skip
    return url


def run(monkeypatch, url, page, role, area=STREET):
    monkeypatch.setenv("DATABASE_URL", url)
    app = app_test(role, area)
    app.switch_page(page)
    app.session_state["view_week"] = str(WEEK)
    app.session_state["view_area"] = STREET
    return app.run()


def test_contacts_shows_a_street_account_its_lists_masked_and_pending_first(monkeypatch, url):
    app = run(monkeypatch, url, "pages/contacts.py", "street")
    assert not app.exception
    shown = {m.label: m.value for m in app.metric}
    # 7 days: 9 contacted, 6 departed, 1, 2, 3, 8 pending; 14 days: 8 contacted since the 11-10 list too
    assert shown[labels.FOLLOW_UP_METRIC[7]] == "20%" and shown[labels.FOLLOW_UP_METRIC[14]] == "40%"
    members = app.dataframe[-1].value
    states = members[labels.FOLLOW_UP_COLUMNS["state"]].tolist()
    assert states == ["尚未联系"] * 3 + ["已不在册", "已联系", "已联系"]
    assert members[labels.FOLLOW_UP_COLUMNS["name"]].tolist()[:3] == ["测*1", "测*2", "测*3"]
    by_community = app.dataframe[-3].value.set_index(labels.FOLLOW_UP_BY["community"])
    assert by_community.loc["环保社区", labels.FOLLOW_UP_COLUMNS["share"]] == "0%"
    assert by_community.loc["世彩社区", labels.FOLLOW_UP_COLUMNS["share"]] == "100%"
    text, cells = page_strings(app)
    assert "测试1" not in text and "13800000001" not in text and "测试1" not in cells


def test_contacts_shows_a_district_account_no_follow_up(monkeypatch, url):
    app = run(monkeypatch, url, "pages/contacts.py", "district", "江汉区")
    assert not app.exception
    assert labels.FOLLOW_UP_TITLE not in [h.value for h in app.header]
    assert not any(m.label in labels.FOLLOW_UP_METRIC.values() for m in app.metric)


def test_areas_offers_the_full_list_once_a_purpose_is_chosen(monkeypatch, url):
    app = run(monkeypatch, url, "pages/areas.py", "street")
    assert not app.exception
    assert [label for label, _ in download_links(app)].count(labels.AREAS_DOWNLOAD) == 4  # masked, each tab
    assert not any(label.startswith("导出完整名单") for label, _ in download_links(app))
    app.selectbox(key="full_purpose_overdue").select("home_visit").run()
    assert not app.exception
    full = [(label, path) for label, path in download_links(app) if label.startswith("导出完整名单")]
    assert [label for label, _ in full] == [labels.FOLLOW_UP_FULL_DOWNLOAD.format(purpose="入户走访")]
    offer = downloads.claim(full[0][1].removeprefix(downloads.ROUTE), app.session_state["session_token"])
    assert offer.file_name == f"北湖街道_超期未联系_{WEEK}_网格员填写.xlsx"
    sheet = load_workbook(io.BytesIO(offer.build(app.session_state["account"]))).active
    phones = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "13800000001" in phones  # full, for the grid worker
    with get_engine(url).connect() as conn:
        audit = fetch_audit(conn).iloc[0]
    assert audit[["action", "area", "detail"]].tolist() == ["export_full", STREET, "overdue:home_visit"]


def test_the_stale_record_list_exports_masked_and_audited_but_is_no_follow_up_list(monkeypatch, url):
    from data_access.follow_up import fetch_follow_up_lists

    app = run(monkeypatch, url, "pages/areas.py", "street")
    assert not app.exception
    stale = app.tabs[3]
    # W47 (E = 11-22): nobody of the tiny city has a 核实日期; registered 90 days or more before: 1, 2, 3, 8, 9
    # (01-01), then 4 (08-07)
    assert stale.label == labels.AREAS_LIST_TAB.format(title=labels.AREAS_LIST_TITLES["stale_record"], count=6)
    days = stale.dataframe[0].value[labels.STALE_LIST_COLUMNS["days_since_verified"]].tolist()
    assert days == [(WEEK.end - date(2026, 1, 1)).days] * 5 + [(WEEK.end - date(2026, 8, 7)).days]
    links = [path for label, path in download_links(app) if label == labels.AREAS_DOWNLOAD]
    offer = downloads.claim(links[3].removeprefix(downloads.ROUTE), app.session_state["session_token"])
    assert offer.file_name == labels.AREAS_EXPORT_FILE.format(area="北湖街道", title="一人一档待更新", week=WEEK)
    with get_engine(url).connect() as conn:
        kept = len(fetch_follow_up_lists(conn))
    rows = [row for row in load_workbook(io.BytesIO(offer.build(app.session_state["account"]))).active.values]
    assert tuple(labels.STALE_LIST_COLUMNS.values()) in rows
    assert not any("测试1" in str(cell) or "13800000001" in str(cell) for row in rows for cell in row)
    with get_engine(url).connect() as conn:
        audit = fetch_audit(conn).iloc[0]
        assert len(fetch_follow_up_lists(conn)) == kept  # not a to-do list of contacts
    assert audit[["action", "area", "detail", "rows"]].tolist() == ["export", STREET, "stale_record", 6]


def test_the_audit_page_words_a_full_export_with_its_purpose():
    from ui.audit import describe_detail

    assert describe_detail("export_full", "lost_contact:phone_call") == "失联风险名单（完整手机号，用途：电话联系）"
    assert describe_detail("export_full", "lost_contact:nonsense") == "lost_contact:nonsense"  # never hidden
    assert labels.AUDIT_ACTIONS["export_full"] == "导出完整名单"


def test_the_review_s_headline_line():
    from metrics.follow_up import Closure
    from ui.follow_up import closure_headline

    assert closure_headline(Closure(members=8, contacted=5, departed=0, pending=3, lists=1)) == "上周名单已联系 62%"
    assert closure_headline(Closure()) == "上周没有导出超期或失联名单"
    assert closure_headline(Closure(members=1, departed=1, lists=1, closed_lists=1)) == "上周名单已联系 —"
    assert closure_headline(Closure(members=2, contacted=2, lists=1, closed_lists=1), 14) == "近两周名单已联系 100%"


def test_the_import_page_says_unfilled_rows_apart_from_mistakes(monkeypatch, sqlite_url):
    from data_access.members import fetch_member_list
    from metrics.member_lists import compute_member_list, select_member_list
    from ui.follow_up import build_grid_worker_workbook
    from ui.widgets import View

    engine = get_engine(sqlite_url)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    street = AreaPath.parse(STREET)
    with engine.connect() as conn:
        fetched = fetch_member_list(conn, scope=Account("x", "street", street).scope, area=street, end=WEEK.end)
    overdue = select_member_list(compute_member_list(fetched, end=WEEK.end, overdue_days=30, lost_contact_days=90),
                                 "overdue")  # fmt: skip
    view = View(week=WEEK, area=street, data_version="1", synthetic=False, scope=Account("x", "street", street).scope)
    workbook = load_workbook(io.BytesIO(build_grid_worker_workbook(view, "overdue", "phone_call", overdue,
                                                                   now=datetime(2026, 11, 23, 9))))  # fmt: skip
    sheet = workbook.active
    first = next(r for r in range(1, 11) if sheet.cell(row=r, column=1).value == "手机号") + 1
    sheet.cell(row=first, column=2, value="2026-11-24")
    sheet.cell(row=first, column=3, value="流入地党组织")
    buffer = io.BytesIO()
    workbook.save(buffer)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = app_test("clerk")
    app.switch_page("pages/import.py")
    app = app.run()
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    app = app.file_uploader[0].set_value([("名单.xlsx", buffer.getvalue(), mime)]).run()
    app = next(b for b in app.button if b.label == labels.IMPORT_START).click().run()
    assert not app.exception
    note = labels.IMPORT_UNFILLED_OF.format(file="名单.xlsx", unfilled=3)
    assert escape_markdown(note) in [i.value for i in app.info]
    assert not app.subheader  # no 被拒绝的行 table: nothing went wrong
    assert any(escape_markdown(labels.IMPORT_UNFILLED.format(unfilled=3)) in m.value for m in app.markdown)


def test_the_review_s_line_for_a_view(monkeypatch, url):
    from data_access.areas import Scope
    from ui.follow_up import headline_for
    from ui.widgets import View

    monkeypatch.setenv("DATABASE_URL", url)
    district = Scope("district", AreaPath(("江汉区",)))  # no personal data in it: any account holding the area
    view = View(week=WEEK, area=AreaPath.parse(STREET), data_version="1", synthetic=False, scope=district)
    assert headline_for(view) == "上周名单已联系 20%"
    assert headline_for(view, 14) == "近两周名单已联系 40%"
