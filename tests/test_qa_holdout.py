"""The blind held-out evaluation set eval/qa_holdout.jsonl is well-formed and consistent with the corpus.

The held-out set measures how the assistant generalises: it was written without looking at
eval/qa.jsonl, the retrieval resources or the FAQ variants / asks lists. These tests check its
shape, that every gold source exists, that each answerable item's key points can be found in
its gold passages (after the judge's normalisation, ``assistant.lang.text.to_search_text``), that
score items' grades agree with their scores, and that no held-out question is a near copy of a
main-set question or of a phrasing the system was tuned on (failure messages name only the
held-out id, so running the tests does not reveal the tuned phrasings).
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from assistant.lang.text import to_search_text
from qa_checks import (check_answer_key, check_categories, check_count_and_unique, check_item_schema,
                       check_jsonl_file, grade_for, item_ids, load_items, plain)

REPO = Path(__file__).resolve().parents[1]
HOLDOUT_PATH = REPO / "eval" / "qa_holdout.jsonl"
MAIN_QA_PATH = REPO / "eval" / "qa.jsonl"
CORPUS = REPO / "corpus"

N_ITEMS = 90
MIN_OUT_OF_SCOPE_SHARE = 0.25
CATEGORIES = {
    "certification_category",
    "eligibility_scope",
    "standard_content",
    "grades",
    "score_calculation",
    "process",
    "materials",
    "review_outlets",
    "validity_surveillance",
    "benefits_policy",
    "regulations",
    "traditional_chinese",
    "colloquial_typo",
    "followup",
    "out_of_scope",
}
ID_RE = re.compile(r"^ho-\d{3}$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{#([A-Za-z0-9-]+)\})?\s*$")
REQUIRED = {
    "id": str,
    "question": str,
    "category": str,
    "gold_answer": str,
    "key_points": list,
    "gold_sources": list,
    "expect_abstain": bool,
}
NEAR_COPY_RATIO = 0.9


def _split_front_matter(text: str) -> tuple[dict, str]:
    if text.startswith("---"):
        _, fm, body = text.split("---", 2)
        return yaml.safe_load(fm) or {}, body
    return {}, text


def _load_corpus() -> tuple[dict[tuple[str, str], str], list[str]]:
    """(doc id, anchor) -> passage body (no heading, no 来源 line); plus tuned phrasings."""
    passages: dict[tuple[str, str], str] = {}
    phrasings: list[str] = []
    for path in sorted(CORPUS.rglob("*.md")):
        meta, body = _split_front_matter(path.read_text(encoding="utf-8"))
        doc = meta["id"]
        for pair in (meta.get("pairs") or {}).values():
            phrasings.append(str(pair.get("question", "")))
            phrasings.extend(str(v) for v in pair.get("variants") or [])
        for asks in (meta.get("asks") or {}).values():
            phrasings.extend(str(v) for v in asks or [])
        anchor, lines = None, []
        for line in body.splitlines() + ["# end"]:
            m = HEADING_RE.match(line) if line.startswith("#") else None
            if m:
                if anchor is not None:
                    passages[(doc, anchor)] = "\n".join(lines)
                anchor = m.group(3) if len(m.group(1)) in (2, 3) else None
                lines = []
                if anchor:
                    phrasings.append(m.group(2))
            elif anchor is not None and not line.strip().startswith("来源："):
                lines.append(line)
    return passages, [p for p in phrasings if p.strip()]


PASSAGES, TUNED_PHRASINGS = _load_corpus()
ITEMS = load_items(HOLDOUT_PATH)
ANSWERABLE = [i for i in ITEMS if not i.get("expect_abstain")]
KEYPOINT_ITEMS = [i for i in ANSWERABLE if i.get("expected_score") is None]
SCORE_ITEMS = [i for i in ITEMS if i.get("category") == "score_calculation"]


_ids = item_ids


def test_file_is_utf8_jsonl_without_ascii_escapes():
    check_jsonl_file(HOLDOUT_PATH)


def test_item_count_and_unique_ids():
    check_count_and_unique(ITEMS, N_ITEMS)


def test_categories_and_out_of_scope_share():
    check_categories(ITEMS, CATEGORIES, MIN_OUT_OF_SCOPE_SHARE)


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_schema(item: dict):
    check_item_schema(item, REQUIRED, ID_RE, CATEGORIES)


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_abstain_items_have_no_answer_key(item: dict):
    check_answer_key(item)


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_history_only_on_followups(item: dict):
    if item["category"] != "followup":
        assert "history" not in item, "only follow-up items carry a history"
        return
    history = item.get("history")
    assert isinstance(history, list) and len(history) >= 2
    for turn, role in zip(history, ["user", "assistant"] * len(history)):
        assert set(turn) == {"role", "content"} and turn["role"] == role
        assert isinstance(turn["content"], str) and turn["content"].strip()


@pytest.mark.parametrize("item", ANSWERABLE, ids=_ids(ANSWERABLE))
def test_gold_sources_exist(item: dict):
    missing = [f"{s['doc']}#{s['anchor']}" for s in item["gold_sources"] if (s["doc"], s["anchor"]) not in PASSAGES]
    assert not missing, f"gold sources not in the corpus: {missing}"


@pytest.mark.parametrize("item", KEYPOINT_ITEMS, ids=_ids(KEYPOINT_ITEMS))
def test_key_points_appear_in_gold_passages(item: dict):
    texts = [to_search_text(PASSAGES[(s["doc"], s["anchor"])]) for s in item["gold_sources"]]
    for group in item["key_points"]:
        assert any(to_search_text(kw) in t for kw in group for t in texts), (
            f"no keyword of {group} in the gold passages of {item['id']}"
        )


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_score_fields(item: dict):
    if item["category"] != "score_calculation":
        assert item["expected_score"] is None and item["expected_grade"] is None
        return
    score, grade = item["expected_score"], item["expected_grade"]
    assert score is not None and grade is not None, "score items need expected_score and expected_grade"
    assert 0 <= score <= 100
    assert grade == grade_for(score), f"{score} should be graded {grade_for(score)}, not {grade}"
    # the numeric answer and the grade are what a correct answer must state
    flat = {kw for group in item["key_points"] for kw in group}
    assert any(kw == f"{score:g}" for kw in flat), "the expected score should be a key point"
    assert any(kw in grade or grade in kw for kw in flat), "the expected grade should be a key point"


def test_score_items_cover_grades():
    assert len(SCORE_ITEMS) >= 6
    assert len({i["expected_grade"] for i in SCORE_ITEMS}) >= 4


@pytest.mark.parametrize(
    "item", [i for i in ITEMS if i["category"] == "traditional_chinese"],
    ids=_ids([i for i in ITEMS if i["category"] == "traditional_chinese"]),
)
def test_traditional_items_are_written_in_traditional_script(item: dict):
    q = item["question"]
    assert to_search_text(q) != unicodedata.normalize("NFKC", q).lower(), "question has no traditional characters"


def _near_copies(question: str, others: list[str]) -> float:
    mine = plain(question)
    best = 0.0
    for other in others:
        theirs = plain(other)
        if not theirs:
            continue
        if mine == theirs:
            return 1.0
        best = max(best, difflib.SequenceMatcher(None, mine, theirs).ratio())
    return best


def _main_questions() -> list[str]:
    if not MAIN_QA_PATH.exists():
        return []
    lines = MAIN_QA_PATH.read_text(encoding="utf-8").splitlines()
    return [json.loads(line).get("question", "") for line in lines if line.strip()]


MAIN_QUESTIONS = _main_questions()


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_not_a_near_copy_of_tuned_phrasings(item: dict):
    # Messages deliberately omit the matching text to keep the held-out set blind.
    ratio = _near_copies(item["question"], MAIN_QUESTIONS)
    assert ratio < NEAR_COPY_RATIO, f"{item['id']} is a near copy of a main-set question (ratio {ratio:.2f})"
    ratio = _near_copies(item["question"], TUNED_PHRASINGS)
    assert ratio < NEAR_COPY_RATIO, f"{item['id']} is a near copy of a corpus question/variant (ratio {ratio:.2f})"
