"""The curated evaluation set eval/qa.jsonl is well-formed and consistent with the corpus.

Each non-abstain item's key points must be findable in its gold passages (after the same
normalisation the judge uses: NFKC, traditional -> simplified, lower case), because the
answerer is extractive; score items must carry a score and a grade that agree with the
inclusive thresholds 70 / 80 / 90 / 95.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from assistant.lang.text import to_search_text, to_simplified
from qa_checks import GRADES, check_answer_key, check_item_schema, grade_for, plain

REPO = Path(__file__).resolve().parents[1]
QA_PATH = REPO / "eval" / "qa.jsonl"
CORPUS = REPO / "corpus"

MIN_ITEMS = 150
MIN_OUT_OF_SCOPE_SHARE = 0.20
MIN_COUNTS = {
    "certification_category": 8,
    "eligibility_scope": 14,
    "standard_content": 12,
    "grades": 10,
    "score_calculation": 18,
    "process": 10,
    "materials": 8,
    "review_outlets": 8,
    "validity_surveillance": 8,
    "benefits_policy": 8,
    "regulations": 8,
    "traditional_chinese": 8,
    "colloquial_typo": 10,
    "followup": 8,
    "out_of_scope": 36,
}
CATEGORIES = set(MIN_COUNTS)
# Key points a score answer states even when no passage spells them out verbatim.
GRADE_WORDS = set(GRADES) | {"不能通过", "达标级"}
NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?$")
ID_RE = re.compile(r"^[a-z]+-\d{3}$")
REQUIRED = {
    "id": str,
    "question": str,
    "category": str,
    "gold_answer": str,
    "key_points": list,
    "gold_sources": list,
    "expect_abstain": bool,
}


# --------------------------------------------------------------------------- loading

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)
_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*$", re.M)
_ANCHOR_RE = re.compile(r"[ \t]*\{#([A-Za-z0-9_-]+)\}[ \t]*$")


def _load_corpus() -> tuple[dict[tuple[str, str], str], list[str]]:
    """(doc id, anchor) -> normalised passage text (heading + body); and all FAQ phrasings."""
    passages: dict[tuple[str, str], str] = {}
    phrasings: list[str] = []
    for path in sorted(CORPUS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        match = _FRONT_MATTER_RE.match(text)
        front = yaml.safe_load(match.group(1)) if match else {}
        body = text[match.end():] if match else text
        doc_id = str(front.get("id") or path.stem)
        headings = list(_HEADING_RE.finditer(body))
        for i, h in enumerate(headings):
            anchor = _ANCHOR_RE.search(h.group(2))
            if len(h.group(1)) < 2 or not anchor:
                continue
            end = headings[i + 1].start() if i + 1 < len(headings) else len(body)
            heading = _ANCHOR_RE.sub("", h.group(2))
            passages[(doc_id, anchor.group(1))] = to_search_text(heading + "\n" + body[h.end():end])
        for pair in (front.get("pairs") or {}).values():
            phrasings.append(pair["question"])
            phrasings.extend(pair.get("variants") or [])
    return passages, phrasings


def _load_items() -> list[dict]:
    items = []
    for n, line in enumerate(QA_PATH.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        assert isinstance(item, dict), f"line {n}: not a JSON object"
        items.append(item)
    return items


PASSAGES, FAQ_PHRASINGS = _load_corpus()
ITEMS = _load_items()
ANSWERABLE = [i for i in ITEMS if not i.get("expect_abstain")]
SCORE_ITEMS = [i for i in ITEMS if i.get("expected_score") is not None or i.get("expected_grade") is not None]


def _ids(items):
    return [str(i.get("id")) for i in items]


# --------------------------------------------------------------------------- file level


def test_file_is_utf8_jsonl():
    raw = QA_PATH.read_bytes()
    raw.decode("utf-8")  # raises on bad bytes
    assert not raw.startswith(b"\xef\xbb\xbf"), "qa.jsonl must not start with a BOM"
    lines = raw.decode("utf-8").splitlines()
    assert all(line.strip() for line in lines), "blank lines inside qa.jsonl"
    escaped = [n for n, line in enumerate(lines, start=1) if re.search(r"\\u[0-9a-fA-F]{4}", line)]
    assert not escaped, f"lines {escaped}: write Chinese as UTF-8 text (ensure_ascii=False), not \\u escapes"


def test_enough_items_and_unique_ids():
    assert len(ITEMS) >= MIN_ITEMS
    ids = [i.get("id") for i in ITEMS]
    dupes = sorted({x for x in ids if ids.count(x) > 1})
    assert not dupes, f"duplicate ids: {dupes}"
    questions = [(plain(i["question"]), tuple(map(str, i.get("history") or []))) for i in ITEMS]
    repeated = [q for q, c in Counter(questions).items() if c > 1]
    assert not repeated, f"the same question appears more than once: {repeated}"


def test_category_counts_and_out_of_scope_share():
    counts = Counter(i.get("category") for i in ITEMS)
    unknown = set(counts) - CATEGORIES
    assert not unknown, f"unknown categories: {unknown}"
    short = {c: (counts.get(c, 0), m) for c, m in MIN_COUNTS.items() if counts.get(c, 0) < m}
    assert not short, f"categories below their minimum (have, need): {short}"
    share = counts["out_of_scope"] / len(ITEMS)
    assert share >= MIN_OUT_OF_SCOPE_SHARE, f"out-of-scope share {share:.1%} < {MIN_OUT_OF_SCOPE_SHARE:.0%}"


def test_questions_are_not_copies_of_faq_phrasings():
    """The set tests generalisation: no verbatim FAQ question/variant, and few near-copies."""
    known = {plain(p) for p in FAQ_PHRASINGS}
    copies = [i["id"] for i in ITEMS if plain(i["question"]) in known]
    assert not copies, f"questions copied verbatim from FAQ variants: {copies}"
    plain_known = list(known)
    close = [
        i["id"] for i in ANSWERABLE
        if max(difflib.SequenceMatcher(None, plain(i["question"]), k).ratio() for k in plain_known) >= 0.8
    ]
    assert len(close) <= 0.3 * len(ANSWERABLE), f"too many near-copies of FAQ variants: {close}"


# --------------------------------------------------------------------------- item level


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_item_fields(item: dict):
    check_item_schema(item, REQUIRED, ID_RE, CATEGORIES)


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_abstain_items_have_no_answer_key(item: dict):
    check_answer_key(item)


@pytest.mark.parametrize("item", ANSWERABLE, ids=_ids(ANSWERABLE))
def test_gold_sources_exist(item: dict):
    missing = [f"{s['doc']}#{s['anchor']}" for s in item["gold_sources"] if (s["doc"], s["anchor"]) not in PASSAGES]
    assert not missing, f"gold sources not in the corpus: {missing}"


@pytest.mark.parametrize("item", ANSWERABLE, ids=_ids(ANSWERABLE))
def test_key_points_appear_in_gold_passages(item: dict):
    texts = [PASSAGES[(s["doc"], s["anchor"])] for s in item["gold_sources"] if (s["doc"], s["anchor"]) in PASSAGES]
    is_score = item["expected_score"] is not None
    for group in item["key_points"]:
        if any(to_search_text(kw) in text for kw in group for text in texts):
            continue
        if is_score and all(kw in GRADE_WORDS or NUMBER_RE.match(kw) for kw in group):
            continue  # computed by the scoring tool: a grade label or a number
        pytest.fail(f"key-point group {group} appears in none of the gold passages")


@pytest.mark.parametrize("item", SCORE_ITEMS, ids=_ids(SCORE_ITEMS))
def test_score_items_consistent(item: dict):
    score, grade = item["expected_score"], item["expected_grade"]
    assert score is not None and grade is not None, "score items need both expected_score and expected_grade"
    assert 0 <= score <= 100
    assert Fraction(repr(float(score))) * 100 == int(Fraction(repr(float(score))) * 100), \
        "expected_score must have at most 2 decimals (the tool reports 2)"
    assert grade_for(score) == grade, f"{score} is {grade_for(score)}, not {grade}"
    assert any(grade in group for group in item["key_points"]), "a score item's key points name the grade"
    assert item["category"] in {"score_calculation", "followup", "traditional_chinese", "colloquial_typo"}


def test_score_category_items_all_have_scores():
    items = [i for i in ITEMS if i["category"] == "score_calculation"]
    assert all(i["expected_score"] is not None for i in items)
    scores = {float(i["expected_score"]) for i in items}
    boundaries = {69.99, 70, 79.99, 80, 89.99, 90, 94.99, 95, 100}
    assert boundaries <= scores, f"boundary scores missing: {sorted(boundaries - scores)}"
    assert {grade_for(s) for s in scores} == set(GRADES), "every grade should be exercised"


def test_score_grades_agree_with_scoring_module():
    scoring = pytest.importorskip("assistant.domain.scoring")
    for item in SCORE_ITEMS:
        assert scoring.grade_for(item["expected_score"]) == item["expected_grade"], item["id"]


FOLLOWUPS = [i for i in ITEMS if i["category"] == "followup"]


@pytest.mark.parametrize("item", FOLLOWUPS, ids=_ids(FOLLOWUPS))
def test_followup_history(item: dict):
    history = item.get("history")
    assert isinstance(history, list) and len(history) >= 2, "follow-ups need a previous exchange"
    assert len(history) % 2 == 0
    for n, turn in enumerate(history):
        assert isinstance(turn, dict) and set(turn) == {"role", "content"}, f"turn {n}: keys must be role, content"
        assert turn["role"] == ("user" if n % 2 == 0 else "assistant"), f"turn {n}: roles must alternate user/assistant"
        assert isinstance(turn["content"], str) and turn["content"].strip(), f"turn {n}: empty content"
    assert len(item["question"]) <= 20, "a follow-up question should be short and elliptical"


TRADITIONAL = [i for i in ITEMS if i["category"] == "traditional_chinese"]


@pytest.mark.parametrize("item", TRADITIONAL, ids=_ids(TRADITIONAL))
def test_traditional_questions_are_traditional(item: dict):
    assert to_simplified(item["question"]) != item["question"], "question has no traditional characters"
