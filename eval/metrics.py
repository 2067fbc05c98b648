"""Pure metric functions for the evaluation (no I/O, no models, no store).

Honesty rules, applied in :func:`judge` and relied on by the harness:

* key points are checked on the *answer text* after :func:`normalise` (NFKC, traditional ->
  simplified, lower case, whitespace runs folded to one space); every group needs at least one
  of its keywords as a substring;
* an answer to an answerable question that has no citations is never correct;
* an abstaining answer to an answerable question is wrong; abstention is read from the
  ``abstained`` flag, never guessed from the text;
* score questions are judged on the ``calculate_grade`` tool result (score within 1e-6 and the
  same grade), never on the text -- a pipeline without the tool fails them.

Retrieved lists hold, per rank, either one passage key (``doc_id#anchor``) or a collection of
keys (a baseline chunk can contain several passages); rank positions, not keys, are counted.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

SCORE_TOL = 1e-6
_WS = re.compile(r"\s+")


# --------------------------------------------------------------------------- text


# a space set between a Chinese character and a digit ("70 分", "含 70 分") is typography only
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=\d)|(?<=\d)\s+(?=[\u4e00-\u9fff])")


def normalise(text: str | None) -> str:
    """The form answers and keywords are compared in (same as the search side, whitespace
    folded, and a space between a Chinese character and a digit dropped: "含 70 分" says 含70分)."""
    from assistant.lang.text import to_search_text

    return _CJK_SPACE.sub("", _WS.sub(" ", to_search_text(text or ""))).strip()


@lru_cache(maxsize=1)
def _longer_terms() -> dict[str, frozenset[str]]:
    """Key word -> the longer terms of the domain vocabulary that end in it and mean something
    else ("售后服务认证" for "服务认证"): the key word said only inside one of them is not said."""
    from assistant.lang.text import domain_terms, synonym_map

    syn = synonym_map()
    terms = {normalise(t) for t in set(domain_terms()) | set(syn)}
    terms.discard("")
    out: dict[str, set[str]] = {}
    for term in terms:
        for cut in range(1, min(len(term) - 1, 4) + 1):
            tail = term[cut:]
            if len(tail) >= 2 and tail in terms and syn.get(term, term) != syn.get(tail, tail):
                out.setdefault(tail, set()).add(term)
    return {k: frozenset(v) for k, v in out.items()}


def says(text: str, key: str) -> bool:
    """``key`` occurs in ``text`` (both normalised) on its own, not only as the end of a longer
    term that means something else: "服务认证" is not said by "售后服务认证"."""
    if not key or key not in text:
        return False
    longer = _longer_terms().get(key, ())
    start = text.find(key)
    while start >= 0:
        if not any(text[max(0, start + len(key) - len(t)):start + len(key)] == t for t in longer):
            return True
        start = text.find(key, start + 1)
    return False


def key_points_hit(answer_text: str | None, key_points: Sequence[Sequence[str]] | None) -> bool:
    """True iff every group has at least one keyword contained in the normalised answer.

    An empty ``key_points`` list is vacuously satisfied; an empty group can never be satisfied.
    """
    text = normalise(answer_text)
    for group in key_points or []:
        if isinstance(group, str):
            group = [group]
        if not any(says(text, normalise(k)) for k in group):
            return False
    return True


def key_point_found(text: str | None, key_points: Sequence[Sequence[str]] | None) -> bool:
    """True iff the text contains at least one keyword of any group (used for citation precision)."""
    norm = normalise(text)
    for group in key_points or []:
        if isinstance(group, str):
            group = [group]
        if any(says(norm, normalise(k)) for k in group):
            return True
    return False


KEY_FACT_CHARS = 150


def key_fact_early(answer_text: str | None, key_points: Sequence[Sequence[str]] | None,
                   limit: int = KEY_FACT_CHARS) -> bool | None:
    """True iff a keyword of the *first* key-point group is within the first ``limit``
    characters of the answer (the key fact comes first); None when there are no key points.
    The window is cut from the answer as shown, then normalised like every other check."""
    groups = list(key_points or [])
    if not groups:
        return None
    first = groups[0]
    if isinstance(first, str):
        first = [first]
    head = normalise((answer_text or "")[: max(limit, 0)])
    return any(says(head, normalise(k)) for k in first)


#: where the first key point sits when it is not in the answer's first 150 characters
KEY_FACT_PLACES = ("early", "late", "cited", "uncited")


def key_fact_place(answer_text: str | None, cited_texts: Sequence[str], key_points: Sequence[Sequence[str]] | None,
                   limit: int = KEY_FACT_CHARS) -> str | None:
    """Where a keyword of the first key-point group sits: "early" (within the first ``limit``
    characters), "late" (further down the answer: the lead chose another sentence), "cited" (in a
    cited passage, not quoted: the right passage, the wrong sentences) or "uncited" (in nothing
    cited: a retrieval or wording gap). None without key points. A maintainer reads from it
    whether composition or retrieval is what loses the key fact."""
    groups = list(key_points or [])
    if not groups:
        return None
    if key_fact_early(answer_text, groups, limit):
        return "early"
    first = [groups[0]] if isinstance(groups[0], str) else [list(groups[0])]
    if key_point_found(answer_text, first):
        return "late"
    if any(key_point_found(t, first) for t in cited_texts):
        return "cited"
    return "uncited"


# --------------------------------------------------------------------------- retrieval


def passage_key(source: Mapping[str, Any] | str) -> str:
    """``{"doc": d, "anchor": a}`` -> ``d#a``; ``{"doc": d}`` (no anchor) -> ``d``, a
    doc-only gold source that matches any passage of that document (strings pass through)."""
    if isinstance(source, str):
        return source
    anchor = source.get("anchor")
    if anchor is None or not str(anchor).strip():
        return str(source["doc"])
    return f"{source['doc']}#{anchor}"


def doc_of(key: str) -> str:
    """The document a retrieved key belongs to: ``d#anchor`` (corpus passage) and
    ``d::chunk-digest`` (a chunk of a document without anchors, e.g. a plain .txt) -> ``d``."""
    return key.split("#", 1)[0].split("::", 1)[0]


def is_doc_only(gold: str) -> bool:
    """A gold key naming a whole document (no ``#anchor``)."""
    return "#" not in gold and "::" not in gold


def key_matches(key: str, gold: str) -> bool:
    """A retrieved passage key satisfies a gold key: the same passage, or any passage of the
    document a doc-only gold key names."""
    if key == gold:
        return True
    return is_doc_only(gold) and doc_of(key) == gold


def _matched(keys: set[str], gold: Iterable[str]) -> set[str]:
    """The gold keys that any of ``keys`` satisfies."""
    return {g for g in gold if any(key_matches(k, g) for k in keys)}


def _keys_at(item: str | Iterable[str] | None) -> set[str]:
    if item is None:
        return set()
    if isinstance(item, str):
        return {item}
    return {k for k in item if k}


def recall_at(retrieved: Sequence[str | Iterable[str]], gold: Iterable[str], k: int) -> float | None:
    """1.0 when any gold passage is in the first ``k`` ranks, else 0.0; None when there is no gold.

    Gold sources in the QA set are *acceptable* sources (an FAQ pair and the clause it rests on
    say the same thing), so finding one of them is what counts -- the usual "top-k retrieval
    accuracy" of QA retrieval. :func:`passage_recall_at` gives the share of all gold passages.
    """
    gold_set = {passage_key(g) for g in gold}
    if not gold_set:
        return None
    for item in list(retrieved)[: max(k, 0)]:
        if _matched(_keys_at(item), gold_set):
            return 1.0
    return 0.0


def passage_recall_at(retrieved: Sequence[str | Iterable[str]], gold: Iterable[str], k: int) -> float | None:
    """Share of gold passages found in the first ``k`` ranks; None when there is no gold."""
    gold_set = {passage_key(g) for g in gold}
    if not gold_set:
        return None
    found: set[str] = set()
    for item in list(retrieved)[: max(k, 0)]:
        found |= _matched(_keys_at(item), gold_set)
    return len(found) / len(gold_set)


def reciprocal_rank(retrieved: Sequence[str | Iterable[str]], gold: Iterable[str]) -> float | None:
    """1 / rank of the first rank holding any gold passage (0 if none); None when there is no gold."""
    gold_set = {passage_key(g) for g in gold}
    if not gold_set:
        return None
    for rank, item in enumerate(retrieved, start=1):
        if _matched(_keys_at(item), gold_set):
            return 1.0 / rank
    return 0.0


# --------------------------------------------------------------------------- citations


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def citation_is_relevant(citation: Any, gold_passages: Iterable[str],
                         key_points: Sequence[Sequence[str]] | None) -> bool:
    """A citation is relevant when it is a gold passage or its text contains a key point.

    ``citation`` is a Citation, or a mapping with ``passage`` (one key) and/or ``passages``
    (several keys, for baseline chunks) and ``text``.
    """
    gold_set = {passage_key(g) for g in gold_passages}
    keys = _keys_at(_get(citation, "passage")) | _keys_at(_get(citation, "passages"))
    if _matched(keys, gold_set):
        return True
    return key_point_found(_get(citation, "text", ""), key_points)


def citation_precision(citations: Sequence[Any], gold_passages: Iterable[str],
                       key_points: Sequence[Sequence[str]] | None) -> float | None:
    """Share of cited passages that are gold or contain a key point; None without citations."""
    if not citations:
        return None
    gold = [passage_key(g) for g in gold_passages]
    good = sum(1 for c in citations if citation_is_relevant(c, gold, key_points))
    return good / len(citations)


# --------------------------------------------------------------------------- abstention


def abstention_precision(abstained: Sequence[bool], expect_abstain: Sequence[bool]) -> float | None:
    """Of the answers that abstained, the share that should have; None when none abstained."""
    return _share_true([exp for got, exp in zip(abstained, expect_abstain, strict=True) if got])


def abstention_recall(abstained: Sequence[bool], expect_abstain: Sequence[bool]) -> float | None:
    """Of the questions that should be declined, the share declined; None when there are none."""
    return _share_true([got for got, exp in zip(abstained, expect_abstain, strict=True) if exp])


def _share_true(flags: list[bool]) -> float | None:
    """The share of true flags; None for none."""
    return sum(1 for f in flags if f) / len(flags) if flags else None


# --------------------------------------------------------------------------- score questions


def grade_result(tool_calls: Sequence[Any] | None) -> dict | None:
    """The result of the last ``calculate_grade`` tool call, or None."""
    for call in reversed(list(tool_calls or [])):
        if _get(call, "name") == "calculate_grade":
            result = _get(call, "result")
            return dict(result) if isinstance(result, Mapping) else None
    return None


def score_exact_match(tool_calls: Sequence[Any] | None, expected_score: float | None,
                      expected_grade: str | None) -> bool:
    """The tool result's score equals the expected one (within 1e-6) and so does the grade.

    A side that is not expected (None) is not checked; the tool result must exist and carry
    what is checked. The text of the answer plays no part.
    """
    result = grade_result(tool_calls)
    if result is None or "error" in result:
        return False
    if expected_score is None and expected_grade is None:
        return False
    if expected_score is not None:
        try:
            got = float(result["score"])
        except (KeyError, TypeError, ValueError):
            return False
        if not math.isfinite(got) or (abs(got - float(expected_score)) > SCORE_TOL
                                      and not _rounds_to(result.get("score_exact"), expected_score)):
            return False
    if expected_grade is not None and grade_name(str(result.get("grade", ""))) != grade_name(expected_grade):
        return False
    return True


def _rounds_to(exact: Any, expected: Any) -> bool:
    """The exact score (a fraction such as "620/9") rounded half up to the decimals the expected
    score is written with equals it: a list that writes 68.9 for 62/90 × 100 asks for that
    precision. An expected integer must be met exactly (it claims no rounding)."""
    from decimal import ROUND_HALF_UP, Decimal
    from fractions import Fraction

    text = str(expected)
    if exact is None or "." not in text:
        return False
    try:
        value = Fraction(str(exact))
    except (ValueError, ZeroDivisionError):
        return False
    places = Decimal(1).scaleb(-len(text.split(".")[1]))
    got = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, rounding=ROUND_HALF_UP)
    return got == Decimal(text)


