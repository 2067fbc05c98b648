"""The ingest fingerprint covers every word list that shapes stored tokens, so changing one
(after an upgrade) re-ingests every file instead of leaving stale tokens behind."""

from __future__ import annotations

import pytest

import ingest.pipeline as pipeline


@pytest.mark.parametrize("name", ["DOMAIN_DICT", "SYNONYMS", "STOPWORDS_FILE"])
def test_each_word_list_changes_the_fingerprint(tmp_path, monkeypatch, name):
    lists = {n: tmp_path / f"{n}.txt" for n in ("DOMAIN_DICT", "SYNONYMS", "STOPWORDS_FILE")}
    for n, path in lists.items():
        path.write_text(f"{n}\n", encoding="utf-8")
        monkeypatch.setattr(pipeline, n, path)
    pipeline.pipeline_fingerprint.cache_clear()
    try:
        before = pipeline.pipeline_fingerprint()
        lists[name].write_text("改过的词\n", encoding="utf-8")
        pipeline.pipeline_fingerprint.cache_clear()
        assert pipeline.pipeline_fingerprint() != before
    finally:
        pipeline.pipeline_fingerprint.cache_clear()
