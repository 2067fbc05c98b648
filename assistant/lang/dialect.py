"""Cantonese words in a question, said in Mandarin ("扣咗4分" -> 扣了4分, "攞几多星" -> 拿多少星),
so question analysis and score reading, written for Mandarin, read a Guangdong or Hong Kong
user's question the same way. The table is ``resources/dialect.txt``; only words that are not
also ordinary Mandarin are listed. Applied to questions only: documents are quoted as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.lang.resources import resource_lines
from assistant.lang.text import to_simplified


@lru_cache(maxsize=1)
def _table() -> tuple[re.Pattern, dict[str, str]]:
    pairs = dict(line.split()[:2] for line in resource_lines("dialect.txt"))
    words = sorted(pairs, key=len, reverse=True)  # the longest first: 唔系 before 唔
    return re.compile("|".join(map(re.escape, words))), pairs


def to_mandarin(text: str) -> str:
    """``text`` with each Cantonese word of the table in Mandarin; other text unchanged
    (traditional script stays traditional: the words are matched on the simplified form)."""
    pattern, pairs = _table()
    simplified = to_simplified(text)
    if not pattern.search(simplified):
        return text
    if len(simplified) != len(text):  # positions do not map back: the simplified text it is
        text = simplified
    out, last = [], 0
    starts = _word_starts(simplified)
    for m in pattern.finditer(simplified):
        if m.start() not in starts:
            continue  # "网点样本": 点 ends the word 网点, it begins no 点样
        out.append(text[last:m.start()] + pairs[m.group(0)])
        last = m.end()
    return "".join(out) + text[last:]


def _word_starts(text: str) -> set[int]:
    """Where the words of ``text`` begin as jieba cuts it: a dialect word must begin at one."""
    from assistant.lang.text import _segmenter

    starts, at = set(), 0
    for token in _segmenter().lcut(text, HMM=False):
        starts.add(at)
        at += len(token)
    return starts
