"""``python -m assistant score``: human and JSON output, sheets, rubric, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main

REPO = Path(__file__).resolve().parents[1]

CSV_EN = """name,max,earned,deduction,excluded,sampled,nonconforming
组织架构,40,38,,,,
人员配置,40,,2,no,,
废弃商品回收,20,,,yes,,
"""
CSV_ZH = """指标,分值,得分,扣分,删减,抽样数,不符合数
人员资质,10,,,,4,1
组织架构,20,20,,,,
维修,10,,,是,,
"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "score", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


# --------------------------------------------------------------------------- subprocess


def test_total_human_output():
    proc = run_cli("--total", "88")
    assert proc.returncode == 0, proc.stderr
    assert "88.00" in proc.stdout and "三星级" in proc.stdout and "还差 2 分" in proc.stdout


def test_total_json_output():
    proc = run_cli("--total", "94.999", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["grade"] == "四星级" and data["score_exact"] == "94.999" and data["next_grade"] == "五星级"


def test_earned_applicable_with_special_deduction():
    proc = run_cli("--earned", "72", "--applicable-total", "90", "--special-deductions", "1", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["score"] == 79.0 and data["grade"] == "达标"


def test_csv_sheet_with_english_headers(tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(CSV_EN, encoding="utf-8")
    proc = run_cli("--sheet", str(sheet), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["applicable_total"] == 80.0 and data["earned_total"] == 76.0
    assert data["grade"] == "五星级"
    assert data["excluded"] == [{"name": "废弃商品回收", "max": 20.0}]


def test_bad_input_is_one_line_on_stderr_exit_2():
    proc = run_cli("--total", "八十")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().startswith("错误：") and "--total" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_rubric_listing():
    proc = run_cli("--rubric")
    assert proc.returncode == 0, proc.stderr
    assert "组织架构（5.1.1）" in proc.stdout and "投诉处理" in proc.stdout
    assert "15 个二级指标" in proc.stdout


# --------------------------------------------------------------------------- in-process


def test_main_csv_with_chinese_headers_gbk(tmp_path, capsys):
    sheet = tmp_path / "评分表.csv"
    sheet.write_bytes(CSV_ZH.encode("gbk"))  # Excel on Chinese Windows saves GBK
    assert main(["score", "--sheet", str(sheet), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # (10 × 3/4 + 20) / 30 × 100 = 275/3; 维修 excluded
    assert data["score_exact"] == "275/3" and data["score"] == 91.67
    assert data["grade"] == "四星级" and data["excluded"] == [{"name": "维修", "max": 10.0}]


def test_main_csv_with_bom_and_trailing_empty_column(tmp_path, capsys):
    sheet = tmp_path / "bom.csv"
    sheet.write_text("name,max,earned,\n组织架构,10,9,\n", encoding="utf-8-sig")
    assert main(["score", "--sheet", str(sheet), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["score"] == 90.0


def test_main_json_sheet_and_bonus_cap(tmp_path, capsys):
    sheet = tmp_path / "sheet.json"
    sheet.write_text(
        json.dumps([{"name": "组织架构", "max": 50, "earned": 50}, {"指标": "配送", "满分": 50, "得分": 50}]),
        encoding="utf-8",
    )
    assert main(["score", "--sheet", str(sheet), "--bonus", "3"]) == 0
    out = capsys.readouterr().out
    assert "100.00" in out and "五星级" in out and "最多计 1 个" in out and "超过满分" in out


def test_main_json_object_with_rows(tmp_path, capsys):
    sheet = tmp_path / "sheet.json"
    sheet.write_text(json.dumps({"rows": [{"name": "a", "max": 10, "sampled": 4, "nonconforming": 1}]}), "utf-8")
    assert main(["score", "--sheet", str(sheet), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["score"] == 75.0


def test_main_rubric_json(capsys):
    assert main(["score", "--rubric", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sum(len(g["second_level"]) for g in data["first_level"]) == 15


BAD_SHEETS = [
    ("bad_cell.csv", "指标,满分,得分\n组织架构,10,八十\n", "第1条指标「组织架构」的「得分」"),
    ("unknown.csv", "name,max,weight\na,10,3\n", "未知列「weight」"),
    ("extra.csv", "name,max,earned\na,10,5,7\n", "列数多于表头"),
    ("empty.csv", "", "是空的"),
    ("over.csv", "name,max,earned\na,10,11\n", "超过满分"),
    ("excl.csv", "name,max,earned,excluded\na,10,5,是\nb,10,5,\n", "已删减"),
    ("bad.json", "[{\"name\": \"a\", \"max\": 10,", "不是有效的 JSON"),
    ("obj.json", "{\"name\": \"a\"}", "列表"),
    ("sample.json", "[{\"name\": \"a\", \"max\": 10, \"sampled\": 2, \"nonconforming\": 3}]", "大于抽样数"),
]


@pytest.mark.parametrize(("filename", "content", "fragment"), BAD_SHEETS)
def test_main_bad_sheets(tmp_path, capsys, filename, content, fragment):
    sheet = tmp_path / filename
    sheet.write_text(content, encoding="utf-8")
    assert main(["score", "--sheet", str(sheet)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and fragment in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--total", "101"], "0 到 100"),
        (["--total", "-5"], "0 到 100"),
        (["--total", "nan"], "NaN"),
        (["--total", "inf"], "NaN"),
        (["--total", "80", "--bonus", "-1"], "--bonus"),
        (["--total", "80", "--special-deductions", "1.5"], "--special-deductions"),
        (["--total", "80", "--special-deductions", "一"], "--special-deductions"),
        (["--earned", "76"], "--applicable-total"),
        (["--earned", "76", "--applicable-total", "0"], "不能为 0"),
        (["--earned", "81", "--applicable-total", "80"], "超过"),
        (["--earned", "x", "--applicable-total", "80"], "--earned"),
        (["--total", "80", "--applicable-total", "80"], "--earned"),
        (["--sheet", "/no/such/file.csv"], "找不到"),
        ([], "--total"),
    ],
)
def test_main_bad_flags(capsys, argv, fragment):
    assert main(["score", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and fragment in err and len(err.strip().splitlines()) == 1
