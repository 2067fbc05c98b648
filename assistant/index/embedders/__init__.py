"""Embedders behind one small interface: ``base`` + one file per backend + ``factory``."""

from assistant.index.embedders.base import Embedder
from assistant.index.embedders.factory import resolve_embedder

__all__ = ["Embedder", "resolve_embedder"]
