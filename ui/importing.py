"""The 数据导入 page's parts: templates, previews, the import with a progress bar, and the report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_access.areas import AreaPath
from ledgers.formats import LEDGERS, UNFILLED
from ledgers.reading import SHEET_MARK, LedgerFileError
from ledgers.writing import template_xlsx, to_xlsx_bytes
from services.accounts import Account, AccountError, NewAccount, prepare_account
from services.importing import FileReport, ImportRefusedError, import_files
from ui import downloads, formatting, history, labels
from ui.auth import continue_as, current_account, now_local
from ui.data import SETTINGS, engine, load_vetted_upload, read_imports
from ui.text import escape_markdown

XLSX = downloads.XLSX


def file_error_message(error: LedgerFileError) -> str:
    return formatting.file_error_message(error.code, error.name, error.detail, separator="；")


TEMPLATES_PER_ROW = 4  # eight in one row cut their titles short (流动党…) on a 1280-pixel screen


def render_templates() -> None:
    for start in range(0, len(LEDGERS), TEMPLATES_PER_ROW):
        row = LEDGERS[start : start + TEMPLATES_PER_ROW]
        for column, ledger in zip(st.columns(TEMPLATES_PER_ROW), row, strict=False):
            with column:
                st.download_button(ledger.title, template_xlsx(ledger), file_name=f"{ledger.title}模板.xlsx",
                                   mime=XLSX)  # fmt: skip


def render_limits() -> None:
    """What the page accepts, the readers' limits included, said before anything is uploaded."""
    st.caption(labels.IMPORT_LIMIT.format(mb=SETTINGS.upload_limit_mb, **formatting.limit_figures()))


def render_preview(name: str, content: bytes) -> bool:
    """Each ledger the file holds, with its first rows; False (with the reason shown) when it holds none.

    The file is read whole in a child process first: a file that would exhaust the server's memory costs
    its uploader this message, and only a file that passed reaches run_import, which reads it in the server.
    """
    vetted = load_vetted_upload(name, hashlib.sha256(content).hexdigest(), content)
    if isinstance(vetted, LedgerFileError):
        st.error(escape_markdown(file_error_message(vetted)))
        return False
    for preview in vetted.ledgers:
        st.caption(escape_markdown(labels.IMPORT_PREVIEW.format(file=preview.name, ledger=preview.ledger.title)))
        st.dataframe(preview.head, width="stretch")
    for sheet in vetted.skipped_sheets:
        st.caption(escape_markdown(labels.IMPORT_SKIPPED_SHEET.format(file=sheet)))
    return True


_IMPORT_REQUESTED = "import_requested"


def request_import() -> None:
    """The start button's callback: a flag in session state outlives a rerun before the page body (the frame
    check reruns once), where a button's own value would read False."""
    st.session_state[_IMPORT_REQUESTED] = True


def import_requested() -> bool:
    return bool(st.session_state.pop(_IMPORT_REQUESTED, False))


@dataclass(frozen=True)
class FirstAdmin:
    """What the page asked for the first real administrator, before anything is checked."""

    name: str
    password: str
    password_again: str


def may_replace_sample(account: Account) -> bool:
    """Only a city account replaces the sample: it deletes every area and account the demo city has."""
    return account.role == "city"


def render_first_admin() -> FirstAdmin:
    """The first administrator's name and password, in a form with the start button: outside one, or in one
    that Enter submits, Streamlit writes "Press Enter to apply" / "to submit form" under a text box, in English."""
    st.info(labels.IMPORT_ADMIN_INTRO)
    with st.form("first_admin", enter_to_submit=False, border=False):
        first = FirstAdmin(
            st.text_input(labels.IMPORT_ADMIN_NAME, key="first_admin_name"),
            st.text_input(labels.IMPORT_ADMIN_PASSWORD, type="password", key="first_admin_password"),
            st.text_input(labels.IMPORT_ADMIN_PASSWORD_AGAIN, type="password", key="first_admin_password_again"),
        )
        st.form_submit_button(labels.IMPORT_START, type="primary", on_click=request_import)
    return first


def _checked_admin(first: FirstAdmin) -> NewAccount:
    """The administrator checked and hashed, or the reason shown and the script stopped."""
    if first.password != first.password_again:
        st.error(labels.IMPORT_ADMIN_MISMATCH)
        st.stop()
    try:
        return prepare_account(engine(), name=first.name, role="city", area=AreaPath(), password=first.password,
                               now=now_local(), replaces_demo=True)  # fmt: skip
    except AccountError as exc:
        st.error(labels.ACCOUNT_ERRORS[exc.code].format(detail=escape_markdown(exc.detail)))
        st.stop()


