"""Incremental, idempotent ingestion: files -> clean -> chunks -> tokens + vectors -> store.

One document at a time, each in its own try: a bad file is reported and skipped, and a
failure inside a document leaves that document's previous version searchable.
"""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from assistant.lang.text import item_labels, to_search_text, tokenize, tokenizer_fingerprint
from ingest.chunking import chunk_document
from ingest.loaders import iter_files, load_document, skipped_files
from assistant.errors import IngestError
from assistant.types import DocumentWrite, Manifest
from ingest.model import Chunk, RawDocument
from ingest.contacts import CONTACT_ADDRESS, is_contacts_section
from ingest.normalize import clean_document
from ingest.originals import keep_original

# Bump when loading, cleaning or chunking changes, so unchanged files re-ingest. (Tokenising is
# followed on its own: each manifest records the tokenizer, and ``retokenize`` brings the
# documents made with another one up to date without reading their files again.)
PIPELINE_VERSION = "14"
# Chunks buffered across documents before one store write (Chroma is fastest in big batches).
WRITE_BATCH = 1000


@dataclass
class IngestReport:
    documents: int = 0  # documents seen (ingested + unchanged)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    chunks: int = 0  # chunks written in this run
    pruned: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    repaired: int = 0
    retokenized: int = 0  # stored passages re-tokenised (made by an older tokenizer)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "documents": self.documents, "added": self.added, "updated": self.updated,
            "unchanged": self.unchanged, "chunks": self.chunks, "pruned": self.pruned,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "errors": [{"path": p, "message": m} for p, m in self.errors],
            "repaired_orphans": self.repaired, "retokenized": self.retokenized, "seconds": round(self.seconds, 2),
        }

    def summary(self) -> str:
        lines = [
            f"文档 {self.documents} 个（新增 {self.added}，更新 {self.updated}，未变 {self.unchanged}），"
            f"写入片段 {self.chunks} 个，跳过 {len(self.skipped)} 个，错误 {len(self.errors)} 个，"
            f"删除 {len(self.pruned)} 个，用时 {self.seconds:.2f} 秒。"
        ]
        if self.retokenized:
            lines.append(f"  按新版分词规则重新分词：{self.retokenized} 个片段（来自旧版本导入的文档）。")
        lines += [f"  跳过：{p}：{r}" for p, r in self.skipped]
        lines += [f"  错误：{p}：{m}" for p, m in self.errors]
        return "\n".join(lines)


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> bytes:
    """The pipeline version: when it changes, every file counts as changed."""
    return hashlib.sha256(PIPELINE_VERSION.encode()).digest()


def file_hash(path: Path) -> str:
    h = hashlib.sha256(pipeline_fingerprint())
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def chunk_ids(doc_id: str, chunks: list[Chunk]) -> list[str]:
    """Stable ids: document id + content hash (+ a counter only for repeated text)."""
    seen: dict[str, int] = {}
    ids = []
    for chunk in chunks:
        digest = hashlib.sha1(chunk.text.encode("utf-8")).hexdigest()[:16]
        n = seen.get(digest, 0)
        seen[digest] = n + 1
        ids.append(f"{doc_id}::{digest}" + (f"-{n}" if n else ""))
    return ids


def passage_title(meta: dict) -> str:
    """What a passage is about in one line: its FAQ question, else its own heading."""
    return str(meta.get("question") or str(meta.get("heading_path", "")).split(" > ")[-1])


def chunk_record(chunk: Chunk) -> dict:
    """Chunk metadata as stored: its BM25 tokens travel with it, so the lexical index can be
    rebuilt from the store alone (no re-segmentation, same result on every instance)."""
    meta = {k: v for k, v in chunk.meta.items() if v is not None and v != ""}
    meta.update(token_fields(chunk.text, meta, chunk.search_text))
    return meta


def token_fields(text: str, meta: dict, search_text: str | None = None) -> dict:
    """The metadata fields made by the tokenizer (tokens, question tokens, item labels), for a
    new chunk and for a stored one re-tokenised (``retokenize``): one recipe for both."""
    searched = search_text if search_text is not None else to_search_text(text)
    if is_contacts_section(str(meta.get("heading_path") or "")):
        # a page's address is found by its label, not its words: "北京" said only in an office's
        # address makes no question about the weather in 北京 one about the documents
        searched = CONTACT_ADDRESS.sub(r"\1", searched)
    fields = {"tokens": " ".join(tokenize(searched, normalised=True))}
    questions = [passage_title(meta)] + str(meta.get("variants", "")).split("\n")
    q_tokens = [" ".join(tokenize(q)) for q in questions if q.strip()]
    if q_tokens:
        fields["q_tokens"] = "|".join(q_tokens)
    labels = item_labels(text)
    if labels:
        fields["labels"] = "|".join(labels)
    return fields


