"""Shared fixtures: settings on a temp data dir, a tiny locally built sentence-transformers
model (no download), and a knowledge base built once from the shipped corpus."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"

# Tests never reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.pop("KBA_LLM_MODEL", None)
os.environ.pop("KBA_CHROMA_HOST", None)


def make_settings(data_dir: Path, **changes):
    from assistant.config import Settings

    return Settings.from_env(environ={}, data_dir=data_dir, embedding_model="hashing").with_(**changes)


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path / "data")


def corpus_kb_at(data_dir):
    """Settings of a knowledge base at ``data_dir`` ingested from corpus/ (offline embedder);
    tests that write to their knowledge base (curated answers, vocabulary) build their own."""
    from assistant.config import CORPUS_DIR
    from assistant.kb import ingest

    s = make_settings(data_dir)
    report, _ = ingest(s, [CORPUS_DIR], progress=False)
    assert report.ok, report.summary()
    return s


@contextmanager
def vocabulary_kb_at(data_dir):
    """``corpus_kb_at`` for tests that edit the vocabulary: afterwards the process is given the
    shipped vocabulary back, so later tests see the defaults."""
    from assistant.lang.text import set_vocabulary

    try:
        yield corpus_kb_at(data_dir)
    finally:
        set_vocabulary(None, None)


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory):
    """Settings of a knowledge base ingested once from corpus/ (offline embedder)."""
    return corpus_kb_at(tmp_path_factory.mktemp("corpus-kb") / "data")


@pytest.fixture(scope="session")
def assistant(corpus_kb):
    from assistant.core import Assistant

    return Assistant(corpus_kb)


@pytest.fixture(scope="session")
def tiny_st_model(tmp_path_factory) -> Path:
    """A 1-layer BERT sentence-transformers model over a character vocabulary, saved locally,
    so the real sentence-transformers loading path runs without any download."""
    pytest.importorskip("sentence_transformers")
    import torch
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:  # 5.x
        from sentence_transformers.models import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("tiny-st")
    base = root / "bert"
    base.mkdir()
    text = "售后服务认证属于服务认证类别评审员到企业现场打分达标三星级四星级五星级证书有效期三年每年监督一次材料营业执照"
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(text)) + list("0123456789")
    (base / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = BertTokenizerFast(vocab_file=str(base / "vocab.txt"), tokenize_chinese_chars=True)
    tok.save_pretrained(str(base))
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    BertModel(config).save_pretrained(str(base))
    word = Transformer(str(base), max_seq_length=128)
    dim = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
    pooling = Pooling(dim(), pooling_mode="mean")
    out = root / "st"
    SentenceTransformer(modules=[word, pooling]).save(str(out))
    return out