def run_import(
    files: list[tuple[str, bytes]], *, first_admin: FirstAdmin | None = None, complete: bool = False
) -> list[FileReport]:
    """Import the files as the signed-in account (with `complete`, each members ledger as the complete roster of
    its communities); with `first_admin`, replace the sample and continue this session as that account."""
    admin = _checked_admin(first_admin) if first_admin else None
    bar = st.progress(0.0, text=labels.IMPORT_RUNNING)

    def progress(stage: str, done: int, total: int) -> None:
        text = labels.LOAD_STAGES.get(stage) or escape_markdown(labels.IMPORT_PROGRESS.format(file=stage, row=done))
        bar.progress(min(done / total, 1.0) if total else 0.5, text=text)

    try:
        reports = import_files(engine(), files, thresholds=SETTINGS.thresholds, replace_sample=admin is not None,
                               admin=admin, progress=progress, account=current_account().name, at=now_local(),
                               complete=complete)  # fmt: skip
    except ImportRefusedError as exc:
        bar.empty()
        for report in exc.files:
            st.error(escape_markdown(file_error_message(report.error)))
        st.error(labels.IMPORT_REFUSED[exc.code])
        st.stop()
    bar.progress(1.0, text=labels.IMPORT_DONE)
    if admin is not None:
        continue_as(admin.account)  # the signed-in demo account is gone; its holder just set this one's password
        st.success(labels.IMPORT_ADMIN_SIGNED_IN.format(name=escape_markdown(admin.account.name)))
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
    for index, report in enumerate(reports):
        if report.renamed:
            pairs = report.renamed.items()
            read_as = "；".join(labels.IMPORT_READ_AS.strip().format(written=w, column=c) for w, c in pairs)
            st.caption(escape_markdown(labels.IMPORT_READ_AS_OF.format(file=report.file, read_as=read_as)))
        if report.ignored:
            ignored = labels.IMPORT_IGNORED.strip().format(
                columns="”“".join(report.ignored), ledger=labels.LEDGER_TITLES[report.ledger]
            )
            st.caption(escape_markdown(f"{report.file}：{ignored}"))
        if report.unfilled:  # a follow-up list's rows still to fill: said apart, not among the mistakes
            st.info(escape_markdown(labels.IMPORT_UNFILLED_OF.format(file=report.file, unfilled=report.unfilled)))
        mistakes = [r for r in report.rejections if r.reason != UNFILLED]
        if mistakes:
            st.subheader(escape_markdown(labels.IMPORT_REJECTIONS_OF.format(file=report.file)))
            st.dataframe(rejections_table(mistakes), hide_index=True, width="stretch")
        if report.rejected:
            downloads.offer_download(
                labels.IMPORT_DOWNLOAD_REJECTED.format(file=report.file),
                lambda _account, rows=report.rejected_rows: to_xlsx_bytes({"被拒绝的行": rows}),
                file_name=f"{report.file.rsplit('.', 1)[0]}_被拒绝的行.xlsx".replace(SHEET_MARK, "_"),
                mime=XLSX,
                key=f"rejected_{index}",
            )
        if report.repeated:
            with st.expander(escape_markdown(labels.IMPORT_REPEATS_OF.format(file=report.file))):
                repeats = pd.DataFrame([{"row": r.row, "same_as": r.same_as} for r in report.repeats])
                st.dataframe(repeats.rename(columns=labels.REPEAT_COLUMNS), hide_index=True, width="stretch")
        if report.warnings:
            with st.expander(escape_markdown(labels.IMPORT_WARNINGS_OF.format(file=report.file))):
                st.dataframe(rejections_table(report.warnings), hide_index=True, width="stretch")


_LAST_IMPORT, _MARKED = "last_import", "not_listed_marked"


def keep_reports(reports: list[FileReport]) -> None:
    """The last import's reports outlive the reruns its own widgets cause (the complete roster's confirmation)."""
    st.session_state[_LAST_IMPORT] = reports


def kept_reports() -> list[FileReport]:
    return st.session_state.get(_LAST_IMPORT, [])


def _remember_marked(count: int, status: str) -> None:
    st.session_state[_MARKED] = history.marked_message(count, status)


def render_member_changes(reports: list[FileReport]) -> None:
    """For each members ledger: what it changed since the last import, and a complete roster's 不在本次台账."""
    if (message := st.session_state.pop(_MARKED, None)) is not None:
        st.success(message)
    for report in reports:
        if report.ledger == "members" and report.error is None and report.import_id is not None:
            history.render_changes(report)
            history.render_not_listed(report, _remember_marked)


def render_history() -> None:
    """The latest imports, newest first."""
    with st.expander(labels.IMPORT_HISTORY):
        imports = read_imports()
        if imports.empty:
            st.info(labels.IMPORT_HISTORY_EMPTY)
        else:
            st.dataframe(history.build_history_table(imports), hide_index=True, width="stretch")
