"""An Assistant notices changes made by another writer (another process or app instance)."""

from __future__ import annotations

from assistant import core
from assistant.core import Assistant
from assistant.kb import ingest


def _doc(tmp_path, name, text):
    path = tmp_path / "docs" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_assistant_follows_writes_made_elsewhere(settings, tmp_path, monkeypatch):
    first = _doc(tmp_path, "a.md", "# 上门维修\n\n售后服务认证要求企业对上门维修的响应时间作出承诺，并记录执行情况。\n")
    report, _ = ingest(settings, [first], progress=False)
    assert report.ok
    reader = Assistant(settings)
    stamp = reader.store.stamp()
    assert stamp, "every write leaves a stamp"
    question = "售后服务认证对备件库存周转有什么要求"
    before = reader.ask(question)
    assert "备件库存" not in before.answer

    # another writer (its own store object and client handle) adds a document
    second = _doc(tmp_path, "b.md", "# 备件库存\n\n售后服务认证要求企业保持合理的备件库存周转，保证维修所需配件及时供应。\n")
    report, _ = ingest(settings, [second], progress=False)
    assert report.ok and reader.store.stamp() != stamp

    monkeypatch.setattr(core, "STORE_CHECK_SECONDS", 0.0)
    after = reader.ask(question)
    assert "备件库存" in after.answer and not after.abstained


def test_no_write_no_rebuild(settings, tmp_path, monkeypatch):
    doc = _doc(tmp_path, "a.md", "# 上门维修\n\n售后服务认证要求企业对上门维修的响应时间作出承诺。\n")
    assert ingest(settings, [doc], progress=False)[0].ok
    reader = Assistant(settings)
    retriever = reader.retriever
    monkeypatch.setattr(core, "STORE_CHECK_SECONDS", 0.0)
    reader.ask("上门维修响应时间有要求吗")
    assert reader.retriever is retriever
