"""How large a ledger file may be, stated once: the reader refuses past these and the import page says them.

Real ledgers sit far inside them (under 40 columns; the city's contact ledger is about 4 M rows of CSV). They
exist so that one crafted file (a cell at XFD1048576, a zip bomb, a million-column header) costs its
uploader an error message, not everyone the server. Read them as `limits.NAME` so that tests may lower them.
"""

from __future__ import annotations

MAX_SHEET_ROWS = 1_048_576  # Excel's own limit, header included
MAX_CSV_ROWS = 10_000_000
MAX_COLUMNS = 200
# The xlsx reader holds every sheet's used range (last row x last column) whole, about 32 bytes a cell before
# any text: 20 M cells, the sheets of a workbook together, is 1 M rows of 20 columns, or 0.6 GB.
MAX_CELLS = 20_000_000
MAX_XLSX_UNCOMPRESSED_BYTES = 800 << 20  # every part of the zip together; 1 M contact rows is about 300 MB
MAX_COMPRESSION_RATIO = 100  # real sheets inflate 5 to 20 times
RATIO_CHECKED_FROM_BYTES = 1 << 20  # a small part may compress as well as it likes
MAX_LINE_BYTES = 16 << 20  # one CSV line; also the block Arrow's CSV reader reads at a time

# An uploaded file is first read whole in a child process held to these (ledgers/sandbox.py).
VET_MEMORY_BYTES = 2 << 30  # address space; the child starts at about 0.4 GB of it
VET_TIMEOUT_SECONDS = 120
VET_CONCURRENCY = 2  # children at once in one server, so uploads together cost at most this many limits
