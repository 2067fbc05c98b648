"""Rank fusion keeps a clear BM25 lead (retrieval.lexical_margin)."""

from assistant.pipeline.retrieval import MARGIN_LEAD, RRF_K, WEIGHTS, fuse, lexical_margin

SCALED = ("faq", "phrase", "margin")


def test_a_clear_bm25_leader_is_listed_with_its_lead():
    ranked = [("a", 9.0), ("b", 4.0), ("c", 3.8), ("d", 1.0)]
    margin = lexical_margin(ranked)
    assert [cid for cid, _ in margin] == ["a"]
    assert margin[0][1] == 1.0  # (9 - 4) / 9 is more than twice the lead that counts


def test_leaders_in_a_row_are_each_listed_and_close_scores_are_not():
    assert [c for c, _ in lexical_margin([("a", 10.0), ("b", 7.0), ("c", 4.0), ("d", 3.9)])] == ["a", "b"]
    assert lexical_margin([("a", 5.0), ("b", 4.9), ("c", 1.0)]) == []
    assert lexical_margin([("a", 5.0)]) == []
    assert lexical_margin([]) == []
    lead = lexical_margin([("a", 10.0), ("b", 10.0 * (1 - MARGIN_LEAD))])
    assert lead and 0 < lead[0][1] < 1


def test_a_lexical_leader_missed_by_the_dense_list_is_not_outvoted_by_middling_agreement():
    lexical = [("lead", 8.0)] + [(f"p{i}", 3.0 - i * 0.1) for i in range(10)]
    # the dense list misses the leader; one passage is middling on both lists
    dense = [(f"d{i}", 0.3) for i in range(19)] + [("p9", 0.2)]
    without = fuse({"lexical": lexical, "dense": dense}, WEIGHTS, scaled=SCALED)
    assert without[0][0] == "p9"  # rank fusion alone lets agreement on middling ranks win
    margin = lexical_margin(lexical)
    with_margin = fuse({"lexical": lexical, "dense": dense, "margin": margin}, WEIGHTS, scaled=SCALED)
    assert with_margin[0][0] == "lead"
    gained = dict(with_margin)["lead"] - dict(without)["lead"]
    assert abs(gained - WEIGHTS["margin"] * margin[0][1] / (RRF_K + 1)) < 1e-12
    assert [cid for cid, _ in with_margin[1:]] == [cid for cid, _ in without if cid != "lead"]


# --------------------------------------------------------------------------- unit siblings

def _long_faq_page() -> str:
    """A raw FAQ page whose second answer is too long for one chunk: its last point (the
    "甲乙丙丁" fee rule) lands in a continuation chunk under the repeated question."""
    filler = "".join(f"第{i}点说明：维修网点应当按约定时限上门处理客户报修，并留存书面记录。" for i in range(1, 19))
    return (
        "示例问答页\n\n"
        "1、维修网点多久要到场？\n\n"
        "答：城区二十四小时内到场，郊县四十八小时内到场。\n\n"
        "2、维修网点有哪些要求？\n\n"
        f"答：{filler}\n\n超出保修期的，按甲乙丙丁四档收取上门费用。\n\n"
        "3、投诉多久答复？\n\n"
        "答：受理后三个工作日内书面答复客户。\n"
    )


def _retriever_over(settings, tmp_path, name: str, text: str):
    """The retriever of a knowledge base holding one generated page."""
    from assistant.core import Assistant
    from assistant.kb import ingest

    page = tmp_path / "docs" / name
    page.parent.mkdir(parents=True)
    page.write_text(text, encoding="utf-8")
    ingest(settings, [page.parent], progress=False)
    return Assistant(settings).retriever


