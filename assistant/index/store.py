"""The knowledge store: Chroma (embedded or server) holding chunks and per-document manifests.

Everything the assistant knows lives in two Chroma collections, so a second app instance on
the same Chroma server sees the same knowledge base:
- ``<name>``: one record per chunk (display text, metadata incl. its BM25 tokens, embedding);
- ``<name>_docs``: one manifest per document (file hash, chunk ids, time, title, type).
The manifest is written last: a chunk no manifest lists is an orphan from an interrupted
ingest and is ignored by search and removed by ``repair()``.
"""

from __future__ import annotations

import atexit
import functools
import logging
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from assistant.config import Settings
from assistant.errors import EmbedderMismatch, StoreUnavailable, UserError
from assistant.types import DocumentWrite, Hit, Manifest  # noqa: F401  (part of the store's API)

log = logging.getLogger("assistant.index.store")

BATCH = 1000
# On a shared server, an orphan chunk younger than this may belong to an ingest in progress.
ORPHAN_GRACE_SECONDS = 600.0
# A rebuild writes into a fresh pair of collections named ``<name>-rebuild-<random>`` and swaps
# them in when complete, so answers keep coming from the previous knowledge base meanwhile.
STAGING_MARK = "-rebuild-"
SWAP_WAIT_SECONDS = 3.0

_MISSING_NAMES = {"NotFoundError", "InvalidCollectionException", "CollectionNotFoundError"}
_UNREACHABLE_NAMES = {"ConnectError", "ConnectTimeout", "ReadTimeout", "WriteTimeout", "PoolTimeout",
                      "RemoteProtocolError", "ReadError", "WriteError", "NetworkError", "ConnectionError",
                      "ConnectionRefusedError", "ConnectionResetError", "ConnectionAbortedError"}


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def collection_missing(exc: BaseException) -> bool:
    """The collection a handle points to was deleted (a rebuild, a reset, another instance)."""
    # a server answering for a collection deleted while a handle still points to it says one of
    # these (the handle's segments are gone)
    return any(type(e).__name__ in _MISSING_NAMES
               or any(sign in str(e).lower() for sign in ("does not exist", "missing metadata segment",
                                                           "missing segment"))
               for e in _chain(exc))


def store_unreachable(exc: BaseException) -> bool:
    return any({c.__name__ for c in type(e).__mro__} & _UNREACHABLE_NAMES
               or "Could not connect to" in str(e) for e in _chain(exc))


def store_read_only(exc: BaseException) -> bool:
    return any(any(sign in str(e).lower() for sign in ("readonly database", "read-only file system",
                                                        "unable to open database file", "permission denied"))
               for e in _chain(exc))


def unavailable_message(settings: Settings, exc: BaseException | None = None, read_only: bool = False) -> str:
    """The one message every entry point (app, API, CLI) shows when the store cannot be used."""
    if read_only or (exc is not None and store_read_only(exc)):
        return (f"知识库数据目录只读，无法写入（{settings.data_dir}）：查询照常，上传、删除、重建和导入"
                f"需要对该目录的写权限。")
    if settings.uses_server:
        return (f"无法连接 Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}：请确认服务器已启动"
                f"（chroma run --host {settings.chroma_host} --port {settings.chroma_port}），"
                f"或检查 KBA_CHROMA_HOST / KBA_CHROMA_PORT。")
    return f"无法打开知识库（{settings.chroma_dir}）：请检查数据目录是否存在且可读。"


def _guarded(method=None, *, write: bool = False):
    """Store calls survive a collection deleted under them (its handle is reopened by name and the
    call made once more; a write is not repeated but reported), and turn an unreachable server or a
    read-only database into one clear Chinese ``StoreUnavailable``."""

    def wrap(fn):
        @functools.wraps(fn)
        def wrapper(self, *args, **kwargs):
            if write and self.read_only:
                raise StoreUnavailable(unavailable_message(self.settings, read_only=True))
            try:
                return fn(self, *args, **kwargs)
            except UserError:
                raise
            except Exception as exc:
                if collection_missing(exc):
                    self.forget_handles()
                    if write:
                        raise UserError("知识库在写入过程中被另一个实例或命令重建或清空，本次写入未完成，"
                                        "请重新操作。") from exc
                    try:
                        return fn(self, *args, **kwargs)
                    except UserError:
                        raise
                    except Exception as again:
                        self._raise_translated(again)
                self._raise_translated(exc)

        return wrapper

    return wrap(method) if method is not None else wrap


