"""Resolve elliptical follow-ups ("那五星呢？", "需要哪些材料？") against the conversation.

Pure: the history is a list of {"role", "content"} dicts as the CLI batch format and the
app send it.
"""

from __future__ import annotations

import re

from assistant.domain.grades import FAIL_GRADE, GRADE_ALIASES, PASSING_GRADES, STAR_GRADES

_FOLLOWUP_START = re.compile(
    r"^(那|那么|那要是|那如果|要是|如果|这|这个|这期间|这段时间|期间|那期间|还有|另外|然后|它|其|那个|又|再|同样)"
)
_FOLLOWUP_END = re.compile(r"(呢|吗|嘛)[？?！!。.]*$")
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
    return bool(_FOLLOWUP_START.match(q)) or informative_tokens <= 2 or (
        len(q) <= 12 and bool(_FOLLOWUP_END.search(q)))


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
