"""What the slide tests share."""

from __future__ import annotations

import pandas as pd

from metrics.registry import FLOWS, REPORT_KEYS
from services.movers import WhatMoved


def nothing_moved() -> WhatMoved:
    """A week in which no area moved any figure and no member changed state."""
    still = pd.DataFrame({"path": pd.Series([], dtype=object), "contribution": pd.Series([], dtype=float)})
    return WhatMoved(movers=dict.fromkeys(REPORT_KEYS, still), flows=dict.fromkeys(FLOWS, 0))
