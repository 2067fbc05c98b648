"""``python app.py [--host H] [--port P] [--data-dir D]``: the web app, same as ``python -m assistant serve``.

The launcher is ``assistant/web/server.py``; this file stays as the public entry point.
"""

import sys

from assistant.web.server import TEMP_FILES_MAX_AGE, launch, main, refuse_open_bind  # noqa: F401  (public API)

if __name__ == "__main__":
    sys.exit(main())
