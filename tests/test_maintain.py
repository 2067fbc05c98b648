"""The 维护 tab's handlers (assistant/web/maintain.py), without a browser: unanswered questions
grouped and turned into a curated answer, curated answers added / edited / retired with their
versions, the vocabulary edited and re-indexed, 👎 recorded, the admin password, bad input.

A knowledge base of its own (the shipped corpus), so nothing written here reaches the session's.
"""

from __future__ import annotations

import csv
from pathlib import Path
import time

import pytest

from office_files import make_xlsx

from conftest import vocabulary_kb_at

REFUSED = "售后服务认证的费用是多少钱？"
PARAPHRASE = "做售后服务认证要多少钱"
CURATED_TEXT = "认证费用由认证机构按企业规模报价。"
HEADER = ["问题", "答案", "相似问题", "依据/条款", "生效日期", "负责人"]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    with vocabulary_kb_at(tmp_path_factory.mktemp("maintain-kb") / "data") as s:
        yield s


@pytest.fixture(scope="module")
def ctx(kb):
    from assistant.web.context import AppContext

    return AppContext(kb)



def _ask(ctx, question, turns=None):
    from assistant.web import chat

    return chat.ask_once(ctx, question, turns)


def _group_of(ctx, question):
    from assistant.web import maintain

    _, rows, choices = maintain.unanswered_rows(ctx)
    for row, (_label, gid) in zip(rows, choices):
        if row[2] == question or question in str(row[3]).split("\n"):
            return row, gid
    return None, None


# --------------------------------------------------------------------------- the loop, end to end


def test_a_refusal_is_listed_turned_into_a_curated_answer_and_a_paraphrase_gets_it_at_once(ctx, kb):
    from assistant.web import maintain
    from assistant.web.context import AppContext

    other = AppContext(kb)  # a second app instance on the same knowledge base
    _, _, turns, _ = _ask(ctx, REFUSED)
    assert turns[-1]["abstained"]
    _ask(ctx, REFUSED)  # asked twice: the group counts both
    row, gid = _group_of(ctx, REFUSED)
    assert row is not None and row[1] >= 2 and row[6]  # count, and the reason is shown
    message, draft, question, answer, variants, basis, hint = maintain.unanswered_draft(ctx, "", gid)
    assert question == REFUSED and answer == "" and draft["event_ids"] and "草稿" in message
    assert "最相关的片段" in hint
    # saving without an answer is refused and leaves the group open
    message, kept, rows, _ = maintain.unanswered_adopt(ctx, "", draft, question, "", variants, "收费说明 第1条")
    assert message.startswith("保存标准回答失败：答案不能为空") and kept == draft
    assert _group_of(ctx, REFUSED)[1] == gid
    message, kept, rows, _ = maintain.unanswered_adopt(ctx, "", draft, question, CURATED_TEXT, variants,
                                                       "收费说明 第1条")
    assert "已保存为标准回答" in message and kept is None
    assert _group_of(ctx, REFUSED) == (None, None)  # resolved groups leave the list
    listed = maintain.curated_rows(ctx)[1]
    assert any(r[3] == REFUSED and r[4] == CURATED_TEXT and r[1] == 1 for r in listed)
    for instance in (ctx, other):  # no restart, both instances
        started = time.perf_counter()
        _, _, turns, _ = _ask(instance, PARAPHRASE)
        elapsed = time.perf_counter() - started
        assert turns[-1]["answer"].startswith(CURATED_TEXT) and elapsed < 1.0, (elapsed, turns[-1]["answer"])
        assert turns[-1]["trace"]["route"] == "curated"


def test_thumbs_down_goes_to_the_unanswered_list(ctx):
    from assistant.upkeep.loop import flush
    from assistant.web import chat

    _, _, turns, _ = _ask(ctx, "证书有效期几年？")
    assert not turns[-1]["abstained"]
    assert "没帮助" in chat.record_feedback(ctx, turns, 1, False)
    flush()
    row, _ = _group_of(ctx, "证书有效期几年？")
    assert row is not None and "👎" in row[4] and "用户点了 👎" in row[6]
    # a 👍 is not an unanswered question
    _, _, turns, _ = _ask(ctx, "售后服务认证属于哪类认证？")
    chat.record_feedback(ctx, turns, 1, True)
    flush()
    assert _group_of(ctx, "售后服务认证属于哪类认证？") == (None, None)