def stale_documents(manifests: dict[str, Manifest]) -> dict[str, Manifest]:
    """The documents whose passages were tokenised by another tokenizer (an older version of the
    code or of the shipped word lists): their stored tokens no longer meet today's questions."""
    current = tokenizer_fingerprint()
    return {d: m for d, m in sorted(manifests.items()) if m.tokenizer != current}


def retokenize(store, manifests: dict[str, Manifest],
               progress: Callable[[int, int, str], None] | None = None) -> int:
    """Re-tokenise the stored passages of the documents ``manifests`` (as just read from
    ``store``) with the tokenizer and vocabulary in effect; only metadata changes (no file is
    read, nothing re-embedded). Each document's manifest records the tokenizer last, so an
    interrupted run leaves those documents stale and the next run does them again. Returns the
    passage count."""
    total = sum(len(m.chunk_ids) for m in manifests.values())
    done = 0
    if progress:
        progress(0, total, "重新分词")
    batch: list[str] = []
    ids: list[str] = []
    for i, (doc_id, manifest) in enumerate(manifests.items()):
        batch.append(doc_id)
        ids += manifest.chunk_ids
        if len(ids) < WRITE_BATCH and i + 1 < len(manifests):
            continue
        part = store.get_chunks(ids)
        store.update_chunk_metadata([cid for cid, _, _ in part],
                                    [token_fields(text, meta) for _, text, meta in part])
        store.update_manifests(batch, tokenizer=tokenizer_fingerprint())
        done += len(part)
        batch, ids = [], []
        if progress:
            progress(done, total, "重新分词")
    return done


UPLOAD_PREFIX = "upload/"


def upload_doc_id(path: Path, upload_root: Path) -> str:
    """Uploaded files live in their own namespace, keyed by file name *with* its extension
    (``upload/x.md`` and ``upload/x.html`` are two documents); a front-matter ``id`` is ignored,
    so an upload can never take the id of a shipped document."""
    try:
        rel = Path(path).resolve().relative_to(Path(upload_root).resolve()).as_posix()
    except ValueError:
        rel = Path(path).name
    return UPLOAD_PREFIX + rel


def _is_under(path: Path, root: Path | None) -> bool:
    if root is None:
        return False
    try:
        Path(path).resolve().relative_to(Path(root).resolve())
        return True
    except (ValueError, OSError):
        return False


def prepare(path: Path, root: Path, upload_root: Path | None = None,
            on_page=None) -> tuple[RawDocument, list[Chunk]]:
    doc = load_document(path, root, on_page=on_page)
    if _is_under(path, upload_root):
        doc.doc_id = upload_doc_id(path, upload_root)
        doc.meta.pop("id", None)
    doc = clean_document(doc)
    chunks = chunk_document(doc)
    if not chunks:
        raise IngestError(f"没有可导入的文字内容：{path}")
    return doc, chunks


