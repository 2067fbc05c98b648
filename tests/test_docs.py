"""The README's settings table and architecture tree are generated from the code; they must match."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _parts():
    spec = importlib.util.spec_from_file_location("readme_parts", REPO / "docs" / "readme_parts.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("readme_parts", module)
    spec.loader.exec_module(module)
    return module


def test_readme_matches_the_code():
    parts = _parts()
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert parts.render(text) == text, "README.md is out of date: run python docs/readme_parts.py"


def test_settings_table_covers_every_setting():
    from assistant.config import SETTINGS, Settings

    assert [s.name for s in SETTINGS] == [f.name for f in dataclasses.fields(Settings)]
    table = _parts().settings_table()
    for s in SETTINGS:
        assert f"`{s.env}`" in table


def test_tree_lists_every_module():
    parts = _parts()
    tree = parts.architecture_tree()
    for top in ("assistant", "ingest", "eval"):
        for path in (REPO / top).rglob("*.py"):
            if "__pycache__" in path.parts or path.name == "__init__.py":
                continue
            assert f" {path.name} " in tree, f"{path} is missing from the README tree"
    for path in (REPO / "assistant").rglob("__init__.py"):
        folder = path.parent.relative_to(REPO).as_posix()
        assert folder == "assistant" or folder in parts.ORDER, f"{folder} is missing from docs/readme_parts.py ORDER"


def test_a_stale_readme_is_caught():
    parts = _parts()
    text = (REPO / "README.md").read_text(encoding="utf-8")
    stale = text.replace("`KBA_UPLOAD_MAX_MB` |", "`KBA_UPLOAD_MAX` |", 1)
    assert stale != text and parts.render(stale) == text


def test_settings_parse_from_their_variables():
    from assistant.config import Settings

    s = Settings.from_env({"KBA_UPLOAD_MAX_MB": "7", "KBA_ALLOW_DOWNLOAD": "yes", "KBA_PORT": "8123"})
    assert (s.upload_max_mb, s.allow_download, s.port) == (7, True, 8123)
