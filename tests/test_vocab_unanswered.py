"""The editable vocabulary (stored with the KB, effective on the next question, re-index when
needed) and the unanswered-question log (refusals and 👎, grouped, exported, drafted)."""

from __future__ import annotations

import json

import pytest

from conftest import vocabulary_kb_at
from cli_run import cli


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    with vocabulary_kb_at(tmp_path_factory.mktemp("vocab-kb") / "data") as s:
        yield s


@pytest.fixture(scope="module")
def bot(kb):
    from assistant.core import Assistant

    return Assistant(kb)


# --------------------------------------------------------------------------- vocabulary


def test_a_synonym_changes_retrieval_on_the_next_question_and_removing_it_undoes_that(kb, bot):
    from assistant.lang.text import tokenize
    from assistant.upkeep.vocab import Vocabulary

    vocab = Vocabulary(kb)
    question = "证书的保鲜期是几年"
    before = bot.ask(question)
    assert "有效期" not in tokenize(question)
    change = vocab.add_synonyms(["有效期", "保鲜期"])
    assert not change.reindex_needed and "无需重新索引" in change.message
    after = bot.ask(question)
    assert "有效期" in tokenize(question)
    assert after.retrieved != before.retrieved and "3年" in after.answer
    vocab.remove_synonyms(["有效期", "保鲜期"])
    assert bot.ask(question).retrieved == before.retrieved
    assert "有效期" not in tokenize(question)


def test_vocabulary_of_one_kb_does_not_leak_into_another(kb, bot, assistant):
    from assistant.lang.text import tokenize
    from assistant.upkeep.vocab import Vocabulary

    vocab = Vocabulary(kb)
    vocab.add_synonyms(["有效期", "保鲜期"])
    try:
        bot.ask("保鲜期几年")
        assert "有效期" in tokenize("保鲜期几年")
        assistant.ask("保鲜期几年")  # the session's knowledge base: shipped vocabulary only
        assert "有效期" not in tokenize("保鲜期几年")
        bot.ask("保鲜期几年")
        assert "有效期" in tokenize("保鲜期几年")
    finally:
        vocab.remove_synonyms(["有效期", "保鲜期"])
        bot.ask("保鲜期几年")


def test_a_word_found_in_documents_needs_a_reindex_which_is_done_with_progress(kb, bot):
    from assistant.index.store import KnowledgeStore
    from assistant.upkeep.vocab import Vocabulary

    vocab = Vocabulary(kb)
    assert not vocab.reindex_needed()
    change = vocab.add_word("有效期届满")
    assert change.reindex_needed and change.occurs_in == ["有效期届满"] and "需要重新索引" in change.message
    assert vocab.reindex_needed()
    calls = []
    n = vocab.reindex(lambda done, total, msg: calls.append((done, total)))
    store = KnowledgeStore(kb)
    assert n == store.count() and calls[0] == (0, n) and calls[-1] == (n, n)
    assert any("有效期届满" in str(m.get("tokens", "")).split() for _c, m in store.iter_metadata())
    assert not vocab.reindex_needed()
    assert not bot.ask("有效期届满前要做什么").abstained  # the lexical index follows the re-index
    vocab.remove_word("有效期届满")
    assert vocab.reindex_needed()
    vocab.reindex()


def test_vocabulary_bad_input(kb):
    from assistant.errors import UserError
    from assistant.upkeep.vocab import Vocabulary

    vocab = Vocabulary(kb)
    for call, message in ((lambda: vocab.add_word(""), "不能为空"),
                          (lambda: vocab.add_word("认证 证书"), "不能有空格"),
                          (lambda: vocab.add_word("证"), "至少两个字"),
                          (lambda: vocab.add_word("售后服务认证"), "词典中已有"),
                          (lambda: vocab.add_word("字" * 40), "过长"),
                          (lambda: vocab.remove_word("没有这个词"), "词典中没有"),
                          (lambda: vocab.add_synonyms(["有效期"]), "至少要两个不同的词"),
                          (lambda: vocab.add_synonyms(["有效期", "售后认证"]), "已在同义词组“售后服务认证”中"),
                          (lambda: vocab.remove_synonyms(["没有这组"]), "没有以“没有这组”为标准词"),
                          (lambda: vocab.remove_synonyms(["有效期", "不在组里"]), "中没有：不在组里")):
        with pytest.raises(UserError, match=message):
            call()
    assert vocab.listing()["words"] and not [w for w in vocab.listing()["words"] if w["source"] == "自定义"]