# the failing grade by the names a QA list may give it (the tool names it 不通过)
_FAIL_NAMES = ("不通过", "不达标", "未达标", "没达标", "没有达标", "未通过", "没通过", "不合格")


def grade_name(label: str) -> str:
    """A grade's canonical name: "三星" and "三星级" are one grade, "不达标" and "不通过" another."""
    from assistant.domain.grades import FAIL_GRADE, GRADE_ALIASES

    text = normalise(label)
    if text in _FAIL_NAMES:
        return FAIL_GRADE
    for name, aliases in GRADE_ALIASES.items():
        if text == name or text in aliases:
            return name
    return text


def is_score_item(item: Mapping[str, Any]) -> bool:
    return item.get("expected_score") is not None or item.get("expected_grade") is not None


# --------------------------------------------------------------------------- judging one item


def judge(item: Mapping[str, Any], *, answer_text: str, abstained: bool, citations: Sequence[Any],
          tool_calls: Sequence[Any] | None = None) -> dict[str, Any]:
    """Apply the honesty rules to one answer; returns key_points_ok, score_ok, correct, reason.

    ``reason`` is empty when correct, else a short English tag naming what went wrong.
    """
    kp = item.get("key_points") or []
    key_ok = (not abstained) and key_points_hit(answer_text, kp)
    score_ok: bool | None = None
    if is_score_item(item):
        score_ok = (not abstained) and score_exact_match(
            tool_calls, item.get("expected_score"), item.get("expected_grade"))
    if item.get("expect_abstain"):
        correct = bool(abstained)
        reason = "" if correct else "answered_out_of_scope"
    elif abstained:
        correct, reason = False, "abstained_on_answerable"
    elif not citations:
        correct, reason = False, "no_citations"
    elif score_ok is not None:
        correct = bool(score_ok)
        reason = "" if correct else ("no_tool_result" if grade_result(tool_calls) is None else "wrong_score")
    else:
        correct = key_ok
        reason = "" if correct else "missing_key_points"
    return {"key_points_ok": key_ok, "score_ok": score_ok, "correct": correct, "reason": reason}