def test_the_rest_of_a_cut_answer_follows_its_first_part(settings, tmp_path):
    retriever = _retriever_over(settings, tmp_path, "faq_page.txt", _long_faq_page())
    doc_ids = {cid.split("::")[0] for cid in retriever.lexical.ids}
    (doc_id,) = doc_ids
    order = retriever._doc_chunk_ids(doc_id)
    chunks = retriever._passages(order)
    parts = [chunks[cid] for cid in order if chunks[cid].meta.get("question") == "维修网点有哪些要求？"]
    assert len(parts) == 2 and "甲乙丙丁" in parts[1].text and "甲乙丙丁" not in parts[0].text

    assert retriever.unit_sibling(parts[0]).chunk_id == parts[1].chunk_id
    assert retriever.unit_sibling(parts[1]) is None  # the last part: the next chunk is another question
    other = next(chunks[cid] for cid in order if chunks[cid].meta.get("question") == "投诉多久答复？")
    assert retriever.unit_sibling(other) is None

    first = parts[0]
    first.score, other.score = 1.0, 0.5
    expanded = retriever.with_unit_siblings([first, other], k=5)
    assert [h.chunk_id for h in expanded] == [first.chunk_id, parts[1].chunk_id, other.chunk_id]
    assert expanded[1].score == 1.0  # the part of the same answer counts as much as its first part
    assert [h.chunk_id for h in retriever.with_unit_siblings([first, other], k=2)] == \
        [first.chunk_id, parts[1].chunk_id]
    # already listed lower down: moved up, not repeated
    listed = retriever.with_unit_siblings([first, other, parts[1]], k=5)
    assert [h.chunk_id for h in listed] == [first.chunk_id, parts[1].chunk_id, other.chunk_id]

    # and a search whose words are in the first part brings the rest of the answer along
    hits = retriever.retrieve("维修网点上门处理报修要留存书面记录吗", k=5).hits
    ids = [h.chunk_id for h in hits]
    assert parts[1].chunk_id in ids
    assert ids.index(parts[1].chunk_id) == ids.index(parts[0].chunk_id) + 1


# --------------------------------------------------------------------------- compound questions

def test_a_compound_question_is_split_into_its_sub_questions():
    from assistant.pipeline.retrieval import question_parts

    assert question_parts("评审人日跟哪些因素有关？每个固定网点最少算多少？") == [
        "评审人日跟哪些因素有关", "每个固定网点最少算多少"]
    assert question_parts("标准号是多少;满分几分") == ["标准号是多少", "满分几分"]
    assert question_parts("售后服务认证有效期几年？") == []  # one question
    assert question_parts("有效期几年？啊？") == []  # a part without words of its own does not count


def _three_topic_page() -> str:
    return (
        "示例问答页\n\n"
        "1、证书有效期多久？\n\n答：认证证书有效期为三年，每年接受一次监督评审。\n\n"
        "2、投诉多久答复？\n\n答：受理后三个工作日内书面答复客户。\n\n"
        "3、维修网点多久到场？\n\n答：城区二十四小时内到场，郊县四十八小时内到场。\n"
    )


def test_each_sub_question_keeps_its_own_best_passage_near_the_lead(settings, tmp_path):
    retriever = _retriever_over(settings, tmp_path, "three_topics.txt", _three_topic_page())

    def best(q):
        return retriever.retrieve(q, k=5).hits[0]

    validity, complaint, visit = best("证书有效期多久"), best("投诉多久答复"), best("维修网点多久到场")
    assert "三年" in validity.text and "三个工作日" in complaint.text and "二十四小时" in visit.text
    # the whole question's list placed one part's passage last
    hits = retriever.with_part_leads("证书有效期多久？投诉多久答复？", [complaint, visit, validity], 5, None)
    ids = [h.chunk_id for h in hits]
    # the lead stays first, the other part's passage comes right after it, nothing repeats
    assert ids == [complaint.chunk_id, validity.chunk_id, visit.chunk_id]
    assert [h.score for h in hits] == [complaint.score, validity.score, visit.score]  # each keeps its own
    # only passages the whole question listed among its first k are moved: none is brought in
    # from outside them, and none of them is pushed out
    assert [h.chunk_id for h in retriever.with_part_leads(
        "证书有效期多久？投诉多久答复？", [complaint, visit, validity], 2, None)] == [complaint.chunk_id, visit.chunk_id]
    # a single question is left as it was
    plain = retriever.retrieve("证书有效期多久", k=5).hits
    assert [h.chunk_id for h in retriever.with_part_leads("证书有效期多久", plain, 5, None)] == \
        [h.chunk_id for h in plain]
    # through retrieve: both parts' passages are among the first two
    both = [h.chunk_id for h in retriever.retrieve("证书有效期多久？投诉多久答复？", k=5).hits[:2]]
    assert set(both) == {validity.chunk_id, complaint.chunk_id}


# --------------------------------------------------------------------------- count questions

