"""Small Chroma collections kept beside the knowledge base: curated answers, vocabulary,
unanswered questions (``<collection>_curated``, ``_vocab``, ``_unanswered``).

They live in the same Chroma (embedded or server) as the chunks, so every app instance on one
``chroma run`` server shares them. Records carry no real embedding (a constant one-dimensional
vector, as the manifests do): matching happens in the process. Every write also changes the
collection's ``stamp``, which other processes read in one call to notice the change.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from assistant.config import Settings

BATCH = 1000


class SideCollection:
    def __init__(self, settings: Settings, suffix: str, client=None):
        self.settings = settings
        if client is None:
            from assistant.index.store import open_client

            client = open_client(settings)
        self.client = client
        self.name = f"{settings.collection}_{suffix}"
        self._col = None

    def _get(self, create: bool):
        if self._col is not None:
            return self._col
        try:
            self._col = self.client.get_collection(self.name, embedding_function=None)
        except Exception:
            if not create:
                return None
            self._col = self.client.get_or_create_collection(self.name, embedding_function=None)
        return self._col

    def stamp(self) -> str | None:
        """Changes with every write, from any process (one round trip)."""
        try:
            col = self.client.get_collection(self.name, embedding_function=None)
        except Exception:
            self._col = None
            return None
        self._col = col
        return (col.metadata or {}).get("stamp")

    def meta(self) -> dict[str, Any]:
        col = self._get(create=False)
        if col is None:
            return {}
        try:
            return dict(self.client.get_collection(self.name, embedding_function=None).metadata or {})
        except Exception:
            return {}

    def set_meta(self, **values: Any) -> None:
        col = self._get(create=True)
        meta = {k: v for k, v in (self.meta() or {}).items() if not k.startswith("hnsw:")}
        meta.update(values)
        meta["stamp"] = f"{time.time():.6f}-{uuid.uuid4().hex[:8]}"
        col.modify(metadata=meta)

    def touch(self) -> None:
        self.set_meta()

    def upsert(self, ids: list[str], metadatas: list[dict[str, Any]], documents: list[str]) -> None:
        """One call per batch; the stamp is changed after the records are in."""
        if not ids:
            return
        col = self._get(create=True)
        # one call when Chroma allows it (5461 records here), so a sheet of up to
        # sheets.MAX_ROWS rows is written all at once or not at all
        try:
            batch = max(BATCH, int(self.client.get_max_batch_size()))
        except Exception:
            batch = BATCH
        for start in range(0, len(ids), batch):
            end = start + batch
            col.upsert(ids=ids[start:end], metadatas=metadatas[start:end], documents=documents[start:end],
                       embeddings=[[1.0]] * len(ids[start:end]))
        self.touch()

    def delete(self, ids: list[str]) -> None:
        col = self._get(create=False)
        if col is None or not ids:
            return
        for start in range(0, len(ids), BATCH):
            col.delete(ids=ids[start:start + BATCH])
        self.touch()

    def all(self, where: dict | None = None) -> list[tuple[str, str, dict[str, Any]]]:
        """Every record (id, document, metadata), page by page."""
        col = self._get(create=False)
        if col is None:
            return []
        out = []
        offset = 0
        while True:
            got = col.get(where=where, include=["documents", "metadatas"], limit=BATCH, offset=offset)
            out.extend(zip(got["ids"], got["documents"] or [""] * len(got["ids"]),
                           [m or {} for m in got["metadatas"]]))
            if len(got["ids"]) < BATCH:
                return out
            offset += BATCH

    def get(self, ids: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
        col = self._get(create=False)
        if col is None or not ids:
            return []
        got = col.get(ids=ids, include=["documents", "metadatas"])
        return list(zip(got["ids"], got["documents"], [m or {} for m in got["metadatas"]]))

    def count(self) -> int:
        col = self._get(create=False)
        return 0 if col is None else col.count()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def loads(text: Any, default: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) and text else default
    except ValueError:
        return default


class SideStore:
    """Base of a store kept in one side collection (curated answers, the vocabulary)."""

    suffix = ""

    def __init__(self, settings: Settings, client=None):
        self.settings = settings
        self.side = SideCollection(settings, self.suffix, client)

    def stamp(self) -> str | None:
        return self.side.stamp()
