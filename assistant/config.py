"""One settings object for every entry point (CLI, app, eval, tests).

Values come from defaults, then environment variables (``KBA_*``), then CLI flags;
later sources win. Nothing here imports a heavy library.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = PROJECT_ROOT / "corpus"
DEFAULT_EMBEDDING_MODEL = "BAAI/bge-small-zh-v1.5"
HASHING_EMBEDDER = "hashing"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Setting:
    """One row of the settings table: the README's "Configuration" table is generated from these."""

    name: str  # Settings field
    env: str  # environment variable
    parse: Any  # str -> value
    help: str
    flag: str = ""  # CLI flag, if any
    default: str = ""  # the default as the README shows it ("" = the field's default)


# The one table of settings (README "Configuration" is generated from it, tests/test_docs.py checks).
SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "KBA_DATA_DIR", Path, "data directory", "--data-dir (every command)", "./data"),
    Setting("collection", "KBA_COLLECTION", str, "Chroma collection"),
    Setting("embedding_model", "KBA_EMBEDDING_MODEL", str, "embedding model (name, local path, or `hashing`)",
            default="`BAAI/bge-small-zh-v1.5` if present locally, else the built-in embedder"),
    Setting("allow_download", "KBA_ALLOW_DOWNLOAD", _bool, "allow model downloads from the hub", default="off"),
    Setting("chroma_host", "KBA_CHROMA_HOST", str, "Chroma server host", default="embedded"),
    Setting("chroma_port", "KBA_CHROMA_PORT", int, "Chroma server port"),
    Setting("reranker_model", "KBA_RERANKER_MODEL", str, "cross-encoder reranker"),
    Setting("llm_base_url", "KBA_LLM_BASE_URL", str, "LLM base URL (or `OPENAI_BASE_URL`)", default="none (offline)"),
    Setting("llm_api_key", "KBA_LLM_API_KEY", str, "LLM API key (or `OPENAI_API_KEY`)"),
    Setting("llm_model", "KBA_LLM_MODEL", str, "LLM model", default="none (offline)"),
    Setting("host", "KBA_HOST", str, "app host", "--host"),
    Setting("port", "KBA_PORT", int, "app port", "--port"),
    Setting("admin_password", "KBA_ADMIN_PASSWORD", str,
            "admin password for knowledge-base management (required to listen beyond loopback)"),
    Setting("upload_max_mb", "KBA_UPLOAD_MAX_MB", int, "upload size limit (MB)"),
)
# field name -> (environment variable, parser)
_ENV: dict[str, tuple[str, Any]] = {s.name: (s.env, s.parse) for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Everything configurable. See README "Configuration" for the table."""

    data_dir: Path = Path("data")
    collection: str = "knowledge"
    # A model name, a local path, or "hashing" for the built-in offline embedder.
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    # Only try the Hugging Face hub when explicitly allowed; otherwise local files only.
    allow_download: bool = False
    chroma_host: str | None = None
    chroma_port: int = 8000
    reranker_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_model: str | None = None
    host: str = "127.0.0.1"
    port: int = 7860
    admin_password: str | None = field(default=None, repr=False)
    upload_max_mb: int = 20

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Build settings from ``environ`` (default ``os.environ``) and explicit overrides.

        Overrides whose value is None are ignored, so argparse namespaces can be passed as is.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, (var, parse) in _ENV.items():
            raw = env.get(var)
            if raw is not None and raw.strip() != "":
                try:
                    values[name] = parse(raw.strip())
                except ValueError as exc:
                    raise ValueError(f"环境变量 {var} 的值无效：{raw!r}") from exc
        # OpenAI-style variables are a common convention for compatible endpoints.
        values.setdefault("llm_base_url", env.get("OPENAI_BASE_URL") or None)
        values.setdefault("llm_api_key", env.get("OPENAI_API_KEY") or None)
        known = {f.name for f in fields(cls)}
        for name, value in overrides.items():
            if name in known and value is not None:
                values[name] = Path(value) if name == "data_dir" else value
        values = {k: v for k, v in values.items() if v is not None}
        return cls(**values)

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **changes)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_model and (self.llm_base_url or self.llm_api_key))

    @property
    def uses_server(self) -> bool:
        return bool(self.chroma_host)
