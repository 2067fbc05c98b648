"""The 评测 tab's handlers (assistant/web/dashboard.py), without a browser: an expert's sheet
uploaded and run twice (the second run diffs with the first), failures with the missing key
point and the reference answer, the history, the report download, documents as a fresh
temporary knowledge base, and bad sheets refused in Chinese with nothing stored."""

from __future__ import annotations

import pytest

from office_files import make_xlsx

HEADER = ["问题", "参考答案", "要点", "应拒答"]



@pytest.fixture
def ctx(corpus_kb, tmp_path):
    from assistant.web.context import AppContext

    # the session's knowledge base, with this test's own data dir for the run history
    return AppContext(corpus_kb.with_(data_dir=tmp_path / "data"), assistant=None)


@pytest.fixture
def kb_ctx(corpus_kb, tmp_path):
    """The session knowledge base itself; the run history goes to a copy of its settings."""
    from assistant.web.context import AppContext

    return AppContext(corpus_kb)


def _runs(settings, name):
    from eval.history import list_runs

    return list_runs(settings, name)


def test_an_uploaded_sheet_runs_twice_and_the_second_run_shows_the_diff(kb_ctx, tmp_path):
    from openpyxl import load_workbook

    from assistant.web import dashboard

    upload_tmp = tmp_path / "gradio-tmp-abc.xlsx"  # the framework's temporary name; the user's is 专家问答.xlsx
    make_xlsx(upload_tmp, [HEADER, ["证书有效期几年？", "3年", "3年；三年", "否"],
                            ["五星级需要多少分？", "95分", "不可能出现的要点", "否"],
                            ["今天天气怎么样？", "", "", "是"]])
    name = f"专家问答-{tmp_path.name}.xlsx"  # one history per sheet name
    upload = (name, str(upload_tmp))
    message, metrics, figure, failures, history, diff, run = dashboard.run_eval_tab(
        kb_ctx, dashboard.QA_UPLOADED, upload)
    assert message.startswith(f"已评测 {name} 的 3 题") and "首次运行" in message, message
    assert metrics and figure is not None and len(history) == 1
    wrong = next(r for r in failures if r[2] == "五星级需要多少分？")
    assert wrong[4] == "不可能出现的要点" and wrong[5] == "95分"  # missing key point, reference answer
    assert all(r[0] == "新增" for r in diff)
    # the expert corrects row 3 and tightens row 2: one fixed, one broken
    make_xlsx(upload_tmp, [HEADER, ["证书有效期几年？", "3年", "另一个不可能的要点", "否"],
                            ["五星级需要多少分？", "95分", "95", "否"],
                            ["今天天气怎么样？", "", "", "是"]])
    message, metrics, figure, failures, history, diff, run = dashboard.run_eval_tab(
        kb_ctx, dashboard.QA_UPLOADED, upload)
    assert "修复 1 题，新错 1 题" in message, message
    assert [r[4:6] for r in history] == [[1, 1], ["—", "—"]]  # newest first
    assert [r[0] for r in diff][:2] == ["修复", "新错"]
    assert {r[1]: r[0] for r in diff}["sheet-0003"] == "修复"
    broken = next(r for r in failures if r[0] == "sheet-0002")
    assert broken[7] == "新错" and broken[4] == "另一个不可能的要点" and broken[5] == "3年"
    # history without running
    message, history2, diff2, last = dashboard.eval_history(kb_ctx, dashboard.QA_UPLOADED, upload)
    assert "共 2 次评测" in message and history2 == history and last["run_id"] == run["run_id"]
    # the report, both formats
    msg, path = dashboard.eval_export(kb_ctx, run, ".xlsx")
    assert path.endswith(".xlsx") and load_workbook(path).sheetnames == ["汇总", "逐题", "变化"]
    msg, path = dashboard.eval_export(kb_ctx, run, ".md")
    text = open(path, encoding="utf-8").read()
    assert "另一个不可能的要点" in text and "新错" in text
    assert dashboard.eval_export(kb_ctx, None)[0].startswith("请先运行一次评测")


BAD = {
    "wrong_columns.xlsx": ([["问题", "回复"], ["a", "b"]], "缺少必需的列：参考答案、要点、应拒答"),
    "empty_cells.xlsx": ([HEADER, [None, "3年", "3年", "否"]], "第 2 行：“问题”为空"),
    "empty_points.xlsx": ([HEADER, ["证书几年？", "3年", "", "否"]], "第 2 行：“要点”为空"),
    "duplicates.xlsx": ([HEADER, ["证书几年？", "3年", "3年", "否"], ["证书几年", "3年", "3年", "否"]],
                        "第 3 行：问题“证书几年”与第 2 行重复"),
}


