"""Reading an uploaded file first in a child process, held to a memory limit and a time limit.

The readers' limits (ledgers/limits.py) refuse what is plainly too large, but a file inside them may still
cost more memory than the server can spare, or trip a reader's bug, and a reader that aborts takes its
process with it. So the import page reads each upload once in a fresh interpreter with RLIMIT_AS set, the
same reader reading the whole file, and shows the preview the child sends back. A child that runs out of
memory, aborts or overruns costs the uploader an error message; only a file that passed is read again in the
server, to be imported. The child answers in JSON, never pickle: what it read is not trusted.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib import import_module

import pandas as pd

from ledgers import limits
from ledgers.errors import LedgerFileError
from ledgers.formats import LEDGERS, Ledger

PREVIEW_ROWS = 5
VET = "ledgers.sandbox:summarise"

log = logging.getLogger(__name__)
_slots = threading.BoundedSemaphore(limits.VET_CONCURRENCY)
# The child's allocators, held to few arenas and threads so the address space it is allowed goes to data:
# Arrow's default allocator alone reserves 1 GiB up front.
_CHILD_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2", "OPENBLAS_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Preview:
    """One ledger of a vetted file: its name (file › sheet), kind, rows read and its first rows as text."""

    name: str
    ledger: Ledger
    rows: int
    head: pd.DataFrame  # index: the rows' numbers in Excel


@dataclass(frozen=True)
class Vetted:
    ledgers: list[Preview]
    skipped_sheets: list[str]


def vet(content: bytes, name: str) -> Vetted:
    """Read the file whole in a child process (see run_limited); its ledgers' first rows, or LedgerFileError
    with the reader's reason, or out_of_memory / timeout / unreadable when the child could not finish."""
    answer = run_limited(VET, content, name)
    by_kind = {ledger.kind: ledger for ledger in LEDGERS}
    previews = [
        Preview(
            name=str(item["name"]),
            ledger=by_kind[item["kind"]],
            rows=int(item["rows"]),
            head=pd.DataFrame(item["head"], columns=item["columns"], index=item["index"], dtype=str),
        )
        for item in answer["ledgers"]
    ]
    return Vetted(previews, [str(sheet) for sheet in answer["skipped_sheets"]])


def run_limited(
    target: str,
    content: bytes,
    name: str,
    *,
    memory_bytes: int | None = None,
    timeout_seconds: float | None = None,
) -> dict:
    """`target` ("module:function", called with the content and the name) run in a fresh interpreter whose
    address space is limited to `memory_bytes`; its JSON answer. Raises the LedgerFileError the target
    raised, out_of_memory if the child ran out of memory or was killed by a signal (an allocation that
    fails in Rust aborts), unreadable if it failed otherwise, and timeout past `timeout_seconds`."""
    memory_bytes = memory_bytes or limits.VET_MEMORY_BYTES
    timeout_seconds = timeout_seconds or limits.VET_TIMEOUT_SECONDS
    command = [sys.executable, "-m", "ledgers.sandbox", target, name, str(memory_bytes)]
    env = {**os.environ, **_CHILD_ENV, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    started = time.perf_counter()
    with _slots:
        try:
            # stderr is dropped: pandas repeats bad lines there, personal data and all
            done = subprocess.run(
                command, input=content, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=timeout_seconds,
                env=env,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:  # run() has killed the child
            log.warning("%s: not read within %s s", target, timeout_seconds)
            raise LedgerFileError("timeout", name, f"{timeout_seconds:g}") from exc
    log.info("%s: child exited %s after %.2f s", target, done.returncode, time.perf_counter() - started)
    try:
        answer = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        signalled = -done.returncode in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS)
        code = "out_of_memory" if signalled else "unreadable"
        raise LedgerFileError(code, name, f"exit {done.returncode}")
    if "error" in answer:
        error = answer["error"]
        raise LedgerFileError(str(error["code"]), str(error["name"]), str(error["detail"]))
    return answer


def summarise(content: bytes, name: str) -> dict:
    """In the child: the file read whole with the server's reader, as JSON (first rows as text, row counts)."""
    from ledgers.reading import open_ledgers

    opened = open_ledgers(content, name)
    ledgers = []
    for ledger_file in opened.ledgers:
        first = next(ledger_file.chunks)
        head = first.head(PREVIEW_ROWS)
        rows = len(first) + sum(len(chunk) for chunk in ledger_file.chunks)  # every chunk, as the import will
        ledgers.append(
            {
                "name": ledger_file.name,
                "kind": ledger_file.ledger.kind,
                "rows": rows,
                "columns": [str(column) for column in head.columns],
                "index": [int(number) for number in head.index],
                "head": head.astype(str).to_numpy().tolist(),
            }
        )
    return {"ledgers": ledgers, "skipped_sheets": opened.skipped_sheets}


def _child(target: str, name: str, memory_bytes: int) -> int:
    """The child's side: limit the address space, read stdin, answer on stdout."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        module, function = target.split(":")
        answer = getattr(import_module(module), function)(sys.stdin.buffer.read(), name)
    except LedgerFileError as exc:
        answer = {"error": {"code": exc.code, "name": exc.name, "detail": exc.detail}}
    except MemoryError:
        answer = {"error": {"code": "out_of_memory", "name": name, "detail": "MemoryError"}}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2], int(sys.argv[3])))