def test_a_count_question_word_is_found_where_the_passage_states_the_count():
    from assistant.pipeline.retrieval import count_answered, coverage

    assert count_answered("几类", "我国的认证分为三类")
    assert count_answered("多少分", "达到 95 分以上")
    assert count_answered("哪几步", "整个流程分5步")
    assert not count_answered("几类", "属于服务认证类别")  # the measure word without a number
    assert not count_answered("多少", "共 100 家")  # no measure word asked
    assert not count_answered("认证", "三认证")  # not a question word
    assert count_answered("几大类", "我国的认证分三类")  # 大 only says the kinds are broad
    assert count_answered("几大类", "分为三大类")
    assert not count_answered("几类", "分为三大")  # the kind's own measure word is needed

    def idf(_t):
        return 1.0

    tokens = ["认证", "几类"]
    stated = coverage(tokens, {"认证"}, "认证分三类", idf)
    unstated = coverage(tokens, {"认证"}, "认证有很多种类", idf)
    assert stated == 1.0 and unstated == 0.5


# --------------------------------------------------------------------------- heading path

def test_a_sub_section_counts_the_headings_above_it_as_its_words():
    from assistant.pipeline.retrieval import Retriever
    from assistant.types import Hit

    class _Lexical:
        ids = ()

        @staticmethod
        def idf(_t):
            return 1.0

    retriever = Retriever(store=None, embedder=None, lexical=_Lexical())
    step = Hit(chunk_id="d::1", text="（二）提交申请\n企业向机构提交申请书。", score=1.0,
               meta={"heading_path": "三、办证的详细流程 > （二）提交申请", "tokens": "提交 申请 企业 机构 申请书"})
    alone = Hit(chunk_id="d::2", text="（二）提交申请\n企业向机构提交申请书。", score=1.0,
                meta={"heading_path": "（二）提交申请", "tokens": "提交 申请 企业 机构 申请书"})
    tokens = ["流程", "申请"]
    assert retriever.coverage_of(tokens, step) == 1.0  # 流程 is named by the section it belongs to
    assert retriever.coverage_of(tokens, alone) == 0.5  # its own heading was already its text


def test_bm25s_best_are_always_re_scored_wherever_fusion_put_them():
    from assistant.pipeline.retrieval import LEXICAL_KEEP, rerank_pool

    fused = [(f"f{i}", 1.0 - i / 100) for i in range(30)] + [("lex2", 0.05)]
    lexical = [("f0", 9.0), ("lex2", 8.5), ("f29", 1.0)]
    pool = rerank_pool(fused, lexical, 12)
    assert [c for c, _ in pool[:12]] == [c for c, _ in fused[:12]]  # fusion's best first, as fused
    assert ("lex2", 0.05) in pool  # BM25's second, 31st after fusion, is re-scored too
    assert LEXICAL_KEEP == 2 and "f29" not in dict(pool)  # only BM25's best few
    assert rerank_pool(fused, [], 12) == fused[:12]
    assert len(rerank_pool(fused[:3], lexical, 12)) == 4  # a short fused list and the missing leader


def test_an_a_not_a_question_is_read_as_its_plain_verb():
    """"是不是"/"会不会" ask whether; they do not say "不是"/"不会", so they find no passage by
    it. "能不能" keeps its "不能": a permission asked is often answered by the passage saying no."""
    from assistant.lang.text import tokenize

    assert "不是" not in tokenize("售后服务认证是不是强制的")
    assert "强制" in tokenize("售后服务认证是不是强制的")
    assert "不会" not in tokenize("评审会不会打电话给客户")
    assert "不是" in tokenize("这不是强制的")  # a plain no stays
    assert "不能" in tokenize("能不能把标志印到包装上")


def test_the_dense_list_weighs_what_the_embedder_is_worth():
    """The built-in hashing embedder's list counts less in fusion than a model's: at a model's
    weight it outvoted BM25's clear first choice on long third-party passages."""
    from types import SimpleNamespace

    from assistant.index.embedders.hashing import HashingEmbedder
    from assistant.pipeline.retrieval import WEIGHTS, Retriever

    lexical = SimpleNamespace(ids=[])
    hashing = Retriever(store=None, embedder=HashingEmbedder(dim=16), lexical=lexical).weights()
    model = Retriever(store=None, embedder=SimpleNamespace(name="a-model", dim=16), lexical=lexical).weights()
    assert hashing["dense"] == HashingEmbedder.fusion_weight < model["dense"] == WEIGHTS["dense"]
    assert {k: v for k, v in hashing.items() if k != "dense"} == {k: v for k, v in WEIGHTS.items() if k != "dense"}
