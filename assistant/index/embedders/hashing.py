"""Built-in offline embedder: hashed character 1-3-grams, L2-normalised.

Needs no download and no torch, so the default path works behind any firewall. Character
n-grams suit Chinese (no segmentation errors, robust to typos and colloquial wording); a
stable hash (crc32) keeps vectors identical across processes and machines.
"""

from __future__ import annotations

import re
import zlib
from typing import Sequence

import numpy as np

from assistant.index.embedders.base import l2_normalise

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Unigrams say little on their own in Chinese; bigrams carry most of the meaning.
_WEIGHTS = {1: 0.4, 2: 1.0, 3: 0.7}


class HashingEmbedder:
    # weight of its list in rank fusion (assistant.pipeline.retrieval.WEIGHTS has a model's):
    # at a model's 0.8 it outvoted BM25's clear first choice on the seed pages' long passages
    # (0.5: +44/−16 on the seeds track, +26/−26 on the shipped corpus; 0.3: +73/−34, +46/−47)
    fusion_weight = 0.5

    def __init__(self, dim: int = 512):
        self.dim = dim
        self.name = f"hashing-ngram-v1-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        counts: dict[str, float] = {}
        for piece in _NON_WORD.split(text.lower()):
            for n, weight in _WEIGHTS.items():
                for i in range(len(piece) - n + 1):
                    gram = piece[i : i + n]
                    counts[gram] = counts.get(gram, 0.0) + weight
        if not counts:
            return np.zeros(self.dim, dtype=np.float32)
        hashes = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in counts), dtype=np.int64, count=len(counts))
        c = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        # sublinear tf; the sign bit spreads collisions so they cancel rather than add up
        weight = np.where(c >= 1, 1.0 + np.log(np.maximum(c, 1.0)), c)
        weight = np.where((hashes >> 31) & 1, weight, -weight)
        return np.bincount(hashes % self.dim, weights=weight, minlength=self.dim).astype(np.float32)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return l2_normalise(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]
