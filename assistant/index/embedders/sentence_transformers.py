"""sentence-transformers backend (e.g. BAAI/bge-small-zh-v1.5), loaded only when configured.

Imports torch, so it is imported lazily by the factory and never at start-up otherwise.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

# BGE Chinese models retrieve better when short queries carry this instruction.
BGE_ZH_QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："


class SentenceTransformerEmbedder:
    def __init__(self, model: str, *, local_files_only: bool = True, device: str = "cpu",
                 query_instruction: str | None = None, batch_size: int = 32):
        from sentence_transformers import SentenceTransformer

        self.model_name = model
        self._model = SentenceTransformer(model, device=device, local_files_only=local_files_only)
        # sentence-transformers 6 renamed the method; keep working on 5.x too
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.name = f"st:{model}"
        if query_instruction is None and "bge" in model.lower() and "zh" in model.lower():
            query_instruction = BGE_ZH_QUERY_INSTRUCTION
        self.query_instruction = query_instruction or ""
        self.batch_size = batch_size

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(list(texts), batch_size=self.batch_size,
                                  normalize_embeddings=True, convert_to_numpy=True,
                                  show_progress_bar=False)
        return vecs.astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([self.query_instruction + text])[0]
