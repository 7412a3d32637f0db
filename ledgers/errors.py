"""The one error a ledger file raises, in its own module so that the reader and its pre-checks share it."""

from __future__ import annotations


class LedgerFileError(Exception):
    """A file (or sheet) that cannot be read or used as a ledger, and why.

    `code`: unreadable | unknown_kind | empty | duplicate_header | blank_header | formula_header, or past a
    limit (ledgers/limits.py): too_large | zip_bomb | too_many_rows | too_many_columns | too_many_cells |
    line_too_long | out_of_memory | timeout. ui/formatting.py words each in Chinese.
    """

    def __init__(self, code: str, name: str, detail: str = "") -> None:
        super().__init__(f"{name}: {code} {detail}".strip())
        self.code = code
        self.name = name
        self.detail = detail

    def __reduce__(self) -> tuple:
        """Pickled with its three parts: it crosses from the child process that vets a file, and the cache."""
        return (type(self), (self.code, self.name, self.detail))
