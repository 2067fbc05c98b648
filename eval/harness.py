"""Run the QA set through the app's own ``Assistant.ask`` (and the naive baseline) and score it.

    from eval.harness import run_eval
    result = run_eval(settings)              # EvalResult
    result.summary["ours"]["key_point_accuracy"]

Every question goes through the same ``Assistant.ask(question, history)`` the CLI and the app
call; follow-ups carry their ``history``. Judging rules live in :mod:`eval.metrics`.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from assistant.errors import QAError
from eval import metrics as M

QA_PATH = Path(__file__).resolve().parent / "qa.jsonl"
THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.json"
REQUIRED = ("id", "question", "category")
# Asked once, untimed, before the timed questions: one-off loading (jieba dictionary, caches)
# is a start-up cost, not a per-question latency.
WARMUP_QUESTION = "售后服务认证有效期多久？"


def load_qa(path: Path | str | None = None) -> list[dict[str, Any]]:
    """Read the QA set (JSONL); raises QAError naming the first bad line."""
    path = Path(path) if path else QA_PATH
    if path.suffix.lower() in (".xlsx", ".csv"):  # an expert's sheet (问题, 参考答案, 要点, 应拒答)
        from eval.sheet import load_sheet

        return load_sheet(path)
    if not path.exists():
        raise QAError(f"找不到问答集文件：{path}")
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QAError(f"{path} 第 {line_no} 行不是有效的 JSON：{exc.msg}") from None
        if not isinstance(item, dict) or any(k not in item for k in REQUIRED):
            raise QAError(f"{path} 第 {line_no} 行缺少字段（需要 {', '.join(REQUIRED)}）")
        item_id = str(item["id"])
        if item_id in seen:
            raise QAError(f"{path} 第 {line_no} 行：id 重复（{item_id}）")
        seen.add(item_id)
        item.setdefault("key_points", [])
        item.setdefault("gold_sources", [])
        item.setdefault("expect_abstain", False)
        item.setdefault("expected_score", None)
        item.setdefault("expected_grade", None)
        items.append(item)
    if not items:
        raise QAError(f"问答集为空：{path}")
    return items


@dataclass
class EvalResult:
    summary: dict[str, Any]
    per_category: dict[str, dict[str, Any]]
    records: list[dict[str, Any]]
    baseline_records: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "per_category": self.per_category,
            "info": self.info,
            "records": self.records,
            "baseline_records": self.baseline_records,
            "failures": [r["id"] for r in self.failures],
        }


# --------------------------------------------------------------------------- records


def _gold(item: dict[str, Any]) -> list[str]:
    return [M.passage_key(g) for g in item.get("gold_sources") or []]


def make_record(item: dict[str, Any], *, answer_text: str, abstained: bool, citations: list[dict],
                retrieved: list, tool_calls: list, latency_ms: float,
                resolved_question: str = "") -> dict[str, Any]:
    """One per-question record, judged by the rules in :mod:`eval.metrics`."""
    gold = _gold(item)
    kp = item.get("key_points") or []
    verdict = M.judge(item, answer_text=answer_text, abstained=abstained, citations=citations,
                      tool_calls=tool_calls)
    answerable = not item.get("expect_abstain")
    tool = M.grade_result(tool_calls)
    key_fact = None  # judged on answerable, non-score items with key points; a refusal misses
    if answerable and kp and not M.is_score_item(item):
        key_fact = False if abstained else M.key_fact_early(answer_text, kp)
    return {
        "id": str(item["id"]),
        "category": item.get("category", ""),
        "question": item["question"],
        "history": item.get("history") or [],
        "resolved_question": resolved_question,
        "answer": answer_text,
        "abstained": bool(abstained),
        "citations": [{k: c.get(k) for k in ("n", "passage", "passages", "title", "locator", "text")
                       if c.get(k) is not None} for c in citations],
        "retrieved": retrieved,
        "key_points_ok": verdict["key_points_ok"],
        "key_fact_early": key_fact,
        "key_fact_place": (M.key_fact_place("" if abstained else answer_text, [c.get("text") or "" for c in citations], kp)
                           if key_fact is not None else None),
        "correct": verdict["correct"],
        "reason": verdict["reason"],
        "recall_at_1": M.recall_at(retrieved, gold, 1),
        "recall_at_5": M.recall_at(retrieved, gold, 5),
        "rr": M.reciprocal_rank(retrieved, gold),
        "passage_recall_at_5": M.passage_recall_at(retrieved, gold, 5),
        "citation_precision": (M.citation_precision(citations, gold, kp)
                               if answerable and not abstained else None),
        "score_ok": verdict["score_ok"],
        "is_score": M.is_score_item(item),
        "tool_result": tool,
        "latency_ms": round(latency_ms, 3),
        "expect_abstain": bool(item.get("expect_abstain")),
        "expected": {
            "key_points": kp,
            "gold_sources": gold,
            "gold_answer": item.get("gold_answer", ""),
            "score": item.get("expected_score"),
            "grade": item.get("expected_grade"),
        },
    }


def _citation_dicts(answer) -> list[dict]:
    from assistant.present import citation_record

    return [citation_record(c, ("n", "passage", "title", "locator", "text")) for c in answer.citations]


def run_ours(assistant, items: list[dict], progress: Callable | None = None) -> list[dict]:
    """Ask every item; an evaluation's refusals are not recorded as unanswered questions."""
    from assistant.upkeep.loop import not_recording

    with not_recording():
        return _run_ours(assistant, items, progress)