def ingest_paths(paths: Iterable[Path], store, embedder, *, reset: bool = False,
                 prune: bool = False, progress: bool = True,
                 on_progress: Callable[[int, int, str], None] | None = None,
                 upload_root: Path | None = None) -> IngestReport:
    """Ingest files and directories into ``store`` (the caller passes the writer, a KnowledgeStore:
    ingest never imports the index); see IngestReport for what is counted.
    Files under ``upload_root`` are uploads: their ids are ``upload/<file name>``."""
    started = time.perf_counter()
    report = IngestReport()
    paths = [Path(p) for p in paths]
    if reset:
        store.reset()
    store.ensure_collections(embedder)
    report.repaired = store.repair()
    manifests = store.manifests()

    for missing in [p for p in paths if not p.exists()]:
        report.errors.append((str(missing), "路径不存在"))
    existing = [p for p in paths if p.exists()]
    report.skipped.extend((str(p), reason) for p, reason in skipped_files(existing))
    files = list(iter_files(existing))

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="文件", file=sys.stderr, desc="导入", leave=False)
    pending: list[tuple[str, DocumentWrite, bool]] = []  # (path, write, is_update)

    def flush() -> None:
        """Write the buffered documents in one go; if that fails, each of them is an error
        and keeps its previous version."""
        if not pending:
            return
        try:
            store.replace_documents([w for _, w, _ in pending])
        except Exception as exc:
            for path, _, _ in pending:
                report.errors.append((path, f"写入知识库失败：{type(exc).__name__}: {exc}"))
        else:
            for _, write, is_update in pending:
                manifests[write.manifest.doc_id] = write.manifest
                report.documents += 1
                report.chunks += len(write)
                report.updated += is_update
                report.added += not is_update
        pending.clear()

    for i, (path, root) in enumerate(files):
        if on_progress:
            on_progress(i, len(files), str(path))

        def on_page(done: int, total: int, i: int = i, path: Path = path) -> None:  # OCR progress
            if bar:
                bar.set_postfix_str(f"文字识别 {done}/{total} 页")
            if on_progress:
                on_progress(i, len(files), f"{path}（文字识别 第 {done} 页，共 {total} 页）")

        try:
            write = _prepare_one(path, root, embedder, manifests, report, upload_root,
                                 _data_dir(store), on_page)
        except IngestError as exc:
            report.errors.append((str(path), str(exc)))
        except Exception as exc:  # one broken document never stops the batch
            report.errors.append((str(path), f"{type(exc).__name__}: {exc}"))
        else:
            if write is not None:
                doc_id = write.manifest.doc_id
                if any(w.manifest.doc_id == doc_id for _, w, _ in pending):
                    flush()  # the same document twice in one run: the later file wins
                pending.append((str(path), write, doc_id in manifests))
                if sum(len(w) for _, w, _ in pending) >= WRITE_BATCH:
                    flush()
        if bar:
            bar.update(1)
    flush()
    if bar:
        bar.close()
    if on_progress:
        on_progress(len(files), len(files), "")
    if prune:
        for doc_id, m in store.manifests().items():
            if m.source and not Path(m.source).exists():
                store.delete_document(doc_id)
                report.pruned.append(doc_id)
    stale = stale_documents(store.manifests())
    if stale:  # unchanged files ingested by an older tokenizer: their tokens, made again
        report.retokenized = retokenize(store, stale)
    report.seconds = time.perf_counter() - started
    return report


def _data_dir(store) -> Path | None:
    settings = getattr(store, "settings", None)
    return getattr(settings, "data_dir", None)


def _prepare_one(path: Path, root: Path, embedder, manifests: dict[str, Manifest],
                 report: IngestReport, upload_root: Path | None = None,
                 data_dir: Path | None = None, on_page=None) -> DocumentWrite | None:
    """Everything up to the store write for one file; None when it is unchanged."""
    try:
        digest = file_hash(path)
    except FileNotFoundError:
        raise IngestError(f"文件在导入过程中消失：{path}") from None
    except OSError as exc:
        raise IngestError(f"无法读取文件：{exc}") from None
    source = str(path.resolve())
    known = next((m for m in manifests.values() if m.source == source and m.file_hash == digest), None)
    if known is not None:
        report.documents += 1
        report.unchanged += 1
        return None
    doc, chunks = prepare(path, root, upload_root, on_page)
    extra = {"fmt": doc.fmt, "encoding": doc.meta.get("encoding", "")}
    if doc.meta.get("ocr_pages"):
        extra["ocr_pages"] = {str(p): c for p, c in doc.meta["ocr_pages"].items()}
    if data_dir is not None:
        try:
            extra.update(keep_original(path, data_dir))  # the way back to the cited file
        except OSError as exc:
            raise IngestError(f"无法在数据目录中保存原文件副本（{exc.strerror or exc}）：{path}") from None
    ids = chunk_ids(doc.doc_id, chunks)
    metas = [chunk_record(c) for c in chunks]
    vectors = embedder.embed_documents([c.search_text for c in chunks])
    manifest = Manifest(doc_id=doc.doc_id, source=source, title=doc.title, doc_type=doc.doc_type,
                        file_hash=digest, chunk_ids=ids,
                        extra=extra, tokenizer=tokenizer_fingerprint())
    return DocumentWrite(manifest, ids, [c.text for c in chunks], metas, vectors)
