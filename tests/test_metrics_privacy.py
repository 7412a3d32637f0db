"""Masking: names keep first and last character, phones their first three and last four digits."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.privacy import mask_liaison, mask_member_frame, mask_name, mask_phone

ROLES = ("社区干部", "网格员", "楼栋长", "支委委员")


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三兵", "张*兵"),
        ("张三", "张*"),
        ("欧阳娜娜", "欧**娜"),
        ("爱新觉罗溥仪", "爱****仪"),
        ("张", "*"),
        (" 李四 ", "李*"),
        ("", ""),
        (None, None),
        (float("nan"), None),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("8613812345678", "861******5678"),
        ("1234567", "*******"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("liaison", "masked"),
    [
        ("网格员赵文涛", "网格员赵*涛"),
        ("社区干部李洋超", "社区干部李*超"),
        ("网格员甲", "网格员*"),
        ("楼栋长王芳", "楼栋长王*"),
        ("李四", "李*"),  # no role word: masked as a name
        ("网格员", "网格员"),  # a role alone names nobody
        (None, None),
    ],
)
def test_mask_liaison_keeps_the_role_and_masks_the_person(liaison, masked):
    assert mask_liaison(liaison, roles=ROLES) == masked


def test_mask_liaison_without_roles_masks_the_whole_text():
    assert mask_liaison("网格员赵文涛") == "网****涛"


def test_mask_member_frame_masks_a_copy_and_keeps_everything_else():
    frame = pd.DataFrame(
        {
            "member_id": [1, 2, 3],
            "name": ["张三兵", "李四", "王"],
            "phone": ["13812345678", "13900001111", None],
            "liaison": ["网格员赵文涛", None, "陈晨"],
            "community": ["环保社区", "世彩社区", "环保社区"],
        }
    )
    before = frame.copy()
    masked = mask_member_frame(frame, liaison_roles=ROLES)
    pd.testing.assert_frame_equal(frame, before)  # input untouched
    assert masked["name"].tolist() == ["张*兵", "李*", "*"]
    assert masked["phone"].tolist() == ["138****5678", "139****1111", None]
    assert masked["liaison"].tolist() == ["网格员赵*涛", None, "陈*"]
    assert masked["community"].tolist() == before["community"].tolist()
    assert masked["member_id"].tolist() == [1, 2, 3]
    cells = set(masked.astype(str).to_numpy().ravel())
    assert not cells & {"张三兵", "李四", "13812345678", "13900001111", "网格员赵文涛", "陈晨"}


def test_mask_member_frame_without_liaison_column_and_empty():
    masked = mask_member_frame(pd.DataFrame({"name": ["张三"], "phone": ["13812345678"]}))
    assert masked.to_dict("records") == [{"name": "张*", "phone": "138****5678"}]
    empty = mask_member_frame(pd.DataFrame({"name": [], "phone": [], "liaison": []}))
    assert empty.empty and list(empty.columns) == ["name", "phone", "liaison"]


def test_mask_member_frame_requires_name_and_phone():
    with pytest.raises(ValueError, match="phone"):
        mask_member_frame(pd.DataFrame({"name": ["张三"]}))
