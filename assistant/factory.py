"""Builds the Assistant's components from Settings: store, embedder, reranker, abstention policy, LLM agent.

``Assistant`` receives these and only runs the flow; tests and tools may pass their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.config import Settings


@dataclass
class Components:
    """What an ``Assistant`` runs on; ``notices`` are shown to the user (fallbacks, missing models)."""

    store: Any
    embedder: Any
    policy: Any
    reranker: Any = None
    notices: list[str] = field(default_factory=list)


def build_components(settings: Settings) -> Components:
    from assistant.index.embedders.factory import resolve_embedder
    from assistant.index.store import KnowledgeStore
    from assistant.pipeline.answer import AbstainPolicy

    store = KnowledgeStore(settings)
    choice = resolve_embedder(settings)
    store.check_embedder(choice.embedder)
    notices = [choice.notice]
    return Components(store=store, embedder=choice.embedder, policy=AbstainPolicy(),
                      reranker=load_reranker(settings, notices), notices=notices)


def load_reranker(settings: Settings, notices: list[str]):
    """The configured cross-encoder, or None (with a notice when it cannot be loaded)."""
    model = settings.reranker_model
    if not model:
        return None
    from assistant.pipeline.retrieval import CrossEncoderReranker

    try:
        return CrossEncoderReranker(model, local_files_only=not settings.allow_download)
    except Exception as exc:
        notices.append(f"提示：无法加载重排序模型 {model}（{str(exc).splitlines()[0][:120]}），不做重排序。")
        return None


def build_llm_agent(settings: Settings, assistant):
    """The LLM agent when an LLM is configured (it gets the assistant's search and offline answerer)."""
    if not settings.llm_configured:
        return None
    from assistant.pipeline.llm import LLMAgent

    return LLMAgent.from_settings(settings, assistant)
