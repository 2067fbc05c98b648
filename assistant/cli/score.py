"""``python -m assistant score``: the GB/T 27922 grade calculator on the command line.

Reads the input (a total, earned + applicable total, or a CSV/JSON score sheet), hands it to
``assistant.pipeline.tools.run_calculate_grade`` (the same path the LLM tool uses) and prints the result.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers, common) -> None:
    from assistant.domain.grades import RULE

    p = subparsers.add_parser(
        "score",
        parents=[common],
        help="按 GB/T 27922 计算得分与等级",
        description=(
            f"按 GB/T 27922-2011 规则计算得分与等级（{RULE}）。"
            "输入三选一：--total；--earned + --applicable-total；--sheet 评分表（Excel .xlsx、CSV 或 JSON）。"
        ),
    )
    src = p.add_mutually_exclusive_group()
    # Numbers are read as text so scoring can reject "八十" with a Chinese message naming the flag.
    src.add_argument("--total", metavar="分数", help="百分制总分（0-100，特别扣分/加分之前）")
    src.add_argument("--earned", metavar="分数", help="实际得分（需配合 --applicable-total）")
    src.add_argument(
        "--sheet",
        metavar="FILE",
        help="评分表：Excel（.xlsx）或 CSV（列 name,max,earned,deduction,excluded,sampled,nonconforming，"
        "或 指标/项目,满分/分值,得分/实得,扣分,删减/是否涉及,抽样数,不符合数；序号、备注等说明列不参与计算）"
        "或 JSON 行对象列表",
    )
    src.add_argument("--rubric", action="store_true", help="列出 3 个一级指标和 15 个二级指标")
    p.add_argument("--applicable-total", metavar="分值", help="涉及项分值（未删减指标的分值之和）")
    p.add_argument("--special-deductions", default="0", metavar="N", help="特别扣分项个数（每个扣 1 分）")
    p.add_argument("--bonus", default="0", metavar="N", help="特别加分项个数（最多计 1 个，加 1 分）")
    p.add_argument("--json", action="store_true", help="输出 JSON 结果")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from assistant.errors import UserError

    try:
        if args.rubric:
            return _print_rubric(args.json)
        result = _calculate(args)
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if "error" in result:
        print(f"错误：{result['error']}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(result)
    else:
        from assistant.domain.scoring import format_result

        print(format_result(result))
    return 0


def _calculate(args: argparse.Namespace) -> dict[str, Any]:
    from assistant.errors import UserError
    from assistant.pipeline.tools import run_calculate_grade

    if args.applicable_total is not None and args.earned is None:
        raise UserError("--applicable-total 需要配合 --earned 使用")
    tool_args: dict[str, Any] = {
        "special_deductions": _flag_value(args.special_deductions, "--special-deductions", count=True),
        "bonus": _flag_value(args.bonus, "--bonus", count=True),
    }
    if args.total is not None:
        tool_args["total"] = _flag_value(args.total, "--total")
    elif args.earned is not None:
        if args.applicable_total is None:
            raise UserError("--earned 需要配合 --applicable-total（涉及项分值）使用")
        tool_args["earned"] = _flag_value(args.earned, "--earned")
        tool_args["applicable_total"] = _flag_value(args.applicable_total, "--applicable-total")
    elif args.sheet is not None:
        tool_args["rows"] = load_sheet_rows(Path(args.sheet))
    else:
        raise UserError("请给出 --total、--earned + --applicable-total 或 --sheet 之一（--rubric 查看指标）")
    return run_calculate_grade(tool_args)


def _flag_value(value: str, flag: str, *, count: bool = False) -> Any:
    """Check the flag's text here so the error names the flag, not the internal field."""
    from assistant.domain.scoring import to_count, to_fraction

    (to_count if count else to_fraction)(value, f"参数 {flag} ")
    return value


def load_sheet_rows(path: Path) -> list[Any]:
    """Score-sheet rows of a file (.xlsx, .csv or .json), checked row by row: what the app's
    calculator tab hands to ``run_calculate_grade(rows=…)`` for an uploaded sheet.
    Raises ``UserError`` with a Chinese message naming the row."""
    return checked_rows(read_sheet(Path(path)))


