"""Links from a citation back to its original file (served by the web app under ``/kb/original``).

The link carries only the doc id, the page and the chunk id; the server resolves them through
``ingest.originals.resolve_original``, which never leaves the data dir's originals folder.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlencode

ORIGINAL_ROUTE = "/kb/original"


def original_href(citation: Mapping[str, Any]) -> str:
    """The app-relative URL that opens a citation's original (at its page for a PDF)."""
    params: dict[str, Any] = {"doc": str(citation.get("source") or "")}
    page = citation.get("page")
    if isinstance(page, int) and page > 0:
        params["page"] = page
    if citation.get("chunk_id"):
        params["chunk"] = str(citation["chunk_id"])
    return f"{ORIGINAL_ROUTE}?{urlencode(params)}"
