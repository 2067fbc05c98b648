"""kill -9 during an ingest, restart, and everything agrees.

A generated corpus (80 Markdown files, 20 passages each) takes a few seconds to ingest and is
written in several store batches. The ingest runs in a subprocess and is killed with SIGKILL at
chosen moments:

* ``progress``: the plain ``python -m assistant ingest`` CLI, killed when its progress bar shows
  that the first write batch is done and the next one is being prepared;
* ``chunks-written``: chunks of the first batch upserted, its manifests not yet (orphans);
* ``inside-upsert``: killed while Chroma is writing the first batch of chunks;
* an update run killed after the new manifests were written but before the stale chunks of the
  previous versions were deleted (with a lexical cache of the previous version on disk).

The last two moments are reached through a tiny wrapper around the same CLI that logs (and, where
asked, pauses at) every Chroma upsert, so the kill lands where intended every time.

After the kill the store, the manifests and the lexical index must agree, search must never
return a chunk no manifest lists, and re-running the ingest must give exactly the state of one
clean ingest of the same files.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import REPO, make_settings

N_FILES = 80
PASSAGES = 20
KILL_TIMEOUT = 90.0
QUESTION = "服务网点的备件库存台账有什么要求？"

SUBJECTS = ["企业", "服务网点", "售后服务部门", "认证机构", "评审组", "客户服务中心", "维修站", "配送中心",
            "呼叫中心", "备件仓库"]
VERBS = ["应当建立", "需要定期检查", "负责记录", "按季度评估", "持续改进", "书面确认", "公开承诺", "统一管理",
         "及时反馈", "逐项核对"]
OBJECTS = ["售后服务手册", "投诉处理流程", "备件库存台账", "客户满意度调查", "服务人员培训计划", "上门维修记录",
           "退换货登记表", "服务质量目标", "回访制度", "服务网点布局", "技术支持热线", "产品安装说明",
           "质量追溯记录", "服务承诺书", "应急预案"]
TAILS = ["并保存至少三年", "确保信息真实完整", "由专人签字确认", "作为年度监督评审的依据", "在内部审核中逐条检查",
         "向全体员工公开", "结合客户意见修订", "形成闭环管理", "纳入绩效考核", "每月汇总分析一次"]

# Runs the real CLI; logs every Chroma upsert ("chunks-start-1", "manifests-done-1", ...) to
# $CRASH_MARKS and pauses at $CRASH_PAUSE_AT so the test can kill the process exactly there (or,
# with $CRASH_RESUME, let it go on once that file exists).
WRAPPER = textwrap.dedent("""
    import os, sys, time
    from chromadb.api.models.Collection import Collection

    marks = open(os.environ["CRASH_MARKS"], "a", encoding="utf-8")
    pause_at = os.environ.get("CRASH_PAUSE_AT", "")
    resume = os.environ.get("CRASH_RESUME", "")
    real_upsert = Collection.upsert
    calls = {}

    def mark(event):
        marks.write(event + "\\n")
        marks.flush()
        if event == pause_at:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and not (resume and os.path.exists(resume)):
                time.sleep(0.02)

    def upsert(self, *args, **kwargs):
        kind = "manifests" if self.name.endswith("_docs") else "chunks"
        n = calls[kind] = calls.get(kind, 0) + 1
        mark(f"{kind}-start-{n}")
        result = real_upsert(self, *args, **kwargs)
        mark(f"{kind}-done-{n}")
        return result

    Collection.upsert = upsert
    from assistant.cli import main
    sys.exit(main(sys.argv[1:]))
