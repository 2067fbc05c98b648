"""Chroma server mode for real: a ``chroma run`` server on loopback, several app instances.

One process ingests the shipped corpus into the server; other processes (a CLI subprocess with
another data directory, an in-process Assistant with a third one) answer from it, and their
answers must be exactly those of an embedded knowledge base built from the same corpus. The
lexical index of an instance is derived from the server's collection alone, and a document
added by one instance reaches another once it refreshes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, make_settings
from net import free_port, stop_process

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).with_name("chroma")
COLLECTION = "knowledge"
START_TIMEOUT = 60.0

QUESTIONS = [
    {"id": "category", "question": "售后服务认证属于哪类认证？"},
    {"id": "validity", "question": "证书有效期几年？每年要监督吗？"},
    {"id": "materials", "question": "申请售后服务认证需要准备哪些材料？"},
    {"id": "five-star", "question": "五星级需要多少分？"},
    {"id": "score-total", "question": "得了88分能拿几星？离四星差几分？"},
    {"id": "score-sheet", "question": "实际得分76分，涉及项分值80分，有1个特别扣分项，能评几星？"},
    {"id": "fees", "question": "售后服务认证的费用是多少钱？"},
    {"id": "weather", "question": "今天天气怎么样？"},
    {"id": "clause", "question": "GB/T 27922 第5.1.3条讲什么？"},
    {"id": "traditional", "question": "售後服務認證有什麼好處？"},
    {"id": "bidding", "question": "哪些行业招投标会要求售后服务认证？"},
    {"id": "review", "question": "评审员到现场怎么打分？"},
    {"id": "followup", "question": "那五星呢？",
     "history": [{"role": "user", "content": "三星级需要多少分？"},
                 {"role": "assistant", "content": "80分以上不到90分为三星级[1]。"}]},
    {"id": "policy", "question": "国发〔2014〕26号文件对售后服务认证怎么说？"},
]

EXTRA_MD = """---
id: faq-night-patrol
title: 服务网点夜间巡检（补充问答）
doc_type: faq
source: 服务器模式测试
pairs:
  night-patrol:
    question: 服务网点的夜间巡检有什么要求？
    variants:
      - 网点夜间巡检怎么做
---

## 服务网点的夜间巡检有什么要求？ {#night-patrol}

服务网点应当设置夜间巡检登记簿，巡检员每周核对一次夜间备件柜并签字确认，登记簿保存两年。

