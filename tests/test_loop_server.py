"""The maintainer's loop on a real ``chroma run`` server: what one process writes (curated
answers, vocabulary, unanswered questions) another process sees on its next question, with no
restart."""

from __future__ import annotations

import csv
import json
import time

import pytest

from test_chroma_server import _cli, _env, _server_settings, chroma_server, server_kb  # noqa: F401

pytestmark = pytest.mark.slow

REFUSED = "售后服务认证的费用是多少钱？"
PARAPHRASE = "做售后服务认证要多少钱"


def _until(predicate, seconds: float = 1.0):
    """Call ``predicate`` until it returns something truthy or ``seconds`` pass; (result, elapsed)."""
    started = time.perf_counter()
    while True:
        result = predicate()
        elapsed = time.perf_counter() - started
        if result or elapsed > seconds:
            return result, elapsed


def test_loop_across_processes_on_one_chroma_server(server_kb, tmp_path):  # noqa: F811
    from assistant.core import Assistant
    from assistant.lang.text import set_vocabulary

    port = server_kb["port"]
    a = Assistant(_server_settings(tmp_path / "a", port))
    b = Assistant(_server_settings(tmp_path / "b", port))
    env = _env(tmp_path / "cli", port)
    try:
        # 1. a refusal in instance A is listed by another process
        assert a.ask(REFUSED).abstained
        out = _cli(["unanswered", "--json"], env)
        assert out.returncode == 0, out.stderr
        group = json.loads(out.stdout)[0]
        assert group["question"] == REFUSED and group["reasons"]

        # 2. another process turns it into a curated answer (import of a sheet)
        sheet = tmp_path / "answers.csv"
        with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows([["问题", "答案", "相似问题", "依据/条款"],
                                      [REFUSED, "认证费用由认证机构按企业规模报价。", "", "收费说明 第1条"]])
        out = _cli(["answers", "import", str(sheet), "--json"], env)
        assert out.returncode == 0, out.stderr
        imported = json.loads(out.stdout)["added"]
        # 3. both instances answer a paraphrase with the curated text, within a second, no restart
        for instance in (a, b):
            answer, elapsed = _until(lambda: (lambda r: r if r.curated else None)(instance.ask(PARAPHRASE)))
            assert answer is not None and elapsed < 1.0
            assert answer.curated["id"] == imported[0]
            assert answer.answer.startswith("认证费用由认证机构按企业规模报价。")

        # 4. a synonym added by another process changes retrieval on the next question
        question = "证书的保鲜期是几年"
        before = a.ask(question).retrieved
        out = _cli(["vocab", "add", "--synonyms", "有效期", "保鲜期"], env)
        assert out.returncode == 0, out.stderr
        changed, elapsed = _until(lambda: a.ask(question).retrieved != before)
        assert changed and elapsed < 1.0
        assert "3年" in a.ask(question).answer
    finally:
        set_vocabulary(None, None)