""")


# --------------------------------------------------------------------------- corpus


def _passage(rng: random.Random) -> str:
    return "".join(f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(TAILS)}。"
                   for _ in range(rng.randint(2, 4)))


def write_corpus(root: Path, seed: int, files: range = range(N_FILES), edition: str = "") -> None:
    """Guide documents with front matter and anchored passages (docs/corpus-format.md)."""
    root.mkdir(parents=True, exist_ok=True)
    for i in files:
        rng = random.Random(seed * 1000 + i)
        parts = [f"---\nid: crash-{i:03d}\ntitle: 售后服务管理指引第{i}篇{edition}\ndoc_type: guide\n"
                 f"source: 测试生成\n---\n", f"# 售后服务管理指引第{i}篇\n"]
        for j in range(PASSAGES):
            parts.append(f"## 第{i}篇第{j}节 {rng.choice(OBJECTS)}要求 {{#s-{j}}}\n\n"
                         f"{_passage(rng)}{edition}编号{i}-{j}。\n\n来源：测试生成第{i}篇\n")
        (root / f"guide-{i:03d}.md").write_text("\n".join(parts), encoding="utf-8")


# --------------------------------------------------------------------------- helpers


def open_store(settings):
    """A store opened afresh: chromadb caches one client per path inside a process, and another
    process has written to that path since."""
    from chromadb.api.shared_system_client import SharedSystemClient

    from assistant.index.store import KnowledgeStore

    SharedSystemClient.clear_system_cache()
    return KnowledgeStore(settings)


def snapshot(settings) -> dict:
    store = open_store(settings)
    manifests = store.manifests()
    return {
        "docs": {d: m.chunk_ids for d, m in manifests.items()},
        "all_ids": set(store._all_chunk_ids()),
        "count": store.count(),
        "version": store.version(),
    }


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KBA_", "OPENAI_"))}
    env.update({"KBA_EMBEDDING_MODEL": "hashing", "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1",
                "PYTHONPATH": str(REPO)})
    env.update(extra)
    return env


def run_ingest(corpus: Path, data: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(corpus), "--data-dir", str(data),
                          "--json"], cwd=REPO, env=_env(), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"re-run of the ingest failed ({out.returncode}):\n{out.stdout}\n{out.stderr}"
    assert "Traceback" not in out.stderr
    return json.loads(out.stdout)


def _wait_for(proc: subprocess.Popen, ready, log: Path, what: str) -> None:
    deadline = time.monotonic() + KILL_TIMEOUT
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"the ingest ended (exit {proc.returncode}) before {what}; the kill could not "
                        f"land mid-ingest:\n{log.read_text(encoding='utf-8', errors='replace')[-3000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def _kill(proc: subprocess.Popen) -> None:
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def start_and_kill(corpus: Path, data: Path, tmp: Path, moment: str) -> None:
    """Start an ingest of ``corpus`` into ``data`` and SIGKILL it at ``moment``."""
    log, marks = tmp / f"ingest-{moment}.log", tmp / f"marks-{moment}.txt"
    log.unlink(missing_ok=True)
    marks.unlink(missing_ok=True)
    if moment == "progress":
        # the plain CLI; its progress bar (stderr) counts files, and the first write batch
        # (WRITE_BATCH chunks) is flushed before the bar passes the file that fills it
        first_flush = _first_flush_files()
        cmd = [sys.executable, "-m", "assistant", "ingest", str(corpus), "--data-dir", str(data)]
        env = _env()

        def ready() -> bool:
            shown = [int(n) for n in re.findall(rf"(\d+)/{N_FILES}\b", _read(log))]
            return bool(shown) and max(shown) >= first_flush
    else:
        wrapper = tmp / "crash_wrapper.py"
        wrapper.write_text(WRAPPER, encoding="utf-8")
        cmd = [sys.executable, str(wrapper), "ingest", str(corpus), "--data-dir", str(data), "--no-progress"]
        target = {"chunks-written": "chunks-done-1", "inside-upsert": "chunks-start-1",
                  "manifests-written": "manifests-done-1"}[moment]
        env = _env(CRASH_MARKS=str(marks),
                   CRASH_PAUSE_AT="" if moment == "inside-upsert" else target)

        def ready() -> bool:
            return target in _read(marks).split()
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    try:
        _wait_for(proc, ready, log, f"kill moment {moment!r}")
        if moment == "inside-upsert":
            # Chroma spends ~0.5 s of a 1000-chunk upsert in its native write: land inside it
            time.sleep(0.1)
        _kill(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _first_flush_files() -> int:
    """How many files the first store write holds (the pipeline buffers WRITE_BATCH chunks)."""
    from ingest.pipeline import WRITE_BATCH

    return -(-WRITE_BATCH // PASSAGES)


def check_consistent(settings, *references: dict[str, list[str]]) -> tuple[dict, set[str]]:
    """Store, manifests and lexical index agree after a crash; every manifest is a whole document
    as one of the ``references`` (clean ingests) has it. Returns (snapshot, orphan chunk ids)."""
    from assistant.index.lexical import LexicalIndex

    snap = snapshot(settings)
    listed = {cid for ids in snap["docs"].values() for cid in ids}
    # every chunk a manifest lists exists, and every manifest is a complete, correct document
    assert listed <= snap["all_ids"], f"manifests list {len(listed - snap['all_ids'])} missing chunks"
    for doc_id, ids in snap["docs"].items():
        assert any(ids == ref.get(doc_id) for ref in references), \
            f"{doc_id}: manifest differs from a clean ingest"
    store = open_store(settings)
    assert {cid for cid, _m in store.iter_metadata()} == listed
    lexical = LexicalIndex.from_store(store)
    assert sorted(lexical.ids) == sorted(listed)
    return snap, snap["all_ids"] - listed


def check_search_ignores_orphans(settings, listed: set[str], orphans: set[str]) -> None:
    """Answers and retrieval use manifest-listed chunks only (orphans are invisible)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    from assistant.core import Assistant

    SharedSystemClient.clear_system_cache()
    assistant = Assistant(settings)
    assert set(assistant.retriever.lexical.ids) == listed
    for question in (QUESTION, "企业应当建立售后服务手册吗？", "备件仓库每月汇总分析一次什么？"):
        answer = assistant.ask(question)
        cited = {c.chunk_id for c in answer.citations}
        assert cited <= listed, f"answer cites chunks no manifest lists: {sorted(cited - listed)[:3]}"
        hits = assistant.search(question, k=10).hits
        leaked = {h.chunk_id for h in hits} & orphans
        assert not leaked, f"search returned {len(leaked)} orphan chunk(s) for {question!r}"


