"""``python -m assistant kb list | show | delete`` through the real CLI entry point."""

import json

from assistant.cli import main
from assistant.kb import ingest


def test_kb_list_show_delete(settings, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KBA_EMBEDDING_MODEL", "hashing")
    doc = tmp_path / "a.txt"
    doc.write_text("售后服务认证证书有效期为三年，每年监督审核一次。", encoding="utf-8")
    ingest(settings, [doc], progress=False)
    data = ["--data-dir", str(settings.data_dir)]

    assert main(["kb", "list", "--json", *data]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [d["doc_id"] for d in listed] == ["a"] and listed[0]["chunks"] >= 1

    assert main(["kb", "show", "a", "--json", *data]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["passages"] and "有效期" in shown["passages"][0]["text"]
    assert "tokens" not in shown["passages"][0]["meta"]

    assert main(["kb", "list", *data]) == 0
    assert "共 1 个文档" in capsys.readouterr().out

    assert main(["kb", "delete", "a", *data]) == 0
    assert "已删除" in capsys.readouterr().out
    assert main(["kb", "delete", "a", *data]) == 2
    assert "没有文档 a" in capsys.readouterr().err
    assert main(["kb", "show", "missing", *data]) == 2


def test_cli_without_command_prints_help(capsys):
    assert main([]) == 2
    assert "ingest" in capsys.readouterr().out
