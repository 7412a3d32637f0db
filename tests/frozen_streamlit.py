"""`streamlit` with the clock frozen at TEST_FROZEN_NOW (an ISO instant), for browser tests' servers."""

from __future__ import annotations

import os
import sys
from datetime import datetime

import time_machine
from streamlit.web.cli import main

if __name__ == "__main__":
    time_machine.travel(datetime.fromisoformat(os.environ["TEST_FROZEN_NOW"]), tick=True).start()
    sys.exit(main(prog_name="streamlit"))