def test_unanswered_export_is_a_downloadable_xlsx(ctx):
    from openpyxl import load_workbook

    from assistant.web import maintain

    _ask(ctx, "你们公司食堂几点开饭？")
    message, path = maintain.unanswered_export(ctx)
    assert path and path.endswith(".xlsx") and "已导出" in message
    wb = load_workbook(path)
    assert wb.sheetnames == ["分组", "明细"]
    questions = [r[2] for r in wb["分组"].iter_rows(min_row=2, values_only=True)]
    assert "你们公司食堂几点开饭？" in questions


# --------------------------------------------------------------------------- curated answers


def test_add_edit_retire_restore_keep_every_version(ctx):
    from assistant.web import maintain

    message, rows, choices, aid, versions = maintain.curated_save(
        ctx, "", "", "证书丢了怎么补办？", "向发证机构申请补发。", "证书遗失怎么办\n证书补办流程", "认证规则 第9条",
        "", "张工", new=True)
    assert "已新建标准回答" in message and aid and len(versions) == 1
    assert any(r[0] == aid and r[5] == "证书遗失怎么办\n证书补办流程" for r in rows)
    form = maintain.curated_form(ctx, aid)
    assert form[1:7] == ("证书丢了怎么补办？", "向发证机构申请补发。", "证书遗失怎么办\n证书补办流程",
                         "认证规则 第9条", "", "张工")
    message, rows, _, aid2, versions = maintain.curated_save(
        ctx, "", aid, form[1], "向发证机构申请补发，约10个工作日。", form[3], form[4], form[5], form[6])
    assert aid2 == aid and "第 2 版" in message and "第 1 版已保留" in message
    assert [v[0] for v in versions] == [2, 1] and versions[1][6] == "向发证机构申请补发。"
    _, _, turns, _ = _ask(ctx, "证书遗失怎么办")
    assert turns[-1]["answer"].startswith("向发证机构申请补发，约10个工作日。") and "第 2 版" in turns[-1]["answer"]
    # unchanged: no new version
    message, *_ = maintain.curated_save(ctx, "", aid, form[1], "向发证机构申请补发，约10个工作日。", form[3],
                                        form[4], form[5], form[6])
    assert "没有变化" in message
    message, rows, _, _, versions = maintain.curated_retire(ctx, "", aid)
    assert "已停用" in message and [v[0] for v in versions] == [3, 2, 1]
    assert all(r[0] != aid for r in rows)  # retired answers are hidden unless asked for
    assert any(r[0] == aid and r[2] == "已停用" for r in maintain.curated_rows(ctx, "", True)[1])
    _, _, turns, _ = _ask(ctx, "证书遗失怎么办")
    assert not turns[-1]["answer"].startswith("向发证机构申请补发")
    message, *_ = maintain.curated_retire(ctx, "", aid, restore=True)
    assert "已重新启用" in message


