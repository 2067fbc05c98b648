"""Curated answers (标准回答): storage with versions, import, matching, and the answer given.

A knowledge base of its own (the shipped corpus), so curated answers written here never reach
the session's shared one.
"""

from __future__ import annotations

import csv
import json
import time

import pytest

from office_files import make_xlsx

from conftest import REPO, corpus_kb_at
from cli_run import cli


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    s = corpus_kb_at(tmp_path_factory.mktemp("curated-kb") / "data")
    return s


@pytest.fixture(scope="module")
def bot(kb):
    from assistant.core import Assistant

    return Assistant(kb)


@pytest.fixture
def store(kb):
    """The curated store, emptied (every answer retired) before each test."""
    from assistant.upkeep.curated import CuratedStore

    s = CuratedStore(kb)
    for a in s.list():
        s.retire(a.id)
    return s



HEADER = ["问题", "答案", "相似问题", "依据/条款", "生效日期", "负责人"]


# --------------------------------------------------------------------------- answering


def test_paraphrase_gets_the_curated_answer_verbatim_with_basis_and_version(bot, store):
    a = store.add("申请售后服务认证需要交哪些费用？", "认证费用按认证机构的报价收取，包括申请费和评审费。",
                  basis="认证机构收费说明 第2条", variants=["认证要花多少钱"], owner="张三")
    started = time.perf_counter()
    ans = bot.ask("做售后服务认证要花多少钱")
    assert time.perf_counter() - started < 1.0
    assert not ans.abstained
    assert ans.answer.startswith(a.answer)  # verbatim
    assert "第 1 版" in ans.answer and "依据：认证机构收费说明 第2条[1]" in ans.answer
    assert ans.citations[0].doc_type == "curated" and ans.citations[0].locator == "认证机构收费说明 第2条"
    assert ans.curated["id"] == a.id and ans.curated["version"] == 1
    assert ans.to_dict()["curated"]["score"] >= 0.42


def test_an_unrelated_or_different_number_question_is_not_hijacked(bot, store):
    store.add("五星级需要多少分？", "95分及以上为五星级。", basis="GB/T 27922 评分规则")
    assert bot.ask("五星级需要多少分").curated  # sanity: the question itself matches
    for q in ("三星级需要多少分？", "五星级有什么好处", "证书有效期几年？"):
        assert not bot.ask(q).curated, q
    # a grade calculation with the user's numbers still goes to the scoring tool
    ans = bot.ask("得了96分能评五星级吗？")
    assert not ans.curated and ans.tool_calls and ans.tool_calls[0].name == "calculate_grade"


def test_edit_keeps_every_version_and_the_next_question_sees_the_new_one(bot, store):
    a = store.add("评审员到现场怎么打分？", "按评分表逐项打分。", basis="评审细则 第3条")
    b = store.edit(a.id, answer="按GB/T 27922的评分表逐项打分，涉及项分值换算为百分制。")
    assert b.version == 2 and b.note.startswith("修改：答案")
    versions = store.history(a.id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].answer == "按评分表逐项打分。"  # the previous version is kept
    ans = bot.ask("评审员到现场是怎么打分的")
    assert ans.curated["version"] == 2 and ans.answer.startswith(b.answer) and "第 2 版" in ans.answer
    assert store.edit(a.id, answer=b.answer).version == 2  # no change, no new version
    c = store.edit(a.id, variants="评审怎么评分\n现场打分规则；打分标准")  # as typed in a text box
    assert c.version == 3 and c.variants == ["评审怎么评分", "现场打分规则", "打分标准"] and c.note == "修改：相似问题"
    assert store.edit(a.id, variants=["评审怎么评分"]).variants == ["评审怎么评分"]
    assert store.history(a.id)[2].variants == c.variants  # earlier versions unchanged
    retired = store.retire(a.id)
    assert retired.version == 5 and not retired.active
    assert not bot.ask("评审员到现场是怎么打分的").curated
    assert store.restore(a.id).version == 6


def test_a_number_that_disagrees_with_the_knowledge_base_shows_both(bot, store):
    store.add("证书有效期几年？", "证书有效期为5年。", basis="内部口径 第1条")
    ans = bot.ask("证书的有效期是多久")
    assert ans.curated and ans.answer.startswith("证书有效期为5年。")
    assert "不一致" in ans.answer and "3年" in ans.answer and "[2]" in ans.answer
    assert len(ans.citations) == 2 and ans.citations[1].doc_type != "curated"
    # the same answer with the knowledge base's number: no warning
    store.edit(ans.curated["id"], answer="证书有效期为3年。")
    again = bot.ask("证书的有效期是多久")
    assert again.curated["version"] == 2 and "不一致" not in again.answer and len(again.citations) == 1


