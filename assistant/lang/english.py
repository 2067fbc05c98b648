"""English words mixed into a Chinese question ("这个certification的validity是多久"), said in the
Chinese words the documents use ("这个认证的有效期是多久"), so question analysis, score reading and
the policy checks, written for Chinese, read a code-switched question the same way. The table is
``resources/english.txt``. Applied to questions only: documents are quoted as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.lang.resources import resource_lines


_CJK = "\u4e00-\u9fff\u3000-\u303f\uff00-\uffef0-9\0"  # Chinese, its marks, digits
_HAN = re.compile(r"[\u4e00-\u9fff]")
MIN_HAN = 2  # a code-switched question is Chinese with English words in it


def _phrase(english: str) -> str:
    """The pattern of one table entry: a space or a hyphen inside it optional, a plural allowed."""
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", english.strip())]
    return r"(?<![A-Za-z])" + r"[\s\-]?".join(parts) + r"(?:e?s)?(?![A-Za-z])"


@lru_cache(maxsize=1)
def _table() -> tuple[re.Pattern | None, tuple[tuple[re.Pattern, str], ...]]:
    pairs = []
    for line in resource_lines("english.txt"):
        english, _, chinese = line.partition("=")
        if english.strip() and chinese.strip():
            pairs.append((english.strip().lower(), chinese.strip()))
    pairs.sort(key=lambda p: len(p[0]), reverse=True)  # the longest first: "special bonus item" before "bonus"
    compiled = tuple((re.compile(_phrase(e), re.IGNORECASE), c) for e, c in pairs)
    anyone = re.compile("|".join(p.pattern for p, _ in compiled), re.IGNORECASE) if compiled else None
    return anyone, compiled


def to_chinese_terms(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(``text`` with each English word of the table in Chinese, the (typed, meant) pairs).
    Spaces typed between a replaced word and Chinese are dropped ("我们的 score 是85" ->
    我们的得分是85). A question with fewer than MIN_HAN Chinese characters is left as typed."""
    anyone, table = _table()
    if anyone is None or len(_HAN.findall(text or "")) < MIN_HAN or not anyone.search(text):
        return text, []  # (a question wholly in English is not code-switched: it is left as typed)
    typed = text
    said: list[tuple[str, str]] = []
    for pattern, chinese in table:
        def swap(m: re.Match[str], chinese: str = chinese) -> str:
            said.append((m.group(0), chinese))
            return "\0" + chinese + "\0"
        text = pattern.sub(swap, text)
    # the marks keep a replaced word from being matched again; a space typed between a replaced
    # word and Chinese goes with them, one before a Latin word stays
    text = re.sub(rf"(?<=[{_CJK}])[ \t]+(?=\0)|(?<=\0)[ \t]+(?=[{_CJK}])", "", text).replace("\0", "")
    said.sort(key=lambda pair: typed.find(pair[0]))  # as the question says them
    return text, said
