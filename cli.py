"""Command line: build the synthetic city, print the weekly report, import and export ledgers.

    python cli.py sample --size demo [--seed N] [--until DATE] [--db URL]
    python cli.py report [--week 2026-W46] [--area 江汉区/北湖街道] [--json] [--db URL]
    python cli.py import FILE... [--json] [--replace-sample --admin NAME [--yes]] [--db URL]
    python cli.py export DIR [--db URL]
    python cli.py refresh [--db URL]
    python cli.py digest --out DIR [--week 2026-W46] [--area 江汉区/北湖街道] [--webhook URL] [--png] [--db URL]
    python cli.py user add NAME --role city|district|street|community|clerk [--area 江汉区/北湖街道] [--db URL]
    python cli.py user list | disable NAME | passwd NAME | sessions NAME [--end] [--db URL]

Passwords are read from standard input (asked twice on a terminal), never from the command line.

Exit codes: 0 done, 1 database problem, 2 bad arguments (week, area, date) or a file that cannot be read,
3 the digest's message could not be posted (or, with --png, its picture not rendered).
Heavy modules are imported inside the commands so that `report` starts fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from pathlib import Path

from ui import labels

EXIT_OK, EXIT_DATABASE, EXIT_USAGE, EXIT_DELIVERY = 0, 1, 2, 3
SAMPLE_SIZES = ("demo", "city", "city-50k", "city-1m")  # sample_data.generate.SIZES, without importing numpy
CLI_MOVERS_SHOWN = 3  # areas per indicator in the text of report --explain


class UsageError(Exception):
    """A bad argument; the message is Chinese and for the user."""


def _engine(args: argparse.Namespace):
    from data_access.engine import get_engine
    from settings import Settings

    settings = Settings.from_env()
    url = args.db or settings.resolved_database_url
    return get_engine(url), settings


def _stderr_progress(stage: str, done: int, total: int) -> None:
    """One line per stage, rewritten in place on a terminal."""
    if not sys.stderr.isatty() and done < total:
        return
    text = labels.CLI_PROGRESS.format(stage=labels.LOAD_STAGES.get(stage, stage), done=done, total=total)
    print(text, end="\n" if done >= total else "\r", file=sys.stderr, flush=True)


def command_sample(args: argparse.Namespace) -> int:
    from metrics.periods import last_complete_week, today_in_china
    from services.sample import build_sample

    try:
        until = date.fromisoformat(args.until) if args.until else last_complete_week(today_in_china()).end
    except ValueError as exc:
        raise UsageError(labels.CLI_BAD_DATE.format(value=args.until)) from exc
    engine, settings = _engine(args)
    rows = build_sample(
        engine, seed=args.seed, until=until, size=args.size, thresholds=settings.thresholds, progress=_stderr_progress
    )
    print(labels.CLI_SAMPLE_DONE.format(size=args.size, rows=", ".join(f"{k} {v:,}" for k, v in rows.items())))
    return EXIT_OK


def _week_and_area(args: argparse.Namespace):
    """--week (default: the last complete week) and --area (default: the city), or a UsageError saying the form."""
    from data_access.areas import AreaPath
    from metrics.periods import Week, last_complete_week, today_in_china

    try:
        week = Week.parse(args.week) if args.week else last_complete_week(today_in_china())
    except ValueError as exc:
        raise UsageError(labels.CLI_BAD_WEEK.format(value=args.week)) from exc
    try:
        area = AreaPath.parse(args.area)
    except ValueError as exc:
        raise UsageError(labels.CLI_BAD_AREA.format(value=args.area)) from exc
    return week, area


def _cohort_month(args: argparse.Namespace, week):
    """--month (default: the latest month complete by the week's end), or a UsageError saying the form."""
    from metrics.funnel import Month, latest_complete_month

    try:
        return Month.parse(args.month) if args.month else latest_complete_month(week.end)
    except ValueError as exc:
        raise UsageError(labels.CLI_BAD_MONTH.format(value=args.month)) from exc


def _unknown_area(args: argparse.Namespace, exc) -> UsageError:
    hint = (
        labels.CLI_AREA_SUGGESTIONS.format(names="、".join(exc.suggestions))
        if exc.suggestions
        else labels.CLI_BAD_AREA.format(value=args.area)
    )
    return UsageError(labels.CLI_UNKNOWN_AREA.format(value=args.area) + "\n" + hint)


def command_report(args: argparse.Namespace) -> int:
    from data_access.areas import CITY_SCOPE
    from data_access.lookups import fetch_meta
    from services.report import UnknownAreaError, weekly_report

    week, area = _week_and_area(args)
    month = _cohort_month(args, week)
    engine, settings = _engine(args)
    try:
        # The command line runs on the server, for the people who run it: it reports for the whole city.
        report = weekly_report(engine, scope=CITY_SCOPE, week=week, area=area, thresholds=settings.thresholds)
    except UnknownAreaError as exc:
        raise _unknown_area(args, exc) from exc
    with engine.connect() as conn:
        meta = fetch_meta(conn)
    moved = None
    if args.explain:
        from services.movers import what_moved

        moved = what_moved(engine, scope=CITY_SCOPE, week=week, area=area, thresholds=settings.thresholds)
    if args.json:
        from services.funnel import funnel_as_json, registration_funnel

        thresholds = settings.thresholds
        funnel = registration_funnel(
            engine, scope=CITY_SCOPE, area=area, month=month, as_of=week.end, thresholds=thresholds
        )
        extra = {"funnel": funnel_as_json(funnel, month=month, as_of=week.end, thresholds=thresholds)}
        print(json.dumps(report | extra | (moved.as_json() if moved else {}), ensure_ascii=False))
    else:
        from ui.formatting import format_change, format_figure

        print(labels.CLI_REPORT_TITLE.format(area=str(area) or labels.CITY, week=week, start=week.start, end=week.end))
        rows = [labels.CLI_REPORT_HEADER] + [
            (
                labels.INDICATOR_LABELS[key],
                format_figure(key, figure["value"]),
                format_figure(key, figure["previous"]),
                format_change(key, figure["value"], figure["previous"]),
            )
            for key, figure in report.items()
        ]
        widths = [max(_display_width(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            print(
                "  ".join(cell + " " * (width - _display_width(cell)) for cell, width in zip(row, widths, strict=True))
            )
        if moved:
            _print_what_moved(moved, report)
        if meta.get("data_kind") == "synthetic":
            print(labels.CLI_SYNTHETIC_NOTE)
    if "data_kind" not in meta:
        print(labels.CLI_EMPTY_DATABASE, file=sys.stderr)
    return EXIT_OK


def command_digest(args: argparse.Namespace) -> int:
    """The Monday digest into --out: the review's .pptx, the one-page summary as HTML and PNG; with --webhook, the
    summary posted to a group robot. Prints the paths written."""
    from data_access.areas import CITY_SCOPE
    from data_access.lookups import fetch_meta
    from services.delivery import DeliveryError, post_webhook, render_png
    from services.follow_up import follow_up_closure
    from services.report import UnknownAreaError
    from services.review import review_inputs
    from ui.digest import PAGE_WIDTH, WEBHOOK_KINDS, build_digest_html, compose_digest, webhook_payload
    from ui.formatting import closure_headline
    from ui.slides import area_name_of, build_pptx, data_as_of, parse_slide_keys, review_deck

    week, area = _week_and_area(args)
    engine, settings = _engine(args)
    kind = settings.digest_webhook_kind.strip().lower()
    if args.webhook is not None and kind not in WEBHOOK_KINDS:
        raise UsageError(labels.DIGEST_BAD_KIND.format(value=settings.digest_webhook_kind))
    thresholds = settings.thresholds
    try:
        # As `report`: the command line runs on the server, for the city; the digest holds figures only.
        inputs = review_inputs(engine, scope=CITY_SCOPE, week=week, area=area, thresholds=thresholds)
    except UnknownAreaError as exc:
        raise _unknown_area(args, exc) from exc
    with engine.connect() as conn:
        meta = fetch_meta(conn)
    synthetic, as_of = meta.get("data_kind") == "synthetic", data_as_of(meta)
    closure = follow_up_closure(engine, scope=CITY_SCOPE, area=area, as_of=week.end)
    deck = review_deck(inputs, week=week, area=area, keys=parse_slide_keys(settings.review_slides), as_of=as_of,
                       synthetic=synthetic, thresholds=thresholds, follow_up=closure_headline(closure))  # fmt: skip
    digest = compose_digest(inputs, week=week, area=area, as_of=as_of, synthetic=synthetic, closure=closure)
    page = build_digest_html(digest)

    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    names = {"area": area_name_of(area), "week": week}
    written = [folder / labels.REVIEW_FILE_NAME.format(**names), folder / labels.DIGEST_HTML_FILE.format(**names)]
    written[0].write_bytes(build_pptx(deck))
    written[1].write_text(page, encoding="utf-8")
    failed = False
    try:
        png = render_png(page, chromium=settings.chromium_path, width=PAGE_WIDTH)
    except DeliveryError as exc:
        reason = labels.DIGEST_PNG_REASONS[exc.code].format(path=exc.detail, detail=exc.detail)
        message = labels.DIGEST_PNG_FAILED if args.png or exc.code == "failed" else labels.DIGEST_PNG_SKIPPED
        print(message.format(reason=reason), file=sys.stderr)
        failed = args.png
    else:
        written.append(folder / labels.DIGEST_PNG_FILE.format(**names))
        written[-1].write_bytes(png)
    for path in written:
        print(labels.DIGEST_WROTE.format(path=path))
    if args.webhook is not None:
        try:
            post_webhook(args.webhook, webhook_payload(digest, kind))
        except DeliveryError as exc:
            print(labels.DIGEST_WEBHOOK_ERRORS[exc.code].format(detail=exc.detail), file=sys.stderr)
            return EXIT_DELIVERY
        print(labels.DIGEST_POSTED.format(kind=labels.DIGEST_KINDS[kind]))
    return EXIT_DELIVERY if failed else EXIT_OK


def _print_what_moved(moved, report: dict) -> None:
    """The flows, then for each indicator that changed the child areas that moved it most."""
    from ui.formatting import change_of, format_change

    print()
    print(labels.CLI_FLOWS_TITLE)
    print("  " + "，".join(f"{labels.FLOW_LABELS[k]} {n:,}" for k, n in moved.flows.items()))
    for key, movers in moved.movers.items():
        shown = [(path, value) for path, value in zip(movers["path"], movers["contribution"], strict=True)
                 if change_of(key, value, 0.0)][:CLI_MOVERS_SHOWN]  # fmt: skip
        if shown:
            print(labels.CLI_MOVERS_LINE.format(
                indicator=labels.INDICATOR_LABELS[key],
                change=format_change(key, report[key]["value"], report[key]["previous"]),
                areas="，".join(f"{path} {format_change(key, value, 0.0)}" for path, value in shown),
            ))  # fmt: skip


def _confirmed(args: argparse.Namespace, prompt: str = labels.IMPORT_CONFIRM_REPLACE) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return False
    return input(prompt).strip().lower() == "yes"


def _first_admin(engine, args: argparse.Namespace):
    """The first real administrator (a city account) for --replace-sample, its password from standard input."""
    from data_access.areas import AreaPath
    from services.accounts import AccountError, prepare_account

    try:
        return prepare_account(engine, name=args.admin, role="city", area=AreaPath(), password=_read_password(),
                               now=_now(), replaces_demo=True)  # fmt: skip
    except AccountError as exc:
        raise UsageError(labels.ACCOUNT_ERRORS[exc.code].format(detail=exc.detail)) from exc


def command_import(args: argparse.Namespace) -> int:
    from data_access.lookups import fetch_meta
    from services.importing import ImportRefusedError, SyntheticDataError, import_files
    from ui.formatting import file_summary

    if args.admin is not None and not args.replace_sample:
        raise UsageError(labels.IMPORT_ADMIN_WITHOUT_REPLACE)
    mark_status = _not_listed_status(args)
    engine, settings = _engine(args)
    admin = None
    if args.replace_sample:
        with engine.connect() as conn:
            synthetic = fetch_meta(conn).get("data_kind") == "synthetic"
        if synthetic and not args.admin:  # the demo accounts go with the sample: someone must be able to sign in
            raise UsageError(labels.IMPORT_REFUSED["admin_needed"])
        if synthetic and not _confirmed(args):
            raise UsageError(labels.IMPORT_NOT_CONFIRMED)
        if synthetic:
            admin = _first_admin(engine, args)

    def progress(stage: str, done: int, total: int) -> None:
        if stage in labels.LOAD_STAGES:
            _stderr_progress(stage, done, total)
        elif sys.stderr.isatty():
            print(labels.IMPORT_PROGRESS.format(file=stage, row=done), end="\r", file=sys.stderr, flush=True)

    try:
        reports = import_files(
            engine,
            [(Path(name).name, Path(name)) for name in args.files],
            thresholds=settings.thresholds,
            replace_sample=args.replace_sample,
            admin=admin,
            progress=progress,
            complete=args.complete,
        )
    except SyntheticDataError as exc:
        raise UsageError(labels.IMPORT_SYNTHETIC) from exc
    except ImportRefusedError as exc:
        for report in exc.files:
            print(_file_error(report), file=sys.stderr)
        raise UsageError(labels.IMPORT_REFUSED[exc.code]) from exc
    if admin is not None:
        print(labels.IMPORT_ADMIN_CREATED.format(name=admin.account.name), file=sys.stderr)
    if args.json:
        files = [r.as_json() | ({"message": _file_error(r)} if r.error is not None else {}) for r in reports]
        print(json.dumps({"files": files}, ensure_ascii=False))
    else:
        for report in reports:
            if report.skipped:
                print(labels.IMPORT_SKIPPED_SHEET.format(file=report.file))
            if report.ledger is None or report.error is not None:
                continue
            print(file_summary(report))
            for written, column in report.renamed.items():
                print(labels.IMPORT_READ_AS.format(written=written, column=column))
            if report.ignored:
                ignored = "”“".join(report.ignored)
                print(labels.IMPORT_IGNORED.format(columns=ignored, ledger=labels.LEDGER_TITLES[report.ledger]))
            for rejection in report.rejections[:20]:
                print(
                    labels.IMPORT_REJECTION.format(row=rejection.row, column=rejection.column, reason=rejection.reason)
                )
            if len(report.rejections) > 20:
                print(labels.IMPORT_MORE.format(count=len(report.rejections) - 20))
            for repeat in report.repeats[:5]:
                print(labels.IMPORT_REPEAT.format(row=repeat.row, same_as=repeat.same_as))
            for warning in report.warnings[:5]:
                print(labels.IMPORT_WARNING.format(row=warning.row, column=warning.column, reason=warning.reason))
    for report in reports:
        if report.missing is not None:
            _not_listed(engine, settings, report, mark_status, args)
    failed = [r for r in reports if r.error is not None]
    for report in failed:
        print(_file_error(report), file=sys.stderr)
    return EXIT_USAGE if failed else EXIT_OK


def _not_listed_status(args: argparse.Namespace) -> str | None:
    """--mark-missing's status code (its word as the ledger writes it), checked before anything is read."""
    from ledgers.formats import STATUSES
    from services.importing import NOT_LISTED_STATUSES

    if args.mark_missing is None:
        return None
    if not args.complete:
        raise UsageError(labels.IMPORT_MARK_WITHOUT_COMPLETE)
    if STATUSES.get(args.mark_missing) not in NOT_LISTED_STATUSES:
        raise UsageError(labels.IMPORT_MARK_BAD_STATUS)
    return STATUSES[args.mark_missing]


def _not_listed(engine, settings, report, status: str | None, args: argparse.Namespace) -> None:
    """A complete roster's 不在本次台账, masked, on standard error; with --mark-missing (confirmed), marked."""
    from metrics.privacy import mask_member_frame
    from services.importing import mark_not_listed

    missing = report.missing
    out = sys.stderr if args.json else sys.stdout
    print(labels.IMPORT_NOT_LISTED_CLI.format(file=report.file, count=len(missing)), file=out)
    for row in mask_member_frame(missing).to_dict("records"):
        print(labels.IMPORT_NOT_LISTED_ROW.format(**row), file=out)
    if missing.empty:
        return
    if report.rejected:
        print("  " + labels.IMPORT_NOT_LISTED_REJECTED.format(count=report.rejected), file=out)
    if status is None:
        print(labels.IMPORT_NOT_LISTED_HOW, file=out)
        return
    if not _confirmed(args, labels.IMPORT_MARK_CONFIRM.format(count=len(missing), status=args.mark_missing)):
        raise UsageError(labels.IMPORT_NOT_CONFIRMED)
    ids = [int(i) for i in missing["member_id"]]
    marked = mark_not_listed(engine, report, ids, status, thresholds=settings.thresholds, at=_now())
    print(labels.IMPORT_MARKED.format(file=report.file, count=marked, status=args.mark_missing), file=out)


def command_imports(args: argparse.Namespace) -> int:
    from data_access.history import fetch_imports
    from ui.formatting import error_words

    engine, _ = _engine(args)
    with engine.connect() as conn:
        history = fetch_imports(conn, limit=args.limit)
    if args.json:
        rows = history.astype(object).where(history.notna(), None).to_dict("records")
        print(json.dumps({"imports": rows}, ensure_ascii=False, default=str))
        return EXIT_OK
    if history.empty:
        print(labels.IMPORTS_EMPTY)
    for row in history.astype(object).where(history.notna(), None).to_dict("records"):
        shown = row | {
            "at": f"{row['at']:%Y-%m-%d %H:%M}",
            "account": row["account"] or labels.IMPORT_HISTORY_CLI,
            "ledger": labels.LEDGER_TITLES.get(row["ledger"], ""),
            "complete": labels.IMPORTS_COMPLETE if row["complete"] else "",
            "error": labels.IMPORTS_ERROR.format(reason=error_words(row["error"])) if row["error"] else "",
        }
        print(labels.IMPORTS_ROW.format(**shown))
    return EXIT_OK


def _file_error(report) -> str:
    from ui.formatting import file_error_message

    return file_error_message(report.error.code, report.error.name, report.error.detail)


def command_export(args: argparse.Namespace) -> int:
    from data_access.exporting import iter_ledger_rows
    from ledgers.formats import QUOTED_START, RECORD_LEDGERS
    from ledgers.writing import neutralise_formulas, to_ledger_frame

    engine, _ = _engine(args)
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        for ledger in RECORD_LEDGERS:
            path, rows = folder / f"{ledger.title}.csv", 0
            with path.open("w", encoding="utf-8-sig", newline="") as handle:  # with BOM, as Excel expects
                for number, chunk in enumerate(iter_ledger_rows(conn, ledger.kind)):
                    frame = neutralise_formulas(to_ledger_frame(ledger, chunk), starts=QUOTED_START)
                    # CRLF lines, as Excel writes them: a CR inside a value is then quoted too, not a line break
                    frame.to_csv(handle, index=False, header=number == 0, lineterminator="\r\n")
                    rows += len(chunk)
            print(labels.EXPORT_FILE.format(file=path.name, rows=rows))
    print(labels.EXPORT_DONE.format(count=len(RECORD_LEDGERS), folder=folder))
    return EXIT_OK


def command_refresh(args: argparse.Namespace) -> int:
    import time

    from services.refresh import refresh_from_database

    engine, settings = _engine(args)
    started = time.perf_counter()
    weeks = refresh_from_database(engine, thresholds=settings.thresholds, progress=_stderr_progress)
    print(labels.CLI_REFRESH_DONE.format(weeks=weeks, seconds=time.perf_counter() - started))
    return EXIT_OK


def _read_password() -> str:
    if sys.stdin.isatty():
        import getpass

        first, second = getpass.getpass(labels.CLI_PASSWORD), getpass.getpass(labels.CLI_PASSWORD_AGAIN)
        if first != second:
            raise UsageError(labels.CLI_PASSWORD_MISMATCH)
        return first
    return sys.stdin.readline().rstrip("\r\n")


def command_user(args: argparse.Namespace) -> int:
    from data_access.areas import AreaPath
    from services.accounts import (
        AccountError,
        check_role_area,
        create_account,
        disable_account,
        list_accounts,
        set_password,
    )

    engine, _ = _engine(args)
    try:
        if args.action == "list":
            for account in list_accounts(engine):
                state = labels.CLI_USER_DISABLED if account["disabled"] else ""
                role = labels.ROLE_LABELS[account["role"]]
                print(labels.CLI_USER_ROW.format(name=account["name"], role=role, area=account["area"] or labels.CITY,
                                                 state=state).rstrip())  # fmt: skip
            return EXIT_OK
        if not args.name:
            raise UsageError(labels.CLI_USER_NAME_NEEDED)
        if args.action == "add":
            area = AreaPath.parse(args.area)
            check_role_area(engine, args.role, area)  # before asking for a password
            create_account(engine, name=args.name, role=args.role, area=area, password=_read_password(), now=_now())
        elif args.action == "passwd":
            set_password(engine, args.name, _read_password())
        elif args.action == "sessions":
            return _user_sessions(engine, args.name, end=args.end)
        else:
            disable_account(engine, args.name)
    except AccountError as exc:
        raise UsageError(labels.ACCOUNT_ERRORS[exc.code].format(detail=exc.detail)) from exc
    except ValueError as exc:
        raise UsageError(labels.CLI_BAD_AREA.format(value=args.area)) from exc
    print(labels.CLI_USER_DONE[args.action].format(name=args.name))
    return EXIT_OK


def _user_sessions(engine, name: str, *, end: bool) -> int:
    """List the account's open sessions (browsers signed in), or end them all."""
    from services.sessions import end_account_sessions, list_sessions

    if end:
        print(labels.CLI_SESSIONS_ENDED.format(name=name, count=end_account_sessions(engine, name)))
        return EXIT_OK
    sessions = list_sessions(engine, name)
    if not sessions:
        print(labels.CLI_SESSIONS_NONE.format(name=name))
    for session in sessions:
        print(labels.CLI_SESSION_ROW.format(**session))
    return EXIT_OK


def _now():
    from metrics.periods import now_in_china

    return now_in_china()


def _display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="SQLAlchemy URL (default: DATABASE_URL, else data/dashboard.sqlite)")
    common.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    parser = argparse.ArgumentParser(prog="cli.py", description="流动党员管理服务分析 · command line")
    commands = parser.add_subparsers(dest="command", required=True)

    sample = commands.add_parser("sample", parents=[common], help="build the synthetic city")
    sample.add_argument("--size", choices=SAMPLE_SIZES, default="demo")
    sample.add_argument("--seed", type=int, default=20261122)
    sample.add_argument("--until", help="last day of data (default: end of the last complete week)")
    sample.set_defaults(handler=command_sample)

    report = commands.add_parser("report", parents=[common], help="print the weekly indicators")
    report.add_argument("--week", help="ISO week such as 2026-W46 (default: the last complete week)")
    report.add_argument("--area", help="区[/街道[/社区]] (default: the whole city)")
    report.add_argument(
        "--json",
        action="store_true",
        help='print the JSON object of PRODUCT.md, with the registration funnel of --month under "funnel"',
    )
    report.add_argument(
        "--month", help="registration cohort month such as 2026-10 (default: the latest complete by the week's end)"
    )
    report.add_argument(
        "--explain", action="store_true", help="add what moved: each change split over the child areas, member flows"
    )
    report.set_defaults(handler=command_report)

    ledgers = commands.add_parser("import", parents=[common], help="load ledger files (.xlsx or .csv)")
    ledgers.add_argument("files", nargs="+", metavar="FILE")
    ledgers.add_argument("--json", action="store_true", help="print the per-file report as JSON")
    ledgers.add_argument("--replace-sample", action="store_true", help="drop the synthetic city first (asks)")
    ledgers.add_argument("--yes", action="store_true", help="confirm --replace-sample or --mark-missing without asking")
    ledgers.add_argument("--admin", metavar="NAME",
                         help="with --replace-sample: the first real (city) account, created as the demo accounts "
                         "go; its password is read from standard input")  # fmt: skip
    ledgers.add_argument("--complete", action="store_true",
                         help="each members ledger is the complete roster of its communities: list the active "
                         "members it leaves out (不在本次台账)")  # fmt: skip
    ledgers.add_argument("--mark-missing", metavar="STATUS",
                         help="with --complete: mark those members 已返回, 已转出 or 失联 (asks)")  # fmt: skip
    ledgers.set_defaults(handler=command_import)

    imports = commands.add_parser("imports", parents=[common], help="print the import history, newest first")
    imports.add_argument("--limit", type=int, default=50, help="how many imports (default 50)")
    imports.add_argument("--json", action="store_true", help="print them as JSON")
    imports.set_defaults(handler=command_imports)

    export = commands.add_parser("export", parents=[common], help="write every record out as ledgers (CSV)")
    export.add_argument("folder", metavar="DIR")
    export.set_defaults(handler=command_export)

    refresh = commands.add_parser("refresh", parents=[common], help="recompute the precomputed weekly figures")
    refresh.set_defaults(handler=command_refresh)

    digest = commands.add_parser("digest", parents=[common], help="the Monday digest: .pptx, summary HTML and PNG")
    digest.add_argument("--week", help="ISO week such as 2026-W46 (default: the last complete week)")
    digest.add_argument("--area", help="区[/街道[/社区]] (default: the whole city)")
    digest.add_argument("--out", required=True, metavar="DIR", help="folder the files are written into")
    digest.add_argument(
        "--webhook",
        metavar="URL",
        help="post the summary to a group robot (DASHBOARD_DIGEST_WEBHOOK_KIND: wecom or dingtalk)",
    )
    digest.add_argument("--png", action="store_true", help="fail (exit 3) when the PNG cannot be rendered")
    digest.set_defaults(handler=command_digest)

    user = commands.add_parser("user", parents=[common], help="sign-in accounts (password from standard input)")
    user.add_argument("action", choices=("add", "list", "disable", "passwd", "sessions"))
    user.add_argument("name", nargs="?", metavar="NAME")
    user.add_argument("--role", choices=("city", "district", "street", "community", "clerk"), default="community")
    user.add_argument("--area", default="", help="区[/街道[/社区]]: the account's scope (none for city and clerk)")
    user.add_argument("--end", action="store_true", help="with sessions: sign the account out everywhere")
    user.set_defaults(handler=command_user)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    from data_access.engine import DataAccessError

    try:
        return args.handler(args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except DataAccessError as exc:
        print(labels.DATABASE_ERRORS.get(exc.code, labels.DATABASE_ERROR_FALLBACK), file=sys.stderr)
        logging.getLogger(__name__).info("database error: %s", exc)
        return EXIT_DATABASE


if __name__ == "__main__":
    sys.exit(main())
