"""Property-based tests: the text paths never raise on arbitrary input, and keep their invariants.

Already covered elsewhere (not repeated): ``clean_text`` idempotent and never longer on a small
alphabet (test_normalize); chunks well-formed and content kept for a fixed set of lines
(test_chunking); ``parse_score_question`` never raises on ``st.text()`` and on score-like noise
(test_score_intent); the calculator's arithmetic (test_scoring).

Added here, on full Unicode (surrogates, controls, bidi and zero-width characters included) and on
a strategy mixing domain words, digits, full-width characters, Markdown headings, clause numbers
and Q/A markers: cleaning (``clean_text``/``clean_inline``/``clean_document``), sectioning and
chunking, the score recogniser, ``to_search_text``/``tokenize``, and the ``python -m assistant``
argument handling.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.lang.text import STOPWORDS, to_search_text, tokenize
from ingest.chunking import chunk_document, split_sections
from ingest.model import RawDocument
from ingest.normalize import clean_document, clean_inline, clean_text
from ingest.pipeline import chunk_ids

# --------------------------------------------------------------------------- strategies

#: Every code point, surrogates and unassigned ones included.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=200)
#: What a real str from a file or a form can hold (no lone surrogates).
VALID_TEXT = st.text(max_size=200)

DOMAIN = [
    "售后服务", "认证", "证书有效期", "三年", "每年监督一次", "评审员", "现场评审", "星级", "五星级", "四星级",
    "達標", "證書", "服務(wù)", "認證(zhèng)", "涉及项分值", "特别扣分项", "特别加分项", "得了", "分", "八十八",
    "九十四点五", "满分", "以上", "差几分", "能评几星", "实际得分", "GB/T 27922-2011", "5.1.4.1", "第二十五条",
    "咨询热线：13800138000", "©2024 版权所有", "发表评论", "十分", "百分之", "1/3", "76/80", "-5", "%",
]
DIGITS = list("0123456789") + list("０１２３４５６７８９")
FULL_WIDTH = list("ＡＢＣａｂｃ，。？！：；（）【】「」　～…")
MARKERS = [
    "\n", "\n\n", "\n\n\n", " ", "\t", "\r\n", "\u3000", "\n# ", "\n## ", "\n### ", "\n#### 5.1.2 标题 {#c-5-1-2}",
    "\n1、", "\n2. ", "\n问：", "\n答：", "\nQ: ", "\n一、", "\n（二）", "\n第一章 ", "\n第三条 ", "\n```", "？\n",
    "。", "\u200b", "\u202e", "\x00", "\x1b[31m", "\ufeff",
]
PIECES = DOMAIN + DIGITS + FULL_WIDTH + MARKERS
DOMAIN_TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=60).map("".join)
TEXTS = st.one_of(ANY_TEXT, DOMAIN_TEXT)
DOC_TYPES = st.sampled_from(["web", "faq", "standard", "regulation", "guide"])

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _doc(text: str, doc_type: str = "web", **kw) -> RawDocument:
    return RawDocument("d", "s", "t", doc_type, text, "text", **kw)


def _non_space(text: str) -> Counter:
    return Counter(ch for ch in text if not ch.isspace())


# --------------------------------------------------------------------------- normalisation


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_clean_text_never_raises_and_leaves_clean_lines(text):
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    assert "\r" not in cleaned and "\n\n\n" not in cleaned
    assert not _CONTROL.search(cleaned) and not _INVISIBLE.search(cleaned)
    assert all(line == line.rstrip() for line in cleaned.split("\n"))
    cleaned.encode("utf-8")  # no lone surrogate survives: every chunk can be hashed and stored


def test_lone_surrogates_are_dropped_and_split_pairs_rejoined():
    # as a malformed PDF ToUnicode map leaks them (pypdf); they used to reach chunk_ids and
    # fail the whole document with UnicodeEncodeError
    assert clean_text("服\ud83d\ude00务\ud800认证\udfff") == "服😀务认证"
    assert clean_inline("\udc80标题\ud800") == "标题"
    doc = clean_document(_doc("售后服务认证证书有效期三年。\ud800\n\n每年监督一次。\udfff"))
    assert chunk_ids("d", chunk_document(doc))


@settings(max_examples=400, deadline=None)
@given(DOMAIN_TEXT)
def test_clean_text_is_idempotent_on_domain_text(text):
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_clean_inline_is_one_trimmed_line_and_idempotent(text):
    once = clean_inline(text)
    assert once == once.strip() and not re.search(r"\s\s|[\n\r\t]", once)
    assert clean_inline(once) == once


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=5), DOC_TYPES)
def test_clean_document_keeps_page_offsets_true(pages, doc_type):
    starts, offset = [], 0
    for number, page in enumerate(pages, start=1):
        starts.append((number, offset))
        offset += len(page)
    cleaned = clean_document(_doc("".join(pages), doc_type, page_starts=starts))
    assert [p for p, _ in cleaned.page_starts] == [p for p, _ in starts]
    offsets = [o for _, o in cleaned.page_starts]
    assert offsets == sorted(offsets)
    for (_, start), page in zip(cleaned.page_starts, pages):
        page_text = clean_text(page)
        if page_text:  # a page that cleans to nothing takes no room (its offset is where the next begins)
            assert cleaned.text[start:start + len(page_text)] == page_text


# --------------------------------------------------------------------------- sections and chunks


def _line_offsets(text: str) -> list[int]:
    """Offset of the first non-space character of every non-blank line (split on "\\n" only)."""
    out, start = [], 0
    for raw in text.split("\n"):
        stripped = raw.lstrip()
        if raw.strip():
            out.append(start + len(raw) - len(stripped))
        start += len(raw) + 1
    return out


@settings(max_examples=400, deadline=None)
@given(TEXTS, DOC_TYPES)
def test_sections_partition_the_lines(text, doc_type):
    """Every non-blank line lands in exactly one section, in order, at its true offset."""
    sections = split_sections(text, doc_type)
    placed = [off for s in sections for off, _ in s.lines]
    assert placed == _line_offsets(text)
    for s in sections:
        content = s.lines[1:] if s.kind else s.lines
        for off, line in content:  # content lines are the stripped source lines, unchanged
            assert text[off:off + len(line)] == line and line == line.strip()


def _content(text: str, doc_type: str) -> Counter:
    """Non-space characters of the lines that are not section markers (headings, clause
    numbers, questions): what the chunks must keep. A marker line is kept too when it is
    emitted, but a bare heading is context only, by design."""
    counts: Counter = Counter()
    for s in split_sections(text, doc_type):
        for _, line in (s.lines[1:] if s.kind else s.lines):
            counts.update(_non_space(line))
    return counts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, DOC_TYPES, st.sampled_from([(120, 20), (300, 40), (600, 40)]))
def test_chunking_keeps_all_content_of_the_cleaned_text(raw, doc_type, budget):
    max_chars, min_chars = budget
    doc = clean_document(_doc(raw, doc_type))
    chunks = chunk_document(doc, max_chars=max_chars, min_chars=min_chars)
    text = doc.text
    have = Counter()
    for i, c in enumerate(chunks):
        assert c.text and c.text == c.text.strip()
        assert c.search_text == to_search_text(c.text)
        assert c.meta["chunk_index"] == i and c.meta["doc_id"] == "d"
        for key, value in c.meta.items():
            assert isinstance(value, (str, int, float, bool)) and value != "", key
        c.text.encode("utf-8")
        have.update(_non_space(c.text))
    missing = _content(text, doc_type) - have
    assert not missing, f"lost {dict(missing)}"
    # nothing is invented: every character shown comes from the document ("…" ends a long label)
    assert set(have) <= set(text) | {"…"}
    if not chunks:  # only bare headings (a marker line with nothing under it) may vanish entirely
        assert all(s.kind and len(s.lines) == 1 for s in split_sections(text, doc_type))


@settings(max_examples=250, deadline=None)
@given(TEXTS, DOC_TYPES)
def test_chunks_respect_the_size_budget(raw, doc_type):
    doc = clean_document(_doc(raw, doc_type))
    for c in chunk_document(doc, max_chars=120, min_chars=20):
        assert len(c.text) <= 120 + 20, len(c.text)


@settings(max_examples=200, deadline=None)
@given(TEXTS, DOC_TYPES)
def test_chunk_ids_are_stable_and_unique(raw, doc_type):
    first = chunk_document(clean_document(_doc(raw, doc_type)))
    again = chunk_document(clean_document(_doc(str(raw), doc_type)))
    assert [(c.text, c.meta) for c in first] == [(c.text, c.meta) for c in again]
    ids = chunk_ids("d", first)
    assert ids == chunk_ids("d", again)
    assert len(set(ids)) == len(ids) and all(i.startswith("d::") for i in ids)
    # an id depends on the passage text, not on where it sits: a new first passage moves none
    prefixed = chunk_document(clean_document(_doc("序言。\n\n" + raw, doc_type)))
    if [c.text for c in prefixed][-len(first):] == [c.text for c in first] and first:
        assert chunk_ids("d", prefixed)[-len(first):] == ids


# --------------------------------------------------------------------------- score recogniser


@settings(max_examples=600, deadline=None)
@given(TEXTS)
def test_score_recogniser_never_raises_and_feeds_the_calculator(text):
    from assistant.domain.score_intent import extract_score_fields, parse_score_question
    from assistant.pipeline.tools import run_calculate_grade

    fields = extract_score_fields(text)
    assert set(fields) <= {"total", "earned", "applicable_total", "special_deductions", "bonus"}
    for key in ("special_deductions", "bonus"):
        assert isinstance(fields.get(key, 0), int)
    args = parse_score_question(text)
    if args is None:
        return
    assert "total" in args or "rows" in args or {"earned", "applicable_total"} <= set(args)
    result = run_calculate_grade(args)
    assert ("grade" in result) != ("error" in result)
    if "grade" in result:
        assert 0 <= result["score"] <= 100


_TO_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@settings(max_examples=400, deadline=None)
@given(DOMAIN_TEXT)
def test_score_recogniser_reads_full_width_digits_like_ascii(text):
    from assistant.domain.score_intent import parse_score_question

    assert parse_score_question(text.translate(_TO_FULL_WIDTH)) == parse_score_question(text)


@pytest.mark.parametrize("text", ["百百分之0", "0分之0分之0", "得分率百分之九十", "二十分之十九"])
def test_score_normalisation_is_idempotent_on_what_hypothesis_found(text):
    # a numeral beside a per-cent form, a fraction inside another: read in the first pass
    from assistant.domain.score_intent import normalise

    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_score_normalisation_is_idempotent(text):
    from assistant.domain.score_intent import normalise

    once = normalise(text)
    assert normalise(once) == once


# --------------------------------------------------------------------------- search text


@settings(max_examples=600, deadline=None)
@given(TEXTS)
def test_to_search_text_is_idempotent(text):
    once = to_search_text(text)
    assert to_search_text(once) == once
    assert unicodedata.is_normalized("NFKC", once) or re.search("[\ud800-\udfff]", once)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_tokenize_never_raises_and_agrees_with_its_normalised_form(text):
    tokens = tokenize(text)
    assert tokens == tokenize(to_search_text(text), normalised=True)
    for tok in tokens:
        assert tok and tok == tok.strip() and tok not in STOPWORDS
        assert re.search(r"[^\W_]", tok), tok  # never pure punctuation


# --------------------------------------------------------------------------- CLI arguments

COMMAND_WORDS = ["ingest", "kb", "list", "show", "delete", "ask", "score", "eval", "--json", "--batch", "-",
                 "--total", "--earned", "--applicable-total", "--special-deductions", "--bonus", "--sheet",
                 "--rubric", "--data-dir", "--reset", "--prune", "--no-progress", "--qa", "--out", "-h", "--help",
                 "--", "88", "76", "80", "-1", "1e999999999", "nan", "八十"]
ARGV = st.lists(st.one_of(st.sampled_from(COMMAND_WORDS), st.text(max_size=12)), max_size=8)


@pytest.fixture(scope="module")
def stubbed_handlers():
    """Every handler but ``score`` replaced by a stub: the property is about argument handling,
    and ingest / kb / ask / eval would touch a data directory. ``score`` is pure and stays real."""
    import importlib

    mp = pytest.MonkeyPatch()
    calls = []
    for name in ("ingest", "kb", "ask", "eval"):
        module = importlib.import_module(f"assistant.cli.{name}")
        mp.setattr(module, "run", lambda args, _n=name: calls.append(_n) or 0)
    yield calls
    mp.undo()


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ARGV)
def test_cli_argument_handling_never_raises(stubbed_handlers, capsys, argv):
    from assistant.cli import main

    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        code = exc.code
        assert code in (0, 2), argv
    else:
        assert code in (0, 1, 2), argv
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "内部错误" not in err, err  # an unexpected exception caught by main's last line of defence
    if argv[:1] == ["score"] and code == 2 and "usage:" not in err:
        assert err.startswith("错误：") and len(err.strip().splitlines()) == 1, err


def test_cli_stubs_are_reached(stubbed_handlers, capsys):
    """The property above is not vacuous: parsed commands reach their (stubbed) handlers."""
    from assistant.cli import main

    stubbed_handlers.clear()
    assert main(["ask", "证书有效期几年？", "--json"]) == 0
    assert main(["ingest", "--reset"]) == 0
    assert stubbed_handlers == ["ask", "ingest"]
    assert main(["score", "--total", "88", "--json"]) == 0 and '"三星级"' in capsys.readouterr().out
