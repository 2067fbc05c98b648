"""Knowledge-base operations shared by the CLI, the app and the eval (ingest, list, show, delete)."""

from __future__ import annotations

from pathlib import Path

from assistant.config import Settings
from assistant.domain.conflicts import authority, authority_label
from assistant.index.embedders.factory import resolve_embedder
from assistant.errors import UserError
from assistant.index.store import KnowledgeStore
from assistant.types import Hit


def open_store(settings: Settings) -> KnowledgeStore:
    return KnowledgeStore(settings)


def embedder_for(store: KnowledgeStore, settings: Settings):
    """The configured embedder, checked against the one that built the knowledge base.

    Returns ``(embedder, notice)``; raises EmbedderMismatch when they differ.
    """
    choice = resolve_embedder(settings)
    store.check_embedder(choice.embedder)
    return choice.embedder, choice.notice


def uploads_dir(settings: Settings) -> Path:
    """Where the app keeps uploaded files; documents from here are ``upload/<file name>``."""
    return Path(settings.data_dir) / "uploads"


def ingest(settings: Settings, paths: list[Path], *, reset: bool = False, prune: bool = False,
           progress: bool = True, on_progress=None):
    """Ingest ``paths``. With ``reset`` the knowledge base is rebuilt into fresh collections and
    swapped in when complete, so every reader (this process, other app instances on the same
    Chroma server) keeps answering from the previous one until then; a rebuild that ingested
    nothing while failing on some file is not swapped in (the previous knowledge base stays)."""
    from ingest.pipeline import ingest_paths

    store = open_store(settings)
    upload_root = uploads_dir(settings)
    from assistant.upkeep.vocab import Vocabulary

    Vocabulary(settings, store.client).apply()  # passages are tokenised with this KB's vocabulary
    if not reset:
        embedder, notice = embedder_for(store, settings)
        report = ingest_paths(paths, store, embedder, prune=prune, progress=progress,
                              on_progress=on_progress, upload_root=upload_root)
        return report, notice
    choice = resolve_embedder(settings)
    staging = store.staging()
    try:
        report = ingest_paths(paths, staging, choice.embedder, prune=prune, progress=progress,
                              on_progress=on_progress, upload_root=upload_root)
        if report.documents == 0 and report.errors:
            raise UserError("重建失败：没有任何文档导入成功，已保留原来的知识库。"
                            + "；".join(f"{p}：{m}" for p, m in report.errors[:3]))
        store.swap_in(staging)
    except BaseException:
        try:
            staging.discard()
        except Exception:
            pass
        raise
    return report, choice.notice


def ensure_corpus(settings: Settings):
    """Ingest the shipped corpus when the knowledge base is empty: (report, notice), or None when
    it already holds documents. The one "build the KB if empty" for the app, the eval and benches."""
    from assistant.config import CORPUS_DIR

    if open_store(settings).count() > 0:
        return None
    return ingest(settings, [CORPUS_DIR], progress=False)


def list_documents(settings: Settings) -> list[dict]:
    store = open_store(settings)
    docs = [with_authority(m.to_dict()) for m in store.manifests().values()]
    return sorted(docs, key=lambda d: d["doc_id"])


def with_authority(doc: dict) -> dict:
    """Add the document's authority level (3 standard/regulation, 2 FAQ/guide, 1 web/upload)."""
    level = authority(doc.get("doc_id"), doc.get("doc_type"))
    return {**doc, "authority": level, "authority_label": authority_label(level)}


def show_document(settings: Settings, doc_id: str) -> dict | None:
    store = open_store(settings)
    m = store.manifest(doc_id)
    if m is None:
        return None
    out = with_authority(m.to_dict())
    out.update(_ocr_and_original(m.extra))
    out["passages"] = [
        {"id": cid, "locator": Hit(cid, text, meta).locator, "text": text,
         "meta": {k: v for k, v in meta.items() if k not in ("tokens", "q_tokens")}}
        for cid, text, meta in store.get_chunks(m.chunk_ids)
    ]
    return out


def delete_document(settings: Settings, doc_id: str) -> bool:
    store = open_store(settings)
    manifest = store.manifest(doc_id)
    deleted = store.delete_document(doc_id)
    if deleted and manifest is not None:  # its kept original goes too, unless shared by content
        from ingest.originals import forget_original

        forget_original(settings.data_dir, manifest.extra.get("original"),
                        [m.extra for m in store.manifests().values()])
    return deleted


def _ocr_and_original(extra: dict) -> dict:
    """OCR confidence per scanned page (low ones listed) and the kept original's path."""
    from ingest.ocr import LOW_CONFIDENCE, low_confidence_pages

    out: dict = {}
    pages = extra.get("ocr_pages") or {}
    if pages:
        out["ocr_pages"] = {int(p): c for p, c in pages.items()}
        out["low_confidence_pages"] = low_confidence_pages(pages)
        out["low_confidence_threshold"] = LOW_CONFIDENCE
    if extra.get("original"):
        out["original"] = extra["original"]
    return out
