"""Unanswered questions: every refusal and every 👎, for the maintainer to act on.

Stored with the knowledge base, in the Chroma collection ``<collection>_unanswered`` (one record
per event: time, mode, question, the reason, the top passages with their scores), so every app
instance on one server adds to the same list. The Assistant records its refusals itself (see
:mod:`assistant.upkeep.loop`); the app calls ``record_thumbs_down`` for a 👎.

``groups()`` clusters differently worded questions (same similarity as curated-answer matching,
:mod:`assistant.pipeline.similarity`), most frequent first; ``draft(group)`` turns a group into a
curated-answer draft, and ``adopt`` saves it as a curated answer and closes the group.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.pipeline import similarity as S
from assistant.config import Settings
from assistant.errors import UserError
from assistant.upkeep.sidecar import SideCollection, dumps, loads

SUFFIX = "unanswered"
# Questions at least this alike share a group: the curated-answer threshold, so one curated
# answer written for a group answers the group's phrasings.
from assistant.upkeep.curated import MATCH_THRESHOLD as GROUP_THRESHOLD  # noqa: E402

GROUP_COMPARE = 5
REFUSAL, THUMBS_DOWN = "refusal", "thumbs_down"
KIND_TEXT = {REFUSAL: "拒答", THUMBS_DOWN: "👎"}
OPEN, RESOLVED = "open", "resolved"
TOP_PASSAGES = 3
MAX_TEXT = 500


@dataclass
class Event:
    id: str
    question: str
    kind: str
    at: float
    mode: str = ""
    reason: str = ""
    passages: list[dict[str, Any]] = field(default_factory=list)  # passage, title, locator, score, text
    answer: str = ""
    comment: str = ""
    status: str = OPEN
    resolved_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["time"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.at))
        d["kind_text"] = KIND_TEXT.get(self.kind, self.kind)
        return d

    def to_record(self) -> tuple[str, str, dict[str, Any]]:
        return self.id, self.question, {
            "kind": self.kind, "at": self.at, "mode": self.mode, "reason": self.reason,
            "passages": dumps(self.passages), "answer": self.answer, "comment": self.comment,
            "status": self.status, "resolved_by": self.resolved_by}

    @classmethod
    def from_record(cls, rid: str, question: str, m: dict[str, Any]) -> "Event":
        return cls(id=rid, question=question or "", kind=str(m.get("kind", REFUSAL)), at=float(m.get("at", 0.0)),
                   mode=str(m.get("mode", "")), reason=str(m.get("reason", "")),
                   passages=list(loads(m.get("passages"), [])), answer=str(m.get("answer", "")),
                   comment=str(m.get("comment", "")), status=str(m.get("status", OPEN)),
                   resolved_by=str(m.get("resolved_by", "")))


@dataclass
class Group:
    id: str
    question: str  # the most frequent phrasing
    count: int
    phrasings: list[tuple[str, int]]  # (question, times asked), most frequent first
    events: list[Event]
    first: float
    last: float

    @property
    def reasons(self) -> list[tuple[str, int]]:
        return Counter(e.reason for e in self.events if e.reason).most_common()

    @property
    def kinds(self) -> dict[str, int]:
        return dict(Counter(KIND_TEXT.get(e.kind, e.kind) for e in self.events))

    def top_passages(self, n: int = TOP_PASSAGES) -> list[dict[str, Any]]:
        """The passages retrieved most often for this group (best score kept)."""
        seen: dict[str, dict[str, Any]] = {}
        counts: Counter = Counter()
        for e in self.events:
            for p in e.passages[:1] or []:
                key = p.get("passage") or p.get("title", "")
                counts[key] += 1
                if key not in seen or p.get("score", 0) > seen[key].get("score", 0):
                    seen[key] = p
        return [dict(seen[k], times=c) for k, c in counts.most_common(n)]

    def to_dict(self) -> dict[str, Any]:
        fmt = lambda t: time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))  # noqa: E731
        return {"id": self.id, "question": self.question, "count": self.count,
                "phrasings": [{"question": q, "count": c} for q, c in self.phrasings],
                "kinds": self.kinds, "reasons": [{"reason": r, "count": c} for r, c in self.reasons],
                "top_passages": self.top_passages(), "first": fmt(self.first), "last": fmt(self.last),
                "event_ids": [e.id for e in self.events]}


def _passages(hits) -> list[dict[str, Any]]:
    out = []
    for h in hits[:TOP_PASSAGES]:
        out.append({"passage": h.passage, "title": str(h.meta.get("title", "")), "locator": h.locator,
                    "score": round(float(h.score), 4),
                    "lexical": None if h.lexical_score is None else round(float(h.lexical_score), 4),
                    "dense": None if h.dense_score is None else round(float(h.dense_score), 4),
                    "text": h.text[:200]})
    return out


def _refusal_reason(assistant, answer, retrieval) -> str:
    for note in answer.notices:
        if note.startswith("超出知识库范围"):
            from assistant.domain.scope import topics

            name = note.split("：", 1)[-1]
            topic = next((t for t in topics() if t.name == name), None)
            return f"超出知识库范围：{topic.reason}" if topic else note
    if retrieval is None or not retrieval.hits:
        return "知识库中没有相关片段"
    # an evidence refusal's first sentence names what the knowledge base has nothing about
    said = answer.answer.split("。", 1)[0]
    return f"证据不足：{said}（最佳片段覆盖问题的 {retrieval.coverage:.0%}）"


class UnansweredLog:
    def __init__(self, settings: Settings, client=None):
        self.settings = settings
        self.side = SideCollection(settings, SUFFIX, client)

    # -- recording ---------------------------------------------------------------------------
    def _add(self, event: Event) -> Event:
        rid, doc, meta = event.to_record()
        self.side.upsert([rid], [meta], [doc])
        return event

    def record_refusal(self, assistant, answer) -> Event:
        """A refusal by ``assistant``: the top passages are searched again to keep their scores."""
        retrieval = None
        try:
            retrieval = assistant.search(answer.question, k=TOP_PASSAGES,
                                         context=answer.resolved_question or None)
        except Exception:
            pass
        return self._add(Event(id=f"u-{uuid.uuid4().hex}", question=answer.question[:MAX_TEXT], kind=REFUSAL,
                               at=time.time(), mode=answer.mode or assistant.mode,
                               reason=_refusal_reason(assistant, answer, retrieval),
                               passages=_passages(retrieval.hits) if retrieval else []))

    def record_thumbs_down(self, question: str, answer: Any = None, *, assistant=None, mode: str = "",
                           comment: str = "") -> Event:
        """A 👎 from the app. ``answer``: the Answer (or its dict, as the app's API returns it);
        with ``assistant`` the passages are searched again to keep their scores."""
        from assistant.core import clean_question

        question = clean_question(question)[0]
        if not question:
            raise UserError("问题为空，无法记录反馈")
        data = answer.to_dict() if hasattr(answer, "to_dict") else dict(answer or {})
        passages = []
        if assistant is not None:
            try:
                passages = _passages(assistant.search(question, k=TOP_PASSAGES).hits)
            except Exception:
                passages = []
        if not passages:
            passages = [{"passage": c.get("passage") or c.get("source", ""), "title": c.get("title", ""),
                         "locator": c.get("locator", ""), "score": None, "text": str(c.get("text", ""))[:200]}
                        for c in (data.get("citations") or [])[:TOP_PASSAGES] if isinstance(c, dict)]
        reason = "用户点了 👎" + (f"：{str(comment).strip()[:200]}" if str(comment or "").strip() else "")
        return self._add(Event(id=f"u-{uuid.uuid4().hex}", question=question[:MAX_TEXT], kind=THUMBS_DOWN,
                               at=time.time(), mode=mode or str(data.get("mode", "")), reason=reason,
                               passages=passages, answer=str(data.get("answer", ""))[:2000],
                               comment=str(comment or "")[:500]))

    # -- reading -----------------------------------------------------------------------------
    def events(self, include_resolved: bool = False) -> list[Event]:
        from assistant.upkeep.loop import flush

        flush()  # refusals this process recorded in the background are written first
        got = [Event.from_record(r, q, m) for r, q, m in self.side.all()]
        return sorted((e for e in got if include_resolved or e.status == OPEN), key=lambda e: e.at)

    def groups(self, include_resolved: bool = False, embedder=None) -> list[Group]:
        """Events clustered by question similarity; most frequent group first (then most recent)."""
        events = self.events(include_resolved)
        by_key: dict[str, list[Event]] = {}
        for e in events:
            by_key.setdefault(S.match_text(e.question) or e.question, []).append(e)
        # most frequent exact phrasing first, so it leads its group
        keys = sorted(by_key, key=lambda k: (-len(by_key[k]), -max(e.at for e in by_key[k])))
        prepared = dict(zip(keys, S.prepare([by_key[k][0].question for k in keys], embedder)))
        clusters: list[list[str]] = []
        for k in keys:
            p = prepared[k]
            # compared with each group's leading phrasings only (the most asked), so grouping
            # stays near-linear in the number of distinct questions
            home = next((c for c in clusters
                         if max(S.similarity(p, prepared[o]) for o in c[:GROUP_COMPARE]) >= GROUP_THRESHOLD), None)
            if home is None:
                clusters.append([k])
            else:
                home.append(k)
        groups = []
        for c in clusters:
            evs = [e for k in c for e in by_key[k]]
            phrasings = [(by_key[k][0].question, len(by_key[k])) for k in c]
            phrasings.sort(key=lambda x: -x[1])
            gid = "g-" + hashlib.sha1(c[0].encode("utf-8")).hexdigest()[:8]
            groups.append(Group(id=gid, question=phrasings[0][0], count=len(evs), phrasings=phrasings,
                                events=sorted(evs, key=lambda e: e.at), first=min(e.at for e in evs),
                                last=max(e.at for e in evs)))
        return sorted(groups, key=lambda g: (-g.count, -g.last))

    def group(self, gid: str) -> Group:
        for g in self.groups():
            if g.id == gid:
                return g
        raise UserError(f"没有未回答问题组 {gid}（用 python -m assistant unanswered 查看）")

    # -- acting on a group ---------------------------------------------------------------------
    @staticmethod
    def draft(group: Group) -> dict[str, Any]:
        """A curated-answer draft from a group: its most frequent phrasing as the question, the
        others as variants, the most relevant passage as suggested basis. The answer is left
        for the maintainer to write (nothing is invented)."""
        top = group.top_passages(1)
        basis = " ".join(x for x in (top[0].get("title", ""), top[0].get("locator", "")) if x) if top else ""
        return {"group_id": group.id, "question": group.question,
                "variants": [q for q, _ in group.phrasings[1:20]], "answer": "", "basis": basis,
                "effective_date": "", "owner": "", "suggested_passages": group.top_passages(),
                "event_ids": [e.id for e in group.events]}

    def resolve(self, event_ids: list[str], curated_id: str) -> int:
        got = self.side.get(list(event_ids))
        if not got:
            return 0
        updated = []
        for rid, q, m in got:
            e = Event.from_record(rid, q, m)
            e.status, e.resolved_by = RESOLVED, curated_id
            updated.append(e.to_record())
        self.side.upsert([r[0] for r in updated], [r[2] for r in updated], [r[1] for r in updated])
        return len(updated)

    def adopt(self, draft: dict[str, Any], *, answer: str, basis: str | None = None, editor: str = "",
              effective_date: str = "", owner: str = "", variants: Any = None):
        """Save a draft (edited by the maintainer) as a curated answer; its group is closed."""
        from assistant.upkeep.curated import CuratedStore

        store = CuratedStore(self.settings, self.side.client)
        created = store.add(draft["question"], answer, basis if basis is not None else draft.get("basis", ""),
                            variants=draft.get("variants", []) if variants is None else variants,
                            effective_date=effective_date, owner=owner, editor=editor)
        self.resolve(draft.get("event_ids", []), created.id)
        return created

    # -- export --------------------------------------------------------------------------------
    def export_xlsx(self, path: Path | str, include_resolved: bool = False) -> Path:
        groups = self.groups(include_resolved)
        fmt = lambda t: time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))  # noqa: E731
        summary = [[i, g.count, g.question, "\n".join(q for q, _ in g.phrasings[1:]),
                    "；".join(f"{k} {v}" for k, v in g.kinds.items()), fmt(g.last),
                    "\n".join(r for r, _ in g.reasons[:3]),
                    "\n".join(f"{p.get('title', '')} {p.get('locator', '')}（{p.get('score')}）"
                              for p in g.top_passages())]
                   for i, g in enumerate(groups, start=1)]
        detail = []
        for i, g in enumerate(groups, start=1):
            for e in g.events:
                row = [i, fmt(e.at), e.question, KIND_TEXT.get(e.kind, e.kind), e.mode, e.reason, e.answer[:500]]
                for p in e.passages[:TOP_PASSAGES]:
                    row += [f"{p.get('title', '')} {p.get('locator', '')}".strip(), p.get("score")]
                detail.append(row)
        from assistant.upkeep.sheets import write_xlsx

        passages_header = [h for n in range(1, TOP_PASSAGES + 1) for h in (f"片段{n}", f"分数{n}")]
        return write_xlsx(path, {
            "分组": (["组", "次数", "代表问题", "其他问法", "类型", "最近一次", "原因", "最相关片段（分数）"], summary),
            "明细": (["组", "时间", "问题", "类型", "模式", "原因", "回答（👎）", *passages_header], detail),
        })


def record_thumbs_down(settings: Settings, question: str, answer: Any = None, *, assistant=None,
                       comment: str = "", client=None) -> dict[str, Any]:
    """For the app's 👎 button: record it; returns the stored event as a dict."""
    if client is None and assistant is not None:
        client = assistant.store.client
    log = UnansweredLog(settings, client)
    return log.record_thumbs_down(question, answer, assistant=assistant, comment=comment).to_dict()
