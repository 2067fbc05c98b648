"""Curated answers (标准回答): the maintainer's own answer to a question, given verbatim.

Stored with the knowledge base, in the Chroma collection ``<collection>_curated`` (see
:mod:`assistant.upkeep.sidecar`), so every app instance on one Chroma server sees them and an edit is
effective on the next question, with no restart. Storage is append-only: each record is one
version (id ``<answer id>@<version>``); an edit or a retirement writes the next version and
keeps every previous one. A single upsert per change (or per import) keeps a crash harmless.

    store = CuratedStore(settings)
    store.import_file("标准回答.xlsx")         # columns 问题, 答案, 相似问题, 依据/条款, 生效日期, 负责人
    a = store.add("证书有效期几年？", "3年。", basis="认证规则 第5条")
    store.edit(a.id, answer="3年，每年监督一次。")  # version 2; version 1 kept
    store.retire(a.id)                           # version 3, status retired
    store.match("证书的有效期是多久")              # CuratedMatch or None

A question matches when its similarity (:mod:`assistant.pipeline.similarity`) to the curated question
or one of its variants reaches ``MATCH_THRESHOLD``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from assistant.pipeline import similarity as S
from assistant.errors import UserError
from assistant.lang.resources import load_resource
from assistant.upkeep.sidecar import SideStore, dumps, loads

# Calibrated on eval/curated_calibration.jsonl (25 paraphrases that must match, 26 near misses
# that must not), with the built-in offline embedder and the corpus's IDF; reproduce with
# ``python -m eval.curated_calibration``. The highest near miss scored 0.401 ("子公司能不能单独申请
# 认证" vs "分公司…"); at 0.42 no near miss matches (precision 1.0) and 18 of 25 paraphrases do
# (recall 0.72). A verbatim answer to the wrong question is worse than a retrieved one, so the
# threshold sits above every near miss; a paraphrase that misses is recorded as unanswered and
# becomes a variant of the curated answer (``UnansweredLog.draft``), which then matches exactly.
MATCH_THRESHOLD = 0.42
SUFFIX = "curated"
MAX_ANSWER_CHARS = 5000
MAX_QUESTION_CHARS = 500
ACTIVE, RETIRED = "active", "retired"
STATUS_TEXT = {ACTIVE: "生效", RETIRED: "已停用"}

# the sheet's columns (with the other headers accepted for each) and the ones every row fills:
# resources/curated.yaml
_SHEET = load_resource("curated.yaml")
COLUMNS: dict[str, tuple[str, ...]] = {name: tuple(aliases) for name, aliases in _SHEET["columns"].items()}
REQUIRED: tuple[str, ...] = tuple(_SHEET["required"])


@dataclass
class CuratedAnswer:
    id: str
    version: int
    question: str
    answer: str
    basis: str
    variants: list[str] = field(default_factory=list)
    effective_date: str = ""  # YYYY-MM-DD; empty = effective at once
    owner: str = ""
    status: str = ACTIVE
    updated_at: float = field(default_factory=time.time)
    editor: str = ""
    note: str = ""  # what this version changed

    @property
    def phrasings(self) -> list[str]:
        return [self.question, *self.variants]

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def effective(self, today: str | None = None) -> bool:
        today = today or _dt.date.today().isoformat()
        return self.active and (not self.effective_date or self.effective_date <= today)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status_text"] = STATUS_TEXT.get(self.status, self.status)
        d["updated"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.updated_at))
        return d

    def to_record(self) -> tuple[str, str, dict[str, Any]]:
        meta = {"aid": self.id, "version": self.version, "answer": self.answer, "basis": self.basis,
                "variants": dumps(self.variants), "effective_date": self.effective_date,
                "owner": self.owner, "status": self.status, "updated_at": self.updated_at,
                "editor": self.editor, "note": self.note}
        return f"{self.id}@{self.version:05d}", self.question, meta

    @classmethod
    def from_record(cls, question: str, meta: dict[str, Any]) -> "CuratedAnswer":
        return cls(id=str(meta.get("aid", "")), version=int(meta.get("version", 1)), question=question or "",
                   answer=str(meta.get("answer", "")), basis=str(meta.get("basis", "")),
                   variants=list(loads(meta.get("variants"), [])),
                   effective_date=str(meta.get("effective_date", "")), owner=str(meta.get("owner", "")),
                   status=str(meta.get("status", ACTIVE)), updated_at=float(meta.get("updated_at", 0.0)),
                   editor=str(meta.get("editor", "")), note=str(meta.get("note", "")))


@dataclass
class CuratedMatch:
    answer: CuratedAnswer
    score: float
    phrasing: str  # the curated question or variant that matched

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.answer.id, "version": self.answer.version, "score": round(self.score, 4),
                "matched": self.phrasing, "threshold": MATCH_THRESHOLD}


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged}

    def summary(self) -> str:
        return (f"导入完成：新增 {len(self.added)} 条，更新 {len(self.updated)} 条（旧版本已保留），"
                f"未变 {len(self.unchanged)} 条。")


def answer_id(question: str) -> str:
    return "ca-" + hashlib.sha1(S.match_text(question).encode("utf-8")).hexdigest()[:8]


def _clean(text: Any, what: str, limit: int, required: bool = True) -> str:
    text = "" if text is None else str(text).strip()
    if required and not text:
        raise UserError(f"{what}不能为空")
    if len(text) > limit:
        raise UserError(f"{what}过长（{len(text)} 字，上限 {limit} 字）")
    return text


def _variants(raw: Any) -> list[str]:
    from assistant.upkeep.sheets import split_list

    items = split_list(raw) if isinstance(raw, str) else [str(v).strip() for v in (raw or []) if str(v).strip()]
    out: list[str] = []
    seen: set[str] = set()
    for v in items:
        _clean(v, "相似问题", MAX_QUESTION_CHARS)
        key = S.match_text(v)
        if key and key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _date(raw: Any) -> str:
    from assistant.upkeep.sheets import parse_date

    try:
        return parse_date(str(raw or ""))
    except ValueError:
        raise UserError(f"生效日期“{raw}”无法识别，请写成 2025-01-31 的形式") from None


class CuratedStore(SideStore):
    """Curated answers with their versions, in Chroma beside the knowledge base."""

    suffix = SUFFIX

    # -- reading -------------------------------------------------------------------------
    def _versions(self) -> dict[str, list[CuratedAnswer]]:
        out: dict[str, list[CuratedAnswer]] = {}
        for _rid, question, meta in self.side.all():
            a = CuratedAnswer.from_record(question, meta)
            out.setdefault(a.id, []).append(a)
        for versions in out.values():
            versions.sort(key=lambda a: a.version)
        return out

    def current(self) -> list[CuratedAnswer]:
        """The latest version of every curated answer (retired ones included)."""
        return sorted((v[-1] for v in self._versions().values()), key=lambda a: (a.status != ACTIVE, a.id))

    def list(self, include_retired: bool = False) -> list[CuratedAnswer]:
        return [a for a in self.current() if include_retired or a.active]

    def get(self, aid: str) -> CuratedAnswer | None:
        versions = self.history(aid)
        return versions[-1] if versions else None

    def history(self, aid: str) -> list[CuratedAnswer]:
        """Every version of one answer, oldest first."""
        aid = str(aid or "").strip()
        if not aid:
            return []
        got = [CuratedAnswer.from_record(q, m) for _rid, q, m in self.side.all(where={"aid": aid})]
        return sorted(got, key=lambda a: a.version)

    def require(self, aid: str) -> CuratedAnswer:
        a = self.get(aid)
        if a is None:
            raise UserError(f"没有标准回答 {aid}（用 python -m assistant answers list 查看）")
        return a

    # -- checks --------------------------------------------------------------------------
    def _check_unique(self, candidate: CuratedAnswer, others: list[CuratedAnswer]) -> None:
        """No phrasing of ``candidate`` may equal (normalised) a phrasing of another active answer."""
        taken = {S.match_text(p): a for a in others if a.active and a.id != candidate.id for p in a.phrasings}
        for p in candidate.phrasings:
            other = taken.get(S.match_text(p))
            if other is not None:
                raise UserError(f"问题“{p}”与已有标准回答 {other.id}（{other.question}）重复；"
                                f"请编辑那一条，或先停用它")

    def _validated(self, a: CuratedAnswer) -> CuratedAnswer:
        a.question = _clean(a.question, "问题", MAX_QUESTION_CHARS)
        if not S.match_text(a.question):
            raise UserError("问题只含标点或空白")
        a.answer = _clean(a.answer, "答案", MAX_ANSWER_CHARS)
        a.basis = _clean(a.basis, "依据/条款", MAX_QUESTION_CHARS)
        a.owner = _clean(a.owner, "负责人", 100, required=False)
        a.effective_date = _date(a.effective_date)
        a.variants = [v for v in _variants(a.variants) if S.match_text(v) != S.match_text(a.question)]
        return a

    # -- writing -------------------------------------------------------------------------
    def _write(self, answers: list[CuratedAnswer]) -> None:
        records = [a.to_record() for a in answers]
        self.side.upsert([r[0] for r in records], [r[2] for r in records], [r[1] for r in records])
        _changed()

    def add(self, question: str, answer: str, basis: str, variants: Any = (), effective_date: str = "",
            owner: str = "", editor: str = "") -> CuratedAnswer:
        new = self._validated(CuratedAnswer(id="", version=1, question=question, answer=answer, basis=basis,
                                            variants=list(variants) if not isinstance(variants, str) else variants,
                                            effective_date=effective_date, owner=owner, editor=editor,
                                            note="新建"))
        new.id = answer_id(new.question)
        current = self.current()
        existing = next((a for a in current if a.id == new.id), None)
        if existing is not None and existing.active:
            raise UserError(f"已有相同问题的标准回答 {existing.id}；请用编辑修改它")
        self._check_unique(new, current)
        if existing is not None:  # a retired answer with this question comes back as its next version
            new.version = existing.version + 1
            new.note = "重新启用"
        self._write([new])
        return new

    def edit(self, aid: str, editor: str = "", **changes: Any) -> CuratedAnswer:
        """A new version with ``changes`` (question, answer, basis, variants, effective_date, owner)."""
        allowed = {"question", "answer", "basis", "variants", "effective_date", "owner"}
        unknown = set(changes) - allowed
        if unknown:
            raise UserError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
        old = self.require(aid)
        fields = {k: v for k, v in changes.items() if v is not None and k != "variants"}
        variants = changes.get("variants")
        new = self._validated(replace(old, **fields, variants=list(old.variants) if variants is None else variants))
        if self._same(old, new):
            return old
        self._check_unique(new, self.current())
        changed = [name for name, label in (("question", "问题"), ("answer", "答案"), ("basis", "依据"),
                                            ("variants", "相似问题"), ("effective_date", "生效日期"),
                                            ("owner", "负责人")) if getattr(old, name) != getattr(new, name)]
        new.version, new.updated_at, new.editor, new.status = old.version + 1, time.time(), editor, ACTIVE
        new.note = "修改：" + "、".join({"question": "问题", "answer": "答案", "basis": "依据",
                                        "variants": "相似问题", "effective_date": "生效日期",
                                        "owner": "负责人"}[c] for c in changed) if changed else "重新启用"
        self._write([new])
        return new

    def retire(self, aid: str, editor: str = "") -> CuratedAnswer:
        old = self.require(aid)
        if not old.active:
            raise UserError(f"标准回答 {aid} 已经停用")
        new = replace(old, version=old.version + 1, status=RETIRED, updated_at=time.time(), editor=editor,
                      note="停用")
        self._write([new])
        return new

    def restore(self, aid: str, editor: str = "") -> CuratedAnswer:
        old = self.require(aid)
        if old.active:
            raise UserError(f"标准回答 {aid} 正在生效")
        new = replace(old, version=old.version + 1, status=ACTIVE, updated_at=time.time(), editor=editor,
                      note="重新启用")
        self._check_unique(new, self.current())
        self._write([new])
        return new

    @staticmethod
    def _same(a: CuratedAnswer, b: CuratedAnswer) -> bool:
        return (a.question, a.answer, a.basis, a.variants, a.effective_date, a.owner, a.status) == \
            (b.question, b.answer, b.basis, b.variants, b.effective_date, b.owner, b.status)

    def import_file(self, path: Path | str, editor: str = "") -> ImportReport:
        """Import a sheet: a row whose question is a current answer's question updates it (a new
        version), any other row adds one. The whole sheet is checked first; one bad row and
        nothing is written."""
        from assistant.upkeep.sheets import read_table

        rows = read_table(path, COLUMNS, REQUIRED, what="标准回答表")
        name = Path(path).name
        current = {a.id: a for a in self.current()}
        report = ImportReport()
        writes: list[CuratedAnswer] = []
        seen: dict[str, int] = {}  # phrasing key -> row number
        for row in rows:
            c = row.cells
            for col in REQUIRED:
                if not c.get(col):
                    raise UserError(f"{name} 第 {row.number} 行：“{col}”为空")
            try:
                new = self._validated(CuratedAnswer(
                    id="", version=1, question=c["问题"], answer=c["答案"], basis=c["依据/条款"],
                    variants=c.get("相似问题", ""), effective_date=c.get("生效日期", ""),
                    owner=c.get("负责人", ""), editor=editor, note=f"导入 {name}"))
            except UserError as exc:
                raise UserError(f"{name} 第 {row.number} 行：{exc}") from None
            for p in new.phrasings:
                key = S.match_text(p)
                if key in seen:
                    raise UserError(f"{name} 第 {row.number} 行：问题“{p}”与第 {seen[key]} 行重复")
                seen[key] = row.number
            new.id = answer_id(new.question)
            old = current.get(new.id)
            if old is not None:
                new.version = old.version + 1
                if self._same(old, new):
                    report.unchanged.append(new.id)
                    continue
                report.updated.append(new.id)
            else:
                report.added.append(new.id)
            writes.append(new)
        others = [a for a in current.values() if a.id not in {w.id for w in writes}]
        for new in writes:
            try:
                self._check_unique(new, others)
            except UserError as exc:
                raise UserError(f"{name} 第 {seen[S.match_text(new.question)]} 行：{exc}") from None
        self._write(writes)
        return report

    def export_rows(self) -> tuple[list[str], list[list[Any]]]:
        """The current answers as a sheet in the import format (plus id, version, status)."""
        header = [*COLUMNS, "编号", "版本", "状态"]
        rows = [[a.question, a.answer, "\n".join(a.variants), a.basis, a.effective_date, a.owner, a.id,
                 a.version, STATUS_TEXT.get(a.status, a.status)] for a in self.current()]
        return header, rows

    # -- matching ------------------------------------------------------------------------
    def matcher(self, embedder=None, idf: Callable[[str], float] | None = None) -> "Matcher":
        return Matcher(self, embedder, idf)

    def match(self, question: str, embedder=None, idf=None) -> CuratedMatch | None:
        return self.matcher(embedder, idf).match(question)


class Matcher:
    """The effective curated answers, prepared for matching, reloaded when the stamp changes."""

    def __init__(self, store: CuratedStore, embedder=None, idf: Callable[[str], float] | None = None):
        self.store = store
        self.embedder = embedder
        self.idf = idf
        self._key: tuple | None = None
        self._entries: list[tuple[CuratedAnswer, S.Phrasing]] = []
        self._by_word: dict[str, set[int]] = {}  # content word -> entries (candidate lookup)
        self._by_bigram: dict[str, set[int]] = {}
        self._lock = threading.Lock()

    def _load(self) -> None:
        from assistant.lang.text import vocabulary_fingerprint

        key = (self.store.stamp(), vocabulary_fingerprint(), _dt.date.today().isoformat())
        if key == self._key:
            return
        with self._lock:
            answers = [a for a in self.store.current() if a.effective()]
            texts = [p for a in answers for p in a.phrasings]
            prepared = S.prepare(texts, self.embedder)
            entries, i = [], 0
            for a in answers:
                for _ in a.phrasings:
                    entries.append((a, prepared[i]))
                    i += 1
            by_word: dict[str, set[int]] = {}
            by_bigram: dict[str, set[int]] = {}
            for i, (_a, p) in enumerate(entries):
                for t in p.content:
                    by_word.setdefault(t, set()).add(i)
                for b in p.bigrams:
                    by_bigram.setdefault(b, set()).add(i)
            self._by_word, self._by_bigram = by_word, by_bigram
            self._entries, self._key = entries, key

    def scored(self, question: str, floor: float = 0.0) -> list[CuratedMatch]:
        """Every effective answer with its best phrasing's similarity, best first. With
        ``floor``, phrasings that cannot reach it (their mutual coverage, an upper bound of the
        similarity, is below it) are not scored in full and count as 0."""
        self._load()
        if not self._entries:
            return []
        q = S.prepare([question], self.embedder)[0]
        candidates = self._candidates(q, floor) if floor else None
        best: dict[str, CuratedMatch] = {}
        for i, (a, p) in enumerate(self._entries):
            if candidates is not None and i not in candidates and q.key != p.key:
                s = 0.0  # shares none of the question's heaviest words: cannot reach ``floor``
            else:
                s = S.similarity(q, p, self.idf)
            if a.id not in best or s > best[a.id].score:
                best[a.id] = CuratedMatch(a, s, p.text)
        return sorted(best.values(), key=lambda m: -m.score)

    def _candidates(self, q: S.Phrasing, floor: float) -> set[int] | None:
        """Entries that may reach ``floor``: those containing one of the words a match needs
        (as a word, or inside their text). None when every entry may."""
        needed = S.must_share(q, floor, self.idf)
        if needed is None:
            return None
        found: set[int] = set()
        for t in needed:
            found |= self._by_word.get(t, set())
            if not t.startswith("〈") and len(t) >= 2:
                found |= {i for i in self._by_bigram.get(t[:2], set()) if t in self._entries[i][1].key}
        return found

    def match(self, question: str, threshold: float = MATCH_THRESHOLD) -> CuratedMatch | None:
        ranked = self.scored(question, floor=threshold)
        return ranked[0] if ranked and ranked[0].score >= threshold else None


# Writes made in this process, so a Matcher here notices them on the very next question.
_generation = 0


def _changed() -> None:
    global _generation
    _generation += 1


def generation() -> int:
    return _generation
