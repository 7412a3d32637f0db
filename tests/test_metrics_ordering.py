"""Names in the order Chinese readers look them up: by pinyin (pypinyin), syllable by syllable."""

from __future__ import annotations

import pandas as pd

from metrics.ordering import pinyin_key, sort_by_pinyin


def test_districts_sort_by_pinyin_not_by_code_point():
    names = ["武昌区", "东西湖区", "新洲区", "江汉区"]
    assert sorted(names) == ["东西湖区", "新洲区", "武昌区", "江汉区"]  # code points: what the lists showed
    assert sorted(names, key=pinyin_key) == ["东西湖区", "江汉区", "武昌区", "新洲区"]


def test_syllables_then_tones_words_read_as_words_and_numbers_by_value():
    assert sorted(["江夏区", "江岸区", "江汉区"], key=pinyin_key) == ["江岸区", "江汉区", "江夏区"]  # an, han, xia
    assert sorted(["汉阳区", "汉南区", "黄陂区", "洪山区"], key=pinyin_key) == ["汉南区", "汉阳区", "洪山区", "黄陂区"]
    assert sorted(["重庆街道", "长春街道", "成功街道"], key=pinyin_key) == ["长春街道", "成功街道", "重庆街道"]
    assert sorted(["卢沟社区", "绿地社区", "鲁巷社区"], key=pinyin_key) == ["卢沟社区", "鲁巷社区", "绿地社区"]
    assert sorted(["第12网格", "第2网格"], key=pinyin_key) == ["第2网格", "第12网格"]


def test_a_path_sorts_part_by_part_each_area_before_those_inside_it():
    paths = ["江汉区/唐家墩街道", "武昌区", "江汉区/北湖街道/环保社区", "江汉区", "东西湖区/将军路街道"]
    paths.append("江汉区/北湖街道")
    assert sorted(paths, key=pinyin_key) == [
        "东西湖区/将军路街道",
        "江汉区",
        "江汉区/北湖街道",
        "江汉区/北湖街道/环保社区",
        "江汉区/唐家墩街道",
        "武昌区",
    ]


def test_a_frame_sorts_by_its_columns_keeping_index_and_ties():
    frame = pd.DataFrame(
        {"path": ["武昌区", "江汉区", "江汉区", "东西湖区"], "name": ["乙", "站", "阿", "丙"]}, index=[7, 8, 9, 6]
    )
    assert sort_by_pinyin(frame, "path").index.tolist() == [6, 8, 9, 7]  # the two 江汉区 rows keep their order
    assert sort_by_pinyin(frame, ["path", "name"]).index.tolist() == [6, 9, 8, 7]
    assert sort_by_pinyin(frame.iloc[0:0], "path").empty
