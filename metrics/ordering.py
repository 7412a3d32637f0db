"""The order Chinese readers look names up in: by pinyin, not by code point (东西湖区, 江汉区, 武昌区, 新洲区;
code points give 东西湖区, 新洲区, 武昌区, 江汉区)."""

from __future__ import annotations

import re

import pandas as pd

_HAN_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")
_SYLLABLE = re.compile(r"([a-zü]+)([1-5])")
_OTHER = re.compile(r"\d+|\D")

NameKey = tuple[tuple[tuple[tuple[int, str, int], ...], str], ...]


def _part_key(name: str) -> tuple[tuple[tuple[int, str, int], ...], str]:
    """Syllable by syllable (letters, then tone 1-5), read as words are read (长春 chang, 重庆 chong); digits by
    their value before any syllable, other signs after; the name itself last, between homophones."""
    # Here, not at the top: its phrase dictionary takes 0.4 s to load, which `cli.py report` need not wait for
    from pypinyin import Style, lazy_pinyin

    tokens: list[tuple[int, str, int]] = []
    for index, run in enumerate(_HAN_RUN.split(name)):
        if index % 2:  # a run of Chinese characters
            for syllable in lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True, v_to_u=True):
                found = _SYLLABLE.fullmatch(syllable)
                tokens.append((1, found[1], int(found[2])) if found else (2, syllable, 0))
        else:
            for piece in _OTHER.findall(run):
                tokens.append((0, "", int(piece)) if piece.isdigit() else (2, piece.casefold(), 0))
    return tuple(tokens), name


def pinyin_key(name: object) -> NameKey:
    """The sort key of a name or an area path (区/街道/社区), which sorts part by part, each area before the
    areas inside it: sorted(names, key=pinyin_key)."""
    return tuple(_part_key(part) for part in str(name).split("/"))


def sort_by_pinyin(frame: pd.DataFrame, columns: str | list[str]) -> pd.DataFrame:
    """`frame`'s rows in pinyin order of `columns` (names or paths; the first decides, then the next); the
    index is kept, and rows that tie keep their order."""
    names = [columns] if isinstance(columns, str) else list(columns)
    keys = list(zip(*(frame[name].map(pinyin_key) for name in names), strict=True)) if len(frame) else []
    return frame.iloc[sorted(range(len(keys)), key=keys.__getitem__)]
