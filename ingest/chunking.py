"""RawDocument (already cleaned) -> retrievable Chunks. Pure, no I/O.

Structure first, size second: the text is cut into sections at Markdown headings, clause
numbers (``5.1.4.1``), article numbers (``第二十五条``), FAQ questions (``1、…？``, ``问：``) and
Chinese section headings (``一、`` / ``（一）``); a section that fits the budget becomes one chunk,
so a clause or a Q/A pair is never cut unless it is too long on its own. Long sections are
split on paragraph and then sentence boundaries; every continuation chunk repeats the section's
heading so it stands alone when retrieved and quoted.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from assistant.lang.resources import expand, expand_fragments, load_resource
from assistant.lang.text import to_search_text
from ingest.model import Chunk, RawDocument

# --------------------------------------------------------------------------- markers

_MARKERS = load_resource("markers.yaml")
_MARKER_FRAGMENTS = expand_fragments(_MARKERS["fragments"])


def _marker(name: str) -> re.Pattern:
    return re.compile(expand(_MARKERS["patterns"][name], _MARKER_FRAGMENTS))


_MD_HEADING_RE = _marker("md_heading")
_ANCHOR_RE = _marker("anchor")
_CLAUSE_RE = _marker("clause")
_ARTICLE_RE = _marker("article")
_CHAPTER_RE = _marker("chapter")
_CN1_RE = _marker("cn1")
_CN2_RE = _marker("cn2")
_NUMBERED_Q_RE = _marker("numbered_q")
_ASKED_Q_RE = _marker("asked_q")
_QUESTION_END_RE = _marker("question_end")
_LEAD_NUMBER_RE = _marker("lead_number")
_FENCE_RE = _marker("fence")

_MARKER_FIRST_CHARS = frozenset("#第一二三四五六七八九十（(问問Qq0123456789")

_SENTENCE_END_RE = re.compile(r"[。！？!?；;.…][”’」』）)\"']*$")
_SHORT_HEADING = 40  # longer marker lines are content; the path shows only their number
_LABEL_MAX = 80
_UNIT_KEYS = ("anchor", "clause", "article", "question")

# Levels order nesting: Markdown h1–h6 first, then plain-text markers, questions innermost.
_LEVELS = {"chapter": 7, "section": 8, "cn1": 9, "cn2": 10, "article": 11, "question": 30}
# Inside a unit, only these plain-text markers start a new section (list items in a legal
# article such as "（一）…" or numbered points inside an FAQ answer stay in the unit).
_ALLOWED_INSIDE = {
    "anchor": frozenset(),
    "article": frozenset({"chapter", "section", "article"}),
    "clause": frozenset({"chapter", "section", "clause"}),
    "question": frozenset({"chapter", "section", "cn1", "question"}),
}


@dataclass
class Marker:
    """A line that opens a section."""

    kind: str  # md | chapter | section | cn1 | cn2 | article | clause | question
    level: float
    display: str  # the line as shown in chunk text (no '#', no {#anchor})
    path_title: str | None  # shown in heading_path; None for questions
    label: str  # repeated at the top of continuation chunks
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Section:
    """A structural unit of the document, before size-splitting."""

    lines: list[tuple[int, str]]  # (offset in doc text, line), heading line first when present
    label: str = ""
    path: tuple[str, ...] = ()
    attrs: dict[str, str] = field(default_factory=dict)
    kind: str = ""  # the opening marker's kind; "" for the heading-less preamble

    @property
    def unit(self) -> bool:
        """Clauses, articles, Q/A pairs and passages are never merged with neighbours."""
        return any(k in self.attrs for k in _UNIT_KEYS)

    @property
    def size(self) -> int:
        return sum(len(t) for _, t in self.lines) + max(len(self.lines) - 1, 0)


def _short(line: str, token: str) -> str:
    """A marker line as a heading, or just its number when the line is really a sentence."""
    return token if len(line) > _SHORT_HEADING or _SENTENCE_END_RE.search(line) else line


def _md_marker(line: str, doc_type: str) -> Marker | None:
    m = _MD_HEADING_RE.match(line)
    if not m:
        return None
    level = len(m.group(1))
    text = m.group(2).strip()
    attrs: dict[str, str] = {}
    anchor = _ANCHOR_RE.search(text)
    if anchor:
        attrs["anchor"] = anchor.group(1)
        text = text[: anchor.start()].strip()
    if not text:
        return None
    clause = _CLAUSE_RE.match(text)
    if clause:
        attrs["clause"] = clause.group(1)
    article = _ARTICLE_RE.match(text)
    if article:
        attrs["article"] = article.group(1)
    is_question = _QUESTION_END_RE.search(text) or (doc_type == "faq" and anchor and not clause)
    if level >= 2 and is_question:
        attrs["question"] = _LEAD_NUMBER_RE.sub("", text)
    return Marker("md", level, text, text, text, attrs)


def _plain_marker(line: str, doc_type: str) -> Marker | None:
    """Clause / article / chapter / Chinese heading / question lines of plain text."""
    m = _CLAUSE_RE.match(line)
    if m:
        number = m.group(1)
        depth = number.count(".") + 1
        if m.group(2) or depth >= 3 or doc_type == "standard":
            label = _short(line, number)
            return Marker("clause", 11 + depth, line, label, label, {"clause": number})
    m = _ARTICLE_RE.match(line)
    if m and (m.group(2) is None or doc_type == "regulation"):
        label = _short(line, m.group(1))
        return Marker("article", _LEVELS["article"], line, label, label, {"article": m.group(1)})
    m = _CHAPTER_RE.match(line)
    if m and len(line) <= _SHORT_HEADING:
        kind = "section" if m.group(1) == "节" else "chapter"
        return Marker(kind, _LEVELS[kind], line, line, line)
    m = _NUMBERED_Q_RE.match(line) or _ASKED_Q_RE.match(line)
    if m:
        return Marker("question", _LEVELS["question"], line, None, line, {"question": m.group(1).strip()})
    if len(line) <= _SHORT_HEADING * 3 // 2:
        for kind, rx in (("cn1", _CN1_RE), ("cn2", _CN2_RE)):
            if rx.match(line):
                return Marker(kind, _LEVELS[kind], line, line, line)
    return None


def _innermost_unit(stack: list[Marker]) -> str | None:
    for marker in reversed(stack):
        for key in _UNIT_KEYS:
            if key in marker.attrs:
                return key
    return None


def split_sections(text: str, doc_type: str = "") -> list[Section]:
    """Cut text into structural sections, tracking the heading path and unit attributes."""
    sections: list[Section] = []
    stack: list[Marker] = []
    current = Section(lines=[])
    in_fence = False
    offset = 0
    for raw in text.split("\n"):
        line_offset = offset
        offset += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        marker = None
        if _FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and line[0] in _MARKER_FIRST_CHARS:
            marker = _md_marker(line, doc_type) if line[0] == "#" else None
            if marker is None and line[0] != "#":
                marker = _plain_marker(line, doc_type)
                unit = _innermost_unit(stack)
                if marker and unit and marker.kind not in _ALLOWED_INSIDE[unit]:
                    marker = None
        if marker is None:
            current.lines.append((line_offset + raw.find(line[0]), line))
            continue
        if current.lines:
            sections.append(current)
        while stack and stack[-1].level >= marker.level:
            stack.pop()
        stack.append(marker)
        attrs: dict[str, str] = {}
        for entry in stack:
            attrs.update(entry.attrs)
        current = Section(
            lines=[(line_offset + raw.find(line[0]), marker.display)],
            label=marker.label if len(marker.label) <= _LABEL_MAX else marker.label[:_LABEL_MAX] + "…",
            path=tuple(m.path_title for m in stack if m.path_title),
            attrs=attrs,
            kind=marker.kind,
        )
    if current.lines:
        sections.append(current)
    return sections


def _worth_emitting(section: Section, min_chars: int) -> bool:
    """A bare heading ("5.1 售后服务体系") is only context for its children, not a chunk.

    A lone article or clause line that reads as a sentence ("第十七条 国家……认证。") is content.
    """
    if len(section.lines) > 1 or not section.kind:
        return True
    if section.kind == "md":
        return False
    line = section.lines[0][1]
    return len(line) >= min_chars or _SENTENCE_END_RE.search(line) is not None


def _merge_tiny(sections: list[Section], min_chars: int) -> list[Section]:
    """Fold tiny plain sections into a plain neighbour (next first, else previous).

    A tiny heading-less preamble (a page title, a site name) joins the next section even when
    that is a unit: as a chunk of its own it would be all noise, and BM25 favours short chunks.
    """
    out: list[Section] = []
    carry: list[tuple[int, str]] = []
    for i, sec in enumerate(sections):
        if carry:
            sec.lines = carry + sec.lines
            carry = []
        if not sec.unit and sec.size < min_chars:
            nxt = sections[i + 1] if i + 1 < len(sections) else None
            if nxt is not None and (not nxt.unit or not sec.kind):
                carry = sec.lines
                continue
            if out and not out[-1].unit:
                out[-1].lines.extend(sec.lines)
                continue
        out.append(sec)
    return out


# --------------------------------------------------------------------------- size splitting

_SENTENCE_RE = re.compile(r"[^。！？!?；;]*[。！？!?；;]+[”’」』）)\"']*|[^。！？!?；;]+")
_CLAUSE_PART_RE = re.compile(r"[^，,、：:]*[，,、：:]+|[^，,、：:]+")


@dataclass
class _Atom:
    offset: int
    text: str
    new_para: bool  # True when it starts a line of its own


def _spans(text: str, rx: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    for m in rx.finditer(text):
        if m.group(0):
            yield m.start(), m.group(0)


def _atoms(lines: Iterable[tuple[int, str]], limit: int) -> Iterator[_Atom]:
    """Lines, or their sentences / comma parts / hard slices when a line exceeds ``limit``."""
    for offset, line in lines:
        if len(line) <= limit:
            yield _Atom(offset, line, True)
            continue
        first = True
        for s_off, sentence in _spans(line, _SENTENCE_RE):
            parts = [(s_off, sentence)] if len(sentence) <= limit else _split_long(sentence, s_off, limit)
            for p_off, part in parts:
                yield _Atom(offset + p_off, part, first)
                first = False


def _split_long(sentence: str, base: int, limit: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for c_off, part in _spans(sentence, _CLAUSE_PART_RE):
        for i in range(0, len(part), limit):
            out.append((base + c_off + i, part[i : i + limit]))
    return out


def _is_subheading(atom: _Atom) -> bool:
    return atom.new_para and len(atom.text) <= _SHORT_HEADING and not _SENTENCE_END_RE.search(atom.text)


def _render(atoms: list[_Atom]) -> str:
    return "".join(("\n" if a.new_para and i else "") + a.text for i, a in enumerate(atoms))


def _pack(section: Section, max_chars: int, min_chars: int) -> list[tuple[int, str]]:
    """(offset, text) pieces of one section, each within ``max_chars`` where possible."""
    if section.size <= max_chars:
        return [(section.lines[0][0], "\n".join(t for _, t in section.lines))]
    label = section.label
    next_budget = max(max_chars - len(label) - 1, max_chars // 2) if label else max_chars
    groups: list[list[_Atom]] = [[]]
    used, budget = 0, max_chars
    for atom in _atoms(section.lines, next_budget):
        cost = len(atom.text) + (1 if atom.new_para and groups[-1] else 0)
        if groups[-1] and used + cost > budget:
            # A short title-like line at the end belongs to what follows it.
            moved = [groups[-1].pop()] if len(groups[-1]) > 1 and _is_subheading(groups[-1][-1]) else []
            groups.append(moved)
            used, budget = sum(len(a.text) + 1 for a in moved), next_budget
            cost = len(atom.text) + (1 if moved else 0)
        groups[-1].append(atom)
        used += cost
    if len(groups) > 1 and sum(len(a.text) for a in groups[-1]) < min_chars:
        groups[-2].extend(groups.pop())  # a tiny tail reads better with its neighbour
    pieces: list[tuple[int, str]] = []
    for i, group in enumerate(groups):
        body = _render(group)
        if not body.strip():
            continue
        text = body if i == 0 or not label else f"{label}\n{body.lstrip()}"
        pieces.append((group[0].offset, text))
    return pieces


# --------------------------------------------------------------------------- chunks


def _scalar_join(value: Any, sep: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        joined = sep.join(str(v).strip() for v in value if v is not None and str(v).strip())
        return joined or None
    text = str(value).strip()
    return text or None


def _doc_meta(doc: RawDocument) -> dict[str, Any]:
    meta: dict[str, Any] = {"doc_id": doc.doc_id, "source": doc.source, "title": doc.title, "doc_type": doc.doc_type}
    conflicts = _scalar_join(doc.meta.get("conflicts_with"), ",")
    if conflicts:
        meta["conflicts_with"] = conflicts
    return {k: v for k, v in meta.items() if v not in (None, "")}


def _section_meta(doc: RawDocument, section: Section) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if section.path:
        meta["heading_path"] = " > ".join(section.path)
    meta.update(section.attrs)
    anchor = section.attrs.get("anchor")
    if anchor:
        meta["passage"] = f"{doc.doc_id}#{anchor}"
        pairs = doc.meta.get("pairs")
        pair = pairs.get(anchor) if isinstance(pairs, dict) else None
        if isinstance(pair, dict):
            variants = _scalar_join(pair.get("variants"), "\n")
            if variants:
                meta["variants"] = variants
            if "question" not in meta and pair.get("question"):
                meta["question"] = str(pair["question"]).strip()
        asks = doc.meta.get("asks")
        asked = asks.get(anchor) if isinstance(asks, dict) else None
        if asked:  # questions a standard/regulation passage answers, for question matching
            joined = _scalar_join(asked, "\n")
            if joined:
                meta["variants"] = "\n".join(filter(None, [meta.get("variants", ""), joined]))
    return meta


def _page_for(doc: RawDocument, starts: list[int], offset: int) -> int | None:
    if not starts:
        return None
    i = bisect.bisect_right(starts, offset) - 1
    return doc.page_starts[max(i, 0)][0]


def chunk_document(doc: RawDocument, max_chars: int = 600, min_chars: int = 40) -> list[Chunk]:
    """Chunks of a cleaned document, with scalar metadata (see ``ingest.model.Chunk``)."""
    if max_chars < 2 * min_chars:
        raise ValueError("max_chars 至少应为 min_chars 的两倍")
    base = _doc_meta(doc)
    starts = [off for _, off in doc.page_starts]
    sections = [s for s in split_sections(doc.text, doc.doc_type) if _worth_emitting(s, min_chars)]
    ocr_pages = doc.meta.get("ocr_pages") or {}  # {page: OCR confidence} for scanned pages
    chunks: list[Chunk] = []
    for section in _merge_tiny(sections, min_chars):
        sec_meta = _section_meta(doc, section)
        for offset, text in _pack(section, max_chars, min_chars):
            text = text.strip()
            if not text:
                continue
            meta = {**base, **sec_meta, "chunk_index": len(chunks)}
            page = _page_for(doc, starts, offset)
            if page is not None:
                meta["page"] = page
                if page in ocr_pages:
                    meta["ocr_confidence"] = float(ocr_pages[page])
            chunks.append(Chunk(text=text, search_text=to_search_text(text), meta=meta))
    return chunks


__all__ = ["Marker", "Section", "chunk_document", "split_sections"]
