"""The web app: layout (tabs and events), handlers (chat, API, calculator, admin, dashboard), server.

Set before the framework is imported anywhere in the web layer.
"""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# the framework keeps per-request records and summarises all of them after every request (a
# cost that grows with uptime): keep few, and see server.launch() for the summary itself
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "100")
