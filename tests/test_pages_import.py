"""The 数据导入 page on the sample city (AppTest): only a city account replaces it, naming the first real
administrator, and a batch without 区划 is refused before anything is deleted."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date, datetime

import ledger_files as lf
import pytest
from app_support import app_test, streamlit_english
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

import ui.data
from data_access.accounts import fetch_accounts
from data_access.areas import AreaPath
from data_access.engine import dispose_engine, get_engine
from data_access.lookups import fetch_meta
from data_access.schema import members_table
from metrics.thresholds import Thresholds
from services import accounts
from services.accounts import DEMO_ACCOUNTS
from services.sample import build_sample
from ui import labels
from ui.text import escape_markdown

pytestmark = pytest.mark.usefixtures("clear_caches")
DEMO_NAMES = [name for name, _, _ in DEMO_ACCOUNTS]


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory) -> str:
    """The demo city on SQLite, built once; each test works on its own copy (replacing the sample changes it)."""
    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    url = f"sqlite:///{path}"
    build_sample(get_engine(url), seed=2, until=date(2026, 11, 22), size="demo", thresholds=Thresholds())
    dispose_engine(url)  # closing checkpoints SQLite's write-ahead log into the file that is copied
    return str(path)


@pytest.fixture
def sample_url(sample_file, tmp_path) -> str:
    copy = tmp_path / "sample.sqlite"
    shutil.copy(sample_file, copy)
    return f"sqlite:///{copy}"


def import_page(monkeypatch, url: str, role: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    app = app_test(role)
    app.switch_page("pages/import.py")
    return app.run()


def upload(app: AppTest, *names: str) -> AppTest:
    files = [(name, lf.csv_bytes(lf.ALL[name]), "text/csv") for name in names]
    return app.file_uploader[0].set_value(files).run()


def replace_with_admin(app: AppTest, name: str, password: str, again: str) -> AppTest:
    app = app.checkbox[0].check().run()
    app.text_input(key="first_admin_name").input(name)
    app.text_input(key="first_admin_password").input(password)
    app.text_input(key="first_admin_password_again").input(again)
    return start(app)


def start(app: AppTest) -> AppTest:
    return next(b for b in app.button if b.label == labels.IMPORT_START).click().run()


def state(url: str) -> tuple[str | None, dict[str, bool], int]:
    """The data kind, the accounts (name → demo) and the member count."""
    with get_engine(url).connect() as conn:
        kind = fetch_meta(conn).get("data_kind")
        names = {a["name"]: a["demo"] for a in fetch_accounts(conn)}
        members = conn.execute(select(func.count()).select_from(members_table)).scalar_one()
    return kind, names, members


def test_a_clerk_on_the_sample_is_told_a_city_administrator_must_replace_it(monkeypatch, sample_url):
    app = import_page(monkeypatch, sample_url, "clerk")
    assert not app.exception
    assert labels.IMPORT_REPLACE_CITY_ONLY in [i.value for i in app.info]
    assert not app.checkbox and not app.file_uploader  # nothing to tick, nothing to upload into the sample
    assert state(sample_url)[0] == "synthetic"


def test_the_city_replaces_the_sample_with_the_first_administrator_and_continues_as_them(monkeypatch, sample_url):
    app = upload(import_page(monkeypatch, sample_url, "city"), "区划.csv", "台账.csv")
    app = replace_with_admin(app, "王管理员", "first-admin-pw", "first-admin-pw")
    assert not app.exception
    assert labels.IMPORT_ADMIN_SIGNED_IN.format(name="王管理员") in [s.value for s in app.success]
    kind, names, members = state(sample_url)
    assert kind == "real" and members == 3
    assert names == {"王管理员": False, "test-city": False}  # demo accounts gone, the new one there
    assert app.session_state["account"].name == "王管理员"
    signed_in = accounts.sign_in(get_engine(sample_url), "王管理员", "first-admin-pw", now=datetime(2026, 11, 23, 9),
                                 max_failures=3, lock_minutes=15)  # fmt: skip
    assert signed_in.role == "city" and signed_in.area == AreaPath()
    app = app.run()  # the next run is still signed in, now as the new administrator
    assert not app.exception
    assert any("王管理员" in c.value for c in app.sidebar.caption)


def test_the_start_button_waits_for_the_checkbox(monkeypatch, sample_url):
    app = upload(import_page(monkeypatch, sample_url, "city"), "区划.csv")
    assert next(b for b in app.button if b.label == labels.IMPORT_START).disabled
    assert state(sample_url)[1] == {**dict.fromkeys(DEMO_NAMES, True), "test-city": False}
    assert not app.text_input  # the administrator is asked for once the replacement is ticked
    app = app.checkbox[0].check().run()
    assert [t.label for t in app.text_input] == [
        labels.IMPORT_ADMIN_NAME,
        labels.IMPORT_ADMIN_PASSWORD,
        labels.IMPORT_ADMIN_PASSWORD_AGAIN,
    ]


def test_the_administrator_s_text_boxes_get_no_english_hint(monkeypatch, sample_url):
    """Outside a form Streamlit writes "Press Enter to apply" under a text box, in a form Enter submits "Press
    Enter to submit form": the boxes are in a form that Enter does not submit, with the start button."""
    app = upload(import_page(monkeypatch, sample_url, "city"), "区划.csv")
    app = app.checkbox[0].check().run()
    assert not app.exception
    assert len(app.text_input) == 3
    assert not streamlit_english(app)
    assert [b.label for b in app.button if b.label == labels.IMPORT_START] == [labels.IMPORT_START]  # just one


