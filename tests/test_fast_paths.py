"""The speed-ups must not change results: each fast path is checked against the plain version."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.index.embedders.hashing import HashingEmbedder
from assistant.index.lexical import LexicalIndex
from assistant.lang.text import _t2s, to_simplified

# characters that exercise the converter: traditional, simplified, shared, phrase-dictionary entries
_CONVERTER_CHARS = "售後服務認證評審網點證書乾隆乾燥一目瞭然了然發展头髮頭發干幹乾臺台灣湾著着裏里麵面後后" \
                   "的是企业认证标准abc123，。？ "


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_CONVERTER_CHARS, max_size=40) | st.text(max_size=40))
def test_simplified_fast_path_equals_the_converter(text):
    assert to_simplified(text) == _t2s().convert(text)


def test_simplified_fast_path_still_converts():
    assert to_simplified("售後服務認證的證書有效期") == "售后服务认证的证书有效期"
    assert to_simplified("售后服务认证") == "售后服务认证"


def _naive_locators(index: LexicalIndex, search_text: str) -> set[str]:
    found = set()
    for key, positions in index.locators.items():
        if key and re.search(rf"(?<![\d.]){re.escape(key)}(?![\d.])", search_text):
            found.update(index.ids[p] for p in positions)
    return found


_LOCATOR_INDEX = LexicalIndex.build([
    (f"c{i}", {"tokens": "x", key: value})
    for i, (key, value) in enumerate([
        ("clause", "5"), ("clause", "5.1"), ("clause", "5.1.3"), ("clause", "5.1.4.1"), ("clause", "6.2"),
        ("article", "第十七条"), ("article", "第二十五条"), ("article", "第五条"), ("article", "第2条"),
        ("clause", "附录a"),  # neither shape: matched one by one
    ])
])


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789.第十七二五条附录a款标准 ", max_size=30))
def test_locator_lookup_equals_scanning_every_key(query):
    assert set(_LOCATOR_INDEX.match_locators(query)) == _naive_locators(_LOCATOR_INDEX, query)


def test_locator_lookup_examples():
    found = set(_LOCATOR_INDEX.match_locators("5.1.3条讲什么，第十七条呢，附录a"))
    assert found == {"c2", "c5", "c9"}
    assert _LOCATOR_INDEX.match_locators("5.1.3.2") == []


def _reference_vector(text: str, dim: int = 512) -> np.ndarray:
    """The embedder as first written (a loop per n-gram); kept here as the specification."""
    import zlib

    vec = np.zeros(dim, dtype=np.float64)
    counts: dict[int, float] = {}
    for piece in re.split(r"[\W_]+", text.lower()):
        for n, weight in {1: 0.4, 2: 1.0, 3: 0.7}.items():
            for i in range(len(piece) - n + 1):
                h = zlib.crc32(piece[i:i + n].encode("utf-8"))
                counts[h] = counts.get(h, 0.0) + weight
    for h, c in counts.items():
        weight = 1.0 + float(np.log(c)) if c >= 1 else c
        vec[h % dim] += weight if (h >> 31) & 1 else -weight
    norm = np.linalg.norm(vec)
    return vec / norm if norm else vec


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_CONVERTER_CHARS + "售后服务认证评审", max_size=60))
def test_hashing_embedder_matches_reference(text):
    got = HashingEmbedder().embed_documents([text])[0]
    assert np.allclose(got, _reference_vector(text), atol=1e-5)


def test_lexical_cache_round_trip_keeps_phrase_vectors(corpus_kb, tmp_path):
    from assistant.index.embedders.hashing import HashingEmbedder
    from assistant.index.store import KnowledgeStore

    store = KnowledgeStore(corpus_kb)
    emb = HashingEmbedder()
    built = LexicalIndex.from_store(store, tmp_path, emb)
    files = sorted(p.suffix for p in tmp_path.iterdir())
    assert files == [".json", ".npz"]
    loaded = LexicalIndex.from_store(store, tmp_path, emb)
    assert loaded.ids == built.ids and np.array_equal(loaded.phrase_vectors, built.phrase_vectors)
    # vectors missing (e.g. a crash between the two writes): rebuilt, never served half
    next(tmp_path.glob("*.npz")).unlink()
    again = LexicalIndex.from_store(store, tmp_path, emb)
    assert again.phrase_vectors is not None and again.phrase_vectors.shape == built.phrase_vectors.shape
