"""Calibrate the curated-answer match threshold (``assistant.upkeep.curated.MATCH_THRESHOLD``).

``eval/curated_calibration.jsonl`` holds, for a few curated questions (with one variant each),
paraphrases that must match and near misses that must not (same words, another question; another
number; another subject). Each query is scored against its curated question the way the
Assistant scores it: the project's tokenizer with the knowledge base's IDF, and its embedder.

    python -m eval.curated_calibration [--data-dir DIR]     # builds the corpus KB when empty
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

CALIBRATION_PATH = Path(__file__).resolve().parent / "curated_calibration.jsonl"


def load(path: Path | str = CALIBRATION_PATH) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def scores(items: list[dict[str, Any]], embedder=None, idf=None) -> list[tuple[dict, float]]:
    from assistant.pipeline import similarity as S
    out = []
    for item in items:
        phrasings = S.prepare([item["curated"], *item.get("variants", [])], embedder)
        q = S.prepare([item["query"]], embedder)[0]
        out.append((item, max(S.similarity(q, p, idf) for p in phrasings)))
    return out


def summary(scored: list[tuple[dict, float]], threshold: float) -> dict[str, Any]:
    pos = [s for it, s in scored if it["match"]]
    neg = [s for it, s in scored if not it["match"]]
    tp = sum(s >= threshold for s in pos)
    fp = sum(s >= threshold for s in neg)
    return {"threshold": threshold, "positives": len(pos), "negatives": len(neg),
            "recall": round(tp / len(pos), 4) if pos else None,
            "false_matches": fp, "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "min_positive": round(min(pos), 4) if pos else None,
            "max_negative": round(max(neg), 4) if neg else None}


def main(argv: list[str] | None = None) -> int:
    import argparse

    from assistant.cli import settings_from_args
    from assistant.core import Assistant
    from assistant.upkeep.curated import MATCH_THRESHOLD
    from eval.harness import ensure_ingested

    p = argparse.ArgumentParser(prog="python -m eval.curated_calibration")
    p.add_argument("--data-dir")
    args = p.parse_args(argv)
    settings = settings_from_args(args)
    ensure_ingested(settings)
    a = Assistant(settings)
    scored = scores(load(), a.embedder, a.retriever.lexical.idf)
    for item, s in sorted(scored, key=lambda x: -x[1]):
        print(f"{s:.3f} {'匹配' if item['match'] else '不匹配'}  {item['query']}  ~  {item['curated']}")
    print(json.dumps(summary(scored, MATCH_THRESHOLD), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
