"""Ingestion end to end: idempotent, incremental, prune, bad input never loses data."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.kb import ingest, list_documents, open_store
from conftest import REPO, SEEDS

FAQ_MD = """---
id: faq-demo
title: 演示问答
doc_type: faq
source: 测试
pairs:
  validity:
    question: 证书有效期几年？
    variants: [证管几年]
---

## 证书有效期几年？ {#validity}

售后服务认证证书有效期为三年，期间每年监督一次，这是测试用的示例段落文字。

来源：测试
"""


def write(p: Path, text: str, encoding="utf-8") -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(text.encode(encoding))
    return p


def test_ingest_is_idempotent_and_incremental(settings, tmp_path):
    src = tmp_path / "docs"
    write(src / "faq.md", FAQ_MD)
    write(src / "note.txt", "售后服务认证由评审员到现场评分。满分一百分，七十分以上达标。")
    r1, _ = ingest(settings, [src], progress=False)
    assert r1.ok and r1.added == 2 and r1.chunks >= 2
    store = open_store(settings)
    before = sorted(c[0] for c in store.iter_chunks())
    r2, _ = ingest(settings, [src], progress=False)
    assert r2.ok and r2.unchanged == 2 and r2.added == r2.updated == r2.chunks == 0
    assert sorted(c[0] for c in open_store(settings).iter_chunks()) == before
    write(src / "note.txt", "售后服务认证由评审员到现场评分。九十五分以上为五星级。")
    r3, _ = ingest(settings, [src], progress=False)
    assert r3.updated == 1 and r3.unchanged == 1
    texts = [c[1] for c in open_store(settings).iter_chunks()]
    assert any("五星级" in t for t in texts) and not any("七十分以上达标" in t for t in texts)


def test_prune_removes_documents_whose_files_are_gone(settings, tmp_path):
    src = tmp_path / "docs"
    write(src / "a.txt", "售后服务认证证书有效期为三年，每年监督审核一次。")
    gone = write(src / "b.txt", "售后服务认证的评审包括总部和服务网点的抽样检查。")
    ingest(settings, [src], progress=False)
    gone.unlink()
    report, _ = ingest(settings, [src], prune=True, progress=False)
    assert report.pruned == ["b"]
    assert [d["doc_id"] for d in list_documents(settings)] == ["a"]


def test_bad_files_are_reported_and_the_rest_ingests(settings, tmp_path):
    src = tmp_path / "docs"
    write(src / "good.txt", "售后服务认证属于服务认证，颁发服务认证证书。")
    write(src / "empty.txt", "")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (src / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is not a pdf")
    write(src / "gbk.txt", "售后服务认证证书有效期为三年。", encoding="gbk")
    write(src / "notes.pptx", "unsupported")
    report, _ = ingest(settings, [src], progress=False)
    assert not report.ok
    failed = {Path(p).name for p, _ in report.errors}
    assert failed == {"empty.txt", "binary.txt", "corrupt.pdf"}
    assert all("\n" not in m and m for _, m in report.errors)
    assert [Path(p).name for p, _ in report.skipped] == ["notes.pptx"]
    assert {d["doc_id"] for d in list_documents(settings)} == {"good", "gbk"}
    gbk_text = " ".join(c[1] for c in open_store(settings).iter_chunks() if c[2]["doc_id"] == "gbk")
    assert "有效期为三年" in gbk_text


def test_failure_inside_a_document_keeps_its_previous_version(settings, tmp_path, monkeypatch):
    src = tmp_path / "docs"
    doc = write(src / "a.txt", "第一版：售后服务认证证书有效期为三年。")
    ingest(settings, [src], progress=False)
    write(doc, "第二版：这一版在写入时会失败。")
    import ingest.pipeline as pipeline

    def broken(chunk):
        raise RuntimeError("tokeniser crashed")

    monkeypatch.setattr(pipeline, "chunk_record", broken)
    report, _ = ingest(settings, [src], progress=False)
    assert not report.ok and "tokeniser crashed" in report.errors[0][1]
    texts = [c[1] for c in open_store(settings).iter_chunks()]
    assert any("第一版" in t for t in texts) and not any("第二版" in t for t in texts)


def test_vanished_file_is_one_clear_error(settings, tmp_path, monkeypatch):
    src = tmp_path / "docs"
    write(src / "a.txt", "售后服务认证证书有效期为三年。")
    vanishing = write(src / "b.txt", "这个文件会在导入时消失。")
    import ingest.pipeline as pipeline

    real = pipeline.file_hash

    def hash_then_vanish(path):
        if path.name == "b.txt":
            vanishing.unlink(missing_ok=True)
        return real(path)

    monkeypatch.setattr(pipeline, "file_hash", hash_then_vanish)
    report, _ = ingest(settings, [src], progress=False)
    assert [Path(p).name for p, _ in report.errors] == ["b.txt"]
    assert {d["doc_id"] for d in list_documents(settings)} == {"a"}


def test_large_text_file_ingests(settings, tmp_path):
    line = "售后服务认证依据GB/T 27922-2011对企业售后服务体系进行评价，评审员到现场按指标打分。\n"
    big = tmp_path / "big" / "big.txt"
    big.parent.mkdir()
    with big.open("w", encoding="utf-8") as fh:
        for i in range(60000):  # ~8 MB; the loader handles 50 MB the same way (tests/test_loaders)
            fh.write(f"{i}. {line}")
    report, _ = ingest(settings, [big], progress=False)
    assert report.ok and report.chunks > 1000


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds not present")
def test_seed_pages_ingest_through_the_cli(tmp_path):
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "assistant", "ingest", str(SEEDS), "--data-dir", str(data), "--json"]
    env = {"KBA_EMBEDDING_MODEL": "hashing", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["added"] == 4 and summary["errors"] == []
    again = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, env=env, timeout=120)
    assert json.loads(again.stdout)["unchanged"] == 4 and json.loads(again.stdout)["chunks"] == 0
    listed = subprocess.run([sys.executable, "-m", "assistant", "kb", "list", "--json", "--data-dir", str(data)],
                            cwd=REPO, capture_output=True, text=True, env=env, timeout=60)
    docs = json.loads(listed.stdout)
    assert len(docs) == 4 and all(d["chunks"] > 0 for d in docs)


def test_cli_exit_code_is_nonzero_with_errors(tmp_path):
    src = tmp_path / "docs"
    write(src / "good.txt", "售后服务认证属于服务认证。")
    write(src / "empty.txt", "")
    env = {"KBA_EMBEDDING_MODEL": "hashing", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(src), "--data-dir",
                          str(tmp_path / "d"), "--no-progress"], cwd=REPO, capture_output=True,
                         text=True, env=env, timeout=120)
    assert out.returncode == 1
    assert "错误 1 个" in out.stdout and "empty.txt" in out.stdout
    assert "Traceback" not in out.stderr
