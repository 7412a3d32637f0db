"""The web server: Streamlit's app (app.py) behind the sign-in page, the session-bound downloads and the gate
of ui/web.py. Run with `streamlit run server.py`."""

from starlette.middleware import Middleware
from streamlit import App

from ui.web import Gate, routes

app = App("app.py", routes=routes, middleware=[Middleware(Gate)])
