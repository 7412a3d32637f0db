"""Crafted files cost their uploader an error message, never the server: each is refused, with its reason,
in this process (a reader that aborted here would take pytest with it), and a child that runs out of memory,
aborts or overruns while vetting an upload is an error too."""

from __future__ import annotations

import io
import string
import time

import ledger_files as lf
import pytest

from ledgers import limits
from ledgers.errors import LedgerFileError
from ledgers.reading import open_ledger, open_ledgers
from ledgers.sandbox import run_limited, vet

HEADER = "".join(lf.text_cell(f"{column}1", header) for column, header in zip("ABCD", lf.CONTACTS[0], strict=True))


def sheet_with(reference: str) -> bytes:
    """A contacts header in row 1 and one more cell, at `reference`, in its row: about 1.6 KB."""
    row = reference.lstrip(string.ascii_uppercase)
    cell = lf.text_cell(reference, "x")
    return lf.raw_xlsx(f'<row r="1">{HEADER}</row><row r="{row}">{cell}</row>', dimension="A1:XFD1048576")


def refusal(data: bytes, name: str = "bomb.xlsx") -> LedgerFileError:
    with pytest.raises(LedgerFileError) as refused:
        opened = open_ledgers(data, name)
        for ledger_file in opened.ledgers:  # a refusal may come with a later chunk
            for _ in ledger_file.chunks:
                pass
    return refused.value


@pytest.mark.parametrize(
    "data",
    [
        lf.raw_xlsx('<row r="1048576">' + lf.text_cell("XFD1048576", "x") + "</row>", dimension="A1:XFD1048576"),
        sheet_with("XFD1048576"),  # with A1: calamine would size a 512 GiB range and abort
    ],
    ids=["alone", "with-a1"],
)
def test_a_cell_at_the_last_column_and_row_is_refused_before_a_reader_sees_it(data):
    assert len(data) < 2_500
    error = refusal(data)
    assert (error.code, error.name, error.detail) == ("too_many_columns", "bomb.xlsx", "16,384")


def test_two_cells_far_apart_are_refused_by_the_range_they_would_span():
    error = refusal(sheet_with("GR1048576"))  # column 200, the last row
    assert (error.code, error.detail) == ("too_many_cells", f"{200 * 1_048_576:,}")


def test_a_row_past_excels_last_is_refused():
    error = refusal(sheet_with("A1048577"))
    assert (error.code, error.detail) == ("too_many_rows", "1,048,577")


@pytest.mark.parametrize(
    "cells",
    [
        "<row>" + '<c t="inlineStr"><is><t>x</t></is></c>' * 201 + "</row>",  # no r: placed one after another
        '<row r="2"><x:c r="XFD2" t="inlineStr" xmlns:x="urn:x"><x:is><x:t>x</x:t></x:is></x:c></row>',
        '<row r="2"><c x=">" r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>',  # ">" may stand in quotes
        '<row r="2"><c s="0" r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>',
        '<row r="2">' + lf.text_cell("xfd2", "x") + "</row>",
    ],
    ids=["without-r", "prefixed", "quoted-angle", "r-not-first", "lower-case"],
)
def test_cells_written_unusually_are_placed_as_calamine_places_them(cells):
    error = refusal(lf.raw_xlsx(f'<row r="1">{HEADER}</row>{cells}'))
    assert error.code == "too_many_columns"


def test_a_self_closing_cell_far_away_holds_nothing_and_costs_nothing():
    data = lf.raw_xlsx(f'<row r="1">{HEADER}</row><row r="2"><c r="XFD1048576" s="1"/></row>')
    assert open_ledger(data, "x.xlsx").ledger.kind == "contacts"


def test_a_zip_bomb_of_three_million_rows_is_refused_from_its_directory():
    data = lf.raw_xlsx(b"<row><c><v>1</v></c></row>" * 3_000_000, dimension="A1:A3000000")
    assert len(data) < 500_000
    error = refusal(data)
    assert error.code == "zip_bomb" and int(error.detail.replace(",", "")) > limits.MAX_COMPRESSION_RATIO


def test_a_workbook_past_the_inflated_size_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_UNCOMPRESSED_BYTES", 1_000)
    assert refusal(lf.xlsx_bytes(lf.CONTACTS)).code == "too_large"


