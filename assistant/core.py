"""``Assistant.ask(question, history) -> Answer``: the one entry the CLI, app and eval use."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from dataclasses import replace
from functools import lru_cache
from typing import Iterator

from assistant.upkeep import loop
from assistant.pipeline import trace
from assistant.pipeline.answer import EMPTY_TEXT, KB_COVERS, abstain_text, compose_extractive, names_heads
from assistant.config import Settings
from assistant.factory import Components, build_components, build_llm_agent
from assistant.domain.conflicts import MAX_PASSAGES, authoritative_first, conflict_notes
from assistant.errors import UserError
from assistant.domain.followup import resolve_followup
from assistant.domain.question import (drop_glosses, drop_self_corrections, drop_speakers, spoken_digits, drop_instructions, drop_purposes, drop_official_frame, drop_reporting_frame, read_quiz_item,
                                       restore_breaks)
from assistant.index.lexical import LexicalIndex
from assistant.pipeline.retrieval import Retrieval, Retriever
from assistant.domain.scope import (FRAUD_TOPIC, fraud_of_the_story, in_domain, out_of_scope, policy_refusal,
                                    topic_yields)
from assistant.lang.dialect import to_mandarin
from assistant.lang.english import to_chinese_terms
from assistant.lang.slips import correct_question
from assistant.lang.text import join_split_terms, to_search_text, tokenize
from assistant.types import Answer, Citation, Hit, ToolCall, is_turn
from assistant.present import confirm_text, item_text, plain_error, score_text
from assistant.domain.grades import GRADES, PASS_MARK, PASSING_GRADES

log = logging.getLogger("assistant.core")

MAX_QUESTION_CHARS = 500
MAX_CONFLICT_PARTNERS = 5  # documents a passage's ``conflicts_with`` may bring into one answer
STORE_CHECK_SECONDS = 2.0  # how often ask() looks for changes made by other processes
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]")
# Queries that fetch the passages a grade calculation rests on.
THRESHOLD_QUERY = "售后服务认证 等级 分数 " + " ".join(f"{int(lo)}分 {label}" for label, lo in reversed(GRADES[:-1]))
SPECIAL_ITEMS_QUERY = "特别扣分项 特别加分项 扣1分 加1分"


def clean_history(raw: object) -> tuple[list[dict], list[str]]:
    """The usable turns of a conversation history ({"role": "user"|"assistant", "content": str});
    anything else is dropped with a notice, so a malformed history never raises."""
    if raw is None:
        return [], []
    if not isinstance(raw, (list, tuple)):
        return [], ["对话历史格式无效（应为 [{\"role\", \"content\"}] 列表），已忽略。"]
    turns = [{"role": t["role"], "content": clean_question(t["content"])[0]} for t in raw if is_turn(t)]
    notices = [] if len(turns) == len(raw) else [f"对话历史中有 {len(raw) - len(turns)} 条格式无效，已忽略。"]
    return turns, notices


def _with_said(text: str, said: str) -> str:
    """The question for a language model, with the asker's instructions on how to answer
    ("一句话回答") given back: the model can follow them, the search must not read them."""
    return f"{text}（{said.strip('，,：: ')}）" if said else text


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

    def __init__(self, settings: Settings | None = None, components: Components | None = None):
        self.settings = settings or Settings.from_env()
        parts = components or build_components(self.settings)
        self.store = parts.store
        self.embedder = parts.embedder
        self.notices = parts.notices
        self.policy = parts.policy
        self.reranker = parts.reranker
        self._lock = threading.Lock()
        self.stale_notice: str | None = None
        self._version = None
        self._stamp = self.store.stamp()
        self._covers: tuple | None = None  # (index version, what the knowledge base holds)
        self._checked = time.monotonic()
        self.retriever: Retriever | None = None
        loop.retokenize_stale(self)
        self.refresh()
        self.llm = build_llm_agent(self.settings, self)

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

    def covers(self) -> str:
        """What this knowledge base holds, said after a refusal (answer.kb_covers): the shipped
        corpus by its topics, a base of other documents by their titles; read once per version."""
        from assistant.config import CORPUS_DIR
        from assistant.pipeline.answer import kb_covers

        if self._covers is None or self._covers[0] != self._version:
            try:
                docs = list(self.store.manifests().values())
            except Exception:  # an unreachable store: the topics, as before
                return KB_COVERS
            corpus = str(CORPUS_DIR.resolve())
            shipped = bool(docs) and all(str(m.source).startswith(corpus) for m in docs)
            self._covers = (self._version, kb_covers([m.title for m in docs], shipped))
        return self._covers[1]

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
               context: str | None = None, focus: tuple[str, ...] = ()) -> Retrieval:
        return self.retriever.retrieve(query, k=k, doc_type=doc_type, context=context, focus=focus)

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
    def _start(self, question: object, history: object) -> tuple[str, list[dict], list[str], str, Answer | None, str]:
        """First steps shared by ask and stream: clean the input and the history, resolve a
        follow-up, and answer at once (empty or out-of-scope) when no retrieval or LLM is needed."""
        # a forwarded chat's speakers ("客户：…") are dropped while its lines are still lines
        text, notices = clean_question(drop_speakers(question) if isinstance(question, str) else question)
        history, history_notices = clean_history(history)
        notices += history_notices
        self._follow_store()
        loop.prepare(self)  # the knowledge base's vocabulary, as edited by the maintainer
        if not text:
            return text, history, notices, "", Answer(question="", answer=EMPTY_TEXT, abstained=True), ""
        text = restore_breaks(text)  # "能申请吗 要多久": spaces typed for punctuation are read as it
        text = to_mandarin(text)  # "扣咗4分" -> 扣了4分: a Cantonese question read as Mandarin
        text = drop_self_corrections(text)  # "九十五 不对 是九十" -> 九十: the number taken back is not meant
        text = spoken_digits(text)  # "二七九二二" -> 27922: a standard's number said digit by digit
        corrected, slips = correct_question(text)  # "认证机购" -> 认证机构: a typo must not lose the passages
        if slips and getattr(policy_refusal(text), "policy", False) \
                and not getattr(policy_refusal(corrected), "policy", False):
            corrected, slips = text, []  # a correction never reads a fraud request away ("一个假的记录")
        text = corrected
        notices += [f"已按“{meant}”理解问题中的“{typed}”" for typed, meant in slips]
        text = join_split_terms(text)  # "拿了证以后" -> 拿证以后: the term its documents are indexed under
        text, said = drop_instructions(text)  # "一句话回答", "请你作为专家…": how to answer asks no document
        text = drop_reporting_frame(text)  # "客户问我：…": who passed the question on is not asked
        text = drop_purposes(text)  # "…，好判断要投多少人力": what the answer is for is not asked
        text = drop_official_frame(text)  # "关于…的请示：…烦请明确…": a letter's formalities are not asked
        text = read_quiz_item(text)  # "判断对错：…", "填空题：…是____": the question a quiz item asks
        text = drop_glosses(text)  # "合规风险（compliance risk）": an English gloss is said twice, asked once
        text, english = to_chinese_terms(text)  # "这个certification的validity" -> 这个认证的有效期
        if english:
            notices.append("已按中文术语理解问题中的英文词：" + "、".join(f"{typed} → {meant}" for typed, meant in english))
        resolved = resolve_followup(text, history, len(tokenize(text)))
        return text, history, notices, resolved, \
            self._refuse_out_of_scope(text, resolved, curated=lambda: loop.curated(self, text, resolved)), said

    def _finish(self, answer: Answer, notices: list[str], started: float) -> Answer:
        answer.notices = notices + answer.notices + ([self.stale_notice] if self.stale_notice else [])
        answer.mode = self.mode
        answer.timings["total_ms"] = (time.perf_counter() - started) * 1e3
        answer.trace = answer.trace or trace.for_answer(self, answer, loop.last_curated(answer.question))
        loop.record(self, answer)  # a refusal goes to the unanswered questions
        return answer

    def ask(self, question: object, history: list[dict] | None = None) -> Answer:
        started = time.perf_counter()
        text, history, notices, resolved, answer, said = self._start(question, history)
        if answer is None:
            answer = self.llm.ask(_with_said(text, said), history, resolved) if self.llm is not None \
                else self.answer_offline(text, resolved)
        return self._finish(answer, notices, started)

    def stream(self, question: object, history: list[dict] | None = None) -> Iterator[str | Answer]:
        """Yield the growing answer text, then the final Answer."""
        started = time.perf_counter()
        text, history, notices, resolved, answer, said = self._start(question, history)
        if answer is None and self.llm is not None:
            for event in self.llm.stream(_with_said(text, said), history, resolved):
                if isinstance(event, Answer):
                    answer = event
                else:
                    yield event
        else:
            if answer is None:
                answer = self.answer_offline(text, resolved)
            shown = ""
            for piece in re.split(r"(?<=[。！？\n])", answer.answer):
                shown += piece
                yield shown
        answer = self._finish(answer, notices, started)
        yield answer.answer  # the LLM text may have been replaced by the extractive answer
        yield answer

    def _refuse_out_of_scope(self, question: str, resolved: str, curated=None) -> Answer | None:
        """Refuse what the assistant must not help with whatever the knowledge base holds
        (fraud, bribery, writing tasks), and questions that do not touch the domain at all.
        Everything else is decided on evidence, after retrieval (answer_offline). ``curated()``,
        when given, is a maintainer's answer to the question: it comes after the policy refusals
        (a fraud request worded like a curated question is still refused), before the others."""
        from assistant.domain.question import (OTHER, asks_unmarked, content_words, find_core, question_type,
                                               sentences, without_hearsay, without_set_aside)
        from assistant.domain.score_intent import score_request

        normalised = to_search_text(question)
        # a gap topic is looked for in the sentences that ask (each question of a compound one,
        # one at a time), unless the asking sentence says nothing of its own ("我想了解认证费用。
        # 能大概说一下吗？" asks about what the story names)
        core = find_core(normalised)
        told = sentences(normalised)
        further = [s for i, s in enumerate(told)  # asked with a ？, or the last one, left without
                   if (s.endswith(("？", "?")) or (i == len(told) - 1 and asks_unmarked(s)))
                   and s not in core and core not in s and question_type(without_set_aside(s)) != OTHER]
        asked = [without_hearsay(core) if content_words(core) else None, *further]
        topic = next(filter(None, (out_of_scope(normalised, asking=a) for a in asked)), None)
        if topic is not None and topic.name == FRAUD_TOPIC and fraud_of_the_story(normalised, asked, topic.pattern):
            topic = None  # "被代办骗了，说包过…该怎么挑机构", "中介说能挂靠…合规吗": not asked for

        def refuse_topic(text: str) -> Answer:
            return Answer(question=question, answer=text, abstained=True,
                          resolved_question=resolved, notices=[f"超出知识库范围：{topic.name}"])

        if topic is not None and topic.policy:  # fraud is refused even inside a score question
            mixed = self._answer_before_fraud(question, resolved, told, topic) if topic.name == FRAUD_TOPIC else None
            return mixed or refuse_topic(f"{topic.reason}。")
        if curated is not None and (answer := curated()) is not None:
            return answer
        if score_request(question, resolved) is not None:
            return None
        resolved_text = to_search_text(resolved)
        # a clause or article number the knowledge base holds ("5.1.4.1条讲什么") is in domain
        names_locator = self.retriever is not None and self.retriever.lexical.match_locators(resolved_text)
        if not names_locator and not in_domain(resolved_text, tokenize(resolved)) \
                and not self._names_kb_words(resolved):
            return Answer(question=question, answer=abstain_text(covers=self.covers()), abstained=True,
                          resolved_question=resolved, notices=["超出知识库范围：与售后服务认证无关"])
        if topic is None or topic_yields(  # issue 14: the documents state what the topic says they lack
                topic, normalised, lambda: [h.text for h in self.search(question, k=5, context=resolved).hits[:3]]):
            return None
        return refuse_topic(abstain_text(topic.reason, self.covers()))

    def _answer_before_fraud(self, question: str, resolved: str, told: list[str], topic) -> Answer | None:
        """A legitimate question asked on its own before a fraud request ("准备材料要注意什么？
        满意度数据能不能美化一下？") is answered, and the request refused after it. Only when the
        legitimate question is a sentence of its own, ends in ？ and comes first: a request told
        first, or one the harmless words refer to ("这样操作要注意什么？"), is refused whole."""
        from assistant.domain.question import OTHER, content_words, question_type

        if resolved != question or len(told) < 2:
            return None
        first = told[0]
        if _MAKE_FOR_ME.search(first):
            return None  # "能不能帮我们搞一份…记录？我们其实没做过，随便编一下": the request is the fraud's
        if not first.endswith(("？", "?")) or question_type(first) == OTHER or not content_words(first) \
                or out_of_scope(first) is not None \
                or not any(getattr(out_of_scope(s), "name", "") == FRAUD_TOPIC for s in told[1:]):
            return None
        if any(_POINTS_BACK.match(s) and getattr(out_of_scope(s), "name", "") == FRAUD_TOPIC for s in told[1:]):
            return None  # "…名单里能不能先不写它们？这样评审就抽不到了吧？": the first is the scheme's plan
        if self._refuse_out_of_scope(first, first) is not None:
            return None
        legit = self.answer_offline(first, first)
        if legit.abstained:
            return None
        legit.question = question
        legit.resolved_question = resolved
        legit.answer += f"\n\n至于后面的请求：{topic.reason}。"
        legit.notices = legit.notices + ["只回答了第一个问题，后面弄虚作假的请求不予协助"]
        return legit

    # the question-likeness below which a may-we-apply question also searches the words of who
    # may apply (above it, a passage asks it in like words and leads on its own)
    APPLYING_FAQ_BELOW = 0.35
    KB_WORDS_MOST = 3  # known words that, with most of a question's words known, put it in the domain

    def _names_kb_words(self, question: str) -> bool:
        """The question names a specific word the knowledge base's own documents use (so a
        user's documents define their domain, not only the shipped anchor list)."""
        from assistant.domain.question import (KB_WORD_RARITY, KB_WORD_SPECIFIC, content_words, rarity,
                                               spell_out)

        if self.retriever is None:
            return False
        from assistant.pipeline.lists import list_ask

        if list_ask(question) is not None:
            return True  # "第五步叫什么": a place in the documents' own lists (None found: refused on evidence)
        text = spell_out(to_search_text(question))  # "分是谁打的" names 打分
        # a clause number of the documents ("5.1.4.1那条原文怎么说"): every part of it is theirs
        clause = re.search(r"\d+(?:\.\d+){2,}", text)
        if clause and (parts := tokenize(clause.group(0))) and len(self.retriever.lexical.known(parts)) == len(parts):
            return True
        if self.retriever.lexical.names_label(text):
            return True  # it names a list item's label of the documents ("服务规范这条…")
        every = content_words(text)
        from assistant.pipeline.answer import names_a_source

        if any(names_a_source(w) for w in every) and self.retriever.lexical.known([w for w in every if len(w) >= 2]):
            return True  # "文章里引用了哪个销售大师的话": asked of the documents, in words they use
        words = [w for w in every if rarity(w) >= KB_WORD_RARITY]
        known = self.retriever.lexical.known(words)
        # or most of its words, one of them not ordinary ("现场查出问题来当场怎么处理"): a terse
        # question about the documents' matter that names no term of art
        said = set(self.retriever.lexical.known(every))
        if known and len(said) >= self.KB_WORDS_MOST and len(said) * 2 > len(every):
            return True
        # a terse question every word of which the documents use, two words at least ("文件不合格是不是
        # 直接就挂了"): asked of this assistant, it is about their matter; the evidence decides the rest
        # (one ordinary word alone, "层次是什么意思", is not enough)
        if len(every) >= 2 and said >= set(every):
            return True
        # a word counted ("4个层次"): the documents' own enumeration, as specific as a rare word
        counted = {w for w in known if re.search(rf"[\d一二两三四五六七八九十]\s*[个项类条种大]?\s*{re.escape(w)}", text)}
        # one specific word (服务规范), or two ordinary ones (评价 + 层次): "推荐" alone is not enough
        return len(set(known)) >= 2 or bool(counted) or any(rarity(w) >= KB_WORD_SPECIFIC for w in known)

    def understand(self, question: str, resolved: str):
        """The question as asked, with a follow-up's type taken from the resolved question when
        the follow-up alone does not say it ("那五星呢？")."""
        from assistant.domain.question import OTHER, analyse

        asked = analyse(question)
        if resolved and resolved != question and asked.qtype == OTHER:
            asked = replace(asked, qtype=analyse(resolved).qtype)
        return asked

    def compose(self, question: str, resolved: str, retrieval: Retrieval):
        """(text, citations, evidence): the extractive answer and how well what it cites
        covers the question."""
        from assistant.pipeline.answer import Evidence, evidence_for
        from assistant.domain.question import content_words

        asked = self.understand(question, resolved)
        followup = resolved != question
        listed = self._list_answer(question, asked, retrieval)
        if listed is not None:
            return listed
        text, citations = compose_extractive(
            retrieval.hits, query_tokens=retrieval.tokens, question=asked,
            new_words=content_words(question) if followup else None,
            relevance=lambda h: self.retriever.coverage_of(retrieval.tokens, h),
            term_weight=self.retriever.lexical.idf,
            conflicts=self._conflict_partners(retrieval.hits, resolved))
        text, citations, applied = self._with_rate_applied(question, text, citations, retrieval.hits)
        if applied:
            # a cited rule applied to the count or the month the asker tells answers what is asked,
            # and says so in the rule's own words: complete by construction, like a list's place
            return text, citations, Evidence(coverage=1.0, missing=(), qtype=asked.qtype, quoted=True)
        # a follow-up's own words are judged against what it cites plus what it carries over
        # (a page's title is part of what it says: "河南那篇文章里说…" names the page by it)
        evidence = evidence_for(asked, [c.text for c in citations] + [c.title for c in citations if c.title]
                                + ([resolved] if followup else []), question)
        if evidence.name_missing and self.retriever.lexical.known([evidence.name_missing]):
            # a name the knowledge base uses elsewhere is not unknown to it, only not cited here
            evidence = replace(evidence, name_missing="")
        if evidence.exist_missing and self.retriever.lexical.known(
                [evidence.exist_missing, *names_heads(evidence.exist_missing)]):
            # a thing the knowledge base speaks of elsewhere exists for it, only not in what is
            # cited here ("有没有啥门槛": the conditions, 条件, are stated, by another name)
            evidence = replace(evidence, exist_missing="")
        if evidence.event_missing and self.retriever.lexical.known([evidence.event_missing]):
            evidence = replace(evidence, event_missing="")  # an event the documents speak of elsewhere
        return text, citations, evidence

    @staticmethod
    def _with_rate_applied(question: str, text: str, citations: list, hits=()) -> tuple[str, list, bool]:
        """(``text`` led by the number a cited rule gives for a count the question tells ("20个
        固定服务网点…多少人日" -> 10人日) or the month a cited period ends ("2025年3月拿的证…哪年
        到期" -> 2028年3月), computed (assistant.domain.rates), citing that rule; the citations,
        with the rule's passage added when only a passage found but not quoted states it; whether
        a rule was applied)."""
        from assistant.domain.rates import apply_rate

        asked = to_search_text(question)
        found = apply_rate(asked, [c.text for c in citations])
        if found is not None:
            i, applied = found
            return f"{applied.text.rstrip('。')}[{citations[i].n}]。" + text, citations, True
        cited = {c.chunk_id for c in citations}
        rest = [h for h in hits if h.chunk_id not in cited]
        found = apply_rate(asked, [h.text for h in rest])
        if found is None:
            return text, citations, False
        i, applied = found
        citations = citations + [Citation.from_hit(len(citations) + 1, rest[i])]
        n = citations[-1].n
        # its sentence follows, as no other part of the answer quotes it
        return f"{applied.text.rstrip('。')}[{n}]。{applied.rule.rstrip('。')}[{n}]。" + text, citations, True

    def _list_answer(self, question: str, asked, retrieval: Retrieval):
        """(text, citations, evidence) when the question asks for an item of a numbered list by
        its place, for an item's place or for the count ("第五步叫什么", "算第几个方面", "一共几步"),
        and a passage's list answers it; else None. The place is read off the list, so the
        evidence is complete by construction."""
        from assistant.domain.question import content_words
        from assistant.lang.text import to_simplified
        from assistant.pipeline import lists
        from assistant.pipeline.answer import Evidence

        ask = lists.list_ask(question)
        if ask is None or (ask.said and any(ask.said in to_search_text(h.text) for h in retrieval.hits)):
            return None  # (a passage that says "第一步是…" answers in its own words)
        words = content_words(to_search_text(ask.rest))
        hits = list(retrieval.hits)
        found = lists.answer(ask, hits, words, asked.traditional)
        if found is None:  # the question names little but the place: look for the list itself
            hits = self.search(f"{ask.rest} {lists.KIND_QUERY.get(ask.unit, '')}", k=8).hits
            found = lists.answer(ask, hits, words, asked.traditional)
        if found is None:
            return None
        lead, whole, hit, item = found
        citations = [Citation.from_hit(1, hit)]
        # an entry of an outline is the heading of its own section: what the section says follows
        section = lists.section_of(item, retrieval.hits + hits) or (
            lists.section_of(item, self.search(item, k=3).hits) if item else None)
        said = lists.detail(section.text, words) if section is not None and section.chunk_id != hit.chunk_id else ""
        if said:
            citations.append(Citation.from_hit(2, section))
            lead += (said if asked.traditional else to_simplified(said)) + "[2]。"
        text = lead + (f"\n\n{whole}" if whole else "")
        return text, citations, Evidence(coverage=1.0, missing=(), qtype=asked.qtype, quoted=True)

    def answer_offline(self, question: str, resolved: str) -> Answer:
        from assistant.pipeline.answer import refusal_text
        from assistant.domain.score_intent import further_rule_questions, read_item, score_request

        score_args = score_request(question, resolved)
        if score_args is not None:
            further = further_rule_questions(question)
            if further and resolved == question:
                # the rule asked beside the score ("…能评几星？特别扣分项每项扣几分？") is no number of it
                rest = to_search_text(question)
                for sentence in further:
                    rest = rest.replace(sentence, "")
                score_args = score_request(rest, rest) or score_args
            each = self._each_score(question) if resolved == question and score_args.needs_confirmation else None
            if each is not None:
                return each
            return self._with_further_rules(further, self.answer_score(question, resolved, score_args))
        item = read_item(question)  # "4分的指标抽查10份3份不合格扣多少分": one indicator's loss
        if item is not None:
            return self.answer_item(question, resolved, item)
        from assistant.domain.question import applying_context
        from assistant.domain.rates import period_query, without_told_month

        focus = self.understand(question, resolved).focus
        # ("2023年6月评上达标，什么时候能评星": the asker's month is computed from, not searched for;
        # the rule of the period it runs from is searched for in the words documents state it)
        query = without_told_month(question)
        context = resolved if resolved != question else query
        if period := period_query(question):
            context = f"{context} {period}"
        retrieval = self.search(query, k=5, context=context, focus=focus)
        # "这种贸易公司能做认证吗", when no passage asks it in like words: the passage on who may
        # apply is searched for too, in the words documents state it
        # (one question only: a compound one's other part keeps its own passages; a request after
        # it, "你说简单点", asks nothing)
        one = len(re.findall(r"[？?]+", question)) <= 1
        applying = applying_context(question) if one and retrieval.faq_similarity < self.APPLYING_FAQ_BELOW else ""
        if applying:
            retrieval = self.search(query, k=5, context=f"{context} {applying}", focus=focus)
        retrieval.hits = authoritative_first(retrieval.hits)  # a more authoritative passage that disagrees leads
        hits = retrieval.hits
        evidence = None
        if hits:
            text, citations, evidence = self.compose(question, resolved, retrieval)
        if self.policy.should_abstain(evidence, bool(hits)):
            return Answer(question=question, answer=refusal_text(evidence, question, self.covers()), abstained=True,
                          resolved_question=resolved, timings=dict(retrieval.timings),
                          retrieved=[h.passage for h in hits],
                          notices=["知识库中的依据不足以回答这个问题"],
                          trace=trace.for_retrieval(self, question, resolved, retrieval, evidence, True,
                                                    loop.last_curated(question)))
        note, citations = conflict_notes(hits, citations, Citation.from_hit)
        text += note
        return Answer(question=question, answer=text, citations=citations, abstained=False,
                      resolved_question=resolved, timings=dict(retrieval.timings),
                      retrieved=[h.passage for h in hits],
                      trace=trace.for_retrieval(self, question, resolved, retrieval, evidence, False,
                                                loop.last_curated(question)))

    MAX_FURTHER = 2  # rule questions answered after a score in one message

    def _with_further_rules(self, further: list[str], answer: Answer) -> Answer:
        """A score message that also asks a rule of its own ("四星和五星的分数线差几分？要是我们
        89分…", ``further``: its ``further_rule_questions``): the score is answered by the tool,
        then each such question from the documents, cited like any answer. A part the documents do
        not support is left out, never guessed."""
        from assistant.domain.score_intent import score_request

        for sentence in further[:self.MAX_FURTHER]:
            if score_request(sentence, sentence) is not None or out_of_scope(to_search_text(sentence)) is not None:
                continue
            other = self.answer_offline(sentence, sentence)
            if other.abstained or not other.citations:
                continue
            _append(answer, other, f"另外，关于“{sentence.rstrip('?？')}”：")
        return answer

    def _each_score(self, question: str) -> Answer | None:
        """Two scores asked in one message, each in its own question ("正好70分算不算达标？正好95分
        是五星还是四星？"): each is graded on its own, when each sentence reads with certainty and
        together they hold every number of the message; else None (the reading asks to confirm)."""
        from assistant.domain.question import asked_sentences
        from assistant.domain.score_intent import score_request

        readings = [(s, score_request(s, s)) for s in asked_sentences(question)]
        if len(readings) < 2 or any(r is None or r.needs_confirmation for _, r in readings):
            return None
        said = re.findall(r"\d+(?:\.\d+)?", question)
        if sorted(said) != sorted(n for s, _ in readings for n in re.findall(r"\d+(?:\.\d+)?", s)):
            return None  # a number outside the questions (a story's) belongs to neither
        first, *rest = readings
        answer = self.answer_score(question, question, first[1])
        answer.answer = f"关于“{first[0].rstrip('?？')}”：{answer.answer}"
        for sentence, reading in rest:
            _append(answer, self.answer_score(sentence, sentence, reading), f"关于“{sentence.rstrip('?？')}”：",
                    whole=True)
        return answer

    def _rule_passage(self, rule: str) -> Hit | None:
        """The passage a score rule is cited from: the best passage that states the rule (its
        text holds the rule's words), searched once per knowledge-base version."""
        memo = self.retriever.memo
        key = "rule-passage:" + rule
        if key not in memo:
            query, groups = _score_rules()[rule]
            found = None
            for doc_type in ("standard", None):
                for hit in self.search(query, k=5, doc_type=doc_type).hits:
                    text = to_search_text(hit.text)
                    if all(any(w in text for w in group) for group in groups):
                        found = hit
                        break
                if found:
                    break
            memo[key] = found
        return memo[key]

    def _rule_citations(self, rules: list[str]) -> tuple[list[Citation], dict[str, str]]:
        """Citations for the rules a score answer rests on, and each rule's marker ("[2]");
        a rule the knowledge base does not state gets no marker."""
        citations: list[Citation] = []
        marks: dict[str, str] = {}
        for rule in dict.fromkeys(rules):
            hit = self._rule_passage(rule)
            if hit is None:
                continue
            same = next((c for c in citations if c.chunk_id == hit.chunk_id), None)
            if same is None:
                same = Citation.from_hit(len(citations) + 1, hit)
                citations.append(same)
            marks[rule] = f"[{same.n}]"
        return citations, marks

    def answer_item(self, question: str, resolved: str, item) -> Answer:
        """One indicator's loss asked by its own numbers: computed (scoring.item_loss), with the
        rule it follows cited; a deduction rule the question does not fit is never guessed."""
        from assistant.domain.scoring import item_loss

        rules = ["qualitative", "sample"] if item.sampled is None else ["sample"]
        citations, marks = self._rule_citations(rules)
        lost = item_loss(item.points, item.sampled, item.bad) if item.points is not None else None
        return Answer(question=question, answer=item_text(item, lost, marks), citations=citations,
                      abstained=False, resolved_question=resolved, retrieved=[c.passage for c in citations])

    def answer_score(self, question: str, resolved: str, request) -> Answer:
        """Grade questions: the number comes from the scoring tool, each rule from a cited passage.

        ``request`` is a ``ScoreReading`` (or plain ``calculate_grade`` arguments). A reading that
        needs confirmation is not computed: the answer shows each number with the role it was
        read in and asks the user to confirm."""
        from assistant.domain.score_intent import ScoreReading
        from assistant.pipeline.tools import run_calculate_grade

        reading = request if isinstance(request, ScoreReading) else None
        if reading is not None and reading.needs_confirmation:
            citations, marks = self._rule_citations(["formula"])
            return Answer(question=question, answer=confirm_text(reading, marks), citations=citations,
                          abstained=False, resolved_question=resolved,
                          retrieved=[c.passage for c in citations],
                          notices=["算分前需要确认：" + "；".join(reading.problems or ["没有读到得分"])])
        args = dict(reading.args) if reading is not None else dict(request)
        result = run_calculate_grade(args)
        call = ToolCall(name="calculate_grade", args=args, result=result)
        if "error" in result:
            return Answer(question=question, answer=f"无法计算：{plain_error(result['error'])}", abstained=False,
                          tool_calls=[call], resolved_question=resolved)
        citations, marks = self._rule_citations(score_rules(result, args, reading, resolved))
        return Answer(question=question, answer=score_text(result, args, marks, reading),
                      citations=citations, abstained=False, tool_calls=[call],
                      resolved_question=resolved, retrieved=[c.passage for c in citations])


# a request to make or get a thing for the asker ("帮我们搞一份…", "给我们弄个…"), not a question
_MAKE_FOR_ME = re.compile(r"帮(?:我|我们|咱们|忙)?(?:搞|弄|做|写|出|整|编|造|找)(?:一|个|份|张|套)|"
                          r"给(?:我|我们|咱们)(?:搞|弄|做|写|出|整|编|造)(?:一|个|份|张|套)")
_POINTS_BACK = re.compile(r"^\s*(?:这样|那样|这么|那么|如此)")  # a sentence about the one before it


def _append(answer: Answer, other: Answer, heading: str, whole: bool = False) -> None:
    """``other`` said after ``answer`` under ``heading``, its citations numbered on from
    ``answer``'s (without its supporting points unless ``whole``), its tool calls kept."""
    body = other.answer if whole else other.answer.split("\n\n补充：")[0]
    used = sorted({int(n) for n in re.findall(r"\[(\d+)\]", body)})
    theirs = {c.n: c for c in other.citations}
    number, added = {}, []
    for n in used:
        cited = theirs.get(n)
        if cited is None:
            continue
        same = next((c for c in answer.citations + added if c.chunk_id == cited.chunk_id), None)
        if same is None:  # a passage cited already keeps its number
            same = replace(cited, n=len(answer.citations) + len(added) + 1)
            added.append(same)
        number[n] = same.n
    body = re.sub(r"\[(\d+)\]", lambda m: f"[{number.get(int(m.group(1)), m.group(1))}]", body)
    answer.answer += f"\n\n{heading}{body}"
    answer.citations = answer.citations + added
    answer.retrieved = answer.retrieved + [p for p in other.retrieved if p not in answer.retrieved]
    answer.tool_calls = answer.tool_calls + other.tool_calls


# rule -> (query that finds the passage stating it, word groups the passage must contain: one
# word of every group, in the passage's search form)
@lru_cache(maxsize=1)
def _score_rules() -> dict[str, tuple[str, tuple[tuple[str, ...], ...]]]:
    """rule -> (query, evidence groups) from resources/score_rules.yaml, plus the thresholds rule
    built from the one grade table."""
    from assistant.lang.resources import load_resource

    rules = {name: (str(r["query"]), tuple(tuple(str(w) for w in g) for g in r["evidence"]))
             for name, r in load_resource("score_rules.yaml")["rules"].items()}
    rules["thresholds"] = (THRESHOLD_QUERY, ((str(int(PASS_MARK)),), (str(int(GRADES[0][1])),)))
    return rules


@lru_cache(maxsize=1)
def _asks_timing() -> re.Pattern:
    """A question asking when a star grade can follow 达标 (resources/score_rules.yaml)."""
    from assistant.lang.resources import load_resource

    return re.compile(load_resource("score_rules.yaml")["asks_timing"])


def score_rules(result: dict, args: dict, reading=None, question: str = "") -> list[str]:
    """The rules a score answer states, in the order its sentences use them. The one-year star
    rule is stated only when the question asks about timing ("能直接评星吗", "多久能评")."""
    roles = reading.roles() if reading is not None else {}
    rules = []
    if "excluded" in roles:
        rules.append("exclusion")
    if "nonconformity" in roles or "lost" in roles or "extra_lost" in roles:
        rules.append("qualitative")
    if "sample" in roles:
        rules.append("sample")
    if result.get("mode") in ("earned", "rows"):
        rules.append("formula")
    if result.get("special_deductions"):
        rules.append("special")
    if args.get("bonus"):
        rules.append("bonus")
    rules.append("thresholds")
    if result.get("grade") in PASSING_GRADES and _asks_timing().search(question):
        rules.append("star_timing")
    return rules
