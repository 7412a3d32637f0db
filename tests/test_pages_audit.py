"""审计日志 (AppTest): the trail reads in Chinese, its stored codes never on screen."""

from __future__ import annotations

from datetime import datetime

import pytest
from app_support import open_page, page_strings

from data_access.areas import AreaPath
from data_access.engine import get_engine
from services.accounts import Account, record_audit
from ui import labels

pytestmark = pytest.mark.usefixtures("clear_caches")


def test_the_trail_s_details_are_in_words(monkeypatch, sqlite_url):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    engine = get_engine(sqlite_url)
    clerk = Account("张三", "community", AreaPath.parse("江汉区/北湖街道/环保社区"))
    at = datetime(2026, 11, 24, 9, 0)
    record_audit(engine, clerk, action="reveal", area=clerk.area, rows=1, now=at, detail="member 254")
    record_audit(engine, clerk, action="export", area=clerk.area, rows=12, now=at, detail="overdue")
    app = open_page("pages/audit.py")
    assert not app.exception
    table = app.dataframe[0].value
    shown = dict(zip(table[labels.AUDIT_COLUMNS["action"]], table[labels.AUDIT_COLUMNS["detail"]], strict=True))
    assert shown == {"查看完整信息": "党员编号 254", "导出名单": "超期未联系名单"}
    _, cells = page_strings(app)
    assert not cells & {"member 254", "overdue", "reveal", "export"}