def test_a_sheet_is_read_in_chunks_with_excels_row_numbers(monkeypatch):
    monkeypatch.setattr("ledgers.reading.CHUNK_ROWS", 2)
    rows = [[None, None, None], [None, *lf.CONTACTS[0]], *([None, *row] for row in lf.CONTACTS[1:])]  # from B2
    chunks = list(open_ledger(lf.xlsx_bytes(rows), "x.xlsx").chunks)
    assert [list(chunk.index) for chunk in chunks] == [[3, 4], [5]]
    assert list(chunks[0]["手机号"]) == ["13800000001", "13800000001"]


def test_a_csv_with_a_million_columns_is_refused_before_it_is_parsed():
    data = ",".join(f"c{i}" for i in range(1_000_000)).encode() + b"\n1\n"
    error = refusal(data, "wide.csv")
    assert error.code == "too_many_columns" and int(error.detail.replace(",", "")) > limits.MAX_COLUMNS


def test_a_csv_line_longer_than_a_block_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 1 << 20)
    row = "13800000001,2026-11-10,流入地党组织,电话\n".encode()
    long_row = b"13800000001,2026-11-10," + b"x" * (2 << 20) + ",电话\n".encode()
    data = lf.csv_bytes(lf.CONTACTS) + row * 20 + long_row + row * 60_000
    assert refusal(data, "long.csv").code == "line_too_long"


@pytest.mark.parametrize("tail", [b"", b"13800000001\n"], ids=["arrow", "pandas"])  # a short row: pandas reads it
def test_a_csv_past_the_row_limit_is_refused(monkeypatch, tail):
    monkeypatch.setattr(limits, "MAX_CSV_ROWS", 4)
    error = refusal(lf.csv_bytes(lf.CONTACTS + lf.CONTACTS[1:]) + tail, "many.csv")
    assert error.code == "too_many_rows"


def test_a_huge_field_among_the_top_rows_is_unreadable_not_a_crash():
    data = lf.csv_bytes(lf.CONTACTS) + b"1," + b"x" * 200_000 + b",a,b\n"
    assert refusal(data, "field.csv").code == "unreadable"


def test_vetting_reads_the_upload_in_a_child_and_sends_back_its_first_rows():
    vetted = vet(lf.csv_bytes(lf.MEMBERS), "台账.csv")
    [preview] = vetted.ledgers
    assert (preview.name, preview.ledger.kind, preview.rows) == ("台账.csv", "members", 3)
    assert list(preview.head.index) == [2, 3, 4] and list(preview.head["姓名"]) == ["张三", "李四", "王五"]


def test_vetting_passes_the_readers_refusal_on():
    error = pytest.raises(LedgerFileError, vet, sheet_with("XFD1048576"), "bomb.xlsx").value
    assert (error.code, error.name) == ("too_many_columns", "bomb.xlsx")


def hog(content: bytes, name: str) -> dict:
    """In a child: ask for more memory than it may have."""
    return {"held": len(bytearray(4 << 30))}


def calamine_unchecked(content: bytes, name: str) -> dict:
    """In a child: what the reader did before, calamine on a crafted workbook with no check first."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {"rows": workbook.get_sheet_by_name(workbook.sheet_names[0]).height}


def dawdle(content: bytes, name: str) -> dict:
    time.sleep(60)
    return {}


def test_a_child_past_its_memory_limit_is_an_error_not_a_crash():
    error = pytest.raises(LedgerFileError, run_limited, f"{__name__}:hog", b"", "big.xlsx", memory_bytes=1 << 30).value
    assert (error.code, error.name) == ("out_of_memory", "big.xlsx")


def test_calamine_aborting_in_a_child_is_an_error_not_a_crash():
    bomb = sheet_with("XFD1048576")
    error = pytest.raises(LedgerFileError, run_limited, f"{__name__}:calamine_unchecked", bomb, "bomb.xlsx").value
    assert error.code == "out_of_memory" and error.detail.startswith("exit -")  # killed by a signal: SIGABRT


def test_a_child_past_its_time_is_stopped():
    error = pytest.raises(LedgerFileError, run_limited, f"{__name__}:dawdle", b"", "slow.csv", timeout_seconds=2).value
    assert (error.code, error.detail) == ("timeout", "2")