# --------------------------------------------------------------------------- aggregation


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), as numpy's default; None for no values."""
    vals = sorted(float(v) for v in values if v is not None)
    if not vals:
        return None
    if len(vals) == 1:
        return vals[0]
    q = min(max(q, 0.0), 100.0)
    pos = (len(vals) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(vals) - 1)
    return vals[lo] + (vals[hi] - vals[lo]) * (pos - lo)


def mean(values: Iterable[float | bool | None]) -> float | None:
    """Mean over the values that are not None; None when there are none."""
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def summarise(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Headline metrics over per-question records (as built by the harness).

    * accuracy: share of all items judged correct;
    * key_point_accuracy: over answerable, non-score items (key points + citations + no abstention);
    * recall_at_1 / recall_at_5 / mrr: over items with gold sources (any gold passage counts);
    * passage_recall_at_5: share of all gold passages in the top 5 (informational);
    * citation_presence: over answerable items, share answered with at least one citation;
    * citation_precision: mean per-answer precision over answers that have citations;
    * abstention_precision / abstention_recall: positives are the expect_abstain items;
    * score_exact_match: over score questions, judged on the tool result;
    * key_fact_150: over key-point items, share whose first key-point group is in the first
      150 characters of the answer (an abstention counts as a miss);
    * oos_refusal_rate: share of out-of-scope items refused (abstention recall, by its set name);
      n_answerable_refused: answerable items refused; n_score_misread: score items answered
      with a computed score or grade that is wrong (a number read in the wrong role);
    * latency_p50_ms / latency_p95_ms.
    """
    recs = list(records)
    answerable = [r for r in recs if not r.get("expect_abstain")]
    kp_items = [r for r in answerable if not r.get("is_score")]
    score_items = [r for r in answerable if r.get("is_score")]
    latencies = [r.get("latency_ms") for r in recs if r.get("latency_ms") is not None]
    return {
        "n": len(recs),
        "accuracy": mean(r.get("correct") for r in recs),
        "key_point_accuracy": mean(r.get("correct") for r in kp_items),
        "recall_at_1": mean(r.get("recall_at_1") for r in recs),
        "recall_at_5": mean(r.get("recall_at_5") for r in recs),
        "mrr": mean(r.get("rr") for r in recs),
        "passage_recall_at_5": mean(r.get("passage_recall_at_5") for r in recs),
        "citation_presence": mean(bool(r.get("citations")) and not r.get("abstained") for r in answerable),
        "citation_precision": mean(r.get("citation_precision") for r in recs),
        "abstention_precision": abstention_precision([bool(r.get("abstained")) for r in recs],
                                                     [bool(r.get("expect_abstain")) for r in recs]),
        "abstention_recall": abstention_recall([bool(r.get("abstained")) for r in recs],
                                               [bool(r.get("expect_abstain")) for r in recs]),
        "score_exact_match": mean(bool(r.get("score_ok")) for r in score_items),
        "key_fact_150": mean(r.get("key_fact_early") for r in kp_items),
        "key_fact_places": {p: sum(1 for r in kp_items if r.get("key_fact_place") == p)
                            for p in KEY_FACT_PLACES if any(r.get("key_fact_place") for r in kp_items)},
        "oos_refusal_rate": abstention_recall([bool(r.get("abstained")) for r in recs],
                                              [bool(r.get("expect_abstain")) for r in recs]),
        "n_answerable_refused": sum(1 for r in answerable if r.get("abstained")),
        "n_score_misread": sum(1 for r in score_items if not r.get("score_ok")
                               and isinstance(r.get("tool_result"), Mapping)
                               and "error" not in r["tool_result"]),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "n_answerable": len(answerable),
        "n_key_point_items": len(kp_items),
        "n_with_gold": sum(1 for r in recs if r.get("rr") is not None),
        "n_out_of_scope": len(recs) - len(answerable),
        "n_score": len(score_items),
    }


# Metrics where higher is better (the CI gate compares these against floors).
HEADLINE = (
    "accuracy", "key_point_accuracy", "recall_at_1", "recall_at_5", "mrr", "citation_presence",
    "citation_precision", "abstention_precision", "abstention_recall", "score_exact_match",
    "key_fact_150", "oos_refusal_rate",
)
