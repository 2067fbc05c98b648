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


def test_the_rest_of_a_cut_answer_follows_its_first_part(settings, tmp_path):
    from assistant.core import Assistant
    from assistant.kb import ingest

    page = tmp_path / "docs" / "faq_page.txt"
    page.parent.mkdir(parents=True)
    page.write_text(_long_faq_page(), encoding="utf-8")
    ingest(settings, [page.parent], progress=False)
    retriever = Assistant(settings).retriever
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
