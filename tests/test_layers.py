"""The layer order: an import may only point down (or sideways within its layer).

    web, cli, eval, app  ->  core, factory, present, kb, upkeep  ->  pipeline  ->  index, domain
    ->  ingest  ->  lang, types, errors, config

Every import is checked, lazy ones inside functions too (read with ``ast``, nothing is imported).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# (module prefix, layer): the longest matching prefix wins; a higher number is a higher layer.
LAYERS: list[tuple[str, int]] = [
    ("app", 5), ("assistant.__main__", 5), ("assistant.web", 5), ("assistant.cli", 5), ("eval", 5),
    ("assistant.core", 4), ("assistant.factory", 4), ("assistant.present", 4), ("assistant.kb", 4),
    ("assistant.upkeep", 4),
    ("assistant.pipeline", 3),
    ("assistant.index", 2), ("assistant.domain", 2),
    ("ingest", 1),
    ("assistant.lang", 0), ("assistant.types", 0), ("assistant.errors", 0), ("assistant.config", 0),
    ("assistant", 0),
]
NAMES = {0: "lang/types/errors/config", 1: "ingest", 2: "index/domain", 3: "pipeline",
         4: "core/factory/present/kb/upkeep", 5: "web/cli/eval"}


def layer_of(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for prefix, layer in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > best[0]:
                best = (len(prefix), layer)
    return None if best is None else best[1]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, wherever it sits."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # ``from assistant import web`` imports the subpackage itself
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def project_files() -> list[Path]:
    files = [REPO / "app.py"]
    for top in ("assistant", "ingest", "eval"):
        files += sorted((REPO / top).rglob("*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


def violations() -> list[str]:
    found = []
    for path in project_files():
        module = module_name(path)
        own = layer_of(module)
        assert own is not None, f"{module} has no layer: add it to LAYERS"
        for line, target in imports_of(path, module):
            other = layer_of(target)
            if other is not None and other > own:
                found.append(f"{path.relative_to(REPO)}:{line} ({NAMES[own]}) imports {target} ({NAMES[other]})")
    return found


def test_no_import_points_up():
    assert violations() == []


@pytest.mark.parametrize("module, layer", [
    ("assistant.web.chat", 5), ("eval.harness", 5), ("assistant.core", 4),
    ("assistant.pipeline.retrieval", 3), ("assistant.index.store", 2), ("assistant.domain.scoring", 2),
    ("ingest.pipeline", 1), ("assistant.lang.text", 0), ("assistant", 0), ("numpy", None),
])
def test_layer_of(module, layer):
    assert layer_of(module) == layer


def test_the_check_catches_an_upward_import(tmp_path):
    """The checker itself: a lazy import inside a function is found, a relative one too."""
    src = tmp_path / "mod.py"
    src.write_text("def f():\n    from assistant.web import chat\n    from . import core\n", encoding="utf-8")
    targets = [t for _, t in imports_of(src, "assistant.index.mod")]
    assert "assistant.web.chat" in targets and "assistant.index.core" in targets
    assert any(layer_of(t) == 5 for t in targets)