def checked_rows(rows: list[Any]) -> list[Any]:
    """Validate sheet rows one by one so an error names the sheet's row; drop ``_row``.

    The rows then go to the calculator unchanged (same exact arithmetic as every other input).
    """
    from assistant.errors import UserError
    from assistant.domain.scoring import parse_row
    from assistant.errors import ScoringError

    out = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or "_row" not in row:
            out.append(row)
            continue
        record = {k: v for k, v in row.items() if k != "_row"}
        try:
            parse_row(record, index)
        except ScoringError as exc:
            raise UserError(f"评分表第 {row['_row']} 行：{exc}") from None
        out.append(record)
    return out


def read_sheet(path: Path) -> list[dict[str, Any]]:
    """Rows of an Excel (.xlsx), CSV (UTF-8, UTF-8 with BOM or GBK from Excel) or JSON score sheet.

    Spreadsheet rows carry ``_row`` (their row number in the file) for ``checked_rows``.
    """
    from assistant.errors import UserError

    if not path.is_file():
        raise UserError(f"找不到评分表文件：{path}")
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et"):
        raise UserError(f"评分表 {path} 是旧版 Excel 格式，请用 Excel 或 WPS 另存为 .xlsx 后再试")
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    from assistant.lang.text import decode_text

    text = decode_text(path.read_bytes())
    if text is None:  # pragma: no cover - gb18030 decodes almost anything
        raise UserError(f"评分表 {path} 不是 UTF-8 或 GBK 编码的文本")
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        return _json_rows(text, path)
    return _csv_rows(text, path)


def _json_rows(text: str, path: Path) -> list[dict[str, Any]]:
    import json

    from assistant.errors import UserError

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"评分表 {path} 不是有效的 JSON（第 {exc.lineno} 行：{exc.msg}）") from None
    if isinstance(data, dict) and "rows" in data:
        data = data["rows"]
    if not isinstance(data, list):
        raise UserError(f"评分表 {path} 应是指标对象的列表（或含 rows 列表的对象）")
    return data


def _xlsx_rows(path: Path) -> list[dict[str, Any]]:
    from assistant.errors import UserError
    from ingest.tables import TableError, find_score_sheet, read_xlsx, score_sheet_rows

    try:
        sheets = read_xlsx(path.read_bytes())
        sheet = find_score_sheet(sheets)
        if sheet is None:
            names = "、".join(s.name for s in sheets) or "（无数据）"
            raise UserError(
                f"评分表 {path} 中没有找到评分表：需要表头含「指标/项目」和「满分/分值」的工作表（现有工作表：{names}）"
            )
        rows = score_sheet_rows(sheet)
    except TableError as exc:
        raise UserError(f"评分表 {path}：{exc}") from None
    if not rows:
        raise UserError(f"评分表 {path} 的工作表「{sheet.name}」在表头下没有指标行")
    return rows


def _csv_rows(text: str, path: Path) -> list[dict[str, Any]]:
    import csv
    import io

    from assistant.errors import UserError
    from ingest.tables import TableError, score_record

    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise UserError(f"评分表 {path} 是空的：第一行应是表头（如 name,max,earned）")
    rows = []
    for record in reader:
        if None in record:
            raise UserError(f"评分表 {path} 第 {reader.line_num} 行的列数多于表头")
        if all(not (v or "").strip() for v in record.values()):
            continue  # blank line
        # Excel often adds unnamed empty columns; drop those rather than reject the sheet.
        row = {k.strip(): v for k, v in record.items() if k and (k.strip() or (v or "").strip())}
        try:
            kept = score_record(row, reader.line_num)
        except TableError as exc:
            raise UserError(str(exc)) from None
        if kept is not None:
            rows.append(kept)
    return rows


def _print_rubric(as_json: bool) -> int:
    from assistant.domain.rubric import format_rubric, load_rubric

    if as_json:
        _print_json(load_rubric())
    else:
        print(format_rubric())
    return 0


def _print_json(data: Any) -> None:
    import json

    print(json.dumps(data, ensure_ascii=False, indent=2))
