"""The answer given for a matched curated answer (标准回答): its text verbatim, its basis cited,
its version shown, and — when the best knowledge-base passage states a different number for the
same kind of quantity — that passage too, so the reader sees both."""

from __future__ import annotations

from assistant.pipeline.answer import evidence_for, passage_sentences
from assistant.pipeline.similarity import NUMBER, UNIT_ALIASES, cn_number, quantities
from assistant.lang.text import to_search_text
from assistant.types import Answer, Citation, Hit

CURATED_SOURCE = "curated"


def number_conflicts(curated_text: str, passage_text: str) -> dict[str, tuple[set, set]]:
    """unit -> (values the curated answer states, values the passage states) for every unit
    where the curated answer states a value the passage, which states values of that unit,
    does not."""
    ours: dict[str, set] = {}
    theirs: dict[str, set] = {}
    for value, unit in quantities(curated_text):
        ours.setdefault(unit, set()).add(value)
    for value, unit in quantities(passage_text):
        theirs.setdefault(unit, set()).add(value)
    return {u: (ours[u], theirs[u]) for u in ours if u in theirs and not ours[u] <= theirs[u]}


def _fmt(values: set, unit: str) -> str:
    return "、".join(f"{int(v) if float(v).is_integer() else v}{unit}" for v in sorted(values))


def _sentences_with(hit: Hit, units: set[str]) -> list[str]:
    out = []
    for s in passage_sentences(hit) or [hit.text.strip()]:
        if any(unit == UNIT_ALIASES.get(u, u) and cn_number(n) is not None
               for n, u in NUMBER.findall(to_search_text(s)) for unit in units):
            out.append(s)
    return out[:2]


def compose(assistant, question: str, resolved: str, match) -> Answer:
    a = match.answer
    basis = Citation(n=1, source=f"{CURATED_SOURCE}:{a.id}", title=f"标准回答 {a.id}（第 {a.version} 版）",
                     locator=a.basis, text=a.answer, passage=f"{CURATED_SOURCE}:{a.id}@{a.version}",
                     chunk_id=f"{CURATED_SOURCE}:{a.id}@{a.version}", doc_type=CURATED_SOURCE)
    meta = [f"第 {a.version} 版"]
    if a.effective_date:
        meta.append(f"{a.effective_date} 起生效")
    if a.owner:
        meta.append(f"负责人 {a.owner}")
    text = f"{a.answer}\n\n——标准回答（{'，'.join(meta)}）；依据：{a.basis}[1]"
    citations = [basis]
    retrieved: list[str] = []
    notices = [f"标准回答 {a.id} 第 {a.version} 版（与“{match.phrasing}”的相似度 {match.score:.2f}）"]
    timings: dict[str, float] = {}
    try:
        retrieval = assistant.search(question, k=3, context=resolved)
        hits = retrieval.hits
        timings = dict(retrieval.timings)
        retrieved = [h.passage for h in hits]
        # the top passage must itself support an answer (the same evidence rule as any answer)
        evidence = evidence_for(assistant.understand(question, resolved), [hits[0].text]) if hits else None
        relevant = bool(hits) and not assistant.policy.should_abstain(evidence, True)
    except Exception:
        hits, relevant = [], False
    if relevant:
        top = hits[0]
        conflicts = number_conflicts(a.answer, top.text)
        if conflicts:
            sentences = _sentences_with(top, set(conflicts))
            if sentences:
                cited = Citation.from_hit(2, top)
                citations.append(cited)
                ours = "；".join(_fmt(v[0], u) for u, v in conflicts.items())
                theirs = "；".join(_fmt(v[1], u) for u, v in conflicts.items())
                body = "".join(s if s[-1] in "。！？!?" else s + "。" for s in sentences)
                body = body[:-1] + "[2]" + body[-1]
                text += (f"\n\n注意：标准回答中的数字（{ours}）与知识库原文（{theirs}）不一致，两者都列出，请核对。"
                         f"知识库原文（{top.meta.get('title', '')} {top.locator}）：{body}")
                notices.append("标准回答与知识库原文的数字不一致")
    return Answer(question=question, answer=text, citations=citations, abstained=False,
                  resolved_question=resolved, retrieved=retrieved, notices=notices, timings=timings,
                  curated={"id": a.id, "version": a.version, "question": a.question, "basis": a.basis,
                           "matched": match.phrasing, "score": round(match.score, 4),
                           "effective_date": a.effective_date, "owner": a.owner})