def test_vocab_cli(kb, monkeypatch, capsys):
    out = cli(["vocab", "add", "--synonyms", "有效期", "保鲜期", "--json"], kb, monkeypatch, capsys)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["reindex_needed"] is False
    listed = json.loads(cli(["vocab", "list", "--json"], kb, monkeypatch, capsys).stdout)
    group = next(g for g in listed["synonyms"] if g["head"] == "有效期")
    assert "保鲜期" in group["terms"] and group["source"] == "自定义"
    out = cli(["vocab", "remove", "--synonyms", "有效期", "保鲜期"], kb, monkeypatch, capsys)
    assert out.returncode == 0 and "已从同义词组" in out.stdout
    out = cli(["vocab", "remove", "不存在的词"], kb, monkeypatch, capsys)
    assert out.returncode == 2 and out.stderr.startswith("错误：") and "词典中没有" in out.stderr


# --------------------------------------------------------------------------- unanswered


@pytest.fixture
def log(kb):
    from assistant.upkeep.unanswered import UnansweredLog

    log = UnansweredLog(kb)
    log.side.delete([e.id for e in log.events(include_resolved=True)])
    return log


def test_refusals_and_thumbs_down_are_recorded_with_passages_scores_and_reason(bot, log, kb):
    from assistant.upkeep.unanswered import record_thumbs_down

    refused = bot.ask("今天天气怎么样？")
    assert refused.abstained
    answered = bot.ask("证书有效期几年？")
    assert not answered.abstained
    event = record_thumbs_down(kb, "证书有效期几年？", answered.to_dict(), assistant=bot, comment="没说清楚")
    events = log.events()
    assert [e.kind for e in events] == ["refusal", "thumbs_down"]
    r, t = events
    assert r.question == "今天天气怎么样？" and r.reason.startswith("超出知识库范围") and r.at > 0 and r.mode
    assert t.reason == "用户点了 👎：没说清楚" and t.answer == answered.answer and event["id"] == t.id
    assert t.passages and all(isinstance(p["score"], float) for p in t.passages) and t.passages[0]["title"]


def test_groups_by_similarity_most_frequent_first_and_export(bot, log, kb, tmp_path):
    from openpyxl import load_workbook

    for q in ("售后服务认证的费用是多少钱？", "售后服务认证的费用是多少钱？", "做售后服务认证要多少钱",
              "今天天气怎么样？"):
        assert bot.ask(q).abstained, q
    groups = log.groups()
    assert [g.count for g in groups] == [3, 1]
    assert groups[0].question == "售后服务认证的费用是多少钱？"
    assert [q for q, _ in groups[0].phrasings] == ["售后服务认证的费用是多少钱？", "做售后服务认证要多少钱"]
    draft = log.draft(groups[0])
    assert draft["variants"] == ["做售后服务认证要多少钱"] and len(draft["event_ids"]) == 3
    path = log.export_xlsx(tmp_path / "未回答.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["分组", "明细"]
    rows = list(wb["分组"].iter_rows(values_only=True))
    assert rows[0][:3] == ("组", "次数", "代表问题") and rows[1][1] == 3 and rows[2][1] == 1
    assert len(list(wb["明细"].iter_rows(values_only=True))) == 1 + 4
    with pytest.raises(Exception, match="应以 .xlsx 结尾"):
        log.export_xlsx(tmp_path / "x.csv")


def test_not_recording_and_empty_questions(bot, log):
    from assistant.upkeep.loop import not_recording

    with not_recording():
        assert bot.ask("今天天气怎么样？").abstained
    assert bot.ask("").abstained
    assert log.events() == []


def test_unanswered_cli(bot, log, kb, tmp_path, monkeypatch, capsys):
    bot.ask("今天天气怎么样？")
    out = cli(["unanswered", "--json", "--export", str(tmp_path / "u.xlsx")], kb, monkeypatch, capsys)
    assert out.returncode == 0, out.stderr
    groups = json.loads(out.stdout)
    assert groups[0]["question"] == "今天天气怎么样？" and (tmp_path / "u.xlsx").exists()
    out = cli(["unanswered", "--draft", groups[0]["id"]], kb, monkeypatch, capsys)
    assert json.loads(out.stdout)["question"] == "今天天气怎么样？"
    for args, message in ((["unanswered", "--draft", "g-nothing"], "没有未回答问题组"),
                          (["unanswered", "--export", str(tmp_path / "u.txt")], "应以 .xlsx 结尾")):
        out = cli(args, kb, monkeypatch, capsys)
        assert out.returncode == 2 and out.stderr.startswith("错误：") and message in out.stderr


def test_an_evidence_refusal_is_recorded_with_what_is_missing(bot, log):
    """A refusal on evidence (not a topic list) is recorded too, naming what the KB lacks (the
    write happens in the background; reading the log waits for it)."""
    ans = bot.ask("格力的售后服务认证证书编号是多少？")
    assert ans.abstained and "证书编号" in ans.answer
    events = [e for e in log.events() if "格力" in e.question]
    assert len(events) == 1, [e.question for e in log.events()]
    assert events[0].reason.startswith("证据不足：") and "证书编号" in events[0].reason