def test_the_uploader_is_worded_in_chinese_where_streamlit_lets_it(monkeypatch, sqlite_url):
    """Label and help; the drop zone's own words (Drag and drop files here, Upload) have no parameter."""
    app = import_page(monkeypatch, sqlite_url, "city")
    assert not app.exception
    uploader = app.file_uploader[0].proto
    assert (uploader.label, uploader.help) == (labels.IMPORT_UPLOAD, labels.IMPORT_UPLOAD_HELP)


def test_mismatched_passwords_change_nothing(monkeypatch, sample_url):
    app = import_page(monkeypatch, sample_url, "city")
    before = state(sample_url)
    app = replace_with_admin(upload(app, "区划.csv"), "王管理员", "first-admin-pw", "first-admin-px")
    assert not app.exception
    assert [e.value for e in app.error] == [labels.IMPORT_ADMIN_MISMATCH]
    assert state(sample_url) == before


def test_a_batch_without_areas_is_refused_before_the_sample_is_deleted(monkeypatch, sample_url):
    app = import_page(monkeypatch, sample_url, "city")
    before = state(sample_url)
    app = replace_with_admin(upload(app, "台账.csv"), "王管理员", "first-admin-pw", "first-admin-pw")
    assert not app.exception
    assert [e.value for e in app.error] == [labels.IMPORT_REFUSED["areas_needed"]]
    assert state(sample_url) == before and before[0] == "synthetic"
    assert app.session_state["account"].name == "test-city"


def test_an_empty_database_refuses_a_batch_without_areas(monkeypatch, sqlite_url):
    app = start(upload(import_page(monkeypatch, sqlite_url, "clerk"), "台账.csv"))
    assert not app.exception
    assert [e.value for e in app.error] == [labels.IMPORT_REFUSED["areas_needed"]]
    assert state(sqlite_url)[2] == 0


def test_an_uploaded_file_s_name_reaches_markdown_as_text(monkeypatch, sqlite_url):
    monkeypatch.setattr(ui.data, "SETTINGS", dataclasses.replace(ui.data.SETTINGS, upload_limit_mb=0))
    app = import_page(monkeypatch, sqlite_url, "clerk")
    name = "[请重新登录](http://evil.example) **台账**.csv"
    app = app.file_uploader[0].set_value([(name, lf.csv_bytes(lf.AREAS), "text/csv")]).run()
    assert not app.exception
    assert [e.value for e in app.error] == [labels.IMPORT_TOO_LARGE.format(file=escape_markdown(name), mb=0)]


def test_the_limits_are_said_and_a_crafted_workbook_costs_its_uploader_a_message(monkeypatch, sqlite_url):
    app = import_page(monkeypatch, sqlite_url, "clerk")
    assert any("1,048,576 行" in c.value and "200 列" in c.value for c in app.caption)  # before any upload
    header = lf.text_cell("A1", "手机号")
    bomb = lf.raw_xlsx(f'<row r="1">{header}</row><row r="1048576">{lf.text_cell("XFD1048576", "x")}</row>')
    app = app.file_uploader[0].set_value([("bomb.xlsx", bomb, "application/octet-stream")]).run()
    assert not app.exception
    [error] = [e.value for e in app.error]
    assert error.startswith("bomb") and "数据至少有 16,384 列，超过 200 列的上限" in error


def test_every_ledger_s_template_downloads_with_its_rules_the_demands_one_too(monkeypatch, sqlite_url):
    import io

    import streamlit.testing.v1.app_test as app_test_module
    from openpyxl import load_workbook

    from ledgers import formats as f

    stores = []

    class KeptStorage(app_test_module.MemoryMediaFileStorage):  # the run's media, kept to read the downloads
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", KeptStorage)
    app = import_page(monkeypatch, sqlite_url, "city")
    assert not app.exception
    buttons = {button.proto.label: button.proto.url for button in app.get("download_button")}
    assert list(buttons) == [ledger.title for ledger in f.LEDGERS]
    content = stores[-1].get_file(buttons[f.DEMANDS.title].rsplit("/", 1)[-1]).content
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [f.DEMANDS.title, f.TEMPLATE_NOTES]
    assert [cell.value for cell in workbook[f.DEMANDS.title][1]] == list(f.DEMANDS.headers)
    notes = {row[0]: row[2] for row in workbook[f.TEMPLATE_NOTES].iter_rows(min_row=2, values_only=True)}
    assert "已办结" in notes["办结日期"] and "已受理" in notes["状态"]
