"""The 审计日志 page's table: the trail's stored codes in the words a reader uses."""

from __future__ import annotations

import re

import pandas as pd

from ui import labels

_REVEALED_MEMBER = re.compile(r"member (\d+)")  # ui/areas.py writes a reveal's detail so
_IMPORT_LIST = re.compile(r"import (\d+):(\w+)")  # and ui/history.py an import's list
_RESOLVED_ITEM = re.compile(r"item (\d+):(\w+)")  # services/reconcile.py writes a resolution's detail so


def describe_detail(action: str, detail: str) -> str:
    """A row's 说明: 党员编号 254 for a reveal, 超期未联系名单 for an export (with its purpose for a full one); blank
    for none."""
    if action == "reveal" and (found := _REVEALED_MEMBER.fullmatch(detail or "")):
        return labels.AUDIT_REVEALED_MEMBER.format(member=found.group(1))
    if action == "export" and (found := _IMPORT_LIST.fullmatch(detail or "")):
        title = labels.IMPORT_CHANGE_LISTS.get(found.group(2), "")
        return labels.AUDIT_IMPORT_LIST.format(import_id=found.group(1), title=title)
    if action == "reconcile_resolve" and (found := _RESOLVED_ITEM.fullmatch(detail or "")):
        item, resolution = found.groups()
        if resolution in labels.RECONCILE_RESOLUTIONS:
            return labels.AUDIT_RESOLVED_ITEM.format(item=item, resolution=labels.RECONCILE_RESOLUTIONS[resolution])
    if action == "export" and detail in labels.AREAS_LIST_TITLES:
        return labels.AREAS_EXPORT_TITLE.format(title=labels.AREAS_LIST_TITLES[detail])
    kind, _, purpose = (detail or "").partition(":")  # ui/follow_up.py writes a full export's detail so
    if action == "export_full" and kind in labels.AREAS_LIST_TITLES and purpose in labels.FOLLOW_UP_PURPOSES:
        return labels.AUDIT_FULL_EXPORT.format(title=labels.AREAS_LIST_TITLES[kind],
                                               purpose=labels.FOLLOW_UP_PURPOSES[purpose])  # fmt: skip
    return detail or ""


def build_audit_table(log: pd.DataFrame) -> pd.DataFrame:
    """The trail for display: Chinese headers, actions and details in words, the city's own rows as 武汉市."""
    details = [describe_detail(action, detail) for action, detail in zip(log["action"], log["detail"], strict=True)]
    return log.assign(
        action=log["action"].map(labels.AUDIT_ACTIONS).fillna(log["action"]),
        area=log["area"].replace("", labels.CITY).fillna(labels.CITY),
        detail=details,
    ).rename(columns=labels.AUDIT_COLUMNS)