来源：服务器模式测试
"""
EXTRA_QUESTION = "服务网点的夜间巡检有什么要求？"


# --------------------------------------------------------------------------- helpers


def _heartbeat(port: int) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
    try:
        with opener.open(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as resp:
            return resp.status == 200 and b"heartbeat" in resp.read()
    except OSError:
        return False


def _log_tail(path: Path, n: int = 4000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-n:]
    except OSError as exc:
        return f"(no log: {exc})"


def _env(data_dir: Path, port: int | None, collection: str = COLLECTION) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KBA_", "OPENAI_"))}
    env.update({"KBA_EMBEDDING_MODEL": "hashing", "KBA_DATA_DIR": str(data_dir),
                "KBA_COLLECTION": collection, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    if port is not None:
        env.update({"KBA_CHROMA_HOST": "127.0.0.1", "KBA_CHROMA_PORT": str(port)})
    return env


def _cli(args: list[str], env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _server_settings(data_dir: Path, port: int, collection: str = COLLECTION):
    return make_settings(data_dir, chroma_host="127.0.0.1", chroma_port=port, collection=collection)


def _comparable(record: dict) -> dict:
    """What must be identical across instances: answer, refusal, citations, tool results."""
    return {
        "answer": record["answer"],
        "abstained": record["abstained"],
        "citations": [(c["n"], c["source"], c["title"], c["locator"], c["text"]) for c in record["citations"]],
        "tool_results": [(t["name"], t["result"]) for t in record["tool_calls"]],
    }


def _ask_record(assistant, item: dict) -> dict:
    from assistant.present import batch_record

    return batch_record(item["id"], item["question"], assistant.ask(item["question"], item.get("history")))


def _chunk_ids(store) -> set[str]:
    return {cid for cid, _meta in store.iter_metadata()}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real ``chroma run`` server on a free loopback port; killed at teardown."""
    if not CHROMA.exists():
        pytest.fail(f"chroma executable not found next to {sys.executable}: the chromadb package "
                    f"should install it (pip install 'chromadb>=1.5')")
    root = tmp_path_factory.mktemp("chroma-server")
    log_path = root / "server.log"
    port = free_port()
    cmd = [str(CHROMA), "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _heartbeat(port):
            if proc.poll() is not None:
                pytest.fail(f"chroma server exited with code {proc.returncode} before answering a "
                            f"heartbeat; command: {' '.join(cmd)}\nserver log:\n{_log_tail(log_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"chroma server did not answer a heartbeat on 127.0.0.1:{port} within "
                            f"{START_TIMEOUT:.0f} s; command: {' '.join(cmd)}\nserver log:\n{_log_tail(log_path)}")
            time.sleep(0.2)
        yield {"port": port, "log": log_path, "proc": proc}
    finally:
        stop_process(proc)


@pytest.fixture(scope="module")
def server_kb(chroma_server, tmp_path_factory):
    """The shipped corpus ingested into the server by ONE process (``ingest`` CLI, data dir A)."""
    port = chroma_server["port"]
    data_a = tmp_path_factory.mktemp("instance-a") / "data"
    out = _cli(["ingest", "--json"], _env(data_a, port))
    assert out.returncode == 0, (f"server ingest failed:\n{out.stdout}\n{out.stderr}\n"
                                 f"server log:\n{_log_tail(chroma_server['log'])}")
    assert "Traceback" not in out.stderr
    summary = json.loads(out.stdout)
    assert summary["errors"] == [] and summary["added"] > 20 and summary["chunks"] > 100
    # server mode keeps nothing of the knowledge base on local disk
    assert not (data_a / "chroma").exists()
    return {"port": port, "summary": summary, "data_a": data_a}


# --------------------------------------------------------------------------- tests


def test_chroma_run_exists_and_answers_heartbeat(chroma_server):
    assert _heartbeat(chroma_server["port"])
    assert chroma_server["proc"].poll() is None, _log_tail(chroma_server["log"])


def test_ingest_through_one_process_matches_embedded_store(server_kb, corpus_kb, tmp_path):
    from assistant.kb import open_store

    server = open_store(_server_settings(tmp_path / "c", server_kb["port"]))
    embedded = open_store(corpus_kb)
    assert server.embedder_name() == embedded.embedder_name()
    server_manifests, embedded_manifests = server.manifests(), embedded.manifests()
    assert sorted(server_manifests) == sorted(embedded_manifests)
    assert {d: m.chunk_ids for d, m in server_manifests.items()} == \
        {d: m.chunk_ids for d, m in embedded_manifests.items()}
    assert server.count() == embedded.count() == server_kb["summary"]["chunks"]
    assert server.repair() == 0  # no orphans left by the ingest


def test_other_instances_answer_exactly_like_embedded(server_kb, assistant, tmp_path):
    """Instance B (CLI subprocess, data dir B) and instance C (in-process, data dir C) answer from
    the server; both must match the embedded knowledge base built from the same corpus."""
    from assistant.core import Assistant

    port = server_kb["port"]
    batch = tmp_path / "questions.jsonl"
    batch.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in QUESTIONS), encoding="utf-8")
    data_b = tmp_path / "b"
    out = _cli(["ask", "--batch", str(batch), "--json"], _env(data_b, port))
    assert out.returncode == 0, out.stderr
    from_b = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert [r["id"] for r in from_b] == [q["id"] for q in QUESTIONS]

    instance_c = Assistant(_server_settings(tmp_path / "c", port))
    from_c = [_ask_record(instance_c, q) for q in QUESTIONS]
    reference = [_ask_record(assistant, q) for q in QUESTIONS]

    for q, ref, b, c in zip(QUESTIONS, reference, from_b, from_c):
        assert _comparable(b) == _comparable(ref), f"CLI instance differs on {q['id']}: {q['question']}"
        assert _comparable(c) == _comparable(ref), f"in-process instance differs on {q['id']}: {q['question']}"

    # the set is varied: real answers with citations, refusals, and tool-computed grades
    by_id = {r["id"]: r for r in reference}
    assert by_id["fees"]["abstained"] and by_id["weather"]["abstained"]
    assert not by_id["category"]["abstained"] and by_id["category"]["citations"]
    assert sum(not r["abstained"] and bool(r["citations"]) for r in reference) >= 10
    score = by_id["score-total"]["tool_calls"]
    assert score and score[0]["name"] == "calculate_grade"
    assert score[0]["result"]["grade"] == "三星级" and score[0]["result"]["points_to_next"] == 2
    assert by_id["score-sheet"]["tool_calls"][0]["result"]["score"] == 94  # 76/80*100 − 1


