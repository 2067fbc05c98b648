"""Resolve elliptical follow-ups ("那五星呢？", "需要哪些材料？") against the conversation.

Pure: the history is a list of {"role", "content"} dicts as the CLI batch format and the
app send it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.domain.grades import FAIL_GRADE, GRADE_ALIASES, PASSING_GRADES, STAR_GRADES
from assistant.lang.resources import load_resource


@lru_cache(maxsize=1)
def _followup_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(start, end, words referring back) of a follow-up, from resources/followup.yaml (built on
    first use)."""
    data = load_resource("followup.yaml")
    start = re.compile("^(" + "|".join(map(re.escape, data["starts"])) + ")")
    end = re.compile("(" + "|".join(map(re.escape, data["ends"])) + ")[？?！!。.]*$")
    refers = re.compile("|".join(map(re.escape, data.get("refers") or ())) or r"(?!)")
    return start, end, refers


# Terms of one slot: a follow-up naming one replaces the other in the carried-over question.
_SLOTS = [
    tuple(word for label in PASSING_GRADES
          for word in ((label, *GRADE_ALIASES[label]) if label in STAR_GRADES else (*GRADE_ALIASES[label], label)))
    + ("星级", FAIL_GRADE),
]


def last_user_message(history: list[dict] | None) -> str:
    for turn in reversed(history or []):
        if turn.get("role") == "user" and str(turn.get("content", "")).strip():
            return str(turn["content"]).strip()
    return ""


def is_followup(question: str, informative_tokens: int) -> bool:
    q = question.strip()
    start, end, refers = _followup_patterns()
    return bool(start.match(q)) or informative_tokens <= 2 or (len(q) <= 12 and bool(end.search(q))) \
        or bool(refers.search(q))


def _drop_replaced_slots(previous: str, question: str) -> str:
    for slot in _SLOTS:
        if any(term in question for term in slot):
            for term in sorted(slot, key=len, reverse=True):
                previous = previous.replace(term, "")
    return previous


def resolve_followup(question: str, history: list[dict] | None, informative_tokens: int) -> str:
    """The question to search with: unchanged, or carried over from the last user turn."""
    previous = last_user_message(history)
    if not previous or not is_followup(question, informative_tokens):
        return question
    return f"{_drop_replaced_slots(previous, question)} {question}".strip()