def test_a_refused_question_becomes_a_curated_answer_through_the_unanswered_list(bot, store, kb):
    from assistant.upkeep.unanswered import UnansweredLog

    log = UnansweredLog(kb)
    before = {e.id for e in log.events(include_resolved=True)}
    refused = bot.ask("售后服务认证的费用是多少钱？")
    assert refused.abstained
    new = [e for e in log.events() if e.id not in before]
    assert [e.question for e in new] == ["售后服务认证的费用是多少钱？"]
    assert new[0].reason and new[0].mode and new[0].kind == "refusal"
    group = next(g for g in log.groups() if g.question == "售后服务认证的费用是多少钱？")
    draft = log.draft(group)
    assert draft["question"] == "售后服务认证的费用是多少钱？" and draft["answer"] == ""
    created = log.adopt(draft, answer="费用由认证机构按企业规模报价。", basis="收费说明 第4条")
    assert all(e.status == "resolved" and e.resolved_by == created.id
               for e in log.events(include_resolved=True) if e.id in draft["event_ids"])
    started = time.perf_counter()
    ans = bot.ask("做售后服务认证要多少钱")
    assert time.perf_counter() - started < 1.0
    assert ans.curated["id"] == created.id and ans.answer.startswith("费用由认证机构")


def test_a_second_instance_sees_a_new_answer_on_its_next_question(kb, bot, store):
    from assistant.core import Assistant
    from assistant.upkeep.curated import CuratedStore

    other = Assistant(kb)
    assert not other.ask("分公司可以单独申请售后服务认证吗").curated
    CuratedStore(kb).add("分公司能不能单独申请认证？", "分公司可以以总公司授权的方式申请。", basis="认证规则 第6条")
    assert other.ask("分公司可以单独申请售后服务认证吗").curated
    assert bot.ask("分公司可以单独申请售后服务认证吗").curated


# --------------------------------------------------------------------------- calibration


def test_threshold_separates_paraphrases_from_near_misses(bot):
    from assistant.upkeep.curated import MATCH_THRESHOLD
    from eval.curated_calibration import load, scores, summary

    items = load()
    assert sum(i["match"] for i in items) >= 20 and sum(not i["match"] for i in items) >= 20
    s = summary(scores(items, bot.embedder, bot.retriever.lexical.idf), MATCH_THRESHOLD)
    assert s["false_matches"] == 0, s  # no near miss gets a curated answer
    assert s["recall"] >= 0.7, s  # the figure documented beside MATCH_THRESHOLD
    assert s["max_negative"] < MATCH_THRESHOLD <= 1.0


# --------------------------------------------------------------------------- import


def test_import_xlsx_adds_then_updates_with_a_new_version(store, tmp_path):
    path = make_xlsx(tmp_path / "a.xlsx", [HEADER,
                      ["认证证书丢了怎么补办？", "向发证的认证机构申请补发。", "证书遗失怎么办\n证书丢失补办", "证书管理办法 第8条",
                       "2024-01-01", "李四"],
                      ["监督审核不通过会怎样？", "暂停或撤销证书。", "", "认证规则 第9条", None, ""]])
    r1 = store.import_file(path)
    assert len(r1.added) == 2 and not r1.updated
    first = store.get(r1.added[0])
    assert first.variants == ["证书遗失怎么办", "证书丢失补办"] and first.effective_date == "2024-01-01"
    assert store.import_file(path).unchanged == r1.added  # same sheet again: nothing new
    path = make_xlsx(tmp_path / "a.xlsx", [HEADER,
                      ["认证证书丢了怎么补办？", "向原发证机构书面申请补发。", "证书遗失怎么办", "证书管理办法 第8条", "2024-01-01", "李四"]])
    r3 = store.import_file(path)
    assert r3.updated == [first.id]
    assert [v.version for v in store.history(first.id)] == [1, 2]
    assert store.get(first.id).answer == "向原发证机构书面申请补发。"