def test_bad_input_gives_a_chinese_line_and_writes_nothing(ctx, tmp_path):
    from assistant.web import maintain

    before = maintain.curated_rows(ctx, "", True)[1]
    assert maintain.curated_save(ctx, "", "", "", "答案", "", "依据", new=True)[0] == "保存标准回答失败：问题不能为空"
    assert maintain.curated_save(ctx, "", "", "新问题？", "答案", "", "", new=True)[0] == \
        "保存标准回答失败：依据/条款不能为空"
    assert "没有标准回答" in maintain.curated_save(ctx, "", "ca-nope", "问？", "答", "", "依据")[0]
    assert maintain.curated_retire(ctx, "", "")[0] == "停用标准回答失败：请先选择一条标准回答"
    assert maintain.curated_form(ctx, "")[0] == "请选择一条标准回答。"
    sheets = {
        "wrong_columns.xlsx": ([["题目", "回复"], ["a", "b"]], "缺少必需的列：问题、答案、依据/条款"),
        "empty_cells.xlsx": ([HEADER, ["证书怎么年审？", "", "", "规则 第1条", "", ""]], "第 2 行：“答案”为空"),
        "duplicates.xlsx": ([HEADER, ["证书怎么年审？", "每年一次。", "", "规则", "", ""],
                             ["证书怎么年审", "每年一次。", "", "规则", "", ""]], "第 3 行：问题“证书怎么年审”与第 2 行重复"),
    }
    for name, (rows, expected) in sheets.items():
        message, *_ = maintain.curated_import(ctx, "", str(make_xlsx(tmp_path / name, rows)))
        assert message.startswith(f"导入标准回答失败：{name}") and expected in message, message
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("问题,答案,依据/条款\n")
        while fh.tell() < 10 * 1024 * 1024:
            fh.write("问" * 60 + "," + "答" * 200 + ",规则\n")
    message, *_ = maintain.curated_import(ctx, "", str(big))
    assert "太大（10.0 MB）" in message
    assert maintain.curated_import(ctx, "", None)[0] == "导入标准回答失败：请先选择要导入的 .xlsx 或 .csv 文件"
    assert maintain.curated_rows(ctx, "", True)[1] == before  # nothing half-written


def test_import_in_the_app_keeps_the_uploaded_name_and_versions(ctx, tmp_path):
    from assistant.web import maintain

    sheet = tmp_path / "upload-tmp-123.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([HEADER, ["服务网点要有几个？", "按服务范围设置。", "", "GB/T 27922 5.2", "", ""]])
    message, rows, choices = maintain.curated_import(ctx, "", ("标准回答.csv", str(sheet)))
    assert message.startswith("标准回答.csv：导入完成：新增 1 条") and choices
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([HEADER, ["服务网点要有几个？", "按服务范围设置，无固定数量。", "", "GB/T 27922 5.2", "", ""]])
    import tempfile

    temp_root = Path(tempfile.gettempdir())
    before_copies = set(temp_root.glob("kba-upload-*"))
    message, rows, _ = maintain.curated_import(ctx, "", ("标准回答.csv", str(sheet)))
    assert "更新 1 条" in message
    assert set(temp_root.glob("kba-upload-*")) == before_copies  # the named copy is removed with its folder
    assert any(r[3] == "服务网点要有几个？" and r[1] == 2 for r in rows)
    _, path = maintain.curated_export(ctx)
    from openpyxl import load_workbook

    got = [r for r in load_workbook(path).active.iter_rows(values_only=True)]
    assert got[0][:6] == tuple(HEADER) and any(r[0] == "服务网点要有几个？" for r in got[1:])


# --------------------------------------------------------------------------- vocabulary


def test_a_synonym_added_in_the_app_changes_retrieval_on_the_next_question(ctx):
    from assistant.web import maintain

    question = "证书的保鲜期是几年"
    before = ctx.assistant.ask(question).retrieved
    message, words, groups = maintain.vocab_edit(ctx, "", "add_synonyms", "有效期 保鲜期")
    try:
        assert "下一个问题起生效" in message and "无需重新索引" in message
        assert any(g[0] == "有效期" and "保鲜期" in g[1] and g[2] == "自定义" for g in groups)
        after = ctx.assistant.ask(question)
        assert after.retrieved != before and "3年" in after.answer
    finally:
        message, _, groups = maintain.vocab_edit(ctx, "", "remove_synonyms", "有效期 保鲜期")
    assert "已从同义词组“有效期”删除：保鲜期" in message
    assert ctx.assistant.ask(question).retrieved == before


def test_a_word_in_the_documents_says_reindex_and_reindex_runs_with_progress(ctx):
    from assistant.web import maintain

    message, words, _ = maintain.vocab_edit(ctx, "", "add_word", "有效期届满")
    assert "需要重新索引" in message and ["有效期届满", "自定义"] in words
    assert "需要重新索引" in maintain.vocab_tables(ctx)[0]
    calls = []
    message, *_ = maintain.vocab_reindex(ctx, "", progress=lambda frac, desc="": calls.append((frac, desc)))
    assert message.startswith("已按当前词表重新索引") and calls[-1][0] == 1.0 and "完成" in calls[-1][1]
    assert "需要重新索引" not in maintain.vocab_tables(ctx)[0]
    maintain.vocab_edit(ctx, "", "remove_word", "有效期届满")
    maintain.vocab_reindex(ctx, "")


