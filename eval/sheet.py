"""The evaluator's own QA list: an expert's sheet (.xlsx / .csv) in the eval format.

Columns: 问题, 参考答案, 要点, 应拒答 (optional: 编号, 分类). 要点 holds the key points an answer
must contain: one point a line, alternatives for the same point separated by ；(or ;), e.g.
"3年；三年" then on the next line "每年监督". 应拒答: 是/否 (also 1/0, Y/N, true/false; empty = 否).

    items = load_sheet("专家问答.xlsx")          # what eval.harness.load_qa returns for a JSONL
    python -m assistant eval --qa 专家问答.xlsx   # load_qa hands .xlsx/.csv to load_sheet

Every row is checked before anything is returned; the first bad row raises QAError naming it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from assistant.errors import UserError

COLUMNS = {
    "问题": ("question",),
    "参考答案": ("标准答案", "答案", "gold_answer"),
    "要点": ("关键点", "得分要点", "key_points"),
    "应拒答": ("是否拒答", "拒答", "expect_abstain"),
    "编号": ("id", "序号"),
    "分类": ("类别", "category"),
}
REQUIRED = ("问题", "参考答案", "要点", "应拒答")
YES = {"是", "y", "yes", "true", "1", "应拒答", "拒答", "√", "✓"}
NO = {"否", "n", "no", "false", "0", "", "不", "×", "✗"}
DEFAULT_CATEGORY = "专家问答"


def _qa_error(message: str) -> Exception:
    from assistant.errors import QAError

    return QAError(message)


def key_points(cell: str) -> list[list[str]]:
    """'3年；三年\\n每年监督' -> [['3年', '三年'], ['每年监督']]."""
    groups = []
    for line in re.split(r"[\n\r]+", cell or ""):
        alternatives = [a.strip() for a in re.split(r"[；;]", line) if a.strip()]
        if alternatives:
            groups.append(alternatives)
    return groups


def _flag(text: str) -> bool | None:
    t = (text or "").strip().lower()
    if t in YES:
        return True
    if t in NO:
        return False
    return None


def load_sheet(path: Path | str) -> list[dict[str, Any]]:
    """The rows of an expert's QA sheet as eval items (raises QAError, in Chinese, on bad input)."""
    from assistant.upkeep.sheets import read_table
    from assistant.pipeline.similarity import match_text

    path = Path(path)
    try:
        rows = read_table(path, COLUMNS, REQUIRED, what="问答表")
    except UserError as exc:
        raise _qa_error(str(exc)) from None
    items: list[dict[str, Any]] = []
    seen_q: dict[str, int] = {}
    seen_id: dict[str, int] = {}
    for row in rows:
        c, n = row.cells, row.number
        where = f"{path.name} 第 {n} 行"
        question = c.get("问题", "")
        if not question:
            raise _qa_error(f"{where}：“问题”为空")
        key = match_text(question)
        if key in seen_q:
            raise _qa_error(f"{where}：问题“{question}”与第 {seen_q[key]} 行重复")
        seen_q[key] = n
        abstain = _flag(c.get("应拒答", ""))
        if abstain is None:
            raise _qa_error(f"{where}：“应拒答”应填 是 或 否，收到“{c.get('应拒答')}”")
        points = key_points(c.get("要点", ""))
        gold = c.get("参考答案", "")
        if not abstain and not points:
            raise _qa_error(f"{where}：“要点”为空（应拒答为“否”的题要写出答案必须包含的要点）")
        if not abstain and not gold:
            raise _qa_error(f"{where}：“参考答案”为空")
        item_id = c.get("编号") or f"sheet-{n:04d}"
        if item_id in seen_id:
            raise _qa_error(f"{where}：编号“{item_id}”与第 {seen_id[item_id]} 行重复")
        seen_id[item_id] = n
        items.append({"id": item_id, "question": question, "category": c.get("分类") or DEFAULT_CATEGORY,
                      "gold_answer": gold, "key_points": [] if abstain else points, "gold_sources": [],
                      "expect_abstain": abstain, "expected_score": None, "expected_grade": None,
                      "sheet_row": n})
    return items


def write_jsonl(items: list[dict[str, Any]], out: Path | str) -> Path:
    """Save converted items as a QA JSONL file (atomically)."""
    import json

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text("".join(json.dumps({k: v for k, v in it.items() if k != "sheet_row"}, ensure_ascii=False)
                           + "\n" for it in items), encoding="utf-8")
    tmp.replace(out)
    return out