def check_final(settings, reference: dict) -> None:
    from assistant.core import Assistant
    from assistant.index.lexical import LexicalIndex

    snap = snapshot(settings)
    assert snap["docs"] == reference["docs"]
    assert snap["all_ids"] == reference["all_ids"]
    assert snap["count"] == reference["count"]
    store = open_store(settings)
    assert store.repair() == 0
    assert sorted(LexicalIndex.from_store(store).ids) == sorted(reference["all_ids"])
    answer = Assistant(settings).ask(QUESTION)
    assert not answer.abstained and answer.citations
    assert all(c.source.startswith("crash-") for c in answer.citations)
    assert "备件库存台账" in answer.answer


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def crash_corpus(tmp_path_factory):
    """The generated corpus and the state of one clean, uninterrupted ingest of it."""
    from assistant.kb import ingest

    root = tmp_path_factory.mktemp("crash")
    corpus = root / "corpus"
    write_corpus(corpus, seed=1)
    clean = make_settings(root / "clean")
    report, _ = ingest(clean, [corpus], progress=False)
    assert report.ok and report.added == N_FILES
    reference = snapshot(clean)
    # the kill moments rely on several write batches: check the corpus really produces them
    assert all(len(ids) == PASSAGES for ids in reference["docs"].values())
    assert N_FILES * PASSAGES > 1.5 * _first_flush_files() * PASSAGES
    assert reference["count"] == N_FILES * PASSAGES == len(reference["all_ids"])
    return corpus, reference


# --------------------------------------------------------------------------- tests


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["progress", "chunks-written", "inside-upsert"])
def test_kill_during_first_ingest_then_restart(moment, crash_corpus, tmp_path):
    corpus, reference = crash_corpus
    settings = make_settings(tmp_path / "data")
    start_and_kill(corpus, settings.data_dir, tmp_path, moment)

    first_batch = sorted(reference["docs"])[: _first_flush_files()]
    first_batch_ids = {cid for d in first_batch for cid in reference["docs"][d]}
    snap, orphans = check_consistent(settings, reference["docs"])
    if moment == "progress":  # the first batch is complete and listed, nothing else is
        assert sorted(snap["docs"]) == first_batch and not orphans
    elif moment == "chunks-written":  # chunks of the first batch written, no manifest yet
        assert snap["docs"] == {} and orphans == first_batch_ids
    else:  # killed inside Chroma's write: all of the batch or none of it is there, unlisted
        assert snap["docs"] == {} and orphans in (set(), first_batch_ids)
    listed = snap["all_ids"] - orphans
    check_search_ignores_orphans(settings, listed, orphans)

    # a restart of the ingest removes the orphans first, keeps finished documents, does the rest
    summary = run_ingest(corpus, settings.data_dir)
    assert summary["errors"] == [], summary
    assert summary["repaired_orphans"] == len(orphans), summary
    assert summary["unchanged"] == len(snap["docs"]), summary
    assert summary["added"] == N_FILES - len(snap["docs"]), summary
    check_final(settings, reference)