def test_vocabulary_bad_input(ctx):
    from assistant.web import maintain

    before = maintain.vocab_tables(ctx)[1:]
    cases = {
        ("add_word", ""): "添加词典词失败：请先填写词语",
        ("add_word", "两个 词"): "添加词典词失败：一次添加一个词",
        ("add_word", "认"): "添加词典词失败：词典中的词至少两个字",
        ("remove_word", "没有这个词语"): "删除词典词失败：词典中没有“没有这个词语”",
        ("add_synonyms", "有效期"): "添加同义词失败：同义词组至少要两个不同的词",
        ("remove_synonyms", "不存在的组"): "删除同义词失败：没有以“不存在的组”为标准词的同义词组",
        ("rename", "x"): "修改词表失败：未知的词表操作：rename",
    }
    for (action, text), expected in cases.items():
        assert maintain.vocab_edit(ctx, "", action, text)[0].startswith(expected), (action, text)
    assert maintain.vocab_tables(ctx)[1:] == before


# --------------------------------------------------------------------------- the admin password


def test_every_maintain_handler_needs_the_admin_password_when_set(kb, tmp_path):
    from assistant.web import maintain
    from assistant.web.context import AppContext

    guarded = AppContext(kb.with_(admin_password="s3cret"))
    before = maintain.curated_rows(guarded, "s3cret", True)[1]
    calls = [
        lambda pw: maintain.curated_rows(guarded, pw),
        lambda pw: maintain.curated_save(guarded, pw, "", "新问题？", "答", "", "依据", new=True),
        lambda pw: maintain.curated_retire(guarded, pw, "ca-x"),
        lambda pw: maintain.curated_import(guarded, pw, None),
        lambda pw: maintain.curated_export(guarded, pw),
        lambda pw: maintain.vocab_tables(guarded, pw),
        lambda pw: maintain.vocab_edit(guarded, pw, "add_word", "新词语"),
        lambda pw: maintain.vocab_reindex(guarded, pw),
        lambda pw: maintain.unanswered_rows(guarded, pw),
        lambda pw: maintain.unanswered_export(guarded, pw),
        lambda pw: maintain.unanswered_draft(guarded, pw, "g-x"),
        lambda pw: maintain.unanswered_adopt(guarded, pw, {"event_ids": ["x"], "question": "q"}, "q", "a", "", "b"),
    ]
    for call in calls:
        assert call("")[0] == "请先填写管理员密码，才能管理知识库。"
        assert call("wrong")[0] == "管理员密码错误或未填写，操作被拒绝。"
    assert maintain.curated_rows(guarded, "s3cret", True)[1] == before
    assert "新词语" not in [w[0] for w in maintain.vocab_tables(guarded, "s3cret")[1]]


# --------------------------------------------------------------------------- 为什么这样回答


def test_the_why_panel_shows_the_last_answers_trace_in_chinese(ctx):
    from assistant.web import maintain

    assert "提问后" in maintain.trace_markdown([])
    _, _, turns, _ = _ask(ctx, "证书有效期几年？")
    text = maintain.trace_markdown(turns)
    for label in ("回答方式", "归一化后", "分词", "拒答判断", "融合分", "词法分 BM25", "稠密分", "标准回答"):
        assert label in text
    assert "有效期" in text


def test_old_export_folders_are_swept(tmp_path, monkeypatch):
    """A download folder older than an hour is removed when the next export is made; a fresh one stays."""
    import os
    import tempfile

    from assistant.web import maintain

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    first = maintain.export_dir()
    (first / "report.xlsx").write_bytes(b"x")
    old = time.time() - maintain.EXPORT_MAX_AGE - 60
    os.utime(first, (old, old))
    recent = maintain.export_dir()
    newest = maintain.export_dir()
    assert not first.exists()
    assert recent.exists() and newest.exists() and recent != newest
