"""How alike two questions are, robust to paraphrase: one score in 0..1.

Shared by curated-answer matching and the grouping of unanswered questions. Both sides are
normalised the way the search is (NFKC, traditional -> simplified, lower case, punctuation
dropped), then three signals are blended:

- character bigram overlap (Dice) — robust to segmentation and small rewordings;
- token overlap (IDF-weighted Dice over the project's jieba tokens, synonyms folded) — so
  "有效期" and a synonym the vocabulary maps onto it count as the same word;
- the embedder's cosine similarity — with a sentence-transformers model, the paraphrase signal.

Word overlap alone confuses near misses ("子公司能不能单独申请" vs "分公司能不能单独申请",
"现场评审要几天" vs "现场评审怎么打分"), so the blend is then weighed by *mutual coverage*: the
IDF-weighted share of each side's content words (question words dropped, the asked-for kind of
answer — a duration, a frequency, a price, a score — kept as one word) found in the other side,
the smaller of the two. A content word on one side only pulls the score down hard.

Numbers decide meaning here ("三星级" vs "五星级", "3年" vs "5年"), so a quantity in one
question that differs from the other's caps the score below any threshold in use, a number on
one side only costs ``NUMBER_ONE_SIDED_PENALTY``, and a negation in only one of them costs
``NEGATION_PENALTY``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from assistant.lang.numerals import read_number
from assistant.lang.resources import expand, load_resource
from assistant.lang.text import to_search_text, tokenize

WEIGHTS = {"chars": 0.4, "tokens": 0.35, "dense": 0.25}
NEGATION_PENALTY = 0.15
NUMBER_MISMATCH_CAP = 0.3
NUMBER_ONE_SIDED_PENALTY = 0.1

_RES = load_resource("similarity.yaml")
# question words say how something is asked, not what: dropped from the content words
QUESTION_WORDS = frozenset(_RES["question_words"].split())
# the kind of answer asked for, however it is asked: each group counts as one content word
ASKED: dict[str, str] = dict(_RES["asked"])
_ASKED = {w: label for label, words in ASKED.items() for w in words.split()}
ASKED_WEIGHT = 3.0  # about the IDF of a distinctive word

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
# question forms that contain a negation character without negating anything
_QUESTION_FORMS = re.compile(_RES["question_forms"])
_NEGATION = re.compile(_RES["negation"])
_UNIT = _RES["unit"]
NUMBER = re.compile(expand(_RES["number"], {"UNIT": _UNIT}))
UNIT_ALIASES: dict[str, str] = dict(_RES["unit_aliases"])


def cn_number(text: str) -> float | None:
    """'95' -> 95, '三' -> 3, '十二' -> 12, '二十五' -> 25; None when not a number
    (``assistant.lang.numerals.read_number`` as a float)."""
    value = read_number(text)
    return None if value is None else float(value)


def quantities(text: str) -> set[tuple[float, str]]:
    """(value, unit) pairs a text states: '3年' -> (3.0, '年'), '五星级' -> (5.0, '星')."""
    out = set()
    for num, unit in NUMBER.findall(to_search_text(text)):
        value = cn_number(num)
        if value is not None:
            out.add((value, UNIT_ALIASES.get(unit, unit)))
    return out


@lru_cache(maxsize=65536)
def match_text(text: str) -> str:
    """The comparable form: normalised like the search text, without punctuation or spaces."""
    return _NON_WORD.sub("", to_search_text(text))


def _bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def _negated(text: str) -> bool:
    return bool(_NEGATION.search(_QUESTION_FORMS.sub("", text)))


@dataclass
class Phrasing:
    """One phrasing, prepared once: its comparable text, bigrams, tokens, numbers, vector."""

    text: str
    key: str = ""
    bigrams: frozenset = frozenset()
    tokens: frozenset = frozenset()
    numbers: frozenset = frozenset()
    negated: bool = False
    content: frozenset = frozenset()
    vector: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def of(cls, text: str, vector: np.ndarray | None = None) -> "Phrasing":
        key = match_text(text)
        tokens = frozenset(tokenize(text))
        content = frozenset(t for t in (_ASKED.get(t, t) for t in tokens if t not in QUESTION_WORDS) if len(t) > 1)
        return cls(text=text, key=key, bigrams=_bigrams(key), tokens=tokens, content=content,
                   numbers=frozenset(quantities(text)), negated=_negated(key), vector=vector)


def prepare(texts: list[str], embedder=None) -> list[Phrasing]:
    vectors = None
    if embedder is not None and texts:
        vectors = np.asarray(embedder.embed_documents([to_search_text(t) for t in texts]), dtype=np.float32)
    return [Phrasing.of(t, None if vectors is None else vectors[i]) for i, t in enumerate(texts)]


def _dice(a: frozenset, b: frozenset, weight: Callable[[str], float] | None = None) -> float:
    if not a or not b:
        return 0.0
    if weight is None:
        return 2 * len(a & b) / (len(a) + len(b))
    inter = sum(weight(t) for t in a & b)
    total = sum(weight(t) for t in a) + sum(weight(t) for t in b)
    return 2 * inter / total if total else 0.0


def signals(q: Phrasing, p: Phrasing, idf: Callable[[str], float] | None = None) -> dict[str, float]:
    dense = 0.0
    if q.vector is not None and p.vector is not None:
        dense = max(0.0, float(np.dot(q.vector, p.vector)))
    return {"chars": _dice(q.bigrams, p.bigrams), "tokens": _dice(q.tokens, p.tokens, idf), "dense": dense}


def _covered(a: Phrasing, b: Phrasing, weight: Callable[[str], float]) -> float:
    """IDF-weighted share of ``a``'s content words found in ``b`` (as a word or inside its text)."""
    total = sum(weight(t) for t in a.content)
    if not total:
        return 1.0
    found = sum(weight(t) for t in a.content
                if t in b.content or (not t.startswith("〈") and t in b.key))
    return found / total