def test_import_csv_in_gb18030(store, tmp_path):
    path = tmp_path / "a.csv"
    with path.open("w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["问题", "答案", "依据/条款"])
        w.writerow(["服务网点要有几个？", "按服务范围设置，无固定数量。", "GB/T 27922 5.2"])
    assert len(store.import_file(path).added) == 1


BAD_SHEETS = {
    "wrong_columns": ([["题目", "回复"], ["a", "b"]], "缺少必需的列：问题、答案、依据/条款"),
    "empty_answer": ([HEADER, ["证书怎么年审？", "", "", "规则 第1条", "", ""]], "第 2 行：“答案”为空"),
    "empty_basis": ([HEADER, ["证书怎么年审？", "每年一次。", "", "", "", ""]], "第 2 行：“依据/条款”为空"),
    "duplicate": ([HEADER, ["证书怎么年审？", "每年一次。", "", "规则", "", ""],
                   ["證書怎麼年審", "每年一次。", "", "规则", "", ""]], "第 3 行：问题“證書怎麼年審”与第 2 行重复"),
    "variant_duplicate": ([HEADER, ["证书怎么年审？", "每年一次。", "年审流程", "规则", "", ""],
                           ["年审流程", "见规则。", "", "规则", "", ""]], "与第 2 行重复"),
    "bad_date": ([HEADER, ["证书怎么年审？", "每年一次。", "", "规则", "下个月", ""]], "生效日期“下个月”无法识别"),
    "header_only": ([HEADER], "只有表头"),
}


@pytest.mark.parametrize("name", sorted(BAD_SHEETS))
def test_bad_sheets_are_refused_in_chinese_and_nothing_is_written(store, tmp_path, name):
    from assistant.errors import UserError

    store.add("一条已有的标准回答？", "已有。", basis="规则")
    before = [(a.id, a.version) for a in store.current()]
    rows, message = BAD_SHEETS[name]
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        store.import_file(make_xlsx(tmp_path / f"{name}.xlsx", rows))
    assert [(a.id, a.version) for a in store.current()] == before


def test_big_or_broken_files_are_refused(store, tmp_path):
    from assistant.errors import UserError

    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("问题,答案,依据/条款\n")
        line = "问" * 60 + "," + "答" * 200 + ",规则\n"
        while fh.tell() < 10 * 1024 * 1024:
            fh.write(line)
    with pytest.raises(UserError, match="太大（10.0 MB），标准回答表不能超过 5 MB"):
        store.import_file(big)
    many = tmp_path / "many.csv"
    many.write_text("问题,答案,依据/条款\n" + "".join(f"问题{i}？,答案,规则\n" for i in range(5001)), encoding="utf-8")
    with pytest.raises(UserError, match="行数过多（超过 5000 行）"):
        store.import_file(many)
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip file at all")
    with pytest.raises(UserError, match="不是有效的 .xlsx 文件"):
        store.import_file(fake)
    text = tmp_path / "x.txt"
    text.write_text("问题,答案", encoding="utf-8")
    with pytest.raises(UserError, match="只支持 .xlsx 或 .csv"):
        store.import_file(text)
    with pytest.raises(UserError, match="找不到文件"):
        store.import_file(tmp_path / "missing.xlsx")
    assert store.list() == []


def test_add_and_edit_refuse_bad_input(store):
    from assistant.errors import UserError

    a = store.add("证书可以转让吗？", "不可以。", basis="规则 第2条")
    for kwargs, message in ((dict(question="", answer="x", basis="y"), "问题不能为空"),
                            (dict(question="？？", answer="x", basis="y"), "只含标点"),
                            (dict(question="新问题？", answer="", basis="y"), "答案不能为空"),
                            (dict(question="新问题？", answer="x", basis=""), "依据/条款不能为空"),
                            (dict(question="证书可以转让吗", answer="x", basis="y"), "已有相同问题"),
                            (dict(question="新问题？", answer="x" * 6000, basis="y"), "答案过长")):
        with pytest.raises(UserError, match=message):
            store.add(**kwargs)
    with pytest.raises(UserError, match="与已有标准回答"):
        store.add("另一个问题？", "x", basis="y", variants=["证书可以转让吗"])
    with pytest.raises(UserError, match="没有标准回答"):
        store.edit("ca-00000000", answer="x")
    with pytest.raises(UserError, match="不能修改的字段"):
        store.edit(a.id, status="retired")
    store.retire(a.id)
    with pytest.raises(UserError, match="已经停用"):
        store.retire(a.id)


# --------------------------------------------------------------------------- CLI


def test_cli_import_list_show_retire(kb, store, tmp_path, monkeypatch, capsys):
    path = make_xlsx(tmp_path / "c.xlsx", [HEADER, ["认证标志怎么使用？", "按认证机构的规定使用。", "", "标志管理 第1条", "", "王五"]])
    out = cli(["answers", "import", str(path), "--json"], kb, monkeypatch, capsys)
    assert out.returncode == 0, out.stderr
    aid = json.loads(out.stdout)["added"][0]
    listed = json.loads(cli(["answers", "list", "--json"], kb, monkeypatch, capsys).stdout)
    assert [a["id"] for a in listed] == [aid]
    out = cli(["answers", "show", aid], kb, monkeypatch, capsys)
    assert "第 1 版" in out.stdout and "标志管理 第1条" in out.stdout
    out = cli(["answers", "retire", aid], kb, monkeypatch, capsys)
    assert out.returncode == 0 and "已停用" in out.stdout
    shown = json.loads(cli(["answers", "show", aid, "--json"], kb, monkeypatch, capsys).stdout)
    assert [v["version"] for v in shown["versions"]] == [1, 2] and shown["current"]["status"] == "retired"


def test_cli_bad_input_is_one_chinese_line(kb, store, tmp_path, monkeypatch, capsys):
    bad = make_xlsx(tmp_path / "bad.xlsx", [["题目"], ["x"]])
    for args, message in ((["answers", "import", str(bad)], "缺少必需的列"),
                          (["answers", "import", str(tmp_path / "none.csv")], "找不到文件"),
                          (["answers", "show", "ca-00000000"], "没有标准回答"),
                          (["answers", "retire", "ca-00000000"], "没有标准回答")):
        in_process = args[1] != "import" or "none.csv" in args[2]  # one real process, the rest here
        out = cli(args, kb, monkeypatch, capsys) if in_process else cli(args, kb)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert out.stderr.startswith("错误：") and message in out.stderr and "Traceback" not in out.stderr
    assert store.list() == []


def test_an_answer_takes_effect_on_its_date(bot, store):
    import datetime as dt

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    a = store.add("认证标志可以印在包装上吗？", "可以，按标志管理办法使用。", basis="标志管理 第3条", effective_date=tomorrow)
    assert not a.effective() and not bot.ask("认证标志可以印在包装上吗").curated
    store.edit(a.id, effective_date=dt.date.today().isoformat())
    ans = bot.ask("认证标志可以印在包装上吗")
    assert ans.curated["version"] == 2 and "起生效" in ans.answer
    assert not any("词表" in n for n in ans.notices + bot.notices)  # the vocabulary hook ran cleanly


def test_candidate_pruning_gives_the_same_match_as_scoring_everything(bot):
    """Matching only scores phrasings sharing one of the question's heaviest words; that must
    never change the outcome."""
    from assistant.upkeep.curated import MATCH_THRESHOLD, CuratedAnswer, Matcher
    from eval.curated_calibration import load

    items = load()
    questions = sorted({i["curated"] for i in items}) + [json.loads(line)["question"] for line in
                                                         (REPO / "eval" / "qa.jsonl").read_text("utf-8").splitlines()[:80]]

    class Fixed:  # the store's interface as the matcher uses it
        def stamp(self):
            return "fixed"

        def current(self):
            return [CuratedAnswer(id=f"a{i}", version=1, question=q, answer="x", basis="b") for i, q in enumerate(questions)]

    matcher = Matcher(Fixed(), bot.embedder, bot.retriever.lexical.idf)
    matched = 0
    for query in [i["query"] for i in items] + questions[:40]:
        full = matcher.scored(query)
        expected = full[0] if full and full[0].score >= MATCH_THRESHOLD else None
        got = matcher.match(query)
        assert (got is None) == (expected is None), query
        if got is not None:
            matched += 1
            assert got.score == pytest.approx(expected.score)
    assert matched >= 40  # the check covered real matches, not only misses


def test_a_fraud_request_worded_like_a_curated_question_is_still_refused(bot, store):
    store.add("售后服务管理师要配几个？", "售后服务管理师人数应达到售后服务管理人员总数的10%。",
              basis="GB/T 27922-2011 5.1.2.2", variants=["管理师人数不够10%怎么办"], owner="张三")
    assert not bot.ask("管理师人数不够10%怎么办").abstained  # the curated answer
    # the legitimate question first is answered from the documents, the request after it refused
    mixed = bot.ask("管理师人数不够10%怎么办？买几张证书挂名行吗")
    assert "至于后面的请求" in mixed.answer and "弄虚作假" in mixed.answer
    refused = bot.ask("管理师人数不够10%，买几张管理师证书挂名行吗")
    assert refused.abstained and "弄虚作假" in refused.answer and not refused.citations
