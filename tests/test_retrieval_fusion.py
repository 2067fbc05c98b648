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