@pytest.mark.slow
def test_kill_during_update_keeps_every_document_whole(crash_corpus, tmp_path):
    """Killed after the new manifests of the first batch were written, before the previous
    versions' chunks were deleted; a lexical cache of the previous version is on disk."""
    from assistant.kb import ingest
    from assistant.index.lexical import LexicalIndex

    corpus_v1, reference_v1 = crash_corpus
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_v1, corpus)
    settings = make_settings(tmp_path / "data")
    report, _ = ingest(settings, [corpus], progress=False)
    assert report.ok and snapshot(settings)["docs"] == reference_v1["docs"]
    cache_dir = settings.data_dir / "cache"
    v1_index = LexicalIndex.from_store(open_store(settings), cache_dir)
    v1_version = open_store(settings).version()
    assert [p.name for p in cache_dir.glob("*.json")] == [f"lexical-knowledge-{v1_version}.json"]

    changed = range(60)  # the first write batch (50 files) and 10 more change; 20 stay
    write_corpus(corpus, seed=2, files=changed, edition="（修订版）")
    clean_v2 = make_settings(tmp_path / "clean-v2")
    assert ingest(clean_v2, [corpus], progress=False)[0].ok
    reference_v2 = snapshot(clean_v2)

    start_and_kill(corpus, settings.data_dir, tmp_path, "manifests-written")

    first_batch = sorted(reference_v1["docs"])[: _first_flush_files()]
    snap, orphans = check_consistent(settings, reference_v1["docs"], reference_v2["docs"])
    assert sorted(snap["docs"]) == sorted(reference_v1["docs"])  # no document lost
    for doc_id, ids in snap["docs"].items():  # each is wholly the new or wholly the old version
        assert ids == (reference_v2 if doc_id in first_batch else reference_v1)["docs"][doc_id]
    assert orphans == {cid for d in first_batch for cid in reference_v1["docs"][d]}  # stale v1 chunks
    listed = snap["all_ids"] - orphans

    # the lexical cache is keyed by the store version: the v1 cache (still on disk), a damaged
    # cache file under the current version's name and a leftover temp file are never served
    assert snap["version"] != v1_version
    assert (cache_dir / f"lexical-knowledge-{v1_version}.json").exists()
    current = cache_dir / f"lexical-knowledge-{snap['version']}.json"
    current.write_bytes(b"\x80\x05partial pickle from a killed writer")
    current.with_suffix(".tmp").write_bytes(b"\x80\x05half")
    index = LexicalIndex.from_store(open_store(settings), cache_dir)
    assert sorted(index.ids) == sorted(listed) and sorted(index.ids) != sorted(v1_index.ids)
    again = LexicalIndex.from_store(open_store(settings), cache_dir)  # now from the rewritten cache
    assert again.ids == index.ids
    assert not (cache_dir / f"lexical-knowledge-{v1_version}.json").exists()
    # the same for the cache an Assistant uses (tagged with its embedder, vectors beside it)
    from assistant.index.embedders.hashing import HashingEmbedder

    tag = re.sub(r"[^A-Za-z0-9_.-]+", "_", HashingEmbedder().name)
    tagged = cache_dir / f"lexical-knowledge-{snap['version']}-{tag}.json"
    tagged.write_bytes(current.read_bytes())  # a valid index ...
    tagged.with_suffix(".npz").write_bytes(b"PK\x03\x04 truncated")  # ... with damaged vectors
    check_search_ignores_orphans(settings, listed, orphans)

    store = open_store(settings)
    assert store.repair() == len(orphans)
    assert set(store._all_chunk_ids()) == listed

    summary = run_ingest(corpus, settings.data_dir)
    assert summary["repaired_orphans"] == 0 and summary["errors"] == []
    assert summary["updated"] == len(changed) - len(first_batch)
    assert summary["unchanged"] == N_FILES - (len(changed) - len(first_batch))
    check_final(settings, reference_v2)
    # the restarted instance's cache follows the final version
    final_version = open_store(settings).version()
    assert sorted(LexicalIndex.from_store(open_store(settings), cache_dir).ids) == sorted(reference_v2["all_ids"])
    assert [p.name for p in cache_dir.glob("*.json")] == [f"lexical-knowledge-{final_version}.json"]


def test_corrupt_file_on_reingest_keeps_the_previous_index(tmp_path):
    """Files that were fine and are now corrupt (binary garbage, broken front matter) fail alone:
    exit code 1, their previous versions stay as they were (manifests, chunks, store version and
    so the lexical cache), and the unchanged files are untouched."""
    from assistant.kb import ingest
    from assistant.index.lexical import LexicalIndex

    corpus = tmp_path / "corpus"
    write_corpus(corpus, seed=3, files=range(4))
    settings = make_settings(tmp_path / "data")
    assert ingest(settings, [corpus], progress=False)[0].ok
    before = snapshot(settings)
    cache_dir = settings.data_dir / "cache"
    before_index = LexicalIndex.from_store(open_store(settings), cache_dir)

    (corpus / "guide-000.md").write_bytes(bytes(range(256)) * 40)
    text = (corpus / "guide-001.md").read_text(encoding="utf-8")
    (corpus / "guide-001.md").write_text(text.replace("doc_type: guide", "doc_type: [guide\n  : }"),
                                         encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(corpus), "--data-dir",
                          str(settings.data_dir), "--json"], cwd=REPO, env=_env(), capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    summary = json.loads(out.stdout)
    assert sorted(Path(e["path"]).name for e in summary["errors"]) == ["guide-000.md", "guide-001.md"]
    assert summary["unchanged"] == 2 and summary["added"] == summary["updated"] == 0

    after = snapshot(settings)
    assert after == before  # same manifests, chunks and version: the index is intact
    index = LexicalIndex.from_store(open_store(settings), cache_dir)
    assert index.ids == before_index.ids
    assert [p.name for p in cache_dir.glob("*.json")] == [f"lexical-knowledge-{before['version']}.json"]
