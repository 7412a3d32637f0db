"""The instant every test runs at: no test depends on the day the suite runs.

The demo city's data ends on 2026-11-22, so 2026-11-25 makes "the last complete week" 2026-W47, the
city's last. conftest freezes the test process's clock there; browser servers run with it too
(`frozen_streamlit.py`). The clock ticks from that instant, so timeouts and durations still work.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

FROZEN_NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
