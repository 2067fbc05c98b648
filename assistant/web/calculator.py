"""The calculator tab: total, earned + applicable total, or a score sheet → the scoring tool.

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


def calculate_score(mode: str, total: Any = None, earned: Any = None, applicable_total: Any = None,
                    table: Any = None, special_deductions: Any = 0, bonus: Any = 0):
    """The calculator tab: returns (summary markdown, result dict, matplotlib figure or None).

    ``mode`` is "total" (总分), "earned" (实际得分+涉及项分值) or "sheet" (评分表).
    """
    from assistant.pipeline.tools import run_calculate_grade

    try:
        args: dict[str, Any] = {"special_deductions": _count(special_deductions),
                                "bonus": _count(bonus)}
        if mode == "sheet":
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