def test_lexical_index_is_rebuilt_from_the_server_collection(server_kb, corpus_kb, tmp_path):
    from assistant.core import Assistant
    from assistant.kb import open_store

    data_c = tmp_path / "fresh"
    assert not (data_c / "cache").exists()
    instance = Assistant(_server_settings(data_c, server_kb["port"]))
    caches = list((data_c / "cache").glob("lexical-*.json"))
    assert len(caches) == 1, "a fresh instance should build and cache its lexical index"
    lexical = instance.retriever.lexical
    server_count = instance.store.count()
    assert server_count == server_kb["summary"]["chunks"]
    assert len(lexical) == server_count
    assert set(lexical.ids) == _chunk_ids(open_store(corpus_kb))
    answer = instance.ask("售后服务认证属于哪类认证？")
    assert not answer.abstained and answer.citations
    # a second instance on the same data dir loads the cached index for the same store version
    stamp = (caches[0].stat().st_ino, caches[0].stat().st_mtime_ns)
    again = Assistant(_server_settings(data_c, server_kb["port"]))
    assert again.retriever.lexical.ids == lexical.ids
    assert list((data_c / "cache").glob("lexical-*.json")) == caches
    assert (caches[0].stat().st_ino, caches[0].stat().st_mtime_ns) == stamp, "cache was rebuilt"


def test_document_added_by_one_instance_is_seen_by_another(chroma_server, tmp_path, monkeypatch):
    """Another process ingests an extra file into the server; a long-running instance C answers
    from it on its next question (it follows the store's write stamp, no refresh() call), and
    loses it again after a delete by another instance. Own collection, so the other tests are
    unaffected."""
    from assistant import core
    from assistant.config import CORPUS_DIR
    from assistant.core import Assistant
    from assistant.kb import delete_document, ingest

    monkeypatch.setattr(core, "STORE_CHECK_SECONDS", 0.0)  # production: every 2 s
    port, collection = chroma_server["port"], "shared_refresh"
    settings_a = _server_settings(tmp_path / "a", port, collection)
    report, _ = ingest(settings_a, [CORPUS_DIR / "faq"], progress=False)
    assert report.ok and report.added == len(list((CORPUS_DIR / "faq").glob("*.md")))

    instance_c = Assistant(_server_settings(tmp_path / "c", port, collection))
    before_version = instance_c.store.version()
    before_ids = set(instance_c.retriever.lexical.ids)
    assert before_ids and not any(cid.startswith("faq-night-patrol::") for cid in before_ids)
    assert all(c.source != "faq-night-patrol" for c in instance_c.ask(EXTRA_QUESTION).citations)
    retriever_before = instance_c.retriever

    extra = tmp_path / "extra" / "night-patrol.md"
    extra.parent.mkdir()
    extra.write_text(EXTRA_MD, encoding="utf-8")
    out = _cli(["ingest", str(extra.parent), "--json"], _env(tmp_path / "a2", port, collection))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["added"] == 1

    # the store version (the lexical cache key) changes for every instance on the server
    assert instance_c.store.version() != before_version
    answer = instance_c.ask(EXTRA_QUESTION)  # no refresh() call
    assert instance_c.retriever is not retriever_before
    new_ids = set(instance_c.retriever.lexical.ids) - before_ids
    assert new_ids and all(cid.startswith("faq-night-patrol::") for cid in new_ids)
    assert len(instance_c.retriever.lexical) == instance_c.store.count()
    assert not answer.abstained
    assert answer.citations[0].source == "faq-night-patrol", answer.answer
    assert "夜间巡检登记簿" in answer.answer

    # a brand-new instance (CLI, data dir B) sees it at once
    out = _cli(["ask", EXTRA_QUESTION, "--json"], _env(tmp_path / "b", port, collection))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["citations"][0]["source"] == "faq-night-patrol"

    # a delete through instance A disappears from C on its next question
    assert delete_document(settings_a, "faq-night-patrol")
    after = instance_c.ask(EXTRA_QUESTION)
    assert set(instance_c.retriever.lexical.ids) == before_ids
    # same manifests as before the addition, so the same version (and index) as before
    assert instance_c.store.version() == before_version
    assert all(c.source != "faq-night-patrol" for c in after.citations)


