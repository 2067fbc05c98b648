"""The calculator tab: total, earned + applicable total, or a score sheet → the scoring tool.

A score sheet is typed into the tab's table or uploaded as a file (.xlsx / .csv): the file goes
through the CLI's ``load_sheet_rows`` (``python -m assistant score --sheet``), so both give the
same exact arithmetic and the same row-level Chinese errors.

Score sheet convention (calculator tab): a row whose 满分 cell is empty is "not filled" and
skipped (so the 15 pre-filled indicator names cost nothing); a row that has 得分, 抽样数 or
不符合数 but no 满分 is an error naming the row. 删减 is a check box; a checked row with no 满分
is skipped too (an excluded indicator does not count either way).
"""

from __future__ import annotations

from typing import Any

from assistant.errors import UserError
from assistant.present import score_summary
from assistant.web.charts import grade_chart
from assistant.web.render import friendly_error

SHEET_COLUMNS = ("指标", "满分", "得分", "删减", "抽样数", "不符合数")
SHEET_DATATYPES = ("str", "str", "str", "bool", "str", "str")


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # NaN (float, numpy, pandas)
    except (TypeError, ValueError):
        return True  # pandas.NA and friends


def default_sheet() -> list[list[Any]]:
    """The 15 second-level indicators with empty cells (point values come from the user's sheet)."""
    from assistant.domain.rubric import indicators

    return [[item["name"], "", "", False, "", ""] for item in indicators()]


def _table_rows(table: Any) -> list[list[Any]]:
    """A Dataframe value (list of lists, pandas DataFrame, or {"data": ...}) -> list of lists."""
    if table is None:
        return []
    if isinstance(table, dict):
        table = table.get("data") or []
    if hasattr(table, "values") and hasattr(table, "columns"):
        table = table.values.tolist()
    return [list(r) for r in table]


def sheet_records(table: Any) -> list[dict]:
    """Filled rows of the calculator sheet as scoring records (Chinese column names).

    A row without 满分 is skipped; one with 得分/抽样数/不符合数 but no 满分 is an error naming
    the row. Each kept row is validated here with its own row number, so messages point at the
    row the user sees.
    """
    from assistant.domain.scoring import parse_row
    from assistant.errors import ScoringError

    records = []
    for i, raw in enumerate(_table_rows(table), start=1):
        row = (list(raw) + [None] * len(SHEET_COLUMNS))[: len(SHEET_COLUMNS)]
        cells = dict(zip(SHEET_COLUMNS, row))
        name = "" if _blank(cells["指标"]) else str(cells["指标"]).strip()
        where = f"第{i}行" + (f"「{name}」" if name else "")
        if _blank(cells["满分"]):
            filled = [c for c in ("得分", "抽样数", "不符合数") if not _blank(cells[c])]
            if filled:
                raise ScoringError(f"{where}填了{'、'.join(filled)}，但「满分」是空的：请填满分，或清空这一行")
            continue
        record = {col: cells[col] for col in SHEET_COLUMNS if not _blank(cells[col])}
        record["指标"] = name or f"第{i}行"
        if "删减" in record and not isinstance(record["删减"], str):
            record["删减"] = bool(record["删减"])  # check box (numpy/pandas bools included)
        try:
            parse_row(record, i)
        except ScoringError as exc:
            raise ScoringError(str(exc).replace(f"第{i}条指标", f"第{i}行", 1)) from None
        records.append(record)
    if not records:
        raise ScoringError("评分表还没有填写：至少给一行填上「满分」和「得分」（或抽样数/不符合数）")
    return records


def _count(value: Any) -> Any:
    if _blank(value):
        return 0
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


SHEET_FILE_TYPES = (".xlsx", ".csv")
SHEET_FILE_MAX_BYTES = 5 * 1024 * 1024  # as every maintainer sheet (assistant/upkeep/sheets.py)


def sheet_file_records(upload: Any) -> list[Any]:
    """Rows of an uploaded score sheet (.xlsx / .csv), read and checked by the same
    ``load_sheet_rows`` as ``python -m assistant score --sheet`` (row-level Chinese errors that
    name the file as the user named it, never the server's temporary path). The framework's
    temporary copy stays (the sheet can be recomputed with other deductions) until its cache
    sweep removes it."""
    from pathlib import Path

    from assistant.cli.score import load_sheet_rows
    from assistant.web.admin import _source_of

    if not upload:
        raise UserError("请先上传评分表文件（Excel .xlsx 或 CSV）")
    if isinstance(upload, (list, tuple)) and upload and not isinstance(upload[0], str):
        upload = upload[0]
    path, original = _source_of(upload)
    name = Path(str(original).replace("\\", "/")).name or path.name
    ext = Path(name).suffix.lower()
    if ext in (".xls", ".et", ".wps"):
        raise UserError(f"「{name}」是旧版 Excel/WPS 格式，请另存为 .xlsx 后再上传")
    if ext not in SHEET_FILE_TYPES:
        raise UserError(f"「{name}」的类型 {ext or '（无扩展名）'} 不支持；评分表请上传 Excel（.xlsx）或 CSV 文件")
    try:
        size = path.stat().st_size
    except OSError:
        raise UserError(f"「{name}」读取失败，请重新上传") from None
    if size == 0:
        raise UserError(f"「{name}」是空文件")
    if size > SHEET_FILE_MAX_BYTES:
        raise UserError(f"「{name}」过大（{size / 1048576:.1f} MB），评分表上限为 5 MB")
    try:
        return load_sheet_rows(path)
    except UserError as exc:
        raise UserError(str(exc).replace(str(path), f"「{name}」")) from None


def calculate_score(mode: str, total: Any = None, earned: Any = None, applicable_total: Any = None,
                    table: Any = None, special_deductions: Any = 0, bonus: Any = 0, sheet_file: Any = None):
    """The calculator tab: returns (summary markdown, result dict, matplotlib figure or None).

    ``mode`` is "total" (总分), "earned" (实际得分+涉及项分值), "sheet" (评分表) or "file" (an
    uploaded score-sheet file, ``sheet_file``).
    """
    from assistant.pipeline.tools import run_calculate_grade

    try:
        args: dict[str, Any] = {"special_deductions": _count(special_deductions),
                                "bonus": _count(bonus)}
        if mode == "file":
            args["rows"] = sheet_file_records(sheet_file)
        elif mode == "sheet":
            args["rows"] = sheet_records(table)
        elif mode == "earned":
            if _blank(earned) or _blank(applicable_total):
                raise UserError("请填写「实际得分」和「涉及项分值」两个数")
            args["earned"], args["applicable_total"] = earned, applicable_total
        else:
            if _blank(total):
                raise UserError("请先填写百分制总分（0–100）")
            args["total"] = total
        result = run_calculate_grade(args)
    except UserError as exc:
        result = {"error": str(exc)}
    except Exception as exc:
        result = {"error": friendly_error(exc, "计算得分")}
    figure = None if "error" in result else grade_chart(result["score"], result["grade"])
    return score_summary(result), result, figure
