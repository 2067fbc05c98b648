"""The shipped word lists and patterns (``assistant/resources/``): one loader, each file read once.

``load_resource("score_intent.yaml")`` is the parsed YAML (yaml is imported on first use, so
importing a module that reads resources lazily costs nothing at start-up); ``resource_lines``
gives the entries of a plain word-list file. Patterns are stored as strings that may name a
fragment as ``{NAME}`` (upper case); ``expand_fragments`` resolves them in order.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

RESOURCES = Path(__file__).resolve().parents[1] / "resources"

_PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


def resource_path(name: str) -> Path:
    return RESOURCES / name


@lru_cache(maxsize=None)
def load_resource(name: str) -> Any:
    """The parsed YAML resource ``name`` (read and parsed once per process; libyaml's safe loader
    when PyYAML has it, about 20 times faster than the pure-Python one, same result)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(resource_path(name).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)


@lru_cache(maxsize=None)
def resource_lines(name: str) -> tuple[str, ...]:
    """The entries of a plain-text resource: one per line, ``#`` comments and blank lines dropped;
    () when the file does not exist."""
    path = resource_path(name)
    if not path.exists():
        return ()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line)


def expand(template: str, fragments: Mapping[str, str]) -> str:
    """``template`` with every ``{NAME}`` replaced by ``fragments[NAME]`` (a KeyError names a typo)."""
    return _PLACEHOLDER.sub(lambda m: fragments[m.group(1)], template)


def expand_fragments(raw: Mapping[str, str]) -> dict[str, str]:
    """Named fragments, each expanded with the ones defined before it."""
    out: dict[str, str] = {}
    for name, template in raw.items():
        out[name] = expand(str(template), out)
    return out
