"""Reading and writing the maintainer's spreadsheets (.xlsx / .csv), with Chinese errors.

Used by curated-answer import, the evaluator's QA sheets and the unanswered-question export.
A sheet is read whole and checked before anything is written, so a bad sheet changes nothing.
openpyxl is imported only when an .xlsx file is read or written.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from assistant.errors import UserError
from assistant.lang.text import decode_text

MAX_SHEET_MB = 5  # a question list of a few thousand rows is well under 1 MB
MAX_ROWS = 5000
SUFFIXES = (".xlsx", ".csv")


@dataclass
class Row:
    number: int  # row number as the user sees it in the sheet (header is row 1)
    cells: dict[str, str]  # canonical column name -> cell text (stripped, "" when empty)


def _header_key(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).strip("*＊")


def cell_text(value: Any) -> str:
    """A cell as text: dates as YYYY-MM-DD, whole floats without ".0", None as ""."""
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def _read_csv(path: Path) -> list[list[str]]:
    text = decode_text(path.read_bytes())
    if text is None:
        raise UserError(f"无法识别 {path.name} 的文字编码（请另存为 UTF-8 的 CSV 或 .xlsx）")
    if "\x00" in text:
        raise UserError(f"{path.name} 不是文本格式的 CSV 文件")
    try:
        return [row for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise UserError(f"{path.name} 不是有效的 CSV：{exc}") from None


def _read_xlsx(path: Path) -> list[list[Any]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UserError(f"{path.name} 不是有效的 .xlsx 文件（{type(exc).__name__}）") from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise UserError(f"{path.name} 中没有工作表")
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        wb.close()


def read_table(path: Path | str, columns: dict[str, Sequence[str]], required: Sequence[str],
               *, what: str = "表格") -> list[Row]:
    """The rows of the first sheet of ``path`` (.xlsx or .csv).

    ``columns``: canonical name -> accepted header spellings (the canonical name included);
    ``required``: canonical names that must be present as columns. Blank rows are skipped.
    Raises UserError (Chinese, naming the file, row or column) for a missing or oversized file,
    an unknown format, missing or repeated columns, or too many rows.
    """
    path = Path(path)
    if not path.exists() or not path.is_file():
        raise UserError(f"找不到文件：{path}")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(f"{what}只支持 .xlsx 或 .csv 文件，收到的是 {path.name}")
    size = path.stat().st_size
    if size > MAX_SHEET_MB * 1024 * 1024:
        raise UserError(f"{path.name} 太大（{size / 1024 / 1024:.1f} MB），{what}不能超过 {MAX_SHEET_MB} MB；"
                        f"请拆分后分批导入")
    if size == 0:
        raise UserError(f"{path.name} 是空文件")
    grid = _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)
    grid = [r for r in grid]
    while grid and not any(cell_text(c) for c in grid[0]):
        grid.pop(0)  # blank lines above the header
    if not grid:
        raise UserError(f"{path.name} 没有内容（第一行应是表头：{'、'.join(columns)}）")
    header = [_header_key(c) for c in grid[0]]
    alias = {_header_key(a): name for name, spellings in columns.items() for a in (name, *spellings)}
    positions: dict[str, int] = {}
    for i, h in enumerate(header):
        name = alias.get(h)
        if name is None:
            continue
        if name in positions:
            raise UserError(f"{path.name} 的表头中“{name}”列出现了两次")
        positions[name] = i
    missing = [name for name in required if name not in positions]
    if missing:
        found = "、".join(h for h in header if h) or "（空）"
        optional = [name for name in columns if name not in required]
        raise UserError(f"{path.name} 缺少必需的列：{'、'.join(missing)}。找到的列：{found}。"
                        f"表头第一行应包含：{'、'.join(required)}" + (f"（可选：{'、'.join(optional)}）" if optional else ""))
    body = grid[1:]
    if len(body) > MAX_ROWS:
        raise UserError(f"{path.name} 行数过多（超过 {MAX_ROWS} 行），请拆分后分批导入")
    rows = []
    for offset, raw in enumerate(body, start=2):
        cells = {name: cell_text(raw[i]) if i < len(raw) else "" for name, i in positions.items()}
        if not any(cells.values()):
            continue
        rows.append(Row(offset, cells))
    if not rows:
        raise UserError(f"{path.name} 只有表头，没有数据行")
    return rows


def split_list(text: str, seps: str = "\n；;|") -> list[str]:
    """Split a cell holding several items (one a line, or separated by ； ; |), dropping blanks."""
    parts = re.split("[" + re.escape(seps) + "]", text or "")
    return [p.strip() for p in parts if p.strip()]


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(text: str) -> str:
    """'2024-05-01', '2024/5/1', '2024年5月1日' -> '2024-05-01'; '' stays ''; else ValueError."""
    text = (text or "").strip()
    if not text:
        return ""
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    m = _DATE.match(text)
    if not m:
        raise ValueError(text)
    return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()


def write_xlsx(path: Path | str, sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> Path:
    """Write one or more sheets (name -> (header, rows)) to ``path`` atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"导出文件名应以 .xlsx 结尾：{path.name}")
    wb = Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_safe_cell(v) for v in row])
        for i, _ in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = 24
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path


def _safe_cell(value: Any) -> Any:
    """Text that Excel would run as a formula is written as text."""
    if isinstance(value, str) and value.startswith("="):  # openpyxl would store a formula
        return "'" + value
    if isinstance(value, str):
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", value)
    return value
