"""Word (.docx) -> text with Markdown headings, numbered clauses and tables kept as rows.

python-docx opens the package; the body is walked as raw WordprocessingML so that everything a
reader sees is kept once, in order:
- paragraphs styled Title / Heading N (or with an outline level) become ``#`` headings, so the
  chunker builds the heading path from them;
- automatic numbering (``numPr`` on the paragraph or its style) is rendered as Word shows it
  ("5.1.2", "1.", "（一）", "a)"), so numbered clauses keep their numbers;
- tables become one line per row that repeats the header: ``指标：服务承诺 | 满分：10 | …``
  after a header line ``指标 | 满分 | 要求``; merged cells are read once;
- text boxes are read once (Word stores a modern copy and a VML fallback of each; the fallback
  is skipped), right after the paragraph that anchors them;
- header and footer text is kept once per distinct text, in a final section ``页眉与页脚``;
- tables of contents, deleted revisions and field codes are left out.
"""

from __future__ import annotations

import io
import re
from typing import Any, Iterator

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    return "{%s}%s" % ({"w": W_NS, "mc": MC_NS}[prefix], local)


_P, _TBL, _SDT, _R, _T = _q("w:p"), _q("w:tbl"), _q("w:sdt"), _q("w:r"), _q("w:t")
_TXBX = _q("w:txbxContent")
_FALLBACK = _q("mc:Fallback")
_VAL = _q("w:val")
_SKIP_IN_PARAGRAPH = {_q("w:delText"), _q("w:instrText"), _q("w:pPr"), _q("w:rPr"), _FALLBACK, _TXBX,
                      _q("w:del"), _q("w:moveFrom"), _q("w:footnoteReference"), _q("w:commentReference")}
_HEADING_NAME_RE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_CN_PUNCT_END = "、．）)】]：:"
_JUNK_TITLE_RE = re.compile(r"^(microsoft word - |untitled|无标题|未命名|document\d*$|文档\d*$)|\.(docx?|wps)$", re.I)


class DocxError(ValueError):
    """The file is not a readable .docx; the message is Chinese and names the problem."""


# --------------------------------------------------------------------------- numbering

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_IDEOGRAPH = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"


def _chinese_number(n: int, digits: str = _CN_DIGITS, ten: str = "十") -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return ten + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + ten + (digits[n % 10] if n % 10 else "")
    return str(n)


