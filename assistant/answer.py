"""Extractive, cited answers and abstention — pure functions over retrieved hits.

Every sentence we output is a sentence of a cited passage, followed by its [n] marker, so
nothing is said that the knowledge base does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Citation, Hit

KB_COVERS = (
    "本知识库涵盖售后服务认证（GB/T 27922-2011）的认证类别、申请条件与适用范围、认证流程与材料、"
    "评审与服务网点、等级与评分规则、证书有效期与监督，以及相关法规（认证认可条例、国发〔2014〕26号、三包等）。"
)
ABSTAIN_TEXT = "知识库中没有找到依据回答这个问题。" + KB_COVERS


def abstain_text(reason: str | None = None) -> str:
    """The refusal: says there is no support, why when known, and what the KB does cover."""
    if not reason:
        return ABSTAIN_TEXT
    return f"知识库中没有找到依据回答这个问题：{reason}。{KB_COVERS}"
CLOSE_RUNNER_UP = 0.85
EMPTY_TEXT = "请输入一个问题，例如：“售后服务认证属于哪类认证？”或“得了88分能评几星？”"

_SENT_END = re.compile(r"(?<=[。！？!?])")
_SOURCE_LINE = re.compile(r"^\s*(来源|來源|出处|出處)[:：]")
_HEADING = re.compile(r"^\s*#{1,6}\s+")


@dataclass(frozen=True)
class AbstainPolicy:
    """Evidence needed to answer: query coverage by the best passage, or a FAQ paraphrase match.

    Calibrated on the eval QA set (in-domain vs out-of-scope); see eval/thresholds.
    """

    min_coverage: float = 0.0
    min_faq_similarity: float = 0.0

    def should_abstain(self, coverage: float, faq_similarity: float, has_hits: bool) -> bool:
        if not has_hits:
            return True
        return coverage < self.min_coverage and faq_similarity < self.min_faq_similarity


def passage_sentences(hit: Hit) -> list[str]:
    """The passage's own sentences: no heading/question line, no source line."""
    lines = []
    titles = {str(hit.meta.get("question", "")).strip().rstrip("？?"),
              str(hit.meta.get("heading_path", "")).split(" > ")[-1].strip().rstrip("？?")} - {""}
    for i, line in enumerate(hit.text.splitlines()):
        stripped = line.strip()
        if not stripped or _SOURCE_LINE.match(stripped) or _HEADING.match(stripped):
            continue
        if i == 0 and stripped.rstrip("？?") in titles:
            continue  # the passage's own heading or question line
        lines.append(stripped)
    text = "".join(lines)
    return [s.strip() for s in _SENT_END.split(text) if s.strip()]


def source_line(hit: Hit) -> str:
    for line in hit.text.splitlines():
        if _SOURCE_LINE.match(line.strip()):
            return line.strip()
    return ""


def _cite(sentences: list[str], n: int) -> str:
    out = []
    for s in sentences:
        end = s[-1] if s[-1] in "。！？!?" else ""
        body = s[:-1] if end else s
        out.append(f"{body}[{n}]{end or '。'}")
    return "".join(out)


def relevant_sentences(sentences: list[str], query_tokens: list[str], n: int) -> list[str]:
    """The ``n`` sentences sharing most query tokens (ties: earlier first), in passage order."""
    from assistant.text import to_search_text

    if not query_tokens:
        return sentences[:n]
    scored = [(sum(t in to_search_text(s) for t in set(query_tokens)), -i) for i, s in enumerate(sentences)]
    keep = sorted(sorted(range(len(sentences)), key=lambda i: scored[i], reverse=True)[:n])
    return [sentences[i] for i in keep]


def compose_extractive(hits: list[Hit], *, max_main_chars: int = 320, max_support: int = 3,
                       support_ratio: float = 0.55, query_tokens: list[str] | None = None,
                       relevance=None, min_support_relevance: float = 0.4,
                       conflicts: dict[str, Hit] | None = None) -> tuple[str, list[Citation]]:
    """Direct answer from the best passage, then short supporting points from the next ones.

    ``relevance(hit) -> 0..1`` (query coverage) keeps weakly related passages out of the
    supporting points. ``conflicts`` maps a cited chunk id to a passage from a document that
    disagrees with it; both are cited and the disagreement is said out loud.
    """
    if not hits:
        return ABSTAIN_TEXT, []
    citations: list[Citation] = []
    parts: list[str] = []

    def cite(hit: Hit) -> int:
        for c in citations:
            if c.chunk_id == hit.chunk_id:
                return c.n
        citations.append(Citation.from_hit(len(citations) + 1, hit))
        return len(citations)

    top = hits[0]
    main, used = [], 0
    for s in passage_sentences(top) or [top.text.strip()]:
        if main and used + len(s) > max_main_chars:
            break
        main.append(s)
        used += len(s)
    parts.append(_cite(main, cite(top)))

    support = []
    seen_docs = {top.meta.get("passage") or top.chunk_id}
    for hit in hits[1:]:
        if len(support) >= max_support or hit.score < top.score * support_ratio:
            break
        key = hit.meta.get("passage") or hit.chunk_id
        sentences = passage_sentences(hit)
        if key in seen_docs or not sentences or any(sentences[0] in m for m in main):
            continue
        # a runner-up almost as strong as the best passage is shown even when it shares few
        # query words: the ranking is not sure which of the two answers the question
        close = any(hit is h for h in hits[1:3]) and hit.score >= top.score * CLOSE_RUNNER_UP
        if relevance is not None and relevance(hit) < min_support_relevance and not close:
            continue
        seen_docs.add(key)
        support.append(_cite(relevant_sentences(sentences, query_tokens or [], 2), cite(hit)))
    if support:
        parts.append("\n\n补充：\n" + "\n".join(f"- {s}" for s in support))

    for c in list(citations):
        partner = (conflicts or {}).get(c.chunk_id)
        if partner is None:
            continue
        already = next((x.n for x in citations if x.chunk_id == partner.chunk_id), None)
        if already is not None:
            parts.append(f"\n\n注意：不同来源对此说法不一，两种说法分别见[{c.n}]和[{already}]。")
            continue
        other = relevant_sentences(passage_sentences(partner), query_tokens or [], 1)
        if other:
            m = cite(partner)
            parts.append(f"\n\n注意：不同来源对此说法不一。另一来源（{partner.meta.get('title', '')}）称："
                         + _cite(other, m))
    return "".join(parts), citations
