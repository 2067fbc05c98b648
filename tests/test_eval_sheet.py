"""The evaluator's own QA list: an expert's .xlsx/.csv in the eval format, runs kept with a diff."""

from __future__ import annotations

import csv
import json

import pytest

from office_files import make_xlsx

from cli_run import cli

HEADER = ["问题", "参考答案", "要点", "应拒答"]



def test_sheet_becomes_eval_items(tmp_path):
    from eval.harness import load_qa

    path = make_xlsx(tmp_path / "qa.xlsx", [
        HEADER + ["分类"],
        ["证书有效期几年？", "一般为3年。", "3年；三年\n每年；监督", "否", "有效期"],
        ["今天天气怎么样？", None, None, "是", None],
    ])
    items = load_qa(path)
    assert [i["id"] for i in items] == ["sheet-0002", "sheet-0003"]
    assert items[0]["key_points"] == [["3年", "三年"], ["每年", "监督"]]
    assert items[0]["category"] == "有效期" and items[0]["gold_answer"] == "一般为3年。"
    assert not items[0]["expect_abstain"] and items[1]["expect_abstain"] and items[1]["key_points"] == []
    csv_path = tmp_path / "qa.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([HEADER, ["五星级需要多少分？", "95分", "95", "N"]])
    assert load_qa(csv_path)[0]["key_points"] == [["95"]]


BAD = {
    "wrong_columns": ([["问题", "回复"], ["a", "b"]], "缺少必需的列：参考答案、要点、应拒答。找到的列：问题、回复"),
    "empty_question": ([HEADER, [None, "3年", "3年", "否"]], "第 2 行：“问题”为空"),
    "empty_points": ([HEADER, ["证书几年？", "3年", "", "否"]], "第 2 行：“要点”为空"),
    "bad_flag": ([HEADER, ["证书几年？", "3年", "3年", "也许"]], "“应拒答”应填 是 或 否"),
    "duplicate": ([HEADER, ["证书几年？", "3年", "3年", "否"], ["证书几年", "3年", "3年", "否"]],
                  "第 3 行：问题“证书几年”与第 2 行重复"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_sheets_raise_chinese_qa_errors(tmp_path, name):
    from assistant.errors import QAError
    from eval.harness import load_qa

    rows, message = BAD[name]
    with pytest.raises(QAError, match=message):
        load_qa(make_xlsx(tmp_path / f"{name}.xlsx", rows))


def test_a_10_mb_sheet_is_refused(tmp_path):
    from assistant.errors import QAError
    from eval.harness import load_qa

    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("问题,参考答案,要点,应拒答\n")
        while fh.tell() < 10 * 1024 * 1024:
            fh.write("问" * 50 + "," + "答" * 300 + ",要点,否\n")
    with pytest.raises(QAError, match="太大（10.0 MB），问答表不能超过 5 MB"):
        load_qa(big)


@pytest.mark.slow
def test_eval_cli_reads_a_sheet_and_refuses_a_bad_one(corpus_kb, tmp_path, monkeypatch, capsys):
    good = make_xlsx(tmp_path / "good.xlsx", [HEADER, ["证书有效期几年？", "3年", "3年；三年", "否"],
                                               ["今天天气怎么样？", "", "", "是"]])
    out = cli(["eval", "--qa", str(good), "--no-baseline", "--json", "--out", str(tmp_path / "out")], corpus_kb)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["info"]["n_items"] == 2
    bad = make_xlsx(tmp_path / "bad.xlsx", [["题目"], ["x"]])
    out = cli(["eval", "--qa", str(bad), "--no-baseline"], corpus_kb, monkeypatch, capsys)
    assert out.returncode == 2 and out.stderr.startswith("错误：") and "缺少必需的列" in out.stderr


def test_run_history_diff_and_report(corpus_kb, tmp_path):
    from openpyxl import load_workbook

    from eval.history import diff_text, export_report, list_runs, run_and_record

    settings = corpus_kb.with_(data_dir=tmp_path / "data")  # history in its own folder, same KB
    sheet = tmp_path / "专家.xlsx"
    make_xlsx(sheet, [HEADER, ["证书有效期几年？", "3年", "3年；三年", "否"],
                       ["五星级需要多少分？", "95分", "不可能出现的要点", "否"],
                       ["今天天气怎么样？", "", "", "是"]])
    first = run_and_record(settings, sheet)
    assert first["diff"]["previous_run"] is None and first["diff"]["counts"]["new"] == 3
    wrong = next(i for i in first["items"] if i["id"] == "sheet-0003")
    assert not wrong["correct"] and wrong["missing_key_points"] == [["不可能出现的要点"]]
    assert wrong["gold_answer"] == "95分"
    # the expert corrects row 3 and tightens row 2: one fixed, one broken, one unchanged
    make_xlsx(sheet, [HEADER, ["证书有效期几年？", "3年", "另一个不可能的要点", "否"],
                       ["五星级需要多少分？", "95分", "95", "否"],
                       ["今天天气怎么样？", "", "", "是"]])
    second = run_and_record(settings, sheet)
    d = second["diff"]
    assert d["previous_run"] == first["run_id"]
    assert (d["fixed"], d["broken"], d["unchanged_correct"]) == (["sheet-0003"], ["sheet-0002"], ["sheet-0004"])
    assert "修复 1 题，新错 1 题" in diff_text(d)
    assert [r["run_id"] for r in list_runs(settings, sheet)] == [first["run_id"], second["run_id"]]
    from eval.history import qa_sets

    sets = {s["name"]: s for s in qa_sets(settings)}
    assert sets["专家.xlsx"]["runs"] == 2 and sets["专家.xlsx"]["path"] == str(sheet) and sets["qa.jsonl"]["runs"] == 0
    stored = json.loads((settings.data_dir / "eval_history" / "专家.xlsx" / f"{second['run_id']}.json").read_text("utf-8"))
    assert stored["diff"]["counts"]["fixed"] == 1
    wb = load_workbook(export_report(second, tmp_path / "报告.xlsx"))
    assert wb.sheetnames == ["汇总", "逐题", "变化"]
    changes = list(wb["变化"].iter_rows(values_only=True))[1:]
    assert sorted(r[0] for r in changes) == ["修复", "新错"]
    md = export_report(second, tmp_path / "报告.md").read_text("utf-8")
    assert "另一个不可能的要点" in md and "新错" in md
    with pytest.raises(Exception, match="只能导出为"):
        export_report(second, tmp_path / "报告.pdf")


def test_qa_cli_run_and_history(corpus_kb, tmp_path, monkeypatch, capsys):
    settings = corpus_kb.with_(data_dir=corpus_kb.data_dir)
    sheet = make_xlsx(tmp_path / "cli-qa.xlsx", [HEADER, ["证书有效期几年？", "3年", "3年", "否"]])
    for _ in range(2):
        out = cli(["qa", "run", str(sheet), "--json"], settings, monkeypatch, capsys)
        assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["diff"]["counts"]["unchanged_correct"] == 1
    hist = json.loads(cli(["qa", "history", str(sheet), "--json"], settings, monkeypatch, capsys).stdout)
    assert len(hist) >= 2
    out = cli(["qa", "run", str(tmp_path / "missing.xlsx")], settings, monkeypatch, capsys)
    assert out.returncode == 2 and "找不到文件" in out.stderr