def _roman(n: int) -> str:
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """One level's counter in Word's number format (``numFmt``)."""
    if fmt in ("decimal", "", None):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperRoman", "lowerRoman"):
        r = _roman(n)
        return r if fmt == "upperRoman" else r.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        s = _letters(n)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "ideographDigital", "taiwaneseCountingThousand"):
        return _chinese_number(n)
    if fmt == "chineseLegalSimplified":
        return _chinese_number(n, _CN_LEGAL, "拾")
    if fmt == "ideographTraditional":
        return _IDEOGRAPH[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _ZODIAC[(n - 1) % 12]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "none":
        return ""
    return str(n)


class _Numbering:
    """Renders automatic list numbers as Word displays them, counting as the body is read."""

    def __init__(self, numbering_element: Any | None):
        self.levels: dict[tuple[str, int], dict[str, Any]] = {}
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, list[int]] = {}  # per abstract definition, 9 levels
        self.started: dict[str, bool] = {}
        if numbering_element is None:
            return
        abstract: dict[str, dict[int, dict[str, Any]]] = {}
        for an in numbering_element.iter(_q("w:abstractNum")):
            aid = an.get(_q("w:abstractNumId"))
            abstract[aid] = {int(lvl.get(_q("w:ilvl"), "0")): self._level(lvl) for lvl in an.iter(_q("w:lvl"))}
        for num in numbering_element.iter(_q("w:num")):
            nid = num.get(_q("w:numId"))
            ref = num.find(_q("w:abstractNumId"))
            aid = ref.get(_VAL) if ref is not None else None
            if aid not in abstract:
                continue
            self.abstract_of[nid] = aid
            levels = dict(abstract[aid])
            for override in num.iter(_q("w:lvlOverride")):
                ilvl = int(override.get(_q("w:ilvl"), "0"))
                lvl = override.find(_q("w:lvl"))
                if lvl is not None:
                    levels[ilvl] = self._level(lvl)
                start = override.find(_q("w:startOverride"))
                if start is not None and ilvl in levels:
                    levels[ilvl] = {**levels[ilvl], "start": int(start.get(_VAL, "1"))}
            for ilvl, lvl in levels.items():
                self.levels[(nid, ilvl)] = lvl

    @staticmethod
    def _level(lvl: Any) -> dict[str, Any]:
        def val(tag: str, default: str) -> str:
            el = lvl.find(_q(tag))
            return el.get(_VAL, default) if el is not None else default

        return {"start": int(val("w:start", "1") or 1), "fmt": val("w:numFmt", "decimal"),
                "text": val("w:lvlText", ""), "legal": lvl.find(_q("w:isLgl")) is not None}

    def label(self, num_id: str, ilvl: int) -> str:
        """The next number for (numId, level); "" for bullets and unknown lists."""
        if num_id in (None, "0") or (num_id, ilvl) not in self.levels:
            return ""
        aid = self.abstract_of[num_id]
        lvl = self.levels[(num_id, ilvl)]
        if lvl["fmt"] == "bullet":
            return "•"
        counters = self.counters.setdefault(aid, [0] * 9)
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        if counters[ilvl] == 0:
            counters[ilvl] = lvl["start"]
        else:
            counters[ilvl] += 1
        for upper in range(ilvl):  # a level shown without its parents having started
            if counters[upper] == 0:
                counters[upper] = self.levels.get((num_id, upper), {"start": 1})["start"]

        def sub(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            spec = self.levels.get((num_id, k), {"fmt": "decimal"})
            fmt = "decimal" if lvl["legal"] else spec["fmt"]
            return format_number(counters[k] if 0 <= k < 9 else 0, fmt)

        return re.sub(r"%(\d)", sub, lvl["text"]).strip()


# --------------------------------------------------------------------------- styles


class _Styles:
    """Style id -> (heading level or None, numPr or None, is-TOC), following ``basedOn``."""

    def __init__(self, styles_element: Any | None):
        self.raw: dict[str, Any] = {}
        if styles_element is not None:
            for st in styles_element.iter(_q("w:style")):
                self.raw[st.get(_q("w:styleId"))] = st
        self._cache: dict[str, tuple[int | None, tuple[str, int] | None, bool]] = {}

    def info(self, style_id: str | None) -> tuple[int | None, tuple[str, int] | None, bool]:
        if not style_id:
            style_id = self._default_paragraph_style()
        if style_id in self._cache:
            return self._cache[style_id]
        level: int | None = None
        num: tuple[str, int] | None = None
        toc = False
        seen: set[str] = set()
        current = style_id
        while current and current not in seen and current in self.raw:
            seen.add(current)
            st = self.raw[current]
            name_el = st.find(_q("w:name"))
            name = (name_el.get(_VAL, "") if name_el is not None else "").strip().lower()
            if level is None:
                m = _HEADING_NAME_RE.match(name)
                if m:
                    level = int(m.group(1))
                elif name == "title" or name == "标题":
                    level = 0
                else:
                    outline = st.find(f"{_q('w:pPr')}/{_q('w:outlineLvl')}")
                    if outline is not None and outline.get(_VAL, "9").isdigit() and int(outline.get(_VAL)) < 9:
                        level = int(outline.get(_VAL)) + 1
            if name.startswith("toc") or name.startswith("目录"):
                toc = True
            if num is None:
                num = _num_pr(st.find(_q("w:pPr")))
            based = st.find(_q("w:basedOn"))
            current = based.get(_VAL) if based is not None else None
        self._cache[style_id] = (level, num, toc)
        return self._cache[style_id]

    def _default_paragraph_style(self) -> str:
        for sid, st in self.raw.items():
            if st.get(_q("w:type")) == "paragraph" and st.get(_q("w:default")) in ("1", "true"):
                return sid
        return ""


def _num_pr(ppr: Any | None) -> tuple[str, int] | None:
    if ppr is None:
        return None
    num_pr = ppr.find(_q("w:numPr"))
    if num_pr is None:
        return None
    nid = num_pr.find(_q("w:numId"))
    ilvl = num_pr.find(_q("w:ilvl"))
    return (nid.get(_VAL) if nid is not None else None, int(ilvl.get(_VAL, "0")) if ilvl is not None else 0)


# --------------------------------------------------------------------------- text


def _paragraph_text(p: Any) -> str:
    """Visible text of one paragraph (runs, hyperlinks, fields' results), without text boxes."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_IN_PARAGRAPH:
                continue
            if tag == _T:
                parts.append(child.text or "")
            elif tag in (_q("w:tab"), _q("w:ptab")):
                parts.append(" ")
            elif tag in (_q("w:br"), _q("w:cr")):
                parts.append("\n")
            elif tag == _q("w:noBreakHyphen"):
                parts.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _text_boxes(p: Any) -> Iterator[Any]:
    """Text box contents anchored in this paragraph, once each (the VML fallback is skipped)."""

    def walk(el: Any) -> Iterator[Any]:
        for child in el:
            if not isinstance(child.tag, str) or child.tag == _FALLBACK:
                continue
            if child.tag == _TXBX:
                yield child
            else:
                yield from walk(child)

    yield from walk(p)


class _Reader:
    def __init__(self, styles: _Styles, numbering: _Numbering):
        self.styles = styles
        self.numbering = numbering
        self.title_seen = False
        self.first_heading = ""

    def blocks(self, container: Any, *, headings: bool = True) -> Iterator[str]:
        """Lines of text from a body, cell, text box, header or footer, in reading order."""
        for child in container:
            tag = child.tag
            if tag == _P:
                yield from self.paragraph(child, headings=headings)
            elif tag == _TBL:
                yield from self.table(child)
            elif tag == _SDT:
                gallery = child.find(f"{_q('w:sdtPr')}/{_q('w:docPartObj')}/{_q('w:docPartGallery')}")
                if gallery is not None and "contents" in (gallery.get(_VAL) or "").lower():
                    continue  # a table of contents repeats the headings
                content = child.find(_q("w:sdtContent"))
                if content is not None:
                    yield from self.blocks(content, headings=headings)
            elif tag == _q("w:customXml") or tag == _q("w:ins"):
                yield from self.blocks(child, headings=headings)

    def paragraph(self, p: Any, *, headings: bool) -> Iterator[str]:
        ppr = p.find(_q("w:pPr"))
        style_el = ppr.find(_q("w:pStyle")) if ppr is not None else None
        level, style_num, toc = self.styles.info(style_el.get(_VAL) if style_el is not None else None)
        text = re.sub(r"[ \t\u3000]+", " ", _paragraph_text(p)).strip()
        if ppr is not None:
            outline = ppr.find(_q("w:outlineLvl"))
            if outline is not None and (outline.get(_VAL) or "").isdigit() and int(outline.get(_VAL)) < 9:
                level = int(outline.get(_VAL)) + 1
        num = _num_pr(ppr) or style_num
        if not toc and text:
            label = self.numbering.label(*num) if num else ""
            if label and not text.startswith(label):
                sep = "" if label[-1] in _CN_PUNCT_END else " "
                text = f"{label}{sep}{text}"
            if headings and level is not None and "\n" not in text:
                if level == 0:
                    self.title_seen = True
                if not self.first_heading:
                    self.first_heading = text
                yield "#" * min(max(level + 1, 1), 6) + " " + text
            else:
                yield from (line.strip() for line in text.split("\n") if line.strip())
        for box in _text_boxes(p):
            yield from self.blocks(box, headings=False)

    def table(self, tbl: Any) -> Iterator[str]:
        rows = _table_rows(tbl, self)
        rows = [r for r in rows if any(c for c in r)]
        if not rows:
            return
        width = max(len(r) for r in rows)
        if len(rows) == 1 or width == 1:
            for row in rows:  # a layout table: its cells are just paragraphs
                yield from (c for c in row if c)
            return
        header = rows[0]
        yield " | ".join(c or "—" for c in header)
        for row in rows[1:]:
            cells = []
            for i, value in enumerate(row):
                if not value:
                    continue
                name = header[i] if i < len(header) else ""
                cells.append(f"{name}：{value}" if name and name != value else value)
            if cells:
                yield " | ".join(cells)


def _table_rows(tbl: Any, reader: _Reader) -> list[list[str]]:
    """Cell texts per row on the table grid; a vertically merged cell repeats its value."""
    rows: list[list[str]] = []
    above: dict[int, str] = {}
    for tr in tbl.findall(_q("w:tr")):
        row: list[str] = []
        col = 0
        for tc in tr.findall(_q("w:tc")):
            tcpr = tc.find(_q("w:tcPr"))
            span = 1
            merge_continue = False
            if tcpr is not None:
                gs = tcpr.find(_q("w:gridSpan"))
                if gs is not None and (gs.get(_VAL) or "1").isdigit():
                    span = max(int(gs.get(_VAL)), 1)
                vm = tcpr.find(_q("w:vMerge"))
                merge_continue = vm is not None and vm.get(_VAL) != "restart"
            if merge_continue:
                value = above.get(col, "")
            else:
                value = " ".join(line for line in reader.blocks(tc, headings=False)).strip()
                value = re.sub(r"\s+", " ", value)
            row.append(value)
            above[col] = value
            row.extend([""] * (span - 1))
            col += span
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- entry point


def docx_text(data: bytes) -> tuple[str, str]:
    """(text, title) of a .docx. Raises ``DocxError`` with a Chinese reason."""
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise DocxError("这是旧版 Word 格式（.doc）或已加密的文档，请用 Word 或 WPS 另存为 .docx 后再导入")
        raise DocxError("Word 文件已损坏或不是 .docx 格式")
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocxError("Word 文件已损坏或不是 .docx 格式") from exc
    except Exception as exc:  # noqa: BLE001 - lxml and python-docx raise many types
        raise DocxError(f"Word 文件无法解析（{type(exc).__name__}）") from exc
    part = document.part
    try:
        numbering_el = part.numbering_part.element
    except (NotImplementedError, KeyError, AttributeError):
        numbering_el = None
    try:
        styles_el = part.styles.element
    except Exception:  # noqa: BLE001 - a document without styles still has text
        styles_el = None
    reader = _Reader(_Styles(styles_el), _Numbering(numbering_el))
    lines = list(reader.blocks(document.element.body))

    extra: list[str] = []
    seen: set[str] = set(lines)
    for rel in part.rels.values():
        if rel.is_external or not rel.reltype.endswith(("/header", "/footer")):
            continue
        element = getattr(rel.target_part, "element", None)
        if element is None:
            continue
        for line in reader.blocks(element, headings=False):
            if line not in seen and re.search(r"[\w\u4e00-\u9fff]", line):
                seen.add(line)
                extra.append(line)
    if extra:
        lines += ["", "## 页眉与页脚", *extra]
    text = "\n".join(lines).strip()

    title = ""
    try:
        title = (document.core_properties.title or "").strip()
    except Exception:  # noqa: BLE001 - broken core properties are not worth failing for
        pass
    if _JUNK_TITLE_RE.search(title):  # tool defaults: "Microsoft Word - a.doc", "无标题"
        title = ""
    title = title or reader.first_heading
    return text, title


__all__ = ["DocxError", "docx_text", "format_number"]
