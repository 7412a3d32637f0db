"""Writing ledgers back out: codes to the words users write, fields to Chinese headers; formula-safe cells."""

from __future__ import annotations

import io

import pandas as pd

from ledgers import formats as f
from ledgers.formats import Ledger

_FORMULA_START = ("=", "+", "-", "@")
_SERVICE_WORDS = {code: word for word, code in f.SERVICES.items()}


def to_ledger_frame(ledger: Ledger, rows: pd.DataFrame) -> pd.DataFrame:
    """Rows named by field (as data_access exports them) as the ledger's columns, in the users' words."""
    out = {}
    for column in ledger.columns:
        values = rows[column.field] if column.field in rows.columns else pd.Series(None, index=rows.index)
        if column.kind == "choice":
            values = values.map(column.words.get)
        elif column.kind == "category":  # a known code as its word, the ledger's own words as they were
            values = values.map(lambda v, words=column.words: words.get(v, v))
        elif column.kind == "services":
            values = values.map(lambda v: "、".join(_SERVICE_WORDS[x] for x in v.split(",")) if v else None)
        elif column.kind == "date":
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        elif column.kind == "datetime":
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d %H:%M:%S")
        out[column.header] = values
    return pd.DataFrame(out)


def neutralise_formulas(frame: pd.DataFrame, *, starts: str | tuple[str, ...] = _FORMULA_START) -> pd.DataFrame:
    """Text cells starting = + - @ get a leading apostrophe, so a spreadsheet shows them instead of running them;
    headers too, since the rejected rows keep an uploaded file's own. An export to be imported again passes
    `starts=formats.QUOTED_START`, which the reader undoes exactly."""
    starts = tuple(starts)

    def safe(value: object) -> object:
        if isinstance(value, str) and value.startswith(starts):
            return "'" + value
        return value

    return frame.map(safe).rename(columns=safe)


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame, every text cell formula-safe."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            neutralise_formulas(frame).to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def template_xlsx(ledger: Ledger) -> bytes:
    """The import template: headers and an example row, and a 说明 sheet with each column's rules."""
    example = pd.DataFrame([ledger.example], columns=list(ledger.headers))
    rules = pd.DataFrame(
        {
            f.TEMPLATE_COLUMN: list(ledger.headers),
            f.TEMPLATE_REQUIRED: [f.YES if col.required else "" for col in ledger.columns],
            f.TEMPLATE_RULE: [
                col.rule or ("可选：" + "、".join(col.choices) if col.choices else "") for col in ledger.columns
            ],
            f.TEMPLATE_ALIASES: ["、".join(col.aliases) for col in ledger.columns],
        }
    )
    return to_xlsx_bytes({ledger.title: example, f.TEMPLATE_NOTES: rules})


def list_xlsx_bytes(
    heading: list[str], frame: pd.DataFrame, *, sheet: str, starts: str | tuple[str, ...] = _FORMULA_START
) -> bytes:
    """A one-sheet workbook for printing or passing on: `heading` lines first (what, when, where), a blank row,
    then the table with its header row frozen. Every text cell, heading included, is formula-safe; dates stay
    date cells. A list to be filled in and imported again passes `starts=formats.QUOTED_START` (as cli.py export
    does), which the reader undoes exactly."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for line in neutralise_formulas(pd.DataFrame({"line": heading}), starts=starts)["line"]:
        worksheet.append([line])
    worksheet.append([])
    safe = neutralise_formulas(frame.astype(object).where(frame.notna(), None), starts=starts)
    worksheet.append([str(name) for name in safe.columns])
    header_row = worksheet.max_row
    for row in safe.itertuples(index=False, name=None):
        worksheet.append(list(row))
    worksheet.freeze_panes = worksheet.cell(row=header_row + 1, column=1)
    for position, name in enumerate(safe.columns, start=1):
        widest = max((_display_width(str(v)) for v in [name, *safe[name]] if v is not None), default=8)
        worksheet.column_dimensions[get_column_letter(position)].width = min(40, widest + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a CJK character is about two Latin ones."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
