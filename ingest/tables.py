"""Excel (.xlsx) and CSV tables -> FAQ pairs, score-sheet rows, or rows with their headers.

A sheet is recognised by its header row (the first row, among the first few, that names known
columns):
- **FAQ**: 问题/问/Q and 答案/答/A (optionally 相似问题/近义问法 and 来源/条款) -> one FAQ pair per row,
  written as ``## question {#faq-N}`` sections whose variants travel in ``meta["pairs"]``, the
  same convention as the corpus's Markdown FAQs, so each pair becomes one chunk and FAQ question
  matching sees the variants;
- **score sheet**: 指标/项目 and 满分/分值 (with 得分/实得, 是否涉及/删减 …) -> rows for the scoring
  tool (``score_sheet_rows``); when ingested it is kept as rows with headers like any table;
- **any other table**: one line per row, each cell with its header (``指标：… | 满分：…``).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

FAQ_COLUMNS: dict[str, tuple[str, ...]] = {
    "question": ("问题", "问", "q", "question", "常见问题", "提问"),
    "answer": ("答案", "答", "a", "answer", "回答", "解答", "答复"),
    "variants": ("相似问题", "近义问法", "相似问法", "同义问法", "其他问法", "variants"),
    "source": ("来源", "条款", "依据", "出处", "source"),
}
SCORE_NAME = ("指标", "项目", "指标名称", "评价指标", "二级指标", "name", "indicator")
SCORE_MAX = ("满分", "分值", "标准分", "应得分", "max", "max_points")
#: Score-sheet columns that carry no numbers the calculator needs; they are left out.
SCORE_IGNORED = ("序号", "编号", "一级指标", "备注", "说明", "要求", "评分要求", "评分标准", "评价要求",
                 "条款", "依据", "扣分说明", "评价方法", "no", "no.", "id")
SCORE_APPLICABLE = ("是否涉及", "涉及", "适用", "是否适用")
_TOTAL_ROW_RE = re.compile(r"^(合计|总计|小计|总分|total)$", re.I)
_HEADER_SCAN = 10
_VARIANT_SPLIT_RE = re.compile(r"[\n；;|｜/／]+")


class TableError(ValueError):
    """The table cannot be read; the message is Chinese."""


def _key(header: Any) -> str:
    return unicodedata.normalize("NFKC", str(header or "")).strip().lower().rstrip("：:")


def cell_text(value: Any) -> str:
    """A cell as text: whole floats without ``.0``, dates as ISO, None as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:-9] if text.endswith("T00:00:00") else text
    return re.sub(r"[ \t\u3000]+", " ", str(value)).strip()


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # raw cell values, header row included
    header_index: int = 0
    # 1-based row numbers as the user sees them (Excel rows / CSV lines), parallel to ``rows``
    row_numbers: list[int] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return [cell_text(c) for c in self.rows[self.header_index]] if self.rows else []

    def records(self) -> list[tuple[int, list[Any]]]:
        """(row number, cells) after the header, blank rows dropped."""
        out = []
        for i in range(self.header_index + 1, len(self.rows)):
            row = self.rows[i]
            if any(cell_text(c) for c in row):
                out.append((self.row_numbers[i] if self.row_numbers else i + 1, row))
        return out


def read_xlsx(data: bytes) -> list[Sheet]:
    """Every worksheet's cell values (cached formula results, not formulas)."""
    import zipfile

    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise TableError("这是旧版 Excel 格式（.xls）或已加密的表格，请用 Excel 或 WPS 另存为 .xlsx 后再导入")
        raise TableError("Excel 文件已损坏或不是 .xlsx 格式")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on bad input
        raise TableError(f"Excel 文件无法解析（{type(exc).__name__}）") from exc
    sheets = []
    try:
        for ws in wb.worksheets:
            rows: list[list[Any]] = []
            numbers: list[int] = []
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                values = list(row)
                while values and cell_text(values[-1]) == "":
                    values.pop()
                if values:
                    rows.append(values)
                    numbers.append(number)
            if rows:
                sheets.append(_with_header(Sheet(str(ws.title), rows, row_numbers=numbers)))
    finally:
        wb.close()
    return sheets