def _run_ours(assistant, items: list[dict], progress: Callable | None) -> list[dict]:
    from assistant.present import tool_call_record

    records = []
    assistant.ask(WARMUP_QUESTION)  # first call loads jieba and warms caches; not timed
    for i, item in enumerate(items):
        started = time.perf_counter()
        answer = assistant.ask(item["question"], item.get("history") or None)
        latency = (time.perf_counter() - started) * 1e3
        records.append(make_record(
            item, answer_text=answer.answer, abstained=answer.abstained,
            citations=_citation_dicts(answer), retrieved=list(answer.retrieved),
            tool_calls=[tool_call_record(t) for t in answer.tool_calls],
            latency_ms=latency, resolved_question=answer.resolved_question,
        ))
        if progress:
            progress("ours", i + 1, len(items))
    return records


def run_baseline(baseline, items: list[dict], progress: Callable | None = None) -> list[dict]:
    records = []
    baseline.ask(WARMUP_QUESTION)  # not timed, as for our pipeline
    for i, item in enumerate(items):
        started = time.perf_counter()
        answer = baseline.ask(item["question"], item.get("history") or None)
        latency = (time.perf_counter() - started) * 1e3
        records.append(make_record(
            item, answer_text=answer.answer, abstained=answer.abstained, citations=answer.citations,
            retrieved=answer.retrieved, tool_calls=answer.tool_calls, latency_ms=latency,
        ))
        if progress:
            progress("baseline", i + 1, len(items))
    return records


# --------------------------------------------------------------------------- running


def ensure_ingested(settings) -> bool:
    """Ingest the shipped corpus when the knowledge base is empty; True when it did."""
    from assistant.kb import ensure_corpus

    built = ensure_corpus(settings)
    if built is None:
        return False
    report, _ = built
    if not report.ok:
        raise RuntimeError("导入 corpus/ 失败：" + report.summary())
    return True


def _progress_fn(progress) -> Callable | None:
    if progress is None or progress is False:
        return None
    if callable(progress):
        return progress
    import sys

    tty = sys.stderr.isatty()

    def show(stage: str, done: int, total: int) -> None:
        if tty and (done == total or done % 10 == 0):
            print(f"\r[{stage}] {done}/{total}", end="\n" if done == total else "", file=sys.stderr,
                  flush=True)
        elif not tty and (done == total or done % 50 == 0):
            print(f"[{stage}] {done}/{total}", file=sys.stderr, flush=True)

    return show


def _summaries(ours: list[dict], base: list[dict]) -> tuple[dict, dict]:
    summary = {"ours": M.summarise(ours), "baseline": M.summarise(base) if base else None}
    per_category: dict[str, dict] = {}
    for cat in sorted({r["category"] for r in ours}):
        o = [r for r in ours if r["category"] == cat]
        b = [r for r in base if r["category"] == cat]
        per_category[cat] = {"ours": M.summarise(o), "baseline": M.summarise(b) if b else None}
    return summary, per_category


def run_eval(settings, qa_path: Path | str | None = None, *, baseline: bool = True,
             limit: int | None = None, progress=None, docs: list[Path] | None = None) -> EvalResult:
    """Evaluate our pipeline (and, unless ``baseline=False``, the naive one) on the QA set.

    ``docs``: the documents the knowledge base was built from (default corpus/), for the
    baseline to chunk the same documents."""
    from assistant.core import Assistant

    items = load_qa(qa_path)
    if limit is not None:
        items = items[: max(int(limit), 0)]
    show = _progress_fn(progress)
    ingested = ensure_ingested(settings)
    started = time.perf_counter()
    assistant = Assistant(settings)
    ours = run_ours(assistant, items, show)
    info: dict[str, Any] = {
        "qa_path": str(Path(qa_path) if qa_path else QA_PATH),
        "qa_set": Path(qa_path or QA_PATH).stem,
        "n_items": len(items),
        "mode": assistant.mode,
        "embedder": assistant.embedder.name,
        "ingested_corpus": ingested,
        "ours_seconds": round(time.perf_counter() - started, 2),
    }
    base: list[dict] = []
    if baseline:
        from eval.baseline import NaiveBaseline

        started = time.perf_counter()
        with NaiveBaseline(assistant.embedder, docs) as naive:
            base = run_baseline(naive, items, show)
            info["baseline"] = {"chunks": naive.n_chunks, "documents": naive.n_documents,
                                "chunk_size": 500, "chunk_overlap": 50,
                                "build_seconds": round(naive.build_seconds, 2)}
        info["baseline_seconds"] = round(time.perf_counter() - started, 2)
    summary, per_category = _summaries(ours, base)
    failures = [r for r in ours if not r["correct"]]
    info["failure_reasons"] = dict(Counter(r["reason"] for r in failures).most_common())
    return EvalResult(summary=summary, per_category=per_category, records=ours,
                      baseline_records=base, failures=failures, info=info)


