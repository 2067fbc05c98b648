"""The second blind evaluation set eval/qa_blind2.jsonl is well-formed and consistent with the corpus.

The questions were written blind (before looking at the corpus, eval/qa.jsonl, the holdout
set or the retrieval resources) and only annotated afterwards. This module runs the checks of
tests/test_qa_holdout.py on the new file: the per-item checks are the holdout test functions
themselves (and the shared helpers in qa_checks.py), called on this file's items; only the
file-level constants differ. Like the holdout test, failure messages of the near-copy check
name only the item id, so running the tests does not reveal the tuned phrasings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import test_qa_holdout as holdout
from qa_checks import (check_categories, check_count_and_unique, check_item_schema, check_jsonl_file, item_ids,
                       load_items)

BLIND2_PATH = Path(__file__).resolve().parents[1] / "eval" / "qa_blind2.jsonl"

N_ITEMS = 77
ID_RE = re.compile(r"^b2-\d{3}$")


ITEMS = load_items(BLIND2_PATH)
ANSWERABLE = [i for i in ITEMS if not i.get("expect_abstain")]
KEYPOINT_ITEMS = [i for i in ANSWERABLE if i.get("expected_score") is None]
SCORE_ITEMS = [i for i in ITEMS if i.get("category") == "score_calculation"]
TRADITIONAL = [i for i in ITEMS if i.get("category") == "traditional_chinese"]
# Questions already used for tuning or evaluation: the main set and the first holdout.
USED_QUESTIONS = holdout.MAIN_QUESTIONS + [i.get("question", "") for i in holdout.ITEMS]


_ids = item_ids


# --------------------------------------------------------------------------- file level


def test_file_is_utf8_jsonl_without_ascii_escapes():
    check_jsonl_file(BLIND2_PATH)


def test_item_count_and_unique_ids():
    check_count_and_unique(ITEMS, N_ITEMS)


def test_categories_and_out_of_scope_share():
    check_categories(ITEMS, holdout.CATEGORIES, holdout.MIN_OUT_OF_SCOPE_SHARE)


def test_score_items_cover_grades():
    assert len(SCORE_ITEMS) >= 6
    assert len({i["expected_grade"] for i in SCORE_ITEMS}) >= 4


# --------------------------------------------------------------------------- item level
# The holdout's item-level test functions take the item as their only argument; reuse them.


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_schema(item: dict):
    check_item_schema(item, holdout.REQUIRED, ID_RE, holdout.CATEGORIES)


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_abstain_items_have_no_answer_key(item: dict):
    holdout.test_abstain_items_have_no_answer_key(item)


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_history_only_on_followups(item: dict):
    holdout.test_history_only_on_followups(item)


@pytest.mark.parametrize("item", ANSWERABLE, ids=_ids(ANSWERABLE))
def test_gold_sources_exist(item: dict):
    holdout.test_gold_sources_exist(item)


@pytest.mark.parametrize("item", KEYPOINT_ITEMS, ids=_ids(KEYPOINT_ITEMS))
def test_key_points_appear_in_gold_passages(item: dict):
    holdout.test_key_points_appear_in_gold_passages(item)


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_score_fields(item: dict):
    holdout.test_score_fields(item)


@pytest.mark.parametrize("item", TRADITIONAL, ids=_ids(TRADITIONAL))
def test_traditional_items_are_written_in_traditional_script(item: dict):
    holdout.test_traditional_items_are_written_in_traditional_script(item)


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_not_a_near_copy_of_used_or_tuned_phrasings(item: dict):
    # Messages deliberately omit the matching text to keep the set blind.
    ratio = holdout._near_copies(item["question"], USED_QUESTIONS)
    assert ratio < holdout.NEAR_COPY_RATIO, f"{item['id']} is a near copy of a main/holdout question (ratio {ratio:.2f})"
    ratio = holdout._near_copies(item["question"], holdout.TUNED_PHRASINGS)
    assert ratio < holdout.NEAR_COPY_RATIO, f"{item['id']} is a near copy of a corpus question/variant (ratio {ratio:.2f})"