def read_csv_text(text: str, name: str = "") -> list[Sheet]:
    """A CSV (comma, tab or semicolon separated) as one sheet."""
    sample = text[:10000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Any]] = []
    numbers: list[int] = []
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for row in reader:
            if any(c.strip() for c in row):
                rows.append([c.strip() for c in row])
                numbers.append(reader.line_num)
    except csv.Error as exc:
        raise TableError(f"CSV 第 {reader.line_num} 行格式错误（{exc}）") from None
    return [_with_header(Sheet(name, rows, row_numbers=numbers))] if rows else []


def _columns(header: list[str], names: dict[str, tuple[str, ...]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, h in enumerate(header):
        k = _key(h)
        for col, aliases in names.items():
            if col not in found and k in aliases:
                found[col] = i
    return found


def _is_header(row: list[Any]) -> bool:
    header = [cell_text(c) for c in row]
    faq = _columns(header, FAQ_COLUMNS)
    if "question" in faq and "answer" in faq:
        return True
    keys = {_key(h) for h in header}
    return bool(keys & set(SCORE_NAME)) and bool(keys & set(SCORE_MAX))


def _with_header(sheet: Sheet) -> Sheet:
    """The header is the first row naming FAQ or score columns, else the first row with 2+ cells."""
    for i, row in enumerate(sheet.rows[:_HEADER_SCAN]):
        if _is_header(row):
            sheet.header_index = i
            return sheet
    for i, row in enumerate(sheet.rows[:_HEADER_SCAN]):
        if sum(1 for c in row if cell_text(c)) >= 2:
            sheet.header_index = i
            return sheet
    return sheet


def kind(sheet: Sheet) -> str:
    """``faq``, ``score`` or ``table``."""
    header = sheet.header
    faq = _columns(header, FAQ_COLUMNS)
    if "question" in faq and "answer" in faq:
        return "faq"
    keys = {_key(h) for h in header}
    if keys & set(SCORE_NAME) and keys & set(SCORE_MAX):
        return "score"
    return "table"


# --------------------------------------------------------------------------- to text


def faq_pairs(sheet: Sheet) -> list[dict[str, Any]]:
    """{question, answer, variants, source, row} per FAQ row with both a question and an answer."""
    cols = _columns(sheet.header, FAQ_COLUMNS)
    pairs = []
    for number, row in sheet.records():
        def get(col: str) -> str:
            i = cols.get(col)
            return cell_text(row[i]) if i is not None and i < len(row) else ""

        question, answer = get("question"), get("answer")
        if not question or not answer:
            continue
        variants = [v.strip() for v in _VARIANT_SPLIT_RE.split(get("variants")) if v.strip()]
        pairs.append({"question": question.replace("\n", " "), "answer": answer, "variants": variants,
                      "source": get("source"), "row": number})
    return pairs


def rows_text(sheet: Sheet) -> list[str]:
    """One line per row, each non-empty cell prefixed with its header."""
    header = sheet.header
    lines = [" | ".join(h or "—" for h in header)] if sum(1 for h in header if h) >= 2 else []
    for _, row in sheet.records():
        cells = []
        for i, value in enumerate(row):
            text = cell_text(value).replace("\n", " ")
            if not text:
                continue
            name = header[i] if i < len(header) else ""
            cells.append(f"{name}：{text}" if name and name != text else text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def tables_document(sheets: list[Sheet], title: str) -> tuple[str, str, dict[str, Any]]:
    """(text, doc_type, meta) for a workbook: FAQ sheets as Q/A sections, other sheets as rows.

    ``meta["pairs"]`` maps each FAQ anchor to its question and variants (the corpus convention
    read by ``ingest.chunking``). A workbook whose sheets are all FAQ is an ``faq`` document.
    """
    lines: list[str] = [f"# {title}"]
    pairs: dict[str, dict[str, Any]] = {}
    kinds = [kind(s) for s in sheets]
    many = len(sheets) > 1
    for sheet, k in zip(sheets, kinds):
        if many or k != "faq":
            lines += ["", f"## {sheet.name or '表格'}"]
        if k == "faq":
            for pair in faq_pairs(sheet):
                anchor = f"faq-{len(pairs) + 1}"
                pairs[anchor] = {"question": pair["question"], "variants": pair["variants"]}
                lines += ["", f"{'###' if many else '##'} {pair['question']} {{#{anchor}}}", "", pair["answer"]]
                if pair["source"]:
                    lines.append(f"来源：{pair['source']}")
        else:
            lines += ["", *rows_text(sheet)]
    all_faq = bool(kinds) and all(k == "faq" for k in kinds)
    meta: dict[str, Any] = {"pairs": pairs} if pairs else {}
    return "\n".join(lines).strip(), ("faq" if all_faq and pairs else "guide"), meta


# --------------------------------------------------------------------------- score sheets


def score_record(record: dict[str, Any], number: int) -> dict[str, Any] | None:
    """One score-sheet row as the scoring tool reads it, or None for a row to leave out.

    Headers stay as written (the scorer knows their aliases); descriptive columns (序号, 备注,
    要求 …) are dropped; 是否涉及 = 否 becomes 删减 = 是; 合计/总计 rows and group rows that carry a
    name but no numbers are left out. ``_row`` keeps the sheet's row number for messages.
    Raises ``TableError`` naming the row for a 是否涉及 value that is neither 是 nor 否.
    """
    kept: dict[str, Any] = {}
    name = ""
    applicable: tuple[str, str] | None = None
    for header, value in record.items():
        k = _key(header)
        if isinstance(value, str):
            value = value.strip()
        if not k or k in SCORE_IGNORED:
            continue
        if k in SCORE_APPLICABLE:
            applicable = (str(header), cell_text(value))
            continue
        if k in SCORE_NAME:
            name = cell_text(value)
        kept[str(header)] = value
    if _TOTAL_ROW_RE.match(name.replace(" ", "")):
        return None
    if applicable is not None:
        flag = _key(applicable[1])
        if flag in ("否", "不涉及", "no", "n", "0", "false", "×", "x"):
            kept["删减"] = "是"
        elif flag not in ("", "是", "涉及", "yes", "y", "1", "true", "√", "✓"):
            where = f"第 {number} 行" + (f"「{name}」" if name else "")
            raise TableError(f"评分表{where}的「{applicable[0]}」应填 是 或 否，收到「{applicable[1]}」")
    numbers = [v for h, v in kept.items() if _key(h) not in SCORE_NAME and cell_text(v)]
    if not numbers:
        return None  # a blank row, or a first-level group row (name only)
    kept["_row"] = number
    return kept


def score_sheet_rows(sheet: Sheet) -> list[dict[str, Any]]:
    """Rows for ``assistant.domain.scoring`` from a score sheet (see ``score_record``)."""
    header = sheet.header
    rows = []
    for number, row in sheet.records():
        record = {h: (row[i] if i < len(row) else None) for i, h in enumerate(header) if h}
        kept = score_record(record, number)
        if kept is not None:
            rows.append(kept)
    return rows


def find_score_sheet(sheets: list[Sheet]) -> Sheet | None:
    """The first sheet whose header names an indicator column and a max-points column."""
    return next((s for s in sheets if kind(s) == "score"), None)


__all__ = [
    "Sheet", "TableError", "faq_pairs", "find_score_sheet", "kind", "read_csv_text", "read_xlsx", "rows_text",
    "score_record", "score_sheet_rows", "tables_document",
]