def test_concurrent_ingests_on_two_instances_lose_no_chunks(chroma_server, tmp_path):
    """Instance 1 has written its chunks and not yet its manifests (held there by the upsert
    wrapper of test_crash_safety) when instance 2 ingests another file."""
    from test_crash_safety import WRAPPER, _read, write_corpus

    from assistant.kb import open_store

    port, collection = chroma_server["port"], "concurrent_ingest"
    write_corpus(tmp_path / "one", seed=5, files=range(3))
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "night-patrol.md").write_text(EXTRA_MD, encoding="utf-8")
    wrapper, marks, resume = tmp_path / "wrapper.py", tmp_path / "marks.txt", tmp_path / "resume"
    wrapper.write_text(WRAPPER, encoding="utf-8")
    env_1 = {**_env(tmp_path / "a", port, collection), "PYTHONPATH": str(REPO), "CRASH_MARKS": str(marks),
             "CRASH_PAUSE_AT": "chunks-done-1", "CRASH_RESUME": str(resume)}
    first = subprocess.Popen([sys.executable, str(wrapper), "ingest", str(tmp_path / "one"), "--json"],
                             cwd=REPO, env=env_1, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while "chunks-done-1" not in _read(marks).split():
            assert first.poll() is None, first.communicate()[1]
            assert time.monotonic() < deadline, "instance 1 never wrote its chunks"
            time.sleep(0.02)
        second = _cli(["ingest", str(tmp_path / "two"), "--json"], _env(tmp_path / "b", port, collection))
        assert second.returncode == 0, second.stderr
    finally:
        resume.touch()
        out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert json.loads(out)["added"] == 3

    store = open_store(_server_settings(tmp_path / "c", port, collection))
    listed = {cid for m in store.manifests().values() for cid in m.chunk_ids}
    missing = listed - set(store._all_chunk_ids())
    # repair() on a shared server leaves young orphans alone: they may be another instance's
    # chunks whose manifests are not written yet
    assert not missing, f"{len(missing)} chunks listed by manifests were deleted by the other instance's repair()"


@pytest.mark.parametrize("command", [["ingest"], ["ask", "证书有效期几年？"], ["kb", "list"]])
def test_unreachable_server_is_a_clear_chinese_error(command, tmp_path):
    port = free_port()  # nothing listens there
    out = _cli(command, _env(tmp_path / "d", port), timeout=120)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout
    assert "无法连接 Chroma 服务器" in out.stderr and f"127.0.0.1:{port}" in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) <= 2, out.stderr


# --------------------------------------------------------------------------- issue 12: serving under writes


