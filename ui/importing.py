"""The 数据导入 page's parts: templates, previews, the import with a progress bar, and the report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ledgers.formats import LEDGERS
from ledgers.reading import SHEET_MARK, LedgerFileError, open_ledgers
from ledgers.writing import template_xlsx, to_xlsx_bytes
from services.importing import FileReport, import_files
from ui import formatting, labels
from ui.data import SETTINGS, engine
from ui.widgets import escape_markdown

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_error_message(error: LedgerFileError) -> str:
    return formatting.file_error_message(error.code, error.name, error.detail, separator="；")


def render_templates() -> None:
    for column, ledger in zip(st.columns(len(LEDGERS)), LEDGERS, strict=True):
        with column:
            st.download_button(ledger.title, template_xlsx(ledger), file_name=f"{ledger.title}模板.xlsx", mime=XLSX)


def render_preview(name: str, content: bytes) -> bool:
    """Each ledger the file holds, with its first rows; False (with the reason shown) when it holds none."""
    try:
        contents = open_ledgers(content, name)
        heads = [(opened, next(opened.chunks).head(5)) for opened in contents.ledgers]
    except LedgerFileError as exc:
        st.error(escape_markdown(file_error_message(exc)))
        return False
    for opened, head in heads:
        st.caption(escape_markdown(labels.IMPORT_PREVIEW.format(file=opened.name, ledger=opened.ledger.title)))
        st.dataframe(head.astype(str), width="stretch")
    for sheet in contents.skipped_sheets:
        st.caption(escape_markdown(labels.IMPORT_SKIPPED_SHEET.format(file=sheet)))
    return True


def run_import(files: list[tuple[str, bytes]], *, replace_sample: bool) -> list[FileReport]:
    bar = st.progress(0.0, text=labels.IMPORT_RUNNING)

    def progress(stage: str, done: int, total: int) -> None:
        text = labels.LOAD_STAGES.get(stage) or escape_markdown(labels.IMPORT_PROGRESS.format(file=stage, row=done))
        bar.progress(min(done / total, 1.0) if total else 0.5, text=text)

    reports = import_files(
        engine(), files, thresholds=SETTINGS.thresholds, replace_sample=replace_sample, progress=progress
    )
    bar.progress(1.0, text=labels.IMPORT_DONE)
    return reports


def report_table(reports: list[FileReport]) -> pd.DataFrame:
    rows = [
        {
            "file": r.file,
            "ledger": labels.LEDGER_TITLES.get(r.ledger, ""),
            "rows": r.rows,
            "new": r.new,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "repeated": r.repeated,
            "rejected": r.rejected,
            "warnings": len(r.warnings),
        }
        for r in reports
        if r.ledger is not None and r.error is None
    ]
    return pd.DataFrame(rows, columns=list(labels.IMPORT_REPORT_COLUMNS)).rename(columns=labels.IMPORT_REPORT_COLUMNS)


def rejections_table(items: list) -> pd.DataFrame:
    frame = pd.DataFrame([{"row": r.row, "column": r.column, "reason": r.reason} for r in items])
    return frame.rename(columns=labels.REJECTION_COLUMNS)


def render_report(reports: list[FileReport]) -> None:
    for report in reports:
        if report.error is not None:
            st.error(escape_markdown(file_error_message(report.error)))
        elif report.skipped:
            st.info(escape_markdown(labels.IMPORT_SKIPPED_SHEET.format(file=report.file)))
        else:
            st.write(escape_markdown(formatting.file_summary(report)))
    st.dataframe(report_table(reports), hide_index=True, width="stretch")
    for report in reports:
        if report.renamed:
            pairs = report.renamed.items()
            read_as = "；".join(labels.IMPORT_READ_AS.strip().format(written=w, column=c) for w, c in pairs)
            st.caption(escape_markdown(labels.IMPORT_READ_AS_OF.format(file=report.file, read_as=read_as)))
        if report.rejected:
            st.subheader(escape_markdown(labels.IMPORT_REJECTIONS_OF.format(file=report.file)))
            st.dataframe(rejections_table(report.rejections), hide_index=True, width="stretch")
            st.download_button(
                escape_markdown(labels.IMPORT_DOWNLOAD_REJECTED.format(file=report.file)),
                to_xlsx_bytes({"被拒绝的行": report.rejected_rows}),
                file_name=f"{report.file.rsplit('.', 1)[0]}_被拒绝的行.xlsx".replace(SHEET_MARK, "_"),
                mime=XLSX,
            )
        if report.repeated:
            with st.expander(escape_markdown(labels.IMPORT_REPEATS_OF.format(file=report.file))):
                repeats = pd.DataFrame([{"row": r.row, "same_as": r.same_as} for r in report.repeats])
                st.dataframe(repeats.rename(columns=labels.REPEAT_COLUMNS), hide_index=True, width="stretch")
        if report.warnings:
            with st.expander(escape_markdown(labels.IMPORT_WARNINGS_OF.format(file=report.file))):
                st.dataframe(rejections_table(report.warnings), hide_index=True, width="stretch")
