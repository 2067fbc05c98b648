"""The automatic conflict check: pure functions over passage text (assistant/domain/conflicts.py)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from assistant.domain.conflicts import (
    authoritative_first,
    authority,
    chinese_number,
    conflict_notes,
    extract_facts,
    find_conflicts,
)
from assistant.types import Citation, Hit

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.mark.parametrize("text, facts", [
    ("70分及以上为达标级，80分及以上为三星级，90分及以上为四星级，95分及以上为五星级。",
     {"grade:达标": 70, "grade:三星": 80, "grade:四星": 90, "grade:五星": 95}),
    ("最终得分达到95分（含95分）的企业，评为五星级售后服务。", {"grade:五星": 95}),
    ("五星级只需要60分。", {"grade:五星": 60}),
    ("五星级的分数线是85分", {"grade:五星": 85}),
    ("## 四星级：90分及以上", {"grade:四星": 90}),
    ("售后服务认证证书有效期一般为3年。", {"validity": 3}),
    ("证书有效期为五年", {"validity": 5}),
    ("期间每年做一次监督评审", {"surveillance": 1}),
    ("认证机构每两年进行一次监督", {"surveillance": 2}),
    ("监督评审每3年一次", {"surveillance": 3}),
    ("评价指标分为3个一级指标、15个二级指标。", {"indicators": 15}),
    ("共8个单项、27项具体指标", {"indicators": 27}),
    ("十五个二级指标", {"indicators": 15}),
])
def test_extract_facts(text, facts):
    assert extract_facts(text) == {k: Fraction(v) for k, v in facts.items()}


@pytest.mark.parametrize("text", [
    "80分以上不到90分为三星级",  # a range: "90分为三星级" is not a threshold
    "其下分别有7个、6个和2个二级指标",  # shares of first-level indicators, not the total
    "一级指标“售后服务体系”下有7个二级指标",
    "其他资料则把“改进”作为一个二级指标",
    "这与常见的“3个一级指标、15个二级指标”说法不同",  # a quotation is not an assertion
    "常见的解读是15个二级指标；另一篇文章则称27项指标",  # two values: takes no side
    "有效期届满前3个月",
    "五星级要多少分？",
    "五星级需要200分",  # not a score
])
def test_no_fact_where_none_is_asserted(text):
    assert extract_facts(text) == {}


@pytest.mark.parametrize("raw, value", [("3", 3), ("95", 95), ("三", 3), ("两", 2), ("十", 10), ("十五", 15),
                                        ("二十七", 27), ("半", Fraction(1, 2)), ("一百二十", None), ("", None)])
def test_chinese_number(raw, value):
    assert chinese_number(raw) == (None if value is None else Fraction(value))


def test_find_conflicts_orders_sides_by_authority():
    passages = [("五星级只需要60分。", 1), ("95分及以上为五星级。", 3), ("五星级需要95分", 2),
                ("证书有效期3年", 2)]
    (conflict,) = find_conflicts(passages)
    assert conflict.key == "grade:五星" and conflict.label == "五星级的分数线"
    assert conflict.sides == [(1, Fraction(95)), (0, Fraction(60))]
    assert find_conflicts([("证书有效期3年", 2), ("有效期为三年", 3)]) == []


def test_the_shipped_corpus_disagrees_only_where_it_says_so():
    """Across every paragraph of corpus/, the only automatic conflict is the indicator count
    (15 vs 27), which the corpus itself declares with conflicts_with."""
    paragraphs = []
    for path in sorted(CORPUS.glob("*/*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        paragraphs += [(p, 2) for p in body.split("\n\n") if p.strip()]
    facts: dict[str, set] = {}
    for text, _ in paragraphs:
        for key, value in extract_facts(text).items():
            facts.setdefault(key, set()).add(value)
    assert {k for k, v in facts.items() if len(v) > 1} == {"indicators"} and facts["indicators"] == {15, 27}
    assert facts["grade:五星"] == {95} and facts["validity"] == {3} and facts["surveillance"] == {1}


@pytest.mark.parametrize("doc_id, doc_type, level", [
    ("std-grades", "standard", 3), ("reg-sanbao", "regulation", 3), ("faq-grades", "faq", 2),
    ("g", "guide", 2), ("web-indicators-27", "web", 1), ("upload/std-grades.md", "standard", 1),
    ("x", "", 1), (None, None, 1),
])
def test_authority(doc_id, doc_type, level):
    assert authority(doc_id, doc_type) == level


def _hit(cid, text, doc_id, doc_type):
    return Hit(cid, text, {"doc_id": doc_id, "doc_type": doc_type, "title": doc_id})


def test_the_most_authoritative_side_leads_and_both_are_cited():
    upload = _hit("u::1", "五星级只需要60分。", "upload/x.md", "faq")
    std = _hit("s::1", "95分及以上为五星级。", "std-grades", "standard")
    other = _hit("f::1", "证书有效期3年。", "faq-validity", "faq")
    ordered = authoritative_first([upload, other, std])
    assert ordered[0] is std and len(ordered) == 3
    assert authoritative_first([std, upload]) == [std, upload]
    assert authoritative_first([other, upload]) == [other, upload]

    cited = [Citation.from_hit(1, std)]
    note, citations = conflict_notes([std, other, upload], cited, Citation.from_hit)
    assert [c.source for c in citations] == ["std-grades", "upload/x.md"]
    assert note.strip() == ("注意：所引来源对五星级的分数线说法不一：[1]（标准/法规）为95分，[2]（网页/上传）为60分；"
                            "以权威等级更高的[1]为准。")
    # the answer does not rest on either side: nothing to say
    assert conflict_notes([std, upload], [Citation.from_hit(1, other)], Citation.from_hit) == \
        ("", [Citation.from_hit(1, other)])
    # same authority: no side is preferred
    faq = _hit("f::2", "五星级需要90分", "faq-x", "faq")
    note, _ = conflict_notes([faq, _hit("f::3", "五星级需要95分", "faq-y", "faq")], [Citation.from_hit(1, faq)],
                             Citation.from_hit)
    assert "请以标准原文和认证机构的解释为准" in note


def test_a_more_authoritative_passage_scored_nearly_as_well_leads_over_a_web_page_or_upload():
    web = Hit("w::1", "网页说法。", {"doc_id": "web-x", "doc_type": "web"}, score=1.0)
    std = Hit("s::1", "标准原文。", {"doc_id": "std-x", "doc_type": "standard"}, score=0.9)
    far = Hit("s::2", "标准原文。", {"doc_id": "std-y", "doc_type": "standard"}, score=0.5)
    upload = Hit("u::1", "上传说法。", {"doc_id": "upload/x.md", "doc_type": "standard"}, score=1.0)
    assert authoritative_first([web, std]) == [std, web]
    assert authoritative_first([upload, std]) == [std, upload]
    assert authoritative_first([web, far]) == [web, far]  # not close: the ranking decides
    faq = Hit("f::1", "问答。", {"doc_id": "faq-x", "doc_type": "faq"}, score=1.0)
    assert authoritative_first([faq, std]) == [faq, std]  # only web pages and uploads give way


def test_a_passage_that_disagrees_with_a_more_authoritative_one_never_leads():
    """However well its question matches ("问：五星级需要多少分？" in an upload), a passage saying
    another value than the standard is cited in the note, not quoted first."""
    from assistant.domain.conflicts import outranked
    from assistant.domain.question import analyse
    from assistant.pipeline.answer import compose_extractive
    from assistant.types import Hit

    standard = Hit(chunk_id="std", text="得分达到95分及以上的企业评为五星级售后服务。", score=1.0,
                   meta={"doc_id": "std-grades", "doc_type": "standard", "title": "标准"})
    uploads = [Hit(chunk_id=f"up{i}", text="五星级需要多少分？\n五星级只需要60分。", score=0.95,
                   meta={"doc_id": f"upload/u{i}.md", "doc_type": "faq", "title": "上传",
                         "question": "五星级需要多少分？"}) for i in (1, 2)]
    hits = [standard, *uploads]
    assert outranked(hits) == {"up1", "up2"}  # both uploads, not only the one the note shows
    text, cites = compose_extractive(hits, question=analyse("五星级需要多少分？"))
    assert cites[0].chunk_id == "std" and text.startswith("得分达到95分")


def test_a_passage_giving_both_values_is_not_outranked():
    from assistant.domain.conflicts import outranked
    from assistant.types import Hit

    standard = Hit(chunk_id="std", text="评价指标分为3个一级指标、15个二级指标。", score=1.0,
                   meta={"doc_id": "std-x", "doc_type": "standard"})
    both = Hit(chunk_id="web", text="公开资料说法不一：常见解读是15个二级指标；另一文章称共27项指标。", score=0.9,
               meta={"doc_id": "upload/a.md", "doc_type": "web"})
    only = Hit(chunk_id="web2", text="该标准共有27项指标。", score=0.8, meta={"doc_id": "upload/b.md", "doc_type": "web"})
    assert outranked([standard, both, only]) == {"web2"}
