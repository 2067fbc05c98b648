"""``Assistant.ask(question, history) -> Answer``: the one entry the CLI, app and eval use."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from typing import Iterator

from assistant.answer import ABSTAIN_TEXT, EMPTY_TEXT, AbstainPolicy, abstain_text, compose_extractive
from assistant.config import Settings
from assistant.conflicts import MAX_PASSAGES, authoritative_first, conflict_notes
from assistant.embedders.factory import resolve_embedder
from assistant.errors import UserError
from assistant.followup import resolve_followup
from assistant.lexical import LexicalIndex
from assistant.retrieval import CrossEncoderReranker, Retrieval, Retriever
from assistant.store import KnowledgeStore
from assistant.scope import in_domain, out_of_scope
from assistant.text import to_search_text, tokenize
from assistant.types import Answer, Citation, Hit, ToolCall

log = logging.getLogger("assistant.core")

MAX_QUESTION_CHARS = 500
MAX_CONFLICT_PARTNERS = 5  # documents a passage's ``conflicts_with`` may bring into one answer
STORE_CHECK_SECONDS = 2.0  # how often ask() looks for changes made by other processes
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]")
# Queries that fetch the passages a grade calculation rests on.
THRESHOLD_QUERY = "售后服务认证 等级 分数 70分 达标 80分 三星级 90分 四星级 95分 五星级"
SCORING_RULE_QUERY = "涉及项分值 删减 实际得分 除以 涉及项 乘以100 计算"
SPECIAL_ITEMS_QUERY = "特别扣分项 特别加分项 扣1分 加1分"


def clean_history(raw: object) -> tuple[list[dict], list[str]]:
    """The usable turns of a conversation history ({"role": "user"|"assistant", "content": str});
    anything else is dropped with a notice, so a malformed history never raises."""
    if raw is None:
        return [], []
    if not isinstance(raw, (list, tuple)):
        return [], ["对话历史格式无效（应为 [{\"role\", \"content\"}] 列表），已忽略。"]
    turns = [{"role": t["role"], "content": clean_question(t["content"])[0]} for t in raw
             if isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str)]
    notices = [] if len(turns) == len(raw) else [f"对话历史中有 {len(raw) - len(turns)} 条格式无效，已忽略。"]
    return turns, notices


def clean_question(raw: object) -> tuple[str, list[str]]:
    """Make any input a safe, bounded question; return (question, notices)."""
    notices = []
    text = "" if raw is None else str(raw)
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text))
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS]
        notices.append(f"问题过长，只按前 {MAX_QUESTION_CHARS} 个字回答。")
    return text, notices


class Assistant:
    """Hybrid retrieval + extractive cited answers + the scoring tool (+ an LLM when configured)."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings.from_env()
        self.store = KnowledgeStore(self.settings)
        choice = resolve_embedder(self.settings)
        self.store.check_embedder(choice.embedder)
        self.embedder = choice.embedder
        self.notices = [choice.notice]
        self.policy = AbstainPolicy()
        self.reranker = self._load_reranker()
        self._lock = threading.Lock()
        self.stale_notice: str | None = None
        self._version = None
        self._stamp = self.store.stamp()
        self._checked = time.monotonic()
        self.retriever: Retriever | None = None
        self.refresh()
        self.llm = None
        if self.settings.llm_configured:
            from assistant.llm import LLMAgent

            self.llm = LLMAgent.from_settings(self.settings, self)

    def _load_reranker(self):
        model = self.settings.reranker_model
        if not model:
            return None
        try:
            return CrossEncoderReranker(model, local_files_only=not self.settings.allow_download)
        except Exception as exc:
            self.notices.append(f"提示：无法加载重排序模型 {model}（{str(exc).splitlines()[0][:120]}），不做重排序。")
            return None

    def refresh(self) -> bool:
        """Rebuild the lexical index when the store changed (after an ingest or a delete).

        When that fails (the store is unreachable, or rebuilt by someone else while it is read)
        the previous index keeps serving, every answer says so in a notice, and the next check
        tries again. Returns whether the index is current."""
        with self._lock:
            try:
                version = self.store.version()
                if version == self._version and self.retriever is not None:
                    self.stale_notice = None
                    return True
                lexical = LexicalIndex.from_store(self.store, self.settings.data_dir / "cache", self.embedder)
            except Exception as exc:
                if self.retriever is None:
                    raise
                log.warning("refresh failed, keeping the previous index", exc_info=exc)
                reason = str(exc) if isinstance(exc, UserError) else type(exc).__name__
                self.stale_notice = f"知识库更新后刷新索引失败（{reason}），暂时沿用上一版索引回答。"
                self._stamp = None  # look again at the next question
                return False
            self.retriever = Retriever(self.store, self.embedder, lexical, self.reranker)
            self._version = version
            self.stale_notice = None
            return True

    def _follow_store(self) -> None:
        """Refresh when another process (an ingest, another app instance on the same Chroma
        server) changed the knowledge base; checked at most every few seconds, cheaply."""
        now = time.monotonic()
        if now - self._checked < STORE_CHECK_SECONDS:
            return
        self._checked = now
        stamp = self.store.stamp()
        # no stamp: the store is unreachable or between a rebuild's renames; keep serving the
        # current index and look again at the next question
        if stamp is not None and stamp != self._stamp:
            self._stamp = stamp
            self.refresh()

    @property
    def mode(self) -> str:
        dense = "内置哈希嵌入" if self.embedder.name.startswith("hashing") else f"稠密模型 {self.embedder.name[3:]}"
        rerank = f" + 重排序 {self.reranker.name}" if self.reranker else ""
        if self.llm is not None:
            return f"LLM 模式（{self.settings.llm_model}；检索：BM25 + {dense}{rerank}）"
        return f"离线模式（BM25 + {dense}{rerank}，抽取式回答）"

    # -- retrieval ---------------------------------------------------------------------
    def search(self, query: str, k: int = 5, doc_type: str | None = None,
               context: str | None = None) -> Retrieval:
        return self.retriever.retrieve(query, k=k, doc_type=doc_type, context=context)

    def _conflict_partners(self, hits: list[Hit], query: str) -> dict[str, Hit]:
        """For the best passage, the closest passage of each document that disagrees with it
        (taken from the hits when one is there, else fetched), so both can be cited."""
        partners: dict[str, Hit] = {}
        for hit in hits[:1]:
            # bounded whatever a document declares: a few partners, one store lookup for them all
            named = list(filter(None, map(str.strip, str(hit.meta.get("conflicts_with", ""))[:2000].split(","))))
            named = list(dict.fromkeys(d for d in named if d != hit.meta.get("doc_id")))[:MAX_CONFLICT_PARTNERS]
            missing = [d for d in named if not any(h.meta.get("doc_id") == d for h in hits)]
            manifests = self.store.manifests_of(missing) if missing else {}
            query_vec = None
            for other_doc in named:
                found = next((h for h in hits if h.meta.get("doc_id") == other_doc), None)
                if found is None and other_doc in manifests:
                    if query_vec is None:
                        query_vec = self.embedder.embed_query(query)
                    found = self.store.nearest_among(manifests[other_doc].chunk_ids[:MAX_PASSAGES * 50], query_vec)
                if found:
                    partners[hit.chunk_id] = found
        return partners

    # -- answering ---------------------------------------------------------------------
    def _start(self, question: object, history: object) -> tuple[str, list[dict], list[str], str, Answer | None]:
        """First steps shared by ask and stream: clean the input and the history, resolve a
        follow-up, and answer at once (empty or out-of-scope) when no retrieval or LLM is needed."""
        text, notices = clean_question(question)
        history, history_notices = clean_history(history)
        notices += history_notices
        self._follow_store()
        if not text:
            return text, history, notices, "", Answer(question="", answer=EMPTY_TEXT, abstained=True)
        resolved = resolve_followup(text, history, len(tokenize(text)))
        return text, history, notices, resolved, self._refuse_out_of_scope(text, resolved)

    def _finish(self, answer: Answer, notices: list[str], started: float) -> Answer:
        answer.notices = notices + answer.notices + ([self.stale_notice] if self.stale_notice else [])
        answer.mode = self.mode
        answer.timings["total_ms"] = (time.perf_counter() - started) * 1e3
        return answer

    def ask(self, question: object, history: list[dict] | None = None) -> Answer:
        started = time.perf_counter()
        text, history, notices, resolved, answer = self._start(question, history)
        if answer is None:
            answer = self.llm.ask(text, history, resolved) if self.llm is not None \
                else self._ask_offline(text, resolved)
        return self._finish(answer, notices, started)

    def stream(self, question: object, history: list[dict] | None = None) -> Iterator[str | Answer]:
        """Yield the growing answer text, then the final Answer."""
        started = time.perf_counter()
        text, history, notices, resolved, answer = self._start(question, history)
        if answer is None and self.llm is not None:
            for event in self.llm.stream(text, history, resolved):
                if isinstance(event, Answer):
                    answer = event
                else:
                    yield event
        else:
            if answer is None:
                answer = self._ask_offline(text, resolved)
            shown = ""
            for piece in re.split(r"(?<=[。！？\n])", answer.answer):
                shown += piece
                yield shown
        answer = self._finish(answer, notices, started)
        yield answer.answer  # the LLM text may have been replaced by the extractive answer
        yield answer

    def _refuse_out_of_scope(self, question: str, resolved: str) -> Answer | None:
        """Refuse topics the KB deliberately does not cover (fees, other certifications…)."""
        from assistant.score_intent import score_request

        if score_request(question, resolved) is not None:
            return None
        normalised = to_search_text(question)
        resolved_text = to_search_text(resolved)
        # a clause or article number the knowledge base holds ("5.1.4.1条讲什么") is in domain
        names_locator = self.retriever is not None and self.retriever.lexical.match_locators(resolved_text)
        if not names_locator and not in_domain(resolved_text, tokenize(resolved)):
            return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True,
                          resolved_question=resolved, notices=["超出知识库范围：与售后服务认证无关"])
        topic = out_of_scope(normalised)
        if topic is None:
            return None
        return Answer(question=question, answer=abstain_text(topic.reason), abstained=True,
                      resolved_question=resolved, notices=[f"超出知识库范围：{topic.name}"])

    def _ask_offline(self, question: str, resolved: str) -> Answer:
        from assistant.score_intent import score_request

        score_args = score_request(question, resolved)
        if score_args is not None:
            return self.answer_score(question, resolved, score_args)
        retrieval = self.search(question, k=5, context=resolved)
        hits = retrieval.hits
        if self.policy.should_abstain(retrieval.coverage, retrieval.faq_similarity, bool(hits)):
            return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True,
                          resolved_question=resolved, timings=dict(retrieval.timings),
                          retrieved=[h.passage for h in hits])
        hits = authoritative_first(hits)  # a more authoritative passage that disagrees leads
        text, citations = compose_extractive(
            hits, query_tokens=retrieval.tokens,
            relevance=lambda h: self.retriever.coverage_of(retrieval.tokens, h),
            conflicts=self._conflict_partners(hits, resolved))
        note, citations = conflict_notes(hits, citations, Citation.from_hit)
        text += note
        return Answer(question=question, answer=text, citations=citations, abstained=False,
                      resolved_question=resolved, timings=dict(retrieval.timings),
                      retrieved=[h.passage for h in hits])

    def _rule_passage(self, query: str) -> Hit | None:
        """The passage a grade rule is cited from: the same for every score question until the
        knowledge base changes, so it is searched once per knowledge-base version."""
        memo = self.retriever.memo
        key = "rule-passage:" + query
        if key not in memo:
            hits = self.search(query, k=1, doc_type="standard").hits or self.search(query, k=1).hits
            memo[key] = hits[0] if hits else None
        return memo[key]

    def answer_score(self, question: str, resolved: str, args: dict) -> Answer:
        """Grade questions: the number comes from the scoring tool, the rule from cited passages."""
        from assistant.tools import run_calculate_grade

        result = run_calculate_grade(args)
        call = ToolCall(name="calculate_grade", args=args, result=result)
        if "error" in result:
            return Answer(question=question, answer=f"无法计算：{result['error']}", abstained=False,
                          tool_calls=[call], resolved_question=resolved)
        queries = [THRESHOLD_QUERY]
        if "applicable_total" in args or "rows" in args:
            queries.append(SCORING_RULE_QUERY)
        if args.get("special_deductions") or args.get("bonus"):
            queries.append(SPECIAL_ITEMS_QUERY)
        citations: list[Citation] = []
        for q in queries:
            hit = self._rule_passage(q)
            if hit and all(c.chunk_id != hit.chunk_id for c in citations):
                citations.append(Citation.from_hit(len(citations) + 1, hit))
        return Answer(question=question, answer=score_text(result, args, citations),
                      citations=citations, abstained=False, tool_calls=[call],
                      resolved_question=resolved, retrieved=[c.passage for c in citations])


def score_text(result: dict, args: dict, citations: list[Citation]) -> str:
    """Say the computed score, grade and gap; every sentence points at the rule it rests on."""
    rule = f"[{citations[0].n}]" if citations else ""
    calc = f"[{citations[1].n}]" if len(citations) > 1 else rule
    special = f"[{citations[-1].n}]" if len(citations) > 2 else calc
    lines = []
    if "applicable_total" in args:
        lines.append(f"按实际得分 {args.get('earned')} 分、涉及项分值 {args['applicable_total']} 分计算，"
                     f"换算得分为 {result.get('base_score')} 分{calc}。")
    if args.get("special_deductions") or args.get("bonus"):
        lines.append(f"计入特别扣分项 {args.get('special_deductions', 0)} 个（每个扣1分）"
                     f"和特别加分项（最多加1分）后{special}，")
    lines.append(f"最终得分 {result['score']} 分，等级为{result['grade']}{rule}。")
    if result.get("next_grade"):
        lines.append(f"距{result['next_grade']}还差 {result['points_to_next']} 分{rule}。")
    else:
        lines.append(f"已达到最高等级五星级{rule}。")
    for note in result.get("notes", []):
        lines.append(f"{note.rstrip('。')}{rule}。")
    return "".join(lines)
