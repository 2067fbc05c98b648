"""The shipped knowledge base (corpus/) follows docs/corpus-format.md.

The corpus is parsed here with a small independent reader (YAML front matter + Markdown
headings), so a format slip is caught even if the ingest code would quietly accept it; the
last tests then push every file through the real loader and chunker and check that each
passage becomes exactly one chunk named ``<doc id>#<anchor>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
RESOURCES = REPO / "assistant" / "resources"

DOC_TYPES = {"standard", "faq", "regulation", "guide", "web"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*$", re.M)
ANCHOR_RE = re.compile(r"[ \t]*\{#([A-Za-z0-9_-]+)\}[ \t]*$")
SOURCE_PREFIX = "来源："
BODY_MIN, BODY_MAX = 40, 450


@dataclass
class Passage:
    level: int
    heading: str  # without the {#anchor}
    anchor: str | None
    body: str  # stripped text under the heading, up to the next heading


@dataclass
class CorpusDoc:
    path: Path
    front: dict
    passages: list[Passage] = field(default_factory=list)

    @property
    def rel(self) -> str:
        return self.path.relative_to(REPO).as_posix()

    @property
    def id(self) -> str:
        return str(self.front.get("id", ""))


def parse_file(path: Path) -> CorpusDoc:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER_RE.match(text)
    assert match, f"{path}: no YAML front matter"
    front = yaml.safe_load(match.group(1)) or {}
    assert isinstance(front, dict), f"{path}: front matter is not a mapping"
    body = text[match.end():]
    doc = CorpusDoc(path, front)
    headings = list(HEADING_RE.finditer(body))
    for i, h in enumerate(headings):
        level = len(h.group(1))
        if level < 2:
            continue  # the '#' title line is not a passage
        end = headings[i + 1].start() if i + 1 < len(headings) else len(body)
        anchor = ANCHOR_RE.search(h.group(2))
        doc.passages.append(Passage(
            level=level,
            heading=ANCHOR_RE.sub("", h.group(2)).strip(),
            anchor=anchor.group(1) if anchor else None,
            body=body[h.end():end].strip(),
        ))
    return doc


CORPUS_FILES = sorted(CORPUS.rglob("*.md"))
DOCS = [parse_file(p) for p in CORPUS_FILES]
BY_ID = {d.id: d for d in DOCS}
FILE_IDS = [d.rel for d in DOCS]


def test_corpus_is_not_empty():
    assert len(DOCS) >= 10
    assert sum(len(d.passages) for d in DOCS) >= 100
    # Only Markdown belongs in corpus/ (other files would be ingested by guesswork).
    others = [p for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".md" and not p.name.startswith(".")]
    assert not others, f"non-Markdown files in corpus/: {others}"


@pytest.mark.parametrize("doc", DOCS, ids=FILE_IDS)
def test_front_matter(doc: CorpusDoc):
    fm = doc.front
    for key in ("id", "title", "doc_type", "source"):
        assert isinstance(fm.get(key), str) and fm[key].strip(), f"{doc.rel}: front matter `{key}` missing or empty"
    assert ID_RE.match(fm["id"]), f"{doc.rel}: id {fm['id']!r} must be lowercase letters, digits and '-'"
    assert fm["doc_type"] in DOC_TYPES, f"{doc.rel}: doc_type {fm['doc_type']!r} not in {sorted(DOC_TYPES)}"
    if "conflicts_with" in fm:
        assert isinstance(fm["conflicts_with"], list) and all(isinstance(x, str) for x in fm["conflicts_with"]), \
            f"{doc.rel}: conflicts_with must be a list of document ids"
    if fm["doc_type"] != "faq":
        assert "pairs" not in fm, f"{doc.rel}: only FAQ files have `pairs:`"
    asks = fm.get("asks", {})
    assert isinstance(asks, dict), f"{doc.rel}: `asks:` must map anchors to lists of questions"
    for anchor, questions in asks.items():
        assert anchor in {p.anchor for p in doc.passages}, f"{doc.rel}: asks.{anchor} names no passage"
        assert isinstance(questions, list) and questions and all(isinstance(q, str) and q.strip() for q in questions), \
            f"{doc.rel}: asks.{anchor} must be a non-empty list of questions"


def test_ids_unique_across_corpus():
    seen: dict[str, str] = {}
    for doc in DOCS:
        assert doc.id not in seen, f"id {doc.id!r} used by {seen[doc.id]} and {doc.rel}"
        seen[doc.id] = doc.rel


@pytest.mark.parametrize("doc", DOCS, ids=FILE_IDS)
def test_passage_headings_have_unique_anchors(doc: CorpusDoc):
    assert doc.passages, f"{doc.rel}: no passages (## headings)"
    missing = [p.heading for p in doc.passages if p.anchor is None]
    assert not missing, f"{doc.rel}: headings without {{#anchor}}: {missing}"
    anchors = [p.anchor for p in doc.passages]
    dupes = sorted({a for a in anchors if anchors.count(a) > 1})
    assert not dupes, f"{doc.rel}: duplicate anchors {dupes}"
    empty = [p.anchor for p in doc.passages if not p.heading]
    assert not empty, f"{doc.rel}: headings with nothing but an anchor: {empty}"


@pytest.mark.parametrize("doc", DOCS, ids=FILE_IDS)
def test_passage_bodies(doc: CorpusDoc):
    for p in doc.passages:
        where = f"{doc.rel}#{p.anchor}"
        assert BODY_MIN <= len(p.body) <= BODY_MAX, f"{where}: body has {len(p.body)} characters (want {BODY_MIN}-{BODY_MAX})"
        lines = [line.strip() for line in p.body.splitlines() if line.strip()]
        sources = [line for line in lines if line.startswith(SOURCE_PREFIX)]
        assert len(sources) == 1, f"{where}: needs exactly one line starting with {SOURCE_PREFIX} (found {len(sources)})"
        assert lines[-1].startswith(SOURCE_PREFIX), f"{where}: the {SOURCE_PREFIX} line must come last"
        assert len(sources[0]) > len(SOURCE_PREFIX), f"{where}: empty source line"
        assert len(lines) >= 2, f"{where}: the passage has a source line but no text"


FAQ_DOCS = [d for d in DOCS if d.front.get("doc_type") == "faq"]


@pytest.mark.parametrize("doc", FAQ_DOCS, ids=[d.rel for d in FAQ_DOCS])
def test_faq_pairs_match_anchors(doc: CorpusDoc):
    pairs = doc.front.get("pairs")
    assert isinstance(pairs, dict) and pairs, f"{doc.rel}: FAQ file needs a non-empty `pairs:` mapping"
    anchors = {p.anchor for p in doc.passages}
    assert set(pairs) == anchors, (
        f"{doc.rel}: pairs without a passage {sorted(set(pairs) - anchors)}, "
        f"passages without a pair {sorted(anchors - set(pairs))}"
    )
    headings = {p.anchor: p.heading for p in doc.passages}
    for key, pair in pairs.items():
        where = f"{doc.rel} pairs.{key}"
        assert isinstance(pair, dict), f"{where}: must be a mapping with question and variants"
        question = pair.get("question")
        assert isinstance(question, str) and question.strip(), f"{where}: missing question"
        assert question.strip() == headings[key], f"{where}: question differs from the passage heading"
        variants = pair.get("variants")
        assert isinstance(variants, list) and len(variants) >= 2, f"{where}: needs at least 2 variants"
        assert all(isinstance(v, str) and v.strip() for v in variants), f"{where}: empty or non-text variant"
        assert len(set(variants)) == len(variants), f"{where}: repeated variant"


def test_conflicts_resolve_and_are_mutual():
    links = 0
    for doc in DOCS:
        for other in doc.front.get("conflicts_with") or []:
            links += 1
            assert other != doc.id, f"{doc.rel}: conflicts_with names itself"
            assert other in BY_ID, f"{doc.rel}: conflicts_with {other!r} is not a document id"
            back = BY_ID[other].front.get("conflicts_with") or []
            assert doc.id in back, f"{BY_ID[other].rel} must list {doc.id!r} in conflicts_with (link is one-way)"
    assert links >= 2, "the indicator-count disagreement (3/15 vs 4/8/27) should be recorded as a conflict"


@pytest.mark.parametrize("name", ["domain_dict.txt", "synonyms.txt", "rubric.yaml"])
def test_resource_files_exist(name: str):
    path = RESOURCES / name
    assert path.is_file(), f"missing {path}"
    content = [line for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.lstrip().startswith("#")]
    assert content, f"{path} has no entries"


# --------------------------------------------------------------------------- real ingest


def _chunks(path: Path):
    loaders = pytest.importorskip("ingest.loaders")
    chunking = pytest.importorskip("ingest.chunking")
    doc = loaders.load_document(path, CORPUS)
    try:  # mirror the pipeline: clean, then chunk
        from ingest.normalize import clean_text
    except ImportError:  # pragma: no cover - cleaning is optional for this check
        clean_text = None
    if clean_text is not None and not doc.page_starts:
        doc.text = clean_text(doc.text)
    return doc, chunking.chunk_document(doc)


@pytest.mark.parametrize("doc", DOCS, ids=FILE_IDS)
def test_ingest_one_chunk_per_passage(doc: CorpusDoc):
    raw, chunks = _chunks(doc.path)
    assert raw.doc_id == doc.id, f"{doc.rel}: loader id {raw.doc_id!r} != front matter id {doc.id!r}"
    assert raw.doc_type == doc.front["doc_type"]
    expected = [f"{doc.id}#{p.anchor}" for p in doc.passages]
    got = [c.meta.get("passage") for c in chunks]
    assert None not in got, f"{doc.rel}: a chunk has no `passage` metadata"
    assert len(got) == len(set(got)), f"{doc.rel}: a passage was split into several chunks: {got}"
    assert set(got) == set(expected), (
        f"{doc.rel}: chunks {sorted(set(got) - set(expected))} are not passages; "
        f"passages {sorted(set(expected) - set(got))} got no chunk"
    )
    by_passage = {c.meta["passage"]: c for c in chunks}
    for p in doc.passages:
        chunk = by_passage[f"{doc.id}#{p.anchor}"]
        assert chunk.meta.get("anchor") == p.anchor
        assert chunk.meta.get("doc_id") == doc.id
        assert "{#" not in chunk.text, f"{doc.id}#{p.anchor}: anchor left in chunk text"
        assert SOURCE_PREFIX in chunk.text, f"{doc.id}#{p.anchor}: source line lost in chunking"
