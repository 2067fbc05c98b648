"""What the knowledge base covers and deliberately does not (resources/scope.yaml).

Pure checks on the normalised question; the answerer refuses with the topic's reason. Only
policy refusals are keyword-based; gaps of the knowledge base are refused on evidence
(assistant/pipeline/answer.py AbstainPolicy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.lang.resources import load_resource, resource_path
from assistant.lang.text import shipped_vocabulary, to_search_text

SCOPE_FILE = resource_path("scope.yaml")


@dataclass(frozen=True)
class Topic:
    name: str
    reason: str
    pattern: re.Pattern
    unless: re.Pattern | None
    policy: bool = False  # refused because the assistant must not help, not for lack of facts


@lru_cache(maxsize=1)
def _scope() -> tuple[re.Pattern, tuple[Topic, ...]]:
    data = load_resource(SCOPE_FILE.name) or {}
    terms = [re.escape(word) for word in shipped_vocabulary()[0]]
    anchors = re.compile("|".join([data.get("anchors", "")] + terms).strip("|") or r"(?!)")
    topics = tuple(
        Topic(t["name"], t["reason"], re.compile(t["pattern"]),
              re.compile(t["unless"]) if t.get("unless") else None, bool(t.get("policy")))
        for t in data.get("topics", [])
    )
    return anchors, topics


def topics() -> tuple[Topic, ...]:
    return _scope()[1]


def in_domain(search_text: str, tokens: list[str] = ()) -> bool:
    """True when the question mentions the domain at all (an anchor term or a canonical token)."""
    anchors = _scope()[0]
    return bool(anchors.search(search_text)) or any(anchors.fullmatch(t) for t in tokens)


def out_of_scope(search_text: str) -> Topic | None:
    """The first policy topic (fraud, writing tasks, other schemes) the question touches, or None."""
    for topic in topics():
        if topic.pattern.search(search_text) and not (topic.unless and topic.unless.search(search_text)):
            return topic
    return None


def policy_refusal(question: str) -> Topic | None:
    """``out_of_scope`` on a raw question (normalised here)."""
    return out_of_scope(to_search_text(question))
