"""Embedders behind one small interface: ``base`` + one file per backend + ``factory``."""

from assistant.embedders.base import Embedder
from assistant.embedders.factory import resolve_embedder

__all__ = ["Embedder", "resolve_embedder"]
