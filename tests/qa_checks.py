"""Schema checks shared by the QA set tests (tuning set and blind holdout)."""

from __future__ import annotations

import json
import re
from collections import Counter
from fractions import Fraction

from assistant.lang.text import to_search_text

GRADES = ("不通过", "达标", "三星级", "四星级", "五星级")
# An oracle independent of assistant/domain/scoring.py: inclusive thresholds, exact comparison.
THRESHOLDS = ((95, "五星级"), (90, "四星级"), (80, "三星级"), (70, "达标"))


def grade_for(score: float) -> str:
    value = Fraction(repr(float(score)))
    for bound, label in THRESHOLDS:
        if value >= bound:
            return label
    return "不通过"


def plain(text: str) -> str:
    """Normalised text without punctuation or spaces, for "is this a copy?" comparisons."""
    return re.sub(r"[\W_]+", "", to_search_text(text))


def check_item_schema(item: dict, required: dict, id_re: re.Pattern, categories: set) -> None:
    """Fields and types of one QA item, its key points and gold sources."""
    for key, typ in required.items():
        assert key in item, f"missing field {key}"
        assert isinstance(item[key], typ), f"{key} must be {typ.__name__}"
    assert id_re.match(item["id"]), f"id {item['id']!r} does not match {id_re.pattern}"
    assert item["question"].strip() and item["gold_answer"].strip()
    assert item["category"] in categories
    for key in ("expected_score", "expected_grade"):
        assert key in item, f"missing field {key} (use null)"
    score, grade = item["expected_score"], item["expected_grade"]
    assert score is None or (isinstance(score, (int, float)) and not isinstance(score, bool))
    assert grade is None or grade in GRADES
    for group in item["key_points"]:
        assert isinstance(group, list) and group, "each key-point group is a non-empty list"
        for kw in group:
            assert isinstance(kw, str) and kw.strip(), "keywords are non-empty strings"
            assert to_search_text(kw) == kw, f"keyword {kw!r} must be normalised (simplified, lower case)"
    for src in item["gold_sources"]:
        assert isinstance(src, dict) and set(src) == {"doc", "anchor"}, f"bad gold source {src}"
        assert all(isinstance(v, str) and v for v in src.values())
    keys = [(s["doc"], s["anchor"]) for s in item["gold_sources"]]
    assert len(keys) == len(set(keys)), "a gold source is listed twice"
    if "history" in item:
        assert item["category"] == "followup", "only follow-up items carry a history"


def check_answer_key(item: dict) -> None:
    """Out-of-scope items carry no answer key; answerable ones carry 1-3 key-point groups and gold."""
    out = item["category"] == "out_of_scope"
    assert item["expect_abstain"] is out, "expect_abstain must be true exactly for out_of_scope items"
    if out:
        assert item["key_points"] == [] and item["gold_sources"] == []
        assert item["expected_score"] is None and item["expected_grade"] is None
    else:
        assert 1 <= len(item["key_points"]) <= 3, "answerable items need 1-3 key-point groups"
        assert item["gold_sources"], "answerable items need at least one gold source"


# --------------------------------------------------------------------------- file level
# Shared by the blind sets (eval/qa_holdout.jsonl, eval/qa_blind2.jsonl).


def load_items(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def item_ids(items: list[dict]) -> list[str]:
    return [i.get("id", "?") for i in items]


def check_jsonl_file(path) -> None:
    """UTF-8 without BOM, one JSON object per line, no blank lines, no \\u escapes."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    for n, line in enumerate(text.splitlines(), 1):
        assert line.strip(), f"blank line {n}"
        assert isinstance(json.loads(line), dict), f"line {n} is not an object"
        assert "\\u" not in line, f"line {n}: write with ensure_ascii=False"


def check_count_and_unique(items: list[dict], n_items: int) -> None:
    assert len(items) == n_items
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)), "ids must be unique"
    questions = [(plain(i["question"]), json.dumps(i.get("history"), ensure_ascii=False)) for i in items]
    assert len(questions) == len(set(questions)), "duplicate questions"


def check_categories(items: list[dict], categories: set, min_out_of_scope_share: float) -> None:
    counts = Counter(i["category"] for i in items)
    assert set(counts) <= categories, f"unknown categories: {set(counts) - categories}"
    assert set(counts) == categories, f"categories without items: {categories - set(counts)}"
    assert counts["out_of_scope"] / len(items) >= min_out_of_scope_share
