"""Loopback helpers shared by the tests that start servers (the app, a Chroma server)."""

from __future__ import annotations

import socket
import subprocess
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def launched_app(settings, assistant):
    """The Gradio app on a free loopback port, in this process; yields its URL."""
    import app
    from assistant.web import context
    ctx = context.AppContext(settings.with_(port=free_port()), assistant)
    demo = app.launch(ctx, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{ctx.settings.port}/"
    finally:
        demo.close()


def stop_process(proc, timeout: float = 15) -> None:
    """Terminate a server started by a test; kill it if it does not stop in time."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)
