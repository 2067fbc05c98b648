"""What every web session shares: the settings, one Assistant (loaded once) and the write locks.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable

from assistant.config import Settings

log = logging.getLogger("assistant.web.context")


ProgressFn = Callable[..., Any]


class AppContext:
    """What every session shares: the settings, one Assistant (loaded once) and a write lock."""

    def __init__(self, settings: Settings, assistant=None):
        self.settings = settings
        self._assistant = assistant
        self._load_lock = threading.Lock()
        self.write_lock = threading.Lock()
        self.feedback_lock = threading.Lock()

    @property
    def assistant(self):
        if self._assistant is None:
            with self._load_lock:
                if self._assistant is None:
                    from assistant.core import Assistant

                    self._assistant = Assistant(self.settings)
        return self._assistant

    @property
    def uploads_dir(self) -> Path:
        return Path(self.settings.data_dir) / "uploads"

    @property
    def feedback_path(self) -> Path:
        return Path(self.settings.data_dir) / "feedback.jsonl"

    def refresh(self) -> str:
        """Make the shared Assistant follow the store; returns "" or why it still serves the
        previous index (a failed refresh never stops answering)."""
        if self._assistant is None:
            return ""
        try:
            ok = self._assistant.refresh()
        except Exception as exc:
            log.error("refresh failed", exc_info=exc)
            ok = False
        if ok is False:
            return (self._assistant.stale_notice if getattr(self._assistant, "stale_notice", None)
                    else "刷新索引失败，暂时沿用上一版索引回答。")
        return ""


def ensure_knowledge_base(settings: Settings) -> str | None:
    """Ingest the shipped corpus when the knowledge base is empty; returns a summary or None."""
    from assistant.kb import ensure_corpus

    built = ensure_corpus(settings)
    if built is None:
        return None
    report, notice = built
    return f"{notice}\n知识库为空，已从 corpus/ 导入：{report.summary()}"
