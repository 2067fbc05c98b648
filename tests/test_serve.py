"""``python -m assistant serve`` runs the same launcher as ``python app.py``."""

from __future__ import annotations

import app
from assistant.cli import main as cli_main
from assistant.web import server


def test_app_py_is_the_web_launcher():
    assert app.main is server.main and app.launch is server.launch


def test_serve_passes_its_flags_to_the_launcher(monkeypatch):
    seen = []
    monkeypatch.setattr(server, "main", lambda argv: seen.append(argv) or 7)
    assert cli_main(["serve", "--host", "127.0.0.1", "--port", "7999", "--data-dir", "d"]) == 7
    assert seen == [["--host", "127.0.0.1", "--port", "7999", "--data-dir", "d"]]


def test_serve_refuses_an_open_bind_without_password(monkeypatch, capsys):
    monkeypatch.delenv("KBA_ADMIN_PASSWORD", raising=False)
    assert cli_main(["serve", "--host", "0.0.0.0", "--port", "7999"]) == 2
    assert "KBA_ADMIN_PASSWORD" in capsys.readouterr().err