# --------------------------------------------------------------------------- measuring on any documents


def strip_asks(src: Path, dst: Path) -> dict[str, int]:
    """Copy a document tree, removing every hand-written question phrasing from Markdown front
    matter: ``asks:`` (standard/regulation passages) and each FAQ pair's ``variants:``. Bodies,
    ids and anchors stay byte for byte, so gold sources still name the same passages.

    Returns counts {"files", "asks", "variants"} of what was removed.
    """
    import shutil

    from ingest.loaders import _FRONT_MATTER_RE, parse_front_matter

    src, dst = Path(src), Path(dst)
    counts = {"files": 0, "asks": 0, "variants": 0}
    files = [src] if src.is_file() else sorted(p for p in src.rglob("*") if p.is_file())
    for path in files:
        target = dst / (path.name if src.is_file() else path.relative_to(src))
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() not in (".md", ".markdown"):
            shutil.copy2(path, target)
            continue
        text = path.read_text(encoding="utf-8")
        front, _ = parse_front_matter(text)
        match = _FRONT_MATTER_RE.match(text)
        if not front or match is None:
            shutil.copy2(path, target)
            continue
        counts["files"] += 1
        asks = front.pop("asks", None)
        if isinstance(asks, dict):
            counts["asks"] += sum(len(v) for v in asks.values() if isinstance(v, list))
        for pair in (front.get("pairs") or {}).values():
            if isinstance(pair, dict) and pair.get("variants"):
                counts["variants"] += len(pair["variants"]) if isinstance(pair["variants"], list) else 1
                pair.pop("variants")
        import yaml

        head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        target.write_text(f"---\n{head}---\n" + text[match.end():], encoding="utf-8")
    return counts


@contextmanager
def temp_kb(settings, paths: list[Path | str], *, ablate_asks: bool = False):
    """Settings of a fresh knowledge base built from ``paths`` in a temporary data directory
    (removed afterwards); with ``ablate_asks`` every ``asks:``/``variants:`` phrasing is stripped
    first. Yields (settings, info) where info holds what was ingested and stripped."""
    import tempfile

    from assistant.kb import ingest

    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise QAError(f"找不到文档目录：{p}")
    with tempfile.TemporaryDirectory(prefix="kba-eval-") as tmp:
        info: dict[str, Any] = {"docs": [str(p) for p in paths], "ablate_asks": ablate_asks}
        if ablate_asks:
            stripped, removed = [], {"files": 0, "asks": 0, "variants": 0}
            for i, p in enumerate(paths):
                dst = Path(tmp) / "docs" / str(i) / p.name
                for k, v in strip_asks(p, dst).items():
                    removed[k] += v
                stripped.append(dst)
            info["removed"] = removed
            info["stripped"] = [str(p) for p in stripped]
            paths = stripped
        temp = settings.with_(data_dir=Path(tmp) / "data")
        report, _ = ingest(temp, paths, progress=False)
        if not report.added and not report.updated and not report.unchanged:
            raise QAError("文档目录中没有可导入的文档：" + "、".join(info["docs"]))
        info["ingest"] = report.summary()
        yield temp, info
        info.pop("stripped", None)  # temporary paths, gone with the directory


# --------------------------------------------------------------------------- gate


def load_thresholds(path: Path | str | None = None, qa_set: str | None = None) -> dict[str, float]:
    """Floors for eval/qa.jsonl (top level), or for another set (``"sets": {name: {...}}``,
    name = the QA file's stem, e.g. "qa_seeds"); {} for a set without floors."""
    data = json.loads(Path(path or THRESHOLDS_PATH).read_text(encoding="utf-8"))
    if qa_set is not None and qa_set != "qa":
        data = (data.get("sets") or {}).get(qa_set) or {}
    return {k: float(v) for k, v in data.items() if not k.startswith("_") and isinstance(v, (int, float))}


def check_thresholds(summary: dict[str, Any], thresholds: dict[str, float]) -> list[tuple[str, Any, float]]:
    """(metric, value, floor) for every metric below its floor (a missing value counts as below)."""
    below = []
    for metric, floor in thresholds.items():
        value = summary.get(metric)
        if value is None or value + 1e-9 < floor:
            below.append((metric, value, floor))
    return below
