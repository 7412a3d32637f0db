"""Masking personal data (PRODUCT.md "Privacy"): names as 张*兵, phones as 138****5678.

Applied to member frames before they are cached or shown, so an unmasked name or phone never
reaches the dashboard. Pure functions; the role words a liaison may carry are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from metrics import columns as c
from metrics.indicators import require_columns
from metrics.member_lists import PHONE

MASK = "*"
PHONE_HEAD, PHONE_TAIL = 3, 4  # 138****5678


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


def mask_name(name: object) -> str | None:
    """张三兵 -> 张*兵 (first and last kept), 张三 -> 张*, 欧阳娜娜 -> 欧**娜; one character -> *; None stays None."""
    if _missing(name):
        return None
    text = str(name).strip()
    if len(text) <= 1:
        return MASK if text else ""
    if len(text) == 2:
        return text[0] + MASK
    return text[0] + MASK * (len(text) - 2) + text[-1]


def mask_phone(phone: object) -> str | None:
    """13812345678 -> 138****5678: first three and last four digits kept; a shorter number is masked whole."""
    if _missing(phone):
        return None
    text = str(phone).strip()
    if len(text) <= PHONE_HEAD + PHONE_TAIL:
        return MASK * len(text)
    return text[:PHONE_HEAD] + MASK * (len(text) - PHONE_HEAD - PHONE_TAIL) + text[-PHONE_TAIL:]


def mask_liaison(liaison: object, *, roles: Sequence[str] = ()) -> str | None:
    """A liaison is a person: 网格员赵文涛 -> 网格员赵*涛 (a leading role word in `roles` is kept, the name masked)."""
    if _missing(liaison):
        return None
    text = str(liaison).strip()
    if text in roles:  # a role alone names nobody
        return text
    for role in sorted(roles, key=len, reverse=True):
        if text.startswith(role) and len(text) > len(role):
            return role + mask_name(text[len(role) :])
    return mask_name(text)


def _masked(values: pd.Series, mask: Callable[[object], str | None]) -> pd.Series:
    """`mask` applied to each value, as an object column whose missing values are None."""
    return pd.Series([mask(value) for value in values], index=values.index, dtype=object)


def mask_member_frame(frame: pd.DataFrame, *, liaison_roles: Sequence[str] = ()) -> pd.DataFrame:
    """A copy of a member frame with name, phone and liaison masked (the columns present; name and phone required)."""
    require_columns(frame, (c.NAME, PHONE), "members")
    masked = {c.NAME: _masked(frame[c.NAME], mask_name), PHONE: _masked(frame[PHONE], mask_phone)}
    if c.LIAISON in frame.columns:
        masked[c.LIAISON] = _masked(frame[c.LIAISON], lambda value: mask_liaison(value, roles=liaison_roles))
    return frame.assign(**masked)
