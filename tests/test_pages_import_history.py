"""The 数据导入 page's history (AppTest, issue 17 §1): the imports listed newest first, what a members ledger
changed with its masked lists, and a complete roster's 不在本次台账 marked only after the clerk confirms."""

from __future__ import annotations

import ledger_files as lf
import pytest
from app_support import app_test, download_links
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access.engine import get_engine
from data_access.schema import members_table
from ui import labels

pytestmark = pytest.mark.usefixtures("clear_caches")
HEADER = ["姓名", "手机号", "流动类型", "所在社区", "报到日期", "联系人", "状态"]
ZHANG = ["张三丰", "13800000001", "流入", "环保社区", "2026-01-05", "网格员甲", ""]
ZHAO = ["赵六", "13800000004", "流入", "环保社区", "2026-02-01", "", ""]


def page(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    app = app_test("clerk")
    app.switch_page("pages/import.py")
    return app.run()


def load(app: AppTest, files: dict[str, list[list[object]]], *, complete: bool = False) -> AppTest:
    app = app.file_uploader[0].set_value([(n, lf.csv_bytes(rows), "text/csv") for n, rows in files.items()]).run()
    box = next(b for b in app.checkbox if b.label == labels.IMPORT_COMPLETE)
    app = (box.check() if complete else box.uncheck()).run()
    return next(b for b in app.button if b.label == labels.IMPORT_START).click().run()


def status_of(url: str, phone: str) -> str:
    with get_engine(url).connect() as conn:
        return conn.execute(select(members_table.c.status).where(members_table.c.phone == phone)).scalar_one()


def test_a_complete_roster_marks_the_members_it_leaves_out_only_when_confirmed(monkeypatch, sqlite_url):
    app = load(page(monkeypatch, sqlite_url), {"区划.csv": lf.AREAS, "台账.csv": [HEADER, ZHANG, ZHAO]})
    assert not app.exception
    assert any(labels.IMPORT_CHANGES_SUMMARY.format(new=2, status=0, moved=0) == m.value for m in app.markdown)
    assert any(label.startswith("下载新增党员名单（2 人") for label, _ in download_links(app))

    app = load(app, {"台账.csv": [HEADER, ZHANG]}, complete=True)
    assert not app.exception
    assert [w.value for w in app.warning] == [labels.IMPORT_NOT_LISTED.format(count=1)]
    listed = [labels.IMPORT_CHANGE_COLUMNS[name] for name in ("name", "phone", "community_path")]
    [table] = [t.value for t in app.dataframe if list(t.value.columns) == listed]  # the previews have more
    assert list(table[labels.IMPORT_CHANGE_COLUMNS["phone"]]) == ["138****0004"]  # masked
    assert list(table[labels.IMPORT_CHANGE_COLUMNS["name"]]) == ["赵*"]

    submit = next(b for b in app.button if b.label == labels.IMPORT_NOT_LISTED_BUTTON)
    app = submit.click().run()  # not confirmed: nobody changes
    assert status_of(sqlite_url, "13800000004") == "active"

    app.radio[0].set_value("transferred")
    confirm = next(b for b in app.checkbox if b.label == labels.IMPORT_NOT_LISTED_CONFIRM.format(count=1))
    confirm.check()
    app = next(b for b in app.button if b.label == labels.IMPORT_NOT_LISTED_BUTTON).click().run()
    assert not app.exception
    assert status_of(sqlite_url, "13800000004") == "transferred"
    assert status_of(sqlite_url, "13800000001") == "active"
    assert [s.value for s in app.success] == [
        labels.IMPORT_NOT_LISTED_DONE.format(count=1, status="已转出"),
        labels.IMPORT_NOT_LISTED_NONE,  # 赵六 is no longer active
    ]
    assert not app.warning

    history = next(t.value for t in app.dataframe if labels.IMPORT_HISTORY_COLUMNS["at"] in t.value.columns)
    columns = labels.IMPORT_HISTORY_COLUMNS
    assert list(history[columns["file"]]) == ["台账.csv", "台账.csv", "区划.csv"]  # newest first
    assert list(history[columns["account"]]) == ["test-clerk"] * 3
    assert list(history[columns["complete"]]) == [labels.YES, "", ""]
    assert list(history[columns["ledger"]]) == ["流动党员台账", "流动党员台账", "区划"]


def test_a_complete_roster_with_rejected_rows_warns_before_anyone_is_marked(monkeypatch, sqlite_url):
    app = load(page(monkeypatch, sqlite_url), {"区划.csv": lf.AREAS, "台账.csv": [HEADER, ZHANG, ZHAO]})
    mistyped = ["赵六", "1380000004", "流入", "环保社区", "2026-02-01", "", ""]  # a digit short: rejected
    app = load(app, {"台账.csv": [HEADER, ZHANG, mistyped]}, complete=True)
    assert not app.exception
    assert [w.value for w in app.warning] == [labels.IMPORT_NOT_LISTED.format(count=1)]  # 赵六, behind the typo
    assert labels.IMPORT_NOT_LISTED_REJECTED.format(count=1) in [e.value for e in app.error]
    history = next(t.value for t in app.dataframe if labels.IMPORT_HISTORY_COLUMNS["at"] in t.value.columns)
    assert len(history) == 3  # listed after the import it just ran, this one included