def open_client(settings: Settings):
    """Embedded ``PersistentClient`` by default; ``HttpClient`` when a Chroma host is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.uses_server:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                       settings=chroma_settings)
        except Exception as exc:
            raise StoreUnavailable(unavailable_message(settings, exc)) from exc
    key = str(settings.chroma_dir.resolve())
    if key in _READ_ONLY_COPIES:
        return chromadb.PersistentClient(path=str(_READ_ONLY_COPIES[key]), settings=chroma_settings)
    try:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:
        if not store_read_only(exc) or not (settings.chroma_dir / "chroma.sqlite3").exists():
            raise
    # Chroma opens its database for writing even to read it. On a read-only data directory the
    # knowledge base is read from a private copy instead: questions are answered, and every
    # write is refused with the read-only message (``KnowledgeStore.read_only``).
    copy = Path(tempfile.mkdtemp(prefix="kba-readonly-")) / "chroma"
    shutil.copytree(settings.chroma_dir, copy)
    for path in [copy, *copy.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    atexit.register(shutil.rmtree, copy.parent, True)
    _READ_ONLY_COPIES[key] = copy
    log.info("data directory %s is read-only: serving from a private copy", settings.chroma_dir)
    return chromadb.PersistentClient(path=str(copy), settings=chroma_settings)


# chroma dir -> the private copy it is read from (see open_client), per process
_READ_ONLY_COPIES: dict[str, Path] = {}


class KnowledgeStore:
    """Chunks + manifests in Chroma; the single place that talks to the vector store."""

    def __init__(self, settings: Settings, client=None, name: str | None = None):
        self.settings = settings
        try:
            self.client = client if client is not None else open_client(settings)
        except UserError:
            raise
        except Exception as exc:
            if store_unreachable(exc) or store_read_only(exc):
                raise StoreUnavailable(unavailable_message(settings, exc)) from exc
            raise
        self.name = name or settings.collection
        # a read-only data directory: answers come from a private copy, writes are refused
        self.read_only = (not settings.uses_server
                          and str(settings.chroma_dir.resolve()) in _READ_ONLY_COPIES)
        self._chunks = None
        self._docs = None

    def _raise_translated(self, exc: Exception):
        if store_unreachable(exc) or store_read_only(exc):
            raise StoreUnavailable(unavailable_message(self.settings, exc)) from exc
        raise exc

    def forget_handles(self) -> None:
        """Drop the collection handles: the next use looks the collections up by name again
        (after another instance or command rebuilt the knowledge base, the old ones are gone)."""
        self._chunks = self._docs = None

    # -- collections -------------------------------------------------------------------
    def _get(self, name: str):
        try:
            return self.client.get_collection(name, embedding_function=None)
        except Exception as exc:
            if store_unreachable(exc):
                self._raise_translated(exc)
        # missing: during a rebuild's swap the name is free for an instant (between two renames);
        # when a staging collection exists, wait a little for the new one instead of answering
        # from nothing
        deadline = time.monotonic() + SWAP_WAIT_SECONDS
        while self._swap_in_progress() and time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                return self.client.get_collection(name, embedding_function=None)
            except Exception as exc:
                if store_unreachable(exc):
                    self._raise_translated(exc)
        return None

    def _swap_in_progress(self) -> bool:
        prefix = self.name + STAGING_MARK
        try:
            return any((c if isinstance(c, str) else c.name).startswith(prefix)
                       for c in self.client.list_collections())
        except Exception:
            return False

    @property
    def chunks(self):
        if self._chunks is None:
            self._chunks = self._get(self.name)
        return self._chunks

    @property
    def docs(self):
        if self._docs is None:
            self._docs = self._get(self.name + "_docs")
        return self._docs

    @_guarded
    def embedder_name(self) -> str | None:
        """The embedder recorded when this knowledge base was built (None when empty)."""
        col = self.chunks
        if col is None:
            return None
        return (col.metadata or {}).get("embedder")

    @_guarded(write=True)
    def ensure_collections(self, embedder) -> None:
        """Create the collections for ``embedder``, or check that they were built with it."""
        recorded = self.embedder_name()
        if recorded is not None:
            self.check_embedder(embedder)
            if self.docs is None:
                self._docs = self.client.get_or_create_collection(
                    self.name + "_docs", embedding_function=None)
            return
        self._chunks = self.client.get_or_create_collection(
            self.name,
            embedding_function=None,
            metadata={"embedder": embedder.name, "dim": embedder.dim, "hnsw:space": "cosine",
                      "created_at": time.time()},
        )
        self._docs = self.client.get_or_create_collection(self.name + "_docs", embedding_function=None)

    def check_embedder(self, embedder) -> None:
        recorded = self.embedder_name()
        if recorded is not None and recorded != embedder.name:
            raise EmbedderMismatch(
                f"知识库由嵌入器 {recorded} 构建，当前配置的嵌入器是 {embedder.name}。"
                f"请重新导入（python -m assistant ingest --reset），"
                f"或把 KBA_EMBEDDING_MODEL 设回与知识库一致的模型。"
            )

    def reset(self) -> None:
        for name in (self.name, self.name + "_docs"):
            try:
                self.client.delete_collection(name)
            except Exception as exc:
                if store_unreachable(exc) or store_read_only(exc):
                    self._raise_translated(exc)
        self._chunks = self._docs = None

    # -- rebuild without a gap -----------------------------------------------------------
    def staging(self) -> "KnowledgeStore":
        """A fresh, empty store to rebuild into; ``swap_in`` makes it this store's content.
        Staging collections left by a crashed rebuild (older than the grace time) are removed."""
        self._drop_stale_staging()
        return KnowledgeStore(self.settings, client=self.client,
                              name=f"{self.name}{STAGING_MARK}{uuid.uuid4().hex[:10]}")

    def _drop_stale_staging(self) -> None:
        prefix = self.name + STAGING_MARK
        try:
            names = [c if isinstance(c, str) else c.name for c in self.client.list_collections()]
        except Exception as exc:
            self._raise_translated(exc)
        cutoff = time.time() - ORPHAN_GRACE_SECONDS
        for name in names:
            if name.startswith(f"{self.name}-old-"):  # left by a rebuild killed mid-swap
                try:
                    self.client.delete_collection(name)
                except Exception:
                    pass
                continue
            if name.startswith(prefix) and not name.endswith("_docs"):
                col = self._get(name)
                created = float(((col.metadata if col is not None else None) or {}).get("created_at", 0.0))
                if created < cutoff:
                    for dead in (name, name + "_docs"):
                        try:
                            self.client.delete_collection(dead)
                        except Exception:
                            pass

    def swap_in(self, staging: "KnowledgeStore") -> None:
        """Replace this knowledge base by ``staging`` (complete). Each collection is renamed out
        of the way and the staging one renamed in (the name is free only between two renames,
        and readers wait for it, see ``_get``); the old collections are deleted last, so a reader
        in the middle of a question finishes it on the old knowledge base (handles follow a
        collection, not its name) and reopens the new one by name on its next call."""
        trash = f"{self.name}-old-{uuid.uuid4().hex[:10]}"
        replaced = []
        for suffix in ("", "_docs"):
            new = self.client.get_collection(staging.name + suffix, embedding_function=None)
            try:
                old = self.client.get_collection(self.name + suffix, embedding_function=None)
            except Exception as exc:
                if not collection_missing(exc):
                    self._raise_translated(exc)
                old = None
            if old is not None:
                old.modify(name=trash + suffix)
                replaced.append(trash + suffix)
            new.modify(name=self.name + suffix)
        self.forget_handles()
        staging.forget_handles()
        self._touch()
        for name in replaced:
            try:
                self.client.delete_collection(name)
            except Exception:
                log.warning("could not delete the replaced collection %s", name)

    def discard(self) -> None:
        """Delete this (staging) store's collections."""
        self.reset()

    # -- manifests ---------------------------------------------------------------------
    @_guarded
    def manifests(self) -> dict[str, Manifest]:
        if self.docs is None:
            return {}
        out: dict[str, Manifest] = {}
        offset = 0
        while True:
            got = self.docs.get(include=["metadatas"], limit=BATCH, offset=offset)
            for doc_id, meta in zip(got["ids"], got["metadatas"]):
                out[doc_id] = Manifest.from_record(doc_id, meta or {})
            if len(got["ids"]) < BATCH:
                break
            offset += BATCH
        return out

    @_guarded
    def manifest(self, doc_id: str) -> Manifest | None:
        if self.docs is None:
            return None
        got = self.docs.get(ids=[doc_id], include=["metadatas"])
        if not got["ids"]:
            return None
        return Manifest.from_record(doc_id, got["metadatas"][0] or {})

    @_guarded
    def manifests_of(self, doc_ids: list[str]) -> dict[str, Manifest]:
        """The current manifests of the given documents (those that have one)."""
        if self.docs is None or not doc_ids:
            return {}
        got = self.docs.get(ids=list(dict.fromkeys(doc_ids)), include=["metadatas"])
        return {d: Manifest.from_record(d, m or {}) for d, m in zip(got["ids"], got["metadatas"])}

    def stamp(self) -> str | None:
        """A token that changes with every write, readable in one call (unlike ``version``,
        which reads every manifest), so other app instances can notice a change cheaply."""
        try:
            col = self.client.get_collection(self.name + "_docs", embedding_function=None)
        except Exception:
            return None
        return (col.metadata or {}).get("stamp")

    def _touch(self) -> None:
        if self.docs is not None:
            self.docs.modify(metadata={"stamp": f"{time.time():.6f}-{uuid.uuid4().hex[:8]}"})

    @_guarded
    def version(self) -> str:
        """Changes whenever any document is added, replaced or deleted (cache key)."""
        import hashlib

        h = hashlib.sha1()
        for doc_id, m in sorted(self.manifests().items()):
            h.update(f"{doc_id}\0{m.file_hash}\0{m.ingested_at}\n".encode())
        return h.hexdigest()[:16]

    # -- writes ------------------------------------------------------------------------
    def replace_document(self, manifest: Manifest, ids: list[str], texts: list[str],
                         metadatas: list[dict[str, Any]], embeddings: np.ndarray) -> None:
        """Write one document's new chunks, then its manifest, then drop its stale chunks."""
        self.replace_documents([DocumentWrite(manifest, ids, texts, metadatas, embeddings)])

    @_guarded(write=True)
    def replace_documents(self, writes: list["DocumentWrite"]) -> None:
        """Write several documents: all new chunks, then all manifests, then drop stale chunks.

        Chroma is much faster with large batches (about 1000 chunks per call instead of one
        document's 10–50), so the pipeline groups documents. The order keeps every crash
        harmless: until a document's manifest is written its previous version (chunks and
        manifest, untouched) is the one searched, and new chunks without a manifest are
        orphans that ``repair()`` removes.
        """
        if not writes:
            return
        olds = self.manifests_of([w.manifest.doc_id for w in writes])
        ids = [i for w in writes for i in w.ids]
        texts = [t for w in writes for t in w.texts]
        now = time.time()  # lets repair() tell a crashed write from one still in flight
        metas = [{**m, "written_at": now} for w in writes for m in w.metadatas]
        vectors = np.concatenate([np.asarray(w.embeddings, dtype=np.float32) for w in writes])
        try:
            for start in range(0, len(ids), BATCH):
                end = start + BATCH
                self.chunks.upsert(ids=ids[start:end], documents=texts[start:end],
                                   metadatas=metas[start:end], embeddings=vectors[start:end])
            self.docs.upsert(ids=[w.manifest.doc_id for w in writes],
                             metadatas=[w.manifest.to_metadata() for w in writes],
                             embeddings=[[1.0]] * len(writes),
                             documents=[w.manifest.title or w.manifest.doc_id for w in writes])
        except BaseException:
            keep = {cid for old in olds.values() if old for cid in old.chunk_ids}
            self._delete_chunks([i for i in ids if i not in keep])
            raise
        new_ids = set(ids)
        stale = [cid for old in olds.values() if old for cid in old.chunk_ids if cid not in new_ids]
        self._delete_chunks(stale)
        self._touch()

    @_guarded(write=True)
    def delete_document(self, doc_id: str) -> bool:
        m = self.manifest(doc_id)
        if m is None:
            return False
        self._delete_chunks(m.chunk_ids)
        self.docs.delete(ids=[doc_id])
        self._touch()
        return True

    @_guarded(write=True)
    def update_chunk_metadata(self, ids: list[str], metadatas: list[dict[str, Any]]) -> None:
        """Set fields of existing chunks' metadata (texts and vectors stay): a re-tokenisation."""
        if self.chunks is None:
            return
        for start in range(0, len(ids), BATCH):
            if ids[start:start + BATCH]:
                self.chunks.update(ids=ids[start:start + BATCH], metadatas=metadatas[start:start + BATCH])

    @_guarded(write=True)
    def update_manifests(self, doc_ids: list[str], **fields: Any) -> None:
        """Set ``fields`` on these documents' manifests, with ``ingested_at`` now, so every
        instance's lexical index (keyed by the store version) is rebuilt on its next question."""
        if self.docs is None or not doc_ids:
            return
        now = time.time()
        for start in range(0, len(doc_ids), BATCH):
            part = doc_ids[start:start + BATCH]
            self.docs.update(ids=part, metadatas=[{**fields, "ingested_at": now} for _ in part])
        self._touch()

    def _delete_chunks(self, ids: list[str]) -> None:
        if self.chunks is None:
            return
        for start in range(0, len(ids), BATCH):
            if ids[start:start + BATCH]:
                self.chunks.delete(ids=ids[start:start + BATCH])

    @_guarded(write=True)
    def repair(self, grace_seconds: float | None = None) -> int:
        """Remove orphan chunks (no manifest lists them), e.g. after a crash. Returns the count.

        On a shared Chroma server another instance may be between writing its chunks and its
        manifests, so there only orphans older than ``ORPHAN_GRACE_SECONDS`` are removed (orphans
        are never searched, so a young one costs nothing). Embedded, this process is the only
        writer and every orphan goes.
        """
        if self.chunks is None:
            return 0
        if grace_seconds is None:
            grace_seconds = ORPHAN_GRACE_SECONDS if self.settings.uses_server else 0.0
        listed = {cid for m in self.manifests().values() for cid in m.chunk_ids}
        orphans = [cid for cid in self._all_chunk_ids() if cid not in listed]
        if grace_seconds > 0 and orphans:
            cutoff = time.time() - grace_seconds
            old = []
            for start in range(0, len(orphans), BATCH):
                got = self.chunks.get(ids=orphans[start:start + BATCH], include=["metadatas"])
                old += [cid for cid, meta in zip(got["ids"], got["metadatas"])
                        if float((meta or {}).get("written_at", 0.0)) < cutoff]
            orphans = old
        self._delete_chunks(orphans)
        return len(orphans)

    def _all_chunk_ids(self) -> list[str]:
        ids: list[str] = []
        offset = 0
        while True:
            got = self.chunks.get(include=[], limit=BATCH * 10, offset=offset)
            ids.extend(got["ids"])
            if len(got["ids"]) < BATCH * 10:
                return ids
            offset += BATCH * 10

    # -- reads -------------------------------------------------------------------------
    @_guarded
    def count(self) -> int:
        return 0 if self.chunks is None else self.chunks.count()

    def iter_chunks(self, batch: int = BATCH * 5) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(id, text, metadata) for every chunk a manifest lists."""
        for cid, text, meta in self._iter_listed(["documents", "metadatas"], batch):
            yield cid, text, meta

    def iter_metadata(self, batch: int = BATCH * 5) -> Iterator[tuple[str, dict[str, Any]]]:
        """(id, metadata) for every chunk a manifest lists, without the texts (index building)."""
        for cid, _text, meta in self._iter_listed(["metadatas"], batch):
            yield cid, meta

    def _iter_listed(self, include: list[str], batch: int):
        listed = {cid for m in self.manifests().values() for cid in m.chunk_ids}
        if self.chunks is None:
            return
        offset = 0
        while True:
            try:
                got = self.chunks.get(include=include, limit=batch, offset=offset)
            except Exception as exc:
                if collection_missing(exc):
                    self.forget_handles()
                    raise UserError("知识库在读取过程中被另一个实例或命令重建，请稍后重试。") from exc
                self._raise_translated(exc)
            texts = got["documents"] if "documents" in include else [""] * len(got["ids"])
            for cid, text, meta in zip(got["ids"], texts, got["metadatas"]):
                if cid in listed:
                    yield cid, text, meta or {}
            if len(got["ids"]) < batch:
                return
            offset += batch

    @_guarded
    def get_chunks(self, ids: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
        if not ids or self.chunks is None:
            return []
        got = self.chunks.get(ids=ids, include=["documents", "metadatas"])
        by_id = {cid: (cid, t, m or {}) for cid, t, m in zip(got["ids"], got["documents"], got["metadatas"])}
        return [by_id[i] for i in ids if i in by_id]

    @_guarded
    def embeddings_of(self, ids: list[str]) -> np.ndarray | None:
        """The embeddings of the chunks ``ids``, one row each in that order; None when one of
        them is gone (a write in flight: the caller keeps asking Chroma instead)."""
        if not ids or self.chunks is None:
            return None
        rows: dict[str, Any] = {}
        for start in range(0, len(ids), BATCH):
            got = self.chunks.get(ids=ids[start:start + BATCH], include=["embeddings"])
            rows.update(zip(got["ids"], got["embeddings"]))
        if any(cid not in rows for cid in ids):
            return None
        return np.asarray([rows[cid] for cid in ids], dtype=np.float32)

    def check_reachable(self) -> None:
        """Raise the clear ``StoreUnavailable`` when a Chroma server no longer answers (one
        heartbeat): an answer served from memory must not hide a dead server. Embedded: nothing
        to check."""
        if not self.settings.uses_server:
            return
        try:
            self.client.heartbeat()
        except Exception as exc:
            self._raise_translated(exc)

    @_guarded
    def nearest_among(self, ids: list[str], query_vec: np.ndarray) -> Hit | None:
        """The chunk among ``ids`` closest to the query (by id, so no metadata scan)."""
        if not ids or self.chunks is None:
            return None
        got = self.chunks.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        if not got["ids"]:
            return None
        vectors = np.asarray(got["embeddings"], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1) * (np.linalg.norm(query_vec) or 1.0)
        sims = vectors @ np.asarray(query_vec, dtype=np.float32) / np.where(norms == 0, 1.0, norms)
        i = int(np.argmax(sims))
        return Hit(chunk_id=got["ids"][i], text=got["documents"][i], meta=got["metadatas"][i] or {},
                   score=float(sims[i]), dense_score=float(sims[i]))

    @_guarded
    def dense_search(self, query_vec: np.ndarray, k: int, where: dict | None = None) -> list[Hit]:
        """Nearest chunks by cosine similarity: ids and scores only (empty text and metadata).
        Reading 30 documents back costs ten times the search, so retrieval fetches text only for
        the few candidates that survive fusion (``get_chunks``)."""
        if self.chunks is None:
            return []
        # Chroma returns fewer results when the collection is smaller than k (or empty), so no
        # count() round trip per query
        res = self.chunks.query(query_embeddings=[query_vec], n_results=k, where=where, include=["distances"])
        return [Hit(chunk_id=cid, text="", meta={}, score=1.0 - float(dist), dense_score=1.0 - float(dist))
                for cid, dist in zip(res["ids"][0], res["distances"][0])]  # cosine distance -> similarity