def test_bad_sheets_are_refused_in_chinese_and_no_run_is_stored(ctx, tmp_path):
    from assistant.web import dashboard

    for name, (rows, expected) in BAD.items():
        path = make_xlsx(tmp_path / f"tmp-{name}", rows)
        message, metrics, figure, failures, history, diff, run = dashboard.run_eval_tab(
            ctx, dashboard.QA_UPLOADED, (name, str(path)))
        assert message.startswith(f"运行评测失败：{name}") and expected in message, message
        assert run is None and not metrics
        assert _runs(ctx.settings, name) == []
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("问题,参考答案,要点,应拒答\n")
        while fh.tell() < 10 * 1024 * 1024:
            fh.write("问" * 50 + "," + "答" * 300 + ",要点,否\n")
    message, *_ = dashboard.run_eval_tab(ctx, dashboard.QA_UPLOADED, ("大表.csv", str(big)))
    assert "太大（10.0 MB），问答表不能超过 5 MB" in message
    message, *_ = dashboard.run_eval_tab(ctx, dashboard.QA_UPLOADED, ("notes.txt", str(big)))
    assert message == "运行评测失败：问答集只支持 .xlsx、.csv 或 .jsonl 文件，收到的是 notes.txt"
    assert dashboard.run_eval_tab(ctx, dashboard.QA_UPLOADED, None)[0].startswith("运行评测失败：请先上传问答表")
    assert dashboard.run_eval_tab(ctx, "/etc/passwd")[0] == "运行评测失败：请选择内置问答集之一，或上传问答表"
    sheet = make_xlsx(tmp_path / "ok.xlsx", [HEADER, ["证书有效期几年？", "3年", "3年", "否"]])
    message, *_ = dashboard.run_eval_tab(ctx, dashboard.QA_UPLOADED, str(sheet), dashboard.DOCS_FOLDER,
                                         None, str(tmp_path / "nope"))
    assert message.startswith("运行评测失败：找不到文档文件夹")
    message, *_ = dashboard.run_eval_tab(ctx, dashboard.QA_UPLOADED, str(sheet), dashboard.DOCS_UPLOAD, None)
    assert message.startswith("运行评测失败：请先上传要评测的文档")
    assert not (ctx.settings.data_dir / "eval_history").exists()  # nothing half-written


def test_uploaded_documents_make_a_fresh_temporary_knowledge_base(ctx, tmp_path):
    from assistant.web import dashboard

    doc = tmp_path / "tmp-upload-1.md"
    doc.write_text("# 上门维修承诺\n\n本公司承诺：接到报修后二十四小时内上门维修，维修记录保存三年。\n", encoding="utf-8")
    sheet = make_xlsx(tmp_path / "维修.xlsx", [HEADER, ["接到报修后多久上门维修？", "二十四小时内", "二十四小时", "否"]])
    message, metrics, figure, failures, history, diff, run = dashboard.run_eval_tab(
        ctx, dashboard.QA_UPLOADED, str(sheet), dashboard.DOCS_UPLOAD, [("维修承诺.md", str(doc))])
    assert "临时知识库" in message and run["docs"] == ["维修承诺.md"], message
    assert run["items"][0]["correct"], run["items"][0]
    assert history[0][8] == "维修承诺.md"
    # the app's own knowledge base was not touched: nothing was ingested into this data dir
    assert not (ctx.settings.data_dir / "chroma").exists()


def test_the_eval_tab_needs_the_admin_password_when_set(corpus_kb, tmp_path):
    from assistant.web import dashboard
    from assistant.web.context import AppContext

    guarded = AppContext(corpus_kb.with_(data_dir=tmp_path / "data", admin_password="pw"))
    assert dashboard.run_eval_tab(guarded, None, None, password="x")[0] == "管理员密码错误或未填写，操作被拒绝。"
    assert dashboard.eval_history(guarded, None, None, password="")[0] == "请先填写管理员密码，才能管理知识库。"
    assert dashboard.eval_export(guarded, {"items": [1]}, ".md", password="")[1] is None
    choices = dashboard.qa_choices()
    assert choices[0][1].endswith("qa.jsonl") and choices[-1][1] == dashboard.QA_UPLOADED