def _weight_fn(idf: Callable[[str], float] | None) -> Callable[[str], float]:
    def weight(t: str) -> float:
        return ASKED_WEIGHT if t.startswith("〈") else (idf(t) if idf else 1.0)
    return weight


def mutual_coverage(q: Phrasing, p: Phrasing, idf: Callable[[str], float] | None = None) -> float:
    weight = _weight_fn(idf)
    return min(_covered(q, p, weight), _covered(p, q, weight))


def must_share(q: Phrasing, floor: float, idf: Callable[[str], float] | None = None) -> list[str] | None:
    """Content words of ``q`` of which a phrasing must contain at least one to reach ``floor``
    (its heaviest words, until the rest weigh less than ``floor``); None when any phrasing can."""
    weight = _weight_fn(idf)
    words = sorted(q.content, key=lambda t: (-weight(t), t))
    total = sum(weight(t) for t in words)
    if not words or not total:
        return None
    needed, rest = [], total
    for t in words:
        needed.append(t)
        rest -= weight(t)
        if rest < floor * total:
            return needed
    return needed


def similarity(q: Phrasing, p: Phrasing, idf: Callable[[str], float] | None = None) -> float:
    """0..1; 1.0 for the same normalised text."""
    if not q.key or not p.key:
        return 0.0
    if q.key == p.key:
        return 1.0
    s = signals(q, p, idf)
    weights = WEIGHTS if q.vector is not None and p.vector is not None else \
        {"chars": WEIGHTS["chars"] / (1 - WEIGHTS["dense"]), "tokens": WEIGHTS["tokens"] / (1 - WEIGHTS["dense"])}
    blend = sum(w * s[name] for name, w in weights.items())
    mutual = mutual_coverage(q, p, idf)
    score = (blend + mutual) / 2 * mutual
    if q.negated != p.negated:
        score -= NEGATION_PENALTY
    if q.numbers and p.numbers and q.numbers != p.numbers:
        score = min(score, NUMBER_MISMATCH_CAP)
    elif q.numbers != p.numbers:  # a number on one side only: a narrower or wider question
        score -= NUMBER_ONE_SIDED_PENALTY
    return max(0.0, min(1.0, score))
