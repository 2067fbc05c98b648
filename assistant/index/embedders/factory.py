"""Pick the embedder for the current settings, falling back to the offline one with a notice.

Availability of a sentence-transformers model is checked on the file system first, so the
default offline path never imports torch or touches the network.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from assistant.config import HASHING_EMBEDDER, Settings
from assistant.index.embedders.base import Embedder


@dataclass
class EmbedderChoice:
    embedder: Embedder
    notice: str  # one line for the user: which embedder and why
    fallback: bool  # True when a configured model could not be used


def _hf_cache_dirs() -> list[Path]:
    dirs = []
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "SENTENCE_TRANSFORMERS_HOME"):
        if os.environ.get(var):
            dirs.append(Path(os.environ[var]))
    hf_home = Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface"))
    dirs.append(hf_home / "hub")
    return dirs


def model_available_locally(model: str) -> bool:
    """True when ``model`` is a local directory or a snapshot in a Hugging Face cache."""
    path = Path(model).expanduser()
    if path.is_dir():
        return True
    if "/" not in model:
        return False
    cache_name = "models--" + model.replace("/", "--")
    for base in _hf_cache_dirs():
        snapshots = base / cache_name / "snapshots"
        if snapshots.is_dir() and any(snapshots.iterdir()):
            return True
    return False


def hashing_embedder() -> Embedder:
    from assistant.index.embedders.hashing import HashingEmbedder

    return HashingEmbedder()


def resolve_embedder(settings: Settings) -> EmbedderChoice:
    model = settings.embedding_model
    if model == HASHING_EMBEDDER:
        emb = hashing_embedder()
        return EmbedderChoice(emb, f"嵌入：内置离线哈希嵌入（{emb.name}）", False)
    if not settings.allow_download and not model_available_locally(model):
        emb = hashing_embedder()
        return EmbedderChoice(
            emb,
            f"提示：本机没有嵌入模型 {model}（离线模式不下载），改用内置离线哈希嵌入（{emb.name}）。",
            True,
        )
    try:
        from assistant.index.embedders.sentence_transformers import SentenceTransformerEmbedder

        emb = SentenceTransformerEmbedder(model, local_files_only=not settings.allow_download)
        return EmbedderChoice(emb, f"嵌入：sentence-transformers 模型 {model}（{emb.dim} 维）", False)
    except Exception as exc:  # a broken or missing model must not stop the assistant
        emb = hashing_embedder()
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        return EmbedderChoice(
            emb, f"提示：无法加载嵌入模型 {model}（{reason}），改用内置离线哈希嵌入（{emb.name}）。", True
        )
