"""Benchmark: how ingest, load, query latency and memory grow with the knowledge base.

    python bench/scale.py [--sizes 1000,10000,100000] [--runs 3] [--queries 200]
                          [--work-dir DIR] [--out bench/out]

For each size it generates a synthetic knowledge base of about that many chunks — Markdown
documents whose sections are recombined sentences of the real corpus with trades, numbers and
headings varied, plus the real corpus itself — and then, each in a fresh child process so the
memory figures are honest:

- ingest: the real pipeline (``assistant.kb.ingest``) into embedded Chroma; chunks/s and peak RSS;
- load: ``Assistant(settings)`` cold (no lexical cache: the index is rebuilt from Chroma) and warm
  (cache present), time to the first answer;
- query: warm answer latency p50/p95 over questions from the QA sets, peak RSS of the process.

Each phase runs ``--runs`` times (ingest into a fresh directory each time) and the medians are
printed as a table and plotted to ``<out>/scale.png`` (figures also in ``<out>/scale.json``).
Nothing is asserted: the floors in the README are compared by reading the table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SECTIONS_PER_DOC = 50
TRADES = ["家用电器", "汽车", "工程机械", "家具", "电梯", "医疗器械", "办公设备", "通信设备", "环卫机械",
          "教学仪器", "服装", "建材", "光伏设备", "电动自行车", "厨卫", "安防设备", "农机", "软件服务"]
TOPICS = ["上门维修", "配件供应", "投诉处理", "安装调试", "客户回访", "服务网点", "培训考核", "质量保证",
          "退换货", "技术支持", "服务承诺", "满意度调查", "备件库存", "远程诊断", "延保服务"]
DOC_TYPES = ["guide", "faq", "standard", "regulation", "web"]


# -- synthetic corpus ---------------------------------------------------------------------------
def sentence_pool() -> list[str]:
    """Sentences of the real corpus passages (no front matter, headings or source lines)."""
    from assistant.config import CORPUS_DIR

    pool = []
    for path in sorted(CORPUS_DIR.rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        for line in body.splitlines():
            line = line.strip()
            if not line or line.startswith(("#", "来源", "-", "|")):
                continue
            pool += [s for s in re.split(r"(?<=[。！？])", line) if len(s) >= 8]
    return pool


def _vary(sentence: str, rng: random.Random) -> str:
    sentence = re.sub(r"\d+", lambda m: str(rng.randint(1, 500)), sentence)
    for trade in ("家电", "家具", "汽车", "工程机械"):
        if trade in sentence:
            sentence = sentence.replace(trade, rng.choice(TRADES))
    return sentence


def write_synthetic(root: Path, n_chunks: int, seed: int = 0) -> int:
    """Write about ``n_chunks`` chunks of Markdown under ``root`` (real corpus included)."""
    from assistant.config import CORPUS_DIR

    rng = random.Random(seed)
    pool = sentence_pool()
    shutil.copytree(CORPUS_DIR, root / "corpus")
    real = 165
    n_docs = max(1, (n_chunks - real) // SECTIONS_PER_DOC)
    for d in range(n_docs):
        trade = rng.choice(TRADES)
        title = f"{trade}企业售后服务手册（第{d + 1}册）"
        lines = ["---", f"id: synth-{d:05d}", f"title: {title}", f"doc_type: {rng.choice(DOC_TYPES)}",
                 "source: 合成测试数据", "---", "", f"# {title}", ""]
        for s in range(SECTIONS_PER_DOC):
            topic = rng.choice(TOPICS)
            lines.append(f"## {d + 1}.{s + 1} {trade}{topic}要求 {{#s{s + 1}}}")
            lines.append("")
            body = "".join(_vary(x, rng) for x in rng.sample(pool, rng.randint(3, 6)))
            lines.append(f"{trade}企业的{topic}应当符合本手册规定。{body}")
            lines.append("")
            lines.append(f"来源：合成测试数据 第{d + 1}册第{s + 1}节")
            lines.append("")
        (root / f"synth-{d:05d}.md").write_text("\n".join(lines), encoding="utf-8")
    return n_docs * SECTIONS_PER_DOC + real


def questions(limit: int) -> list[str]:
    out = []
    for name in ("qa.jsonl", "qa_holdout.jsonl"):
        for line in (REPO / "eval" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                if not item.get("history"):
                    out.append(item["question"])
    return out[:limit]


# -- child phases (one process each, so peak RSS belongs to that phase) -------------------------
def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def settings_for(data_dir: Path):
    from assistant.config import Settings

    return Settings.from_env(environ={}, data_dir=data_dir, embedding_model="hashing")


def phase_ingest(src: Path, data_dir: Path) -> dict:
    from assistant.kb import ingest

    t0 = time.perf_counter()
    report, _ = ingest(settings_for(data_dir), [src], progress=False)
    seconds = time.perf_counter() - t0
    if not report.ok:
        raise SystemExit(report.summary())
    return {"chunks": report.chunks, "documents": report.documents, "seconds": seconds,
            "chunks_per_s": report.chunks / seconds, "peak_rss_mb": peak_rss_mb()}


def phase_query(data_dir: Path, n_queries: int, cold: bool) -> dict:
    if cold:
        shutil.rmtree(data_dir / "cache", ignore_errors=True)
    t0 = time.perf_counter()
    from assistant.core import Assistant

    assistant = Assistant(settings_for(data_dir))
    qs = questions(n_queries)
    assistant.ask(qs[0])
    load = time.perf_counter() - t0
    latencies = []
    for q in qs:
        t = time.perf_counter()
        assistant.ask(q)
        latencies.append((time.perf_counter() - t) * 1e3)
    latencies.sort()
    pick = lambda p: latencies[min(len(latencies) - 1, int(round(p * (len(latencies) - 1))))]
    return {"load_s": load, "p50_ms": pick(0.5), "p95_ms": pick(0.95), "queries": len(latencies),
            "chunks": assistant.store.count(), "peak_rss_mb": peak_rss_mb()}


def run_child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- driver -------------------------------------------------------------------------------------
def med(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def bench_size(size: int, runs: int, n_queries: int, work: Path) -> dict:
    src = work / f"src-{size}"
    if not src.exists():
        write_synthetic(src, size)
    ingests, colds, warms = [], [], []
    for r in range(runs):
        data_dir = work / f"data-{size}"
        shutil.rmtree(data_dir, ignore_errors=True)
        ingests.append(run_child("ingest", str(src), str(data_dir)))
        colds.append(run_child("query", str(data_dir), str(n_queries), "cold"))
        warms.append(run_child("query", str(data_dir), str(n_queries), "warm"))
        print(f"  size {size} run {r + 1}/{runs}: ingest {ingests[-1]['chunks_per_s']:.0f} chunks/s, "
              f"p95 {warms[-1]['p95_ms']:.1f} ms", file=sys.stderr, flush=True)
    return {
        "size": size,
        "chunks": int(med(ingests, "chunks")),
        "ingest_chunks_per_s": med(ingests, "chunks_per_s"),
        "ingest_s": med(ingests, "seconds"),
        "ingest_peak_rss_mb": med(ingests, "peak_rss_mb"),
        "load_cold_s": med(colds, "load_s"),
        "load_warm_s": med(warms, "load_s"),
        "query_p50_ms": med(warms, "p50_ms"),
        "query_p95_ms": med(warms, "p95_ms"),
        "query_peak_rss_mb": max(med(colds, "peak_rss_mb"), med(warms, "peak_rss_mb")),
        "runs": runs,
        "raw": {"ingest": ingests, "cold": colds, "warm": warms},
    }


COLUMNS = [("chunks", "片段数", "{:.0f}"), ("ingest_chunks_per_s", "导入 片段/秒", "{:.0f}"),
           ("ingest_s", "导入用时 s", "{:.1f}"), ("ingest_peak_rss_mb", "导入峰值内存 MB", "{:.0f}"),
           ("load_cold_s", "冷加载 s", "{:.2f}"), ("load_warm_s", "热加载 s", "{:.2f}"),
           ("query_p50_ms", "查询 p50 ms", "{:.1f}"), ("query_p95_ms", "查询 p95 ms", "{:.1f}"),
           ("query_peak_rss_mb", "查询峰值内存 MB", "{:.0f}")]


def table(rows: list[dict]) -> str:
    head = " | ".join(title for _, title, _ in COLUMNS)
    lines = [f"| {head} |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(fmt.format(row[key]) for key, _, fmt in COLUMNS) + " |")
    return "\n".join(lines)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r["chunks"] for r in rows]
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.8))
    panels = [("ingest chunks/s (floor 300)", ["ingest_chunks_per_s"], 300),
              ("query latency ms (p95 floor 150)", ["query_p50_ms", "query_p95_ms"], 150),
              ("peak RSS MB (floor 1500)", ["ingest_peak_rss_mb", "query_peak_rss_mb"], 1500),
              ("load time s", ["load_cold_s", "load_warm_s"], None)]
    for ax, (title, keys, floor) in zip(axes, panels):
        for key in keys:
            ax.plot(x, [r[key] for r in rows], marker="o", label=key)
        if floor:
            ax.axhline(floor, color="red", linestyle="--", linewidth=1)
        ax.set_xscale("log")
        ax.set_xlabel("chunks")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, *rest = sys.argv[2:]
        if kind == "ingest":
            out = phase_ingest(Path(rest[0]), Path(rest[1]))
        else:
            out = phase_query(Path(rest[0]), int(rest[1]), rest[2] == "cold")
        print(json.dumps(out))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--work-dir", default=None, help="where synthetic sources and stores go (kept)")
    parser.add_argument("--out", default=str(REPO / "bench" / "out"))
    args = parser.parse_args()
    work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix="kb-scale-"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        rows.append(bench_size(size, args.runs, args.queries, work))
        (out / "scale.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"离线嵌入器，{os.cpu_count()} 核；每个数字是 {args.runs} 次运行的中位数")
    print(table(rows))
    plot(rows, out / "scale.png")
    print(f"图：{out / 'scale.png'}；数据：{out / 'scale.json'}")
    if not args.work_dir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
