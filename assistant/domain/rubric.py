"""The GB/T 27922 indicator structure (names and clause numbers only, never point values).

Kept apart from ``assistant.domain.scoring`` so that module stays pure (no file I/O).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from assistant.lang.resources import load_resource, resource_path

RUBRIC_PATH = resource_path("rubric.yaml")


@lru_cache(maxsize=1)
def load_rubric() -> dict[str, Any]:
    """The parsed ``resources/rubric.yaml`` (yaml imported lazily: startup stays light)."""
    return load_resource(RUBRIC_PATH.name)


def indicators() -> list[dict[str, Any]]:
    """Flat list of second-level indicators: {"first_level", "name", "clause" (or None)}."""
    return [
        {"first_level": group["name"], "name": item["name"], "clause": item.get("clause")}
        for group in load_rubric()["first_level"]
        for item in group["second_level"]
    ]


def format_rubric() -> str:
    """Chinese listing of the 3 first-level and 15 second-level indicators."""
    rubric = load_rubric()
    groups = rubric["first_level"]
    total = sum(len(g["second_level"]) for g in groups)
    lines = [f"{rubric['standard']} 评价指标：{len(groups)} 个一级指标、{total} 个二级指标"]
    n = 0
    for i, group in enumerate(groups, start=1):
        lines.append(f"{i}. {group['name']}")
        for item in group["second_level"]:
            n += 1
            clause = f"（{item['clause']}）" if item.get("clause") else ""
            lines.append(f"   {n:>2}. {item['name']}{clause}")
    lines.append("各指标分值以认证机构的评分表为准，本工具不内置官方权重。")
    return "\n".join(lines)
