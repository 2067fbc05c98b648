"""The one resource loader (assistant/lang/resources.py) and the word lists and patterns it serves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.lang.resources import RESOURCES, expand, expand_fragments, load_resource, resource_lines

ASSISTANT = Path(__file__).resolve().parents[1] / "assistant"


def test_fragments_expand_in_order_and_leave_quantifiers_alone():
    frags = expand_fragments({"N": r"(\d{1,3})", "PAIR": r"{N}/{N}"})
    assert frags["PAIR"] == r"(\d{1,3})/(\d{1,3})"
    assert expand(r"x{0,8}{N}", frags) == r"x{0,8}(\d{1,3})"
    with pytest.raises(KeyError):
        expand("{MISSING}", frags)


def test_resources_load_once_and_word_lists_drop_comments():
    assert load_resource("question.yaml") is load_resource("question.yaml")
    words = resource_lines("domain_dict.txt")
    assert words and not any(w.startswith("#") or not w.strip() for w in words)
    assert resource_lines("no_such_file.txt") == ()


@pytest.mark.parametrize("resource, module", [("score_intent.yaml", "domain/score_intent.py")])
def test_every_pattern_and_word_list_is_used(resource, module):
    data = load_resource(resource)
    source = (ASSISTANT / module).read_text(encoding="utf-8")
    unused = [name for name in data["patterns"] if f'_pattern("{name}")' not in source]
    unused += [name for name in data["words"] if f'_WORDS["{name}"]' not in source]
    assert unused == []


@pytest.mark.parametrize("resource", ["score_intent.yaml", "conflicts.yaml"])
def test_every_placeholder_names_a_fragment(resource):
    data = load_resource(resource)
    fragments = expand_fragments(data["fragments"])
    texts = list(fragments.values())
    for value in list((data.get("patterns") or {}).values()) + [r["pattern"] for r in data.get("rules", [])]:
        texts += value if isinstance(value, list) else [value]
    for text in texts:
        expanded = expand(text, fragments)
        assert not re.search(r"\{[A-Z][A-Z0-9_]*\}", expanded), text
        re.compile(expanded)


def test_only_the_loader_knows_where_resources_live():
    """Every module reaches assistant/resources/ through the loader (resource_path, load_resource)."""
    builders = [str(path.relative_to(ASSISTANT)) for path in ASSISTANT.rglob("*.py")
                if path.name != "resources.py" and re.search(r"""/ ?["']resources["']""",
                                                             path.read_text(encoding="utf-8"))]
    assert builders == []
    assert RESOURCES == ASSISTANT / "resources"