def test_two_instances_keep_answering_while_one_rebuilds_and_the_cli_resets(chroma_server, tmp_path, monkeypatch):
    """Instance A rebuilds through the app's handler and the CLI runs ``ingest --reset`` while
    both A and B answer questions non-stop: not one question fails or goes unanswered, and
    both follow the new knowledge base (own collection, so the other tests are unaffected)."""
    import threading

    from assistant import core
    from assistant.web import admin, context
    from assistant.config import CORPUS_DIR
    from assistant.core import Assistant
    from assistant.kb import ingest

    monkeypatch.setattr(core, "STORE_CHECK_SECONDS", 0.0)
    port, collection = chroma_server["port"], "rebuild_serving"
    settings_a = _server_settings(tmp_path / "a", port, collection)
    settings_b = _server_settings(tmp_path / "b", port, collection)
    assert ingest(settings_a, [CORPUS_DIR], progress=False)[0].ok
    ctx_a = context.AppContext(settings_a, Assistant(settings_a))
    instance_b = Assistant(settings_b)
    questions = ["证书有效期几年？", "售后服务认证属于哪类认证？", "申请售后服务认证需要准备哪些材料？"]
    expected = {q: instance_b.ask(q).answer for q in questions}
    problems: list[str] = []
    asked = [0]
    stop = threading.Event()

    def keep_asking(instance, name):
        while not stop.is_set():
            for q in questions:
                try:
                    answer = instance.ask(q)
                except Exception as exc:  # noqa: BLE001 -- every failure is a finding
                    problems.append(f"{name}: {type(exc).__name__}: {exc}")
                    continue
                asked[0] += 1
                if answer.abstained or not answer.citations or answer.answer != expected[q]:
                    problems.append(f"{name}: {q} -> {answer.answer[:80]} {answer.notices}")

    threads = [threading.Thread(target=keep_asking, args=(ctx_a.assistant, "A")),
               threading.Thread(target=keep_asking, args=(instance_b, "B"))]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        message, rows = admin.rebuild_knowledge_base(ctx_a)
        assert "已重建" in message and "内部错误" not in message, message
        out = _cli(["ingest", "--reset", "--json"], _env(tmp_path / "cli", port, collection))
        assert out.returncode == 0, out.stderr
        message, _ = admin.delete_document(ctx_a, "faq-marks")
        assert message.startswith("已删除文档 faq-marks") and "内部错误" not in message, message
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert problems == [], problems[:5]
    assert asked[0] > 20
    for instance in (ctx_a.assistant, instance_b):  # both follow the latest knowledge base
        assert "faq-marks" not in {cid.split("::")[0] for cid in instance.retriever.lexical.ids}
    from assistant.kb import open_store

    names = [c if isinstance(c, str) else c.name for c in open_store(settings_a).client.list_collections()]
    assert not [n for n in names if n.startswith(collection + "-")], names  # no staging or old copies left


def test_a_killed_server_is_the_same_clear_message_in_app_api_and_cli(tmp_path):
    """A running instance whose Chroma server dies: /ask through the real app, the chat and the
    CLI all say the same Chinese sentence (no 内部错误（ConnectError）); after a restart of the
    server on the same port and path the same instance answers again."""
    from gradio_client import Client

    from assistant.web import chat, context
    from assistant.config import CORPUS_DIR
    from assistant.core import Assistant
    from assistant.kb import ingest
    from net import launched_app

    port = free_port()
    db = tmp_path / "db"
    cmd = [str(CHROMA), "run", "--path", str(db), "--host", "127.0.0.1", "--port", str(port)]

    def start():
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
        deadline = time.monotonic() + START_TIMEOUT
        while not _heartbeat(port):
            assert proc.poll() is None and time.monotonic() < deadline, "chroma server did not start"
            time.sleep(0.2)
        return proc

    proc = start()
    try:
        settings = _server_settings(tmp_path / "a", port)
        assert ingest(settings, [CORPUS_DIR], progress=False)[0].ok
        assistant = Assistant(settings)
        with launched_app(settings, assistant) as url:
            client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
            assert not client.predict("证书有效期几年？", api_name="/ask")["abstained"]
            stop_process(proc)
            record = client.predict("证书有效期几年？", api_name="/ask")
            assert "无法连接 Chroma 服务器" in record.get("error", "") and "内部错误" not in record["error"], record
            from assistant.index.store import unavailable_message

            expected = unavailable_message(settings)
            assert record["error"] == f"回答问题失败：{expected}", record
            messages, *_ = chat.ask_once(context.AppContext(settings, assistant), "证书有效期几年？", [])
            assert "无法连接 Chroma 服务器" in messages[-1]["content"] and "内部错误" not in messages[-1]["content"]
            out = _cli(["ask", "证书有效期几年？"], _env(tmp_path / "cli", port))
            assert out.returncode == 2 and out.stderr.strip() == f"错误：{expected}", out.stderr
            proc = start()
            record = client.predict("证书有效期几年？", api_name="/ask")
            assert "error" not in record and not record["abstained"], record
            client.close()
    finally:
        stop_process(proc)
