"""The web server: Streamlit's app (app.py) behind the sign-in page, the session-bound downloads and the gate
of ui/web.py. Run with `streamlit run server.py`."""

import logging
from contextlib import asynccontextmanager

import anyio
from starlette.middleware import Middleware
from streamlit import App

from ui.web import Gate, routes

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


@asynccontextmanager
async def lifespan(_app):
    from ui.first_run import prepare_at_start  # after Streamlit's runtime has started (its caches need it)

    await anyio.to_thread.run_sync(prepare_at_start)
    yield


app = App("app.py", routes=routes, middleware=[Middleware(Gate)], lifespan=lifespan)
