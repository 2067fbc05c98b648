"""Question understanding: what kind of answer is asked for, about what, under which conditions.

    >>> q = analyse("個體工商戶可以申請售後服務認證嗎？")
    >>> q.qtype, q.focus[0]
    ('能否', '个体工商户')

Pure and deterministic: word lists live in ``resources/question.yaml``; word weights come from
jieba's general-Chinese dictionary frequencies (the segmenter the search side already loads),
so nothing here depends on the documents of a knowledge base or on hand-written phrasings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.lang.numerals import CN_DIGITS, FINANCIAL_NUMERALS
from assistant.lang.resources import load_resource, resource_path
from assistant.lang.text import (A_NOT_A, STOPWORDS, _segmenter, domain_terms, synonym_groups, synonym_map, to_search_text,
                                 to_simplified)

QUESTION_FILE = resource_path("question.yaml")

YESNO, QUANTITY, DURATION, LIST, WHICH, DIFFERENCE, HOW, WHY, OTHER = (
    "能否", "多少", "多久", "哪些", "哪个", "区别", "怎么", "为什么", "other")
TYPES = (DIFFERENCE, WHY, DURATION, QUANTITY, LIST, WHICH, HOW, YESNO)

# The weight of a word the general dictionary does not know: as rare as the rarest words.
PHRASE_FREQ_MAX = 5  # a word jieba's dictionary counts this rarely is often a plain phrase (rarity)
OOV_RARITY = 18.0
# Words of the project's own domain dictionary get this weight (their dictionary frequency is
# overwritten by the domain vocabulary, so it says nothing about general Chinese).
DOMAIN_RARITY = 12.0
# the dictionary total rarity is measured against, fixed: adding a domain word or a synonym (each
# joins jieba's dictionary with a large count) must not shift every other word's rarity, which
# flipped near ties ("受理" 11.998 -> 12.003 against a domain term's 12.0). It is jieba's total
# with the shipped vocabulary the thresholds were calibrated with.
RARITY_TOTAL = 196_901_967
MAX_FOCUS = 3
# A word at least this rare in general Chinese that the knowledge base's documents use puts a
# question in the knowledge base's domain (服务规范 yes; 今天, 北京 no).
KB_WORD_RARITY = 10.5
KB_WORD_SPECIFIC = 12.0  # one such word is enough; below it, two are needed

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
_CLAUSE = re.compile(r"[，,、：:…~～]+|\.{3,}")
_PUNCT = re.compile(r"^[\W_]+$")
_NUMBER = re.compile(r"^(?:[\d.%％]+|[零〇一二两三四五六七八九十百千万]+[来多几]?)$")  # 20, 二十, 十几, 三十来
# how often an act is done, not a thing ("跑一趟", "看一下", "去一次", "走一遍")
_TIMES = re.compile(r"^[一两几]+[趟次下遍回番阵]$")
# "没啥问题", "没什么用": nothing said, no question word
_NOTHING_SAID = re.compile(r"没(?:有)?(?:啥|什么|甚么)")
_NEGATION_END = re.compile(r"(?:不|没|没有|否)\s*[？?]?\s*$")
# a question word of any kind (what, who, which, where, when, how, why, how many): a question
# without one that ends in ？ asks yes or no
_WH_WORD = re.compile(r"什么|甚么|啥|怎|咋|哪|谁|几|多少|多久|多长|多大|如何|为何|何时|何地|何种|何为|何谓")


@dataclass(frozen=True)
class Question:
    """``qtype``: one of TYPES or OTHER; ``focus``: the entity or attribute asked about, the most
    specific first; ``constraints``: conditions and restrictions the answer must respect;
    ``core``: the sentence that asks (the question found in a longer story), normalised;
    ``words``: every content word of the whole question with its rarity weight."""

    text: str
    core: str
    qtype: str
    focus: tuple[str, ...]
    constraints: tuple[str, ...]
    words: tuple[tuple[str, float], ...] = ()
    traditional: bool = False  # the asker writes traditional script
    asked: tuple[str, str] = ("", "")  # the kind of thing asked for and what of: ("方式", "监督")

    @property
    def asks_fact(self) -> bool:
        """A yes/no question about a fact ("格力是不是五星级企业"), not a permission or a
        requirement ("个体工商户可以申请吗")."""
        return self.qtype == YESNO and not resources()["permission"].search(self.core)

    @property
    def subject(self) -> str:
        """The focus when it is named before the yes/no cue ("格力是不是…"), else ""."""
        if self.qtype != YESNO or not self.focus:
            return ""
        cues = resources()["yesno_compounds"] + ("是否",)
        found = [self.core.find(c) for c in cues if c and c in self.core]
        found += [m.start() for m in A_NOT_A.finditer(self.core)]  # "通过率高不高"
        first = min(found, default=-1)
        at = self.core.find(self.focus[0])
        if not 0 <= at < first:
            return ""
        # named in the clause that asks ("评审天数会不会多一些"), not in the story before it
        # ("产品线多，有家电也有厨具，…")
        return self.focus[0] if self.focus[0] in asking_clause(self.core) else ""

    @property
    def asks_yes_no(self) -> bool:
        """A yes/no question, by its cue ("能…吗", "是不是") or by intonation alone: a question
        that ends in ？ with no question word ("也能算售后服务？")."""
        if self.qtype == YESNO:
            return True
        if self.qtype != OTHER or _WH_WORD.search(_NOTHING_SAID.sub("", self.core)):
            return False
        # "…也能算售后服务？", or a verb-not question closed by its negation ("能做认证不")
        return self.core.rstrip()[-1:] in ("？", "?") or bool(_NEGATION_END.search(self.core))

    @property
    def is_compound(self) -> bool:
        return self.core.count("？") + self.core.count("?") > 1


@lru_cache(maxsize=1)
def resources() -> dict:
    data = load_resource(QUESTION_FILE.name) or {}
    norm = lambda words: tuple(to_search_text(str(w)) for w in words or ())  # noqa: E731
    types = {name: tuple(sorted(norm(data.get("types", {}).get(name)), key=len, reverse=True)) for name in TYPES}
    return {
        "types": types,
        "question_words": frozenset(norm(data.get("question_words"))),
        "generic": frozenset(norm(data.get("generic"))),
        "constraint_cues": tuple(sorted(norm(data.get("constraint_cues")), key=len, reverse=True)),
        "heads": frozenset(norm(data.get("heads"))),
        "trades": frozenset(norm(data.get("trades"))),
        "asking_parts": tuple(norm(data.get("asking_parts"))),
        "permission": re.compile(data.get("permission_cues") or r"(?!)"),
        "applying": re.compile(data.get("applying_cues") or r"(?!)"),
        "applying_query": str(data.get("applying_query") or ""),
        "yesno_compounds": tuple(norm(data.get("yesno_compounds"))),
        "asking_quantity": re.compile(data["asking_quantity"]),
        "final_particles": data["final_particles"],
        "locator": re.compile(data["locator"]),
        "quantity": re.compile(data["quantity"]),
        "difference_sides": re.compile(data["difference_sides"]),
        "single_acts": {to_search_text(k): norm(v) for k, v in (data.get("single_acts") or {}).items()},
    }


def applying_context(question: str) -> str:
    """Words to search beside a question whether someone may apply (question.yaml applying_cues),
    in the words documents state who may apply; "" for any other question."""
    res = resources()
    return res["applying_query"] if res["applying"].search(to_search_text(question)) else ""


@lru_cache(maxsize=1)
def _domain_words() -> frozenset[str]:
    return frozenset(domain_terms())


@lru_cache(maxsize=8192)
def rarity(word: str) -> float:
    """-log P(word) in general Chinese (jieba's dictionary), higher = rarer. Unknown words count
    as rare; single characters and function words are down-weighted by the callers' lists."""
    word = to_search_text(word)
    if not word:
        return 0.0
    if word in _domain_words():
        return DOMAIN_RARITY
    seg = _segmenter()
    freq = seg.FREQ.get(word, 0)
    if freq <= 0:
        if re.fullmatch(r"[a-z0-9./\-]+", word):
            return DOMAIN_RARITY  # codes and numbers: specific, but not exotic
        return OOV_RARITY
    if freq <= PHRASE_FREQ_MAX and len(word) >= 3:
        # jieba's dictionary lists many plain phrases once or twice ("提前准备", "下个月", "证书编号"):
        # such a phrase is as rare as the rarer of the two common words it is made of
        split = _common_parts(word)
        if split:
            return max(rarity(part) for part in split)
    return math.log(RARITY_TOTAL / freq)


_COMPLEMENTS = "来去出上下掉完好到起过住"  # directional and result complements of a verb


def _names_a_thing(word: str) -> bool:
    from assistant.lang.jieba_dict import dictionary_tag

    return word in _domain_words() or dictionary_tag(word).startswith("n")


def _common_parts(word: str) -> tuple[str, ...] | None:
    """The common words ``word`` is made of: a cut into two words of two characters or more, each
    more common than a listed phrase (or a domain term), the one whose rarer half is least rare;
    or a verb and its complement ("卖出去" -> 卖出). A phrase headed by
    a noun ("证书编号", "咨询电话") names a thing of its own and is not cut: asking for it asks
    for that thing, which a document either states or does not."""
    seg = _segmenter()
    if word[-1] in _COMPLEMENTS and seg.FREQ.get(word[:-1], 0) > PHRASE_FREQ_MAX and len(word) == 3:
        return (word[:-1],)  # "卖出去": 卖出 with a directional complement
    cuts = []
    for i in range(2, len(word) - 1):
        left, right = word[:i], word[i:]
        if all(p in _domain_words() or seg.FREQ.get(p, 0) > PHRASE_FREQ_MAX for p in (left, right)) \
                and not _names_a_thing(right):
            cuts.append((left, right))
    return min(cuts, key=lambda c: max(rarity(c[0]), rarity(c[1])), default=None)


def dictionary_rarity(word: str) -> float:
    """``rarity`` of a single word of jieba's general dictionary; 0 for a phrase, an unknown
    word or a domain term (their rarity says nothing about what general Chinese knows)."""
    word = to_search_text(word)
    if word in _domain_words() or _segmenter().FREQ.get(word, 0) <= 0:
        return 0.0
    return rarity(word)


# jieba's dictionary tags for words that only join, mark or colour a clause (conjunctions,
# particles, modal particles, interjections, locatives): "还要", "而且", "而已", "上面" name nothing;
# prepositions stay ("通过" is one, and names passing here)
FUNCTION_TAGS = ("c", "u", "uj", "ul", "uz", "uv", "ud", "ug", "y", "e", "f")
# ...but these, tagged so, also name a bound ("范围以外"), a verdict ("过不过" cuts as 过 / 不过) or
# timeliness ("及时响应")
FUNCTION_TAG_KEEP = frozenset({"以外", "以内", "以上", "以下", "不过", "及时"})
IDIOM_TAGS = ("i", "l")  # idioms and set phrases


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from assistant.lang.jieba_dict import tagged_words

    return tagged_words(FUNCTION_TAGS) - _domain_words() - FUNCTION_TAG_KEEP


@lru_cache(maxsize=1)
def _idioms() -> frozenset[str]:
    from assistant.lang.jieba_dict import tagged_words

    return tagged_words(IDIOM_TAGS) - _domain_words()


# "交些什么", "干点啥": a light verb with 些/点 ("some") cut as one word asks nothing by itself
# ("先弄弄", "去看看", "问问"): a light verb said twice, "a little", the same
_LIGHT_VERB_SOME = re.compile(r"^[交做干弄搞查看写填带准问讲说聊]些$|^[干做弄搞]点$|^([交做干弄搞查看写填问讲说聊试想改整理])\1$")
# "这两项", "那几个", "这三块": a count of things pointed back at names none of them
_POINTERS = ("这", "那", "此", "该")
_COUNTED = r"[一二两三四五六七八九十几\d]+[个项类种条块样点部分层]{1,2}"
_POINTING = re.compile(rf"^[{''.join(_POINTERS)}]{_COUNTED}$")
# "这|一层", "那|一块": the count cut from the pointer before it points back all the same
_POINTED = re.compile(rf"^{_COUNTED}$")


def _is_function(word: str) -> bool:
    res = resources()
    return (word in STOPWORDS or word in _function_words() or word in res["question_words"] or word in res["yesno_compounds"]
            or bool(_PUNCT.match(word)) or bool(A_NOT_A.fullmatch(word))
            or any(cue in word for cue in res["asking_parts"]) or word[-1] in res["final_particles"]
            or bool(_NUMBER.match(word)) or bool(_TIMES.match(word)) or bool(res["asking_quantity"].match(word))
            or bool(_POINTING.match(word)) or bool(_LIGHT_VERB_SOME.match(word))
            or (len(word) == 1 and word not in _domain_words()))


# "有资格申请", "够资格做": the standing to apply asked, as 可以 asks it; its 资格 is no thing asked
# about ("申请资格是什么" still asks the conditions)
_MAY_APPLY = re.compile(r"(?:有|够|具备|具有|没有?)资格(?=\s*(?:申请|参加|参评|做|办|拿|去申请))")
# a list asked for by its form ("列个清单给我", "出个明细"): the form names no thing asked about
# (and whether there is one: "要交哪些材料，有清单没")
_FORM_REQUEST = re.compile(r"(?:列|开|出|给|整理|做)(?:我们?|咱们)?(?:一?个|一份|一张|一下|出)?(?:清单|列表|单子|明细表?)"
                           r"|(?:有没有|有无|有)(?:个|一份|一张)?(?:清单|列表|单子|明细表?)(?=\s*(?:没有?|吗|么|不|嘛|呢)?\s*(?:[，,。？?！!]|$))")


# "要一份申请材料清单": the form asked for after the thing it lists ("材料清单") names only the thing
_FORM_AFTER = re.compile(r"(?:要|给|发|列|出|整理|求)(?:我们?|咱们|客户)?(?:一?份|一?个|一张)[^，,。？?！!]{1,6}?(?P<form>清单|列表|明细表?)"
                         # "申请材料清单求一份", "材料清单能发我一份吗": the form, then the asking for a copy
                         r"|(?<=[\u4e00-\u9fff])(?P<form2>清单|列表|明细表?)(?=\s*(?:能不能|能|可以|可不可以|请)?\s*"
                         r"(?:发|给|求|来|分享|传)(?:我们?|给我们?|一下)?\s*(?:一份|一下|一个|份|个))")
_NUMERAL_TOKEN = re.compile(r"^(?:[一二两三四五六七八九十几]|\d+)$")
_MEASURE_WORDS = "本份个张套项条家台件位名次种"


# an adverb run into the verb after it that jieba's dictionary lists as a word only by accident
# ("要先交什么钱": 先交, frequency 3): two function-like characters, no thing asked about
_ADVERBS = "先再才就都也还又"
JUNK_FREQ = 5


def _adverb_junk(tok: str) -> bool:
    # (and a run of adverbs and negations alone, "啥都还没弄" cut 都还没: how much is done, not what)
    return (len(tok) == 2 and tok[0] in _ADVERBS and tok not in _domain_words()
            and (_segmenter().FREQ.get(tok) or 0) <= JUNK_FREQ) \
        or (len(tok) >= 2 and all(ch in _ADVERBS + "没不未别" for ch in tok))


def _without_form(m: re.Match) -> str:
    """A ``_FORM_AFTER`` match with the form it asks a list in left out."""
    form = m.group("form") or m.group("form2")
    return m.group(0)[:-len(form)]


def content_words(text: str) -> list[str]:
    """Content words of ``text`` in order, once each: jieba's precise cut with the domain
    vocabulary, synonyms folded, function and question words dropped."""
    syn = synonym_map()
    out: list[str] = []
    # no HMM: unknown character runs of colloquial or mistyped text ("认正", "要花") are not
    # invented as words (they would count as the rarest words of all)
    prev = ""
    plain = _FORM_REQUEST.sub("，", to_search_text(text))
    plain = _MAY_APPLY.sub("可以", plain)
    plain = _FORM_AFTER.sub(_without_form, plain)
    for tok in _segmenter().lcut(plain, HMM=False):
        tok, after_numeral, pointer = tok.strip(), bool(_NUMERAL_TOKEN.match(prev)), prev in _POINTERS
        prev = tok or prev
        if pointer and _POINTED.match(tok):
            continue
        if after_numeral and len(tok) >= 3 and tok[0] in _MEASURE_WORDS:
            tok = tok[1:]  # "一本手册" cut 一|本手册 ("this manual"): the measure word goes with 一
        if not tok or _is_function(tok) or _adverb_junk(tok):
            continue
        tok = syn.get(tok, tok)
        if tok not in out:
            out.append(tok)
    return out


def salient_words(text: str) -> list[tuple[str, float]]:
    """Content words with their rarity weight, rarest first (ties: earlier first)."""
    words = content_words(text)
    return sorted(((w, rarity(w)) for w in words), key=lambda x: -x[1])


# "能申请不", "可以做不": a modal and its verb, then 不 closing the clause (colloquial for 能不能)
_MODAL_BU = re.compile(r"(?:能|可以|可|会|要|得)[\u4e00-\u9fff]{1,6}不\s*[?？,，。!！~]*$")
# "只有几个维修点", "我小店就几个人", "给几家电商做配送": a few, not a count asked
# "二十几个服务站", "几十家门店": a count told roughly, not asked ("第十几条" asks which)
_FEW = re.compile(r"(?:只有|就有|才有|有好|好|就|才|只|没)几|(?<=[给跟和帮替为与])几(?=家)"
                  r"|(?<!第)(?<![一二两三四五六七八九])(?:[一二两三四五六七八九]?十)几|(?<!第)几(?=[十百千万])")
# the words that open a condition (all of two characters: one look-behind takes them)
CONDITIONS = "万一|如果|要是|假如"
# "审核那几天": a time told; "万一哪一年…查出问题，会怎样": whichever year, a condition, not asked
_TOLD_SPAN = re.compile(rf"(?:那|这|前|头|近|好|没)几(?:天|年|个月|周|小时)|(?:{CONDITIONS})哪一?(?:年|天|次)")


def question_type(text: str) -> str:
    """The first type (in priority order) with a cue in ``text`` that is not part of a longer
    cue of another type ("哪几项" is 哪些, not 几项); OTHER when none."""
    # "审核那几天…": a time told, not a span asked for; "只有几个维修点": a few, not how many
    t = _TOLD_SPAN.sub(lambda m: " " * len(m.group()), to_search_text(text))
    t = _FEW.sub(lambda m: " " * len(m.group()), t)
    spans: list[tuple[int, int, str]] = []
    for name, cues in resources()["types"].items():
        for cue in cues:
            start = t.find(cue) if cue else -1
            while start >= 0:
                spans.append((start, start + len(cue), name))
                start = t.find(cue, start + 1)
    def beaten(a: int, b: int, name: str) -> bool:  # by an overlapping cue of another type
        return any(other != name and x < b and a < y and (x < a or (x == a and y > b))
                   for x, y, other in spans)

    live = {name for a, b, name in spans if not beaten(a, b, name)}
    if not live and (A_NOT_A.search(t) or _MODAL_BU.search(t)):
        return YESNO  # "通过率高不高", "贵不贵", "能申请不": asked yes or no
    return next((name for name in TYPES if name in live), OTHER)


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (each with its closing 。？！；), stripped, empty ones dropped."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


_ASKED_SENTENCE = re.compile(r"[^。！？!?；;\n]+[？?]")


def asked_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that ask with a question mark, each up to its first one."""
    return [m.group(0).strip(" ,，") for m in _ASKED_SENTENCE.finditer(text or "")]


def find_core(text: str) -> str:
    """The sentence that asks, in a question that may tell a long story first: the first
    sentence of the trailing run of questions (ending in ？), else the last sentence with a
    question word, else the whole text. Normalised. Clauses saying what the answer is for
    (``without_purpose``) are left out."""
    return without_purpose(_find_core(text))


_WISH_TO_KNOW = re.compile(r"^\s*(?:我|我们)?(?:还)?(?:想知道|想问问?|想了解一下|请告诉我|麻烦告诉我)")


def _find_core(text: str) -> str:
    t = to_search_text(text).strip()
    told = sentences(t)
    if len(told) <= 1:
        return t
    # ("…是哪几个人写的？想知道主要起草人的名字。": a wish to know is asked too)
    asks = [i for i, s in enumerate(told) if s[-1] in "？?" or _WISH_TO_KNOW.match(s)]
    if asks and told[-1][-1] in "吗么呢" and question_type(told[-1]) != OTHER:
        asks.append(len(told) - 1)  # "…硬杠杠？必须是独立法人吗": the last question, its ？ left off
    if not asks:
        asks = [i for i, s in enumerate(told) if question_type(s) != OTHER]
    if not asks:
        return t
    last = asks[-1]
    first = last
    while first - 1 in asks:
        first -= 1
    return _after_frame("".join(told[first:last + 1]))


# "……，老板让我查一下：我们这种公司在不在适用范围里？": what follows a request to look something up
_FRAME_COLON = re.compile(r"(?:问|查|想知道|确认|打听|了解)(?:一下|下|问|清楚)?\s*[:：]\s*")


def _after_frame(core: str) -> str:
    """``core`` from the question a frame ending in a colon introduces, when there is one."""
    ends = [m.end() for m in _FRAME_COLON.finditer(core)]
    rest = core[ends[-1]:] if ends else ""
    return rest if len(rest) >= 4 and question_type(rest) != OTHER else core


def _constraints(core: str, story: str, focus: tuple[str, ...]) -> tuple[str, ...]:
    res = resources()
    found: list[str] = []
    for source in (core, story):
        for compound in res["yesno_compounds"]:
            source = source.replace(compound, " ")
        for clause in _CLAUSE.split(source):
            for cue in res["constraint_cues"]:
                pos = clause.find(cue)
                if pos >= 0:
                    phrase = clause[pos:].strip(" ？?。！!")
                    if len(phrase) > len(cue) and phrase not in found:
                        found.append(phrase[:30])
                    break
        found.extend(m.group(0) for m in res["quantity"].finditer(source) if m.group(0) not in found)
    words = [w for w in content_words(core)
             if w not in res["generic"] and not any(w in f for f in focus)]
    return tuple(dict.fromkeys(found + words))


# a yes/no question asking to change something into something else, and the question words
# that may follow the new thing ("改成线上申请行不行")
CHANGE_TO = re.compile(r"(?:改成|换成|变成|改为|换为|改用|换用)([^，,。？?！!；;]{2,14})")
_ASKING_TAIL = re.compile(r"(?:行不行|可不可以|可以吗|可以不|行吗|好吗|吗|呢|吧|啊|呀|不|的)+$")

# a topic the speaker sets ("资料这块…", "监督这一块…", "满意度那块…"): the noun before the marker
_TOPIC = re.compile(r"([^，,。？?！!；;\s]{2,10}?)(?:这一?块|那一?块|这方面|这一?部分|那一?部分|这一层|这个?环节)")

# a side of a comparison that only points back ("跟它", "这俩") or is left out ("跟ISO14001那种一样吗")
_POINTER_SIDE = re.compile(r"^(?:它们?|他们?|这个|那个|这俩|那俩|这两个|两者|其)?(?:到底|究竟)?$")
# a difference asked ("有什么不同", "一样吗", "哪里不一样"), not told ("跟体系认证不一样，…")
_DIFFERENCE_ASKED = re.compile(r"(?:什么|啥|哪|何|多大|大不大)[^，,。]{0,4}(?:区别|区分|差别|差异|不同|不一样|两样)"
                               r"|(?:区别|区分|差别|差异|不同|不一样|一样|一回事|同一|异同|相比|比起|差不多)[^，,。]{0,3}(?:吗|么|嘛|呢|不|没|[?？])"
                               r"|区别|区分|差别|差异|异同")
_TRAILING_POINTER = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:这|那)一?(?:项|个|些|条|块|类|种)(?:指标|内容|东西|工作)?$")
_QUOTED_TERM = re.compile(r"[“\"「『‘]([^”\"」』’]{2,12})[”\"」』’]")

_DEICTIC_TIME = re.compile(r"^(?:那|这|到|前|头)(?:会儿?|时候?|阵子?|几天|几年|段时间|天|年)$")


@lru_cache(maxsize=4096)
def _is_time_word(word: str) -> bool:
    """A time word ("下周", "去年", "那会儿", "那几天"): when the question is set, not what it is
    about; it is the focus only when nothing else is asked."""
    from assistant.lang.jieba_dict import tagged_words

    return bool(_DEICTIC_TIME.match(word)) or word in tagged_words(("t",))


_BEFORE_AFTER = r"(?:之后|以后|后)"


def _is_before_after(clause: str, word: str) -> bool:
    """``word`` only dates what is asked ("获证之后…用什么方式监督"): the event a time clause
    is reckoned from is told, not asked about."""
    forms = [f for f in synonym_groups().get(word, (word,)) if f in clause] or [word]
    return any(re.search(re.escape(f) + _BEFORE_AFTER + r"[，,]?(?!的)", clause) and not re.search(
        re.escape(f) + _BEFORE_AFTER + r"(?:多久|多长|几)", clause) for f in forms)


# verbs of wanting and fearing ("客户想要五星", "希望评审快点") join no compound
_WANTING = frozenset({"要", "想", "想要", "需要", "希望", "怕", "担心", "以为", "觉得", "打算"})


def _phrase(clause: str, word: str) -> str:
    """``word`` grown into the compound it sits in ("个体" + "工商户", "起草" + "单位"): adjacent
    specific content words, plus a generic head noun closing it; at most 8 characters."""
    res = resources()
    syn = synonym_map()
    toks = [t for t in _segmenter().lcut(clause, HMM=False) if t.strip()]
    norm = [syn.get(t, t) for t in toks]
    if word not in norm:
        return word
    i = j = norm.index(word)
    plain = lambda k: not _is_function(toks[k]) and norm[k] not in res["generic"] \
        and not _is_time_word(norm[k]) and toks[k] not in _WANTING  # noqa: E731
    while i > 0 and plain(i - 1) and len("".join(toks[i - 1:j + 1])) <= 8:
        i -= 1
    while j + 1 < len(toks) and (plain(j + 1) or norm[j + 1] in res["heads"]) \
            and len("".join(toks[i:j + 2])) <= 8:
        j += 1
    return "".join(toks[i:j + 1])


_SOME = re.compile(r"有(?:好)?几")  # "有几条…", "有好几个…": a statement of quantity, not a question


# who passed the question on ("客户问我：…", "老板让我问问，…", "老板让我估一下…"): the frame is told,
# what follows is asked
_TELLERS = "客户|顾客|老板|领导|经理|同事|朋友|甲方|对方|老总|上级"
_WHEN_TOLD = "刚才|刚刚|一直|又|老是|总是|今天|昨天|直接"
_WHOSE = "我的|我们的|有个|有位|一个"  # "我的客户", "有个客户": said before the teller
_REPORTING_FRAME = re.compile(
    rf"^\s*(?:{_WHOSE}|有)?(?:(?:他们|客户|对方)的?)?(?:{_TELLERS}|有人|他们|人家)(?:{_WHEN_TOLD})?"
    r"(?:问我(?!们)|问了我|让我问问?|叫我问问?|想问问?|想知道|问|(?:让|叫|要)我(?:估算?|算算?|查查?|看看?|了解|打听|弄清楚|搞清楚|确认|整理|总结))"
    r"(?:一下|一句|个问题)?\s*(?:[:：,，]\s*|(?![题卷询责号候诊答]|$|(?:我们?|咱们)[要讨拿]))")


# who told what the question is about ("客户说他们产品已经有3C了，问…", "客户担心…，问…"): the
# teller is dropped, what they told is kept
_TELLING_FRAME = re.compile(
    rf"^\s*(?:{_WHOSE})?(?:{_TELLERS})(?:那边|{_WHEN_TOLD})?"
    r"(?:说|讲|担心|觉得|反映|表示|提到|以为|认为)(?=[^，,。？?]{2,}[，,])")


# who asked after a short clause about them ("客户有点晕，问…", "客户在外地有网点，问…"): the
# teller and the 问 go, the clause told is kept
_TOLD_THEN_ASKED = re.compile(
    rf"^\s*(?:{_WHOSE})?(?:{_TELLERS})(?P<told>[^，,。？?！!：:“”\"]{{2,12}})[，,]\s*"
    r"(?:就|又|还)?(?:问我|问|想问问?|想知道)(?:一下)?\s*[:：,，]?\s*")


# a chat message's sender named before a colon ("老李：…", "张姐(家具城):…"): a name, not a word asked
_SPEAKER_LABEL = re.compile(r"^\s*(?:(?!小[店厂微区])[老小阿][\u4e00-\u9fff]|[\u4e00-\u9fff]{1,2}(?:姐|哥|总|工|叔|姨|师傅|经理|主任|老师))"
                            r"\s*(?:[(（][^()（）]{1,10}[)）])?\s*[:：]\s*")


# someone named by where they are from, who asked ("政府办的人问：", "供应商那边的人问："), a colon after
_ROLE_ASKED = re.compile(r"^\s*[\u4e00-\u9fff]{1,8}?(?:的人|那边的?人|的同志|的同事|的朋友|的领导)(?:来电)?"
                         r"问(?:我|了)?(?:一下)?\s*[:：]\s*")


# a space typed between two Chinese characters instead of a mark ("能申请吗 还是只有大企业才行")
_SPACED = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000\t]+(?=[\u4e00-\u9fff])")
SPACED_OUT_MIN = 6  # a message of this many tokens or more, ...
SPACED_OUT_SHARE = 0.7  # ... this share of them single characters, was typed one character apart
_ASKING_END = "吗呢吧么嘛不"
# (read before the script is simplified: 貳 參 陸 點 as typed)
_NUMERAL_CHARS = "".join(CN_DIGITS) + "十百千" + "".join(FINANCIAL_NUMERALS) + "貳參陸点點"
_NUMBER_BEFORE_UNIT = re.compile(rf"[{_NUMERAL_CHARS}]+[ \u3000\t]*(?:分|个|個|项|項|条|條|份)")
_NUMERAL_END = re.compile(rf"[{_NUMERAL_CHARS}]$")
_UNIT_START = re.compile(r"(?:分|个|個|项|項|条|條|份)")
# a sentence without a question mark asks only with a word that asks ("价格都不一样，头大" tells)
_ASKS_UNMARKED = re.compile(r"[吗呢么嘛伐]\s*$|什么|啥|哪|几|多少|多久|怎么|怎样|如何|为什么|为何|谁|是否|能否|可否|有没有"
                            r"|是不是|能不能|可不可以|要不要|行不行|对不对|算不算|会不会|够不够|好不好")


def asks_unmarked(sentence: str) -> bool:
    """A sentence typed without a question mark still asks (a final particle, a question word)."""
    return bool(_ASKS_UNMARKED.search(sentence))


def restore_breaks(text: str) -> str:
    """A message typed on a phone with spaces for punctuation, punctuated: a space after a final
    question particle ends a question (？), any other space between Chinese characters ends a
    clause (，). So "哎问下 我们是个小厂 能申请吗 要多久" is read clause by clause, as it was meant."""
    text = text or ""
    tokens = text.split()
    if len(tokens) >= SPACED_OUT_MIN and sum(len(t) == 1 for t in tokens) >= SPACED_OUT_SHARE * len(tokens):
        # "客 户 满 意 度 调 查 …": every character spaced out; the spaces are no breaks at all
        text = re.sub(r"(?<=\S)[ \u3000](?=\S)", "", text)

    def mark(m: re.Match[str]) -> str:
        if _NUMBER_BEFORE_UNIT.match(text, m.end()) or (
                _NUMERAL_END.search(text, 0, m.start()) and _UNIT_START.match(text, m.end())):
            return m.group(0)  # "实得分 捌拾柒点伍 分": a number set off by spaces, not a clause
        return "？" if text[m.start() - 1] in _ASKING_END else "，"

    return _SPACED.sub(mark, text)


# a run of bare digits said one by one ("二七九二二", "二零一一年", "九零零一"): a speech
# recogniser writes a standard's number or a year in words; four digits or more, or three with a
# zero, so "三五个" and "七八家" (a rough count) stay as said
_SPOKEN_DIGITS = re.compile(r"(?<![零〇一二两三四五六七八九十百千万点])"
                            r"(?:[零〇一二三四五六七八九]{4,}|[一二三四五六七八九][零〇][零〇一二三四五六七八九]"
                            r"|[一二三四五六七八九]{2}[零〇])(?![零〇一二两三四五六七八九十百千万点])")


# a standard's number said as a numeral after its code ("ISO一万零二", "GB/T两万七千九百二十二")
# (a numeral with a unit: "ISO一样" is no ISO 1)
_CODE_NUMERAL = re.compile(r"(?i)(iso|gb/t|gb|sb/t|iec)\s*([零〇一二两三四五六七八九]*[十百千万][零〇一二两三四五六七八九十百千万]+)")


def spoken_digits(text: str) -> str:
    """``text`` with each run of digits said one by one in Arabic digits ("标准二七九二二是二零一一年
    发的" -> 标准27922是2011年发的), and a standard's number said as a numeral after its code
    ("ISO一万零二" -> ISO10002), so a standard's number and a year meet the documents' own."""
    from assistant.lang.numerals import arabic_text

    text = _SPOKEN_DIGITS.sub(lambda m: "".join(str(CN_DIGITS[ch]) for ch in m.group(0)), text or "")
    return _CODE_NUMERAL.sub(lambda m: m.group(1) + (arabic_text(m.group(2), digit_string=False) or m.group(2)), text)


# a number said, then taken back and said again ("涉及项是九十五 不对 是九十", "三年，说错了，两年"):
# voice input keeps the slip; the number meant is the one said last
_CORRECTED_NUMBER = re.compile(
    rf"(?P<wrong>(?:\d+(?:\.\d+)?|[{_NUMERAL_CHARS}]+)(?P<unit>分|年|个月|月|天|个|家|项|条|份)?)"
    r"[\s，,。…、]*(?:不对不对|不对|说错了|说错|口误|哦不|啊不|呃不|不不)[\s，,。…、]*(?:应该是|应是|是|改成)?\s*"
    rf"(?P<right>(?:\d+(?:\.\d+)?|[{_NUMERAL_CHARS}]+)(?P<unit2>分|年|个月|月|天|个|家|项|条|份)?)")


def drop_self_corrections(text: str) -> str:
    """``text`` with each number the asker took back replaced by the one said instead ("涉及项分值
    是九十五 不对 是九十" -> 涉及项分值是九十): a score must never be computed from the slip."""
    def right(m: re.Match[str]) -> str:
        return m.group("right") + ("" if m.group("unit2") else (m.group("unit") or ""))

    return _CORRECTED_NUMBER.sub(right, text or "")


def _aligned_simplified(text: str) -> str:
    """``text`` in simplified script when that keeps it char for char ("客戶問：" -> 客户问：), so a
    match on it cuts the asker's own text at the same places; else ``text`` itself."""
    plain = to_simplified(text)
    return plain if len(plain) == len(text) else text


# a forwarded chat: each line opened by who said it ("客户：…", "张经理:…", "张姐(家具城)：…"),
# under a header line of its own ("群聊记录：")
_SPEAKER = re.compile(r"^[ \t]*[\u4e00-\u9fffA-Za-z]{1,5}(?:[（(][^）)\n]{1,10}[)）])?[ \t]*[：:][ \t]*(?=\S)")
_CHAT_HEADER = re.compile(r"^[ \t]*[^\n：:]{1,10}[：:][ \t]*$")
SPEAKER_LINES = 2  # lines opened by a speaker that make a text a forwarded chat


def drop_speakers(text: str) -> str:
    """A forwarded chat read as what was said: the speakers' names ("客户：", "老板：") name no
    thing asked about (客户 would find the passages on customers), nor does a header line
    ("群聊记录："). Only where at least ``SPEAKER_LINES`` lines are opened by a speaker: one line
    "五星级：要多少分" names what it asks about."""
    lines = text.splitlines()
    if sum(1 for line in lines if _SPEAKER.match(line)) < SPEAKER_LINES:
        return text
    kept = [_SPEAKER.sub("", line) for line in lines if not _CHAT_HEADER.match(line)]
    return "\n".join(line for line in kept if line.strip())


_CLAUSE_START = re.compile(r"[，,。；;！!]\s*")


def drop_reporting_frame(text: str) -> str:
    """``text`` without a frame saying who passed the question on ("客户问我：CNCA是个啥单位" ->
    "CNCA是个啥单位", "客户担心找到野鸡机构，问…" -> "找到野鸡机构，问…", "客户有点晕，问…" ->
    "有点晕，…"): the frame's words (客户) are not what is asked. Unchanged when nothing would be
    left."""
    text = text or ""
    plain = _aligned_simplified(text)
    m = _REPORTING_FRAME.match(plain) or _TELLING_FRAME.match(plain) or _SPEAKER_LABEL.match(plain) \
        or _ROLE_ASKED.match(plain)
    if m:
        rest = text[m.end():]
    elif (inner := next(((b.end(), f.end()) for b in _CLAUSE_START.finditer(plain)
                         if (f := _REPORTING_FRAME.match(plain[b.end():]))), None)):
        # "我们是做小家电的，客户问我们这个认证是不是…": the frame opens a later clause
        rest = text[:inner[0]] + text[inner[0] + inner[1]:]
    elif (t := _TOLD_THEN_ASKED.match(plain)):
        rest = text[t.start("told"):t.end("told")] + "，" + text[t.end():]
    else:
        return text
    return rest if len(rest.strip(" ，,。:：？?")) >= 2 else text


_MARKED_CLAUSE = re.compile(r"[^，,。：:！!？?；;\n]+[，,。：:！!？?；;\n]*|[，,。：:！!？?；;\n]+")
_CLAUSE_MARKS = "，,。：:！!？?；;\n"


@lru_cache(maxsize=1)
def _instruction() -> re.Pattern:
    """One pattern for the clauses of ``instructions`` (question.yaml), a final particle allowed."""
    found = [str(p) for p in (load_resource(QUESTION_FILE.name) or {}).get("instructions") or ()]
    return re.compile("(?:" + "|".join(f"(?:{p})" for p in found) + r")[吧啊呀哈嘛哦哟呗]*" if found else r"(?!)")


def drop_instructions(text: str) -> tuple[str, str]:
    """(``text`` without the clauses that only say how to answer, those clauses): "我们这种规模也能
    申请吗？一句话回答" -> ("我们这种规模也能申请吗？", "一句话回答"). An instruction asks nothing of
    the documents; its words would pull the search and count as missing. Unchanged when nothing
    would be left."""
    text = text or ""
    plain = _aligned_simplified(text)
    kept, dropped = [], []
    for m in _MARKED_CLAUSE.finditer(plain):
        body = m.group(0).strip(_CLAUSE_MARKS + " \u3000").lower()
        (dropped if body and _instruction().fullmatch(body) else kept).append(text[m.start():m.end()])
    rest = "".join(kept).strip().lstrip(_CLAUSE_MARKS + " ")
    if not dropped or len(re.sub(r"[\W_]", "", rest)) < 2:
        return text, ""
    if rest[-1:] in "，,：:；;":
        rest = rest[:-1]
    return rest, "".join(d.strip() for d in dropped)


# the register of an official letter: its subject line ("关于…的请示：") is read as the subject
# alone (the topic it names stays), and its courtesies ("烦请明确", "特此咨询", "予以答复") are no words of the question
_OFFICIAL_HEAD = re.compile(r"^\s*关于(?P<subject>[^：:。？?！!]{2,40}?)的(?:请示|咨询|询问|函|问题|报告|事宜|意见)\s*[：:]\s*")
_OFFICIAL_ASK = re.compile(r"(?:烦请|恳请|敬请|请贵(?:方|单位|中心|机构)|请予)(?:予以)?(?:明确|说明|告知|答复|解答|确认|指导|回复)?")
_ASKED_TO_SAY = ("明确", "说明", "告知", "答复", "解答", "确认", "回复")
_OFFICIAL_CLOSE = re.compile(r"[，,。；;]?\s*(?:特此(?:咨询|请示|函询|函告|说明)|(?:请|烦请)?予以(?:答复|明确|说明|回复|确认|澄清)|请示(?:是否可行)?(?=[。.！!]?\s*$))[。.！!]?")
# a member's words passed on ("秘书处转会员原话：“…”", "会员原话转述如下：“…”"): the words are the question
_PASSED_ON = re.compile(r"^[^：:“”\"]{0,14}(?:原话|原文|来电|来信|留言)(?:转述)?(?:如下)?\s*[：:]\s*(?=[“\"「])")


def drop_official_frame(text: str) -> str:
    """``text`` without an official letter's formalities ("关于现场评审的请示：…烦请明确现场评审包括
    哪些环节" -> "现场评审：…请问现场评审包括哪些环节"). Unchanged when nothing would be left."""
    text = text or ""
    plain = to_simplified(text)
    if len(plain) != len(text):
        return text
    out = text
    passed = _PASSED_ON.match(plain)
    if passed:
        out, plain = text[passed.end():], plain[passed.end():]
    m = _OFFICIAL_HEAD.match(plain)
    if m and len(plain[m.end():].strip(" ，,。:：？?")) >= 6:
        out = out[m.start("subject"):m.end("subject")] + "：" + out[m.end():]  # the subject stays
    out = _OFFICIAL_CLOSE.sub("", out)
    out = re.sub(rf"[，,。；;]?\s*(?:{_OFFICIAL_ASK.pattern})[。.！!]?\s*$", "", out)  # "…？烦请明确。"
    out = _OFFICIAL_ASK.sub(lambda k: "请问" if k.group(0)[-2:] in _ASKED_TO_SAY else "请", out)
    return out if len(out.strip(" ，,。:：？?")) >= 4 else text


# a quiz item typed in to be answered: its label ("第一题选择题：", "判断对错："), a blank to fill
# ("起草人是____") read as the question word it stands for, a statement to judge read as a
# yes/no question about it
_QUIZ_LABEL = re.compile(r"^\s*(?:第[一二三四五六七八九十\d]+题)?\s*(?:单选题|多选题|选择题|填空题|判断题|问答题|简答题|作业题|练习题|思考题|考试题|考题|作业)?\s*[：:]\s*")
_JUDGE = re.compile(r"^\s*(?:第[一二三四五六七八九十\d]+题)?\s*(?:判断(?:对错|正误|是非)?题?|对错题|是非题)\s*[：:]\s*(?P<claim>.+?)[。.！!]?\s*$")
_BLANK = re.compile(r"_{2,}|＿{2,}|[（(]\s*[)）]")


def read_quiz_item(text: str) -> str:
    """A quiz item as the question it asks ("判断对错：证书有效期是五年" -> "证书有效期是五年，对吗？",
    "填空题：标准的起草人是____" -> "标准的起草人是什么"); other text unchanged."""
    text = text or ""
    m = _JUDGE.match(text)
    if m and len(m.group("claim")) >= 4:
        return m.group("claim").rstrip("？?。. ") + "，对吗？"
    out = text
    if _BLANK.search(out):
        # a blank before a measure word asks a number ("有效期____年" -> 几年), any other a thing
        # (a person or a body asked for: "起草人是____" -> 谁)
        out = _BLANK.sub(lambda b: "多少" if re.match(r"\s*分", out[b.end():]) else
                         "几" if re.match(r"\s*[年月天日周次个项类星级条家份名人倍]", out[b.end():]) else
                         "谁" if re.search(r"(?:人|者|员|单位|机构|部门)(?:是|为)\s*$", out[:b.start()]) else "什么", out)
    # the label says what kind of exercise it is, not what is asked ("作业题：售后服务包括哪些方面？")
    label = _QUIZ_LABEL.match(out)
    if label and label.group(0).strip(" ：:") and len(out[label.end():].strip()) >= 4:
        out = out[label.end():]
    return out


# an English gloss in brackets after a Chinese term ("合规风险（compliance risk）"): said twice, asked once
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\s*[（(]\s*[A-Za-z][A-Za-z .'&/\-]{1,40}[)）]")


def drop_glosses(text: str) -> str:
    """``text`` without English glosses of the Chinese terms before them ("招投标（public tendering）"
    -> 招投标): the term is what the documents say; the gloss is no word of theirs to miss."""
    return _GLOSS.sub("", text or "")


# a clause that only asks whether what was said holds ("是真的吗", "对吗", "是不是这样")
_CONFIRM_TAG = re.compile(r"^(?:请问)?(?:这|那)?(?:是|说得|讲得)?(?:真的|对的|这样|这样的|对|准|靠谱|没错|正确)?"
                          r"(?:吗|吧|么|不|嘛|没有?|不对|对不对|是不是|是吗|是吧)+(?:这样|的)?$|^是不是(?:这样|真的)?的?$")


TERSE_CHARS = 15  # a search-box query: this many characters at most, in short keyword fragments
TERSE_PART = 6


def is_terse(core: str) -> bool:
    """A search-box query ("海尔 证书编号", "五星 通过率", "删减 怎么算"): a few short keyword
    fragments, no sentence. All of it is what is asked."""
    parts = [p.strip(" ？?。！!") for c in _CLAUSE.split(core or "") for p in c.split() if p.strip(" ？?。！!")]
    chars = sum(len(p) for p in parts)
    # (a sentence says who and ends like one: "我们是贸易公司，能申请吗" is no keyword query)
    return 0 < chars <= TERSE_CHARS and all(len(p) <= TERSE_PART for p in parts) \
        and not re.search(r"我们|咱们|我|你们|你|他们", core) and not any(p[-1] in "吗呢吧么嘛" for p in parts)


def asking_clause(core: str) -> str:
    """The clause of the asking sentence that carries the question word (the last one with a
    type cue; else the last clause): "集团在成都有分公司，…，能用分公司的名义去报吗" -> its
    last clause. Compound questions keep one asking clause per sentence. A search-box query
    (``is_terse``) asks with all its fragments."""
    if is_terse(core):
        return core
    out = []
    for sentence in _SENTENCE.findall(core):
        clauses = [c for c in _CLAUSE.split(sentence) if c.strip(" ？?。！!")]
        if not clauses:
            continue
        asking = [c for c in clauses if question_type(c) != OTHER]
        # "明天天气怎么样，适合去评审吗": both clauses ask; "有几条指标不沾边，…会扣分吗": 有几 is "some"
        picked = [c for c in asking[:-1] if not _SOME.search(c)] + (asking[-1:] or clauses[-1:])
        last = clauses.index(picked[-1])  # (every clause picked is one of the sentence's)
        if _CONFIRM_TAG.match(picked[-1].strip(" ？?。！!")) and last > 0:
            # "网上说…出了2023新版，2011版作废了，是真的吗": a tag asks whether the claim before it holds
            picked = [c for c in clauses[:last] if c not in picked] + picked
        out.extend(picked)
    return "，".join(out) or core


# "听人说投标时候有个售后服务认证挺加分，餐饮这种能做吗": a clause told as hearsay is not what
# is asked, when another clause of the sentence asks
_HEARSAY = re.compile(r"^(?:听人说|听说|据说|听别人说|网上说|有人说|人家说|听[^，,。？?]{1,6}说"
                      r"|(?:销售|同事|领导|老板|朋友|顾问|评审员|审核员|中介|代理)[^，,。？?]{0,3}(?:说|讲|告诉我))")


_AFTER_COMMA = re.compile(r"(?<=[，,])")
_AFTER_CLAUSE = re.compile(r"(?<=[，,？?])")


def _clauses_kept(core: str, dropped) -> list[str] | None:
    """The clauses of ``core`` that ``dropped(clause)`` leaves, or None when it drops none or
    would leave no clause that asks (then ``core`` stays whole)."""
    clauses = _AFTER_CLAUSE.split(core)
    kept = [c for c in clauses if not dropped(c)]
    if len(kept) == len(clauses) or not any(question_type(c) != OTHER for c in kept):
        return None
    return kept


def _set_aside(clause: str) -> bool:
    return bool(_SET_ASIDE.search(clause.strip(" ，,。？?！!")))


def without_hearsay(core: str) -> str:
    """``core`` without its clauses told as hearsay or set aside, when a clause that asks is left."""
    kept = _clauses_kept(core, lambda c: _HEARSAY.match(c.strip()) or _set_aside(c))
    return core if kept is None else "".join(kept)


# a clause of the things excepted from what is asked ("除了A和B(之外)，…")
_EXCEPTED = re.compile(r"(?:^|[，,。；;])\s*(?:除了|除去|除开)[^，,。；;？?]+[，,]")


def without_set_aside(sentence: str) -> str:
    """``sentence`` without the clauses that set a matter aside ("差旅费谁出先不管，我想知道范围" ->
    "我想知道范围"), whatever is left."""
    return "".join(c for c in _AFTER_COMMA.split(sentence) if not _set_aside(c))


# "差旅费谁出先不管": a matter the asker sets aside is not asked
_SET_ASIDE = re.compile(r"(?:先|暂时|暂且|都)?(?:不管|不说|不论|不问|另说|放一边|放一放)(?:了|吧)?$|^(?:先)?(?:不管|不说|不论|撇开)")


# what the answer is for ("好判断要投多少人力", "为了不白花钱", "以便安排人手"): the asker's own aim,
# not a question to the documents, even with a question word in it
_PURPOSE = re.compile(r"^(?:为了|为的是|以便|便于|以免|免得|好让|这样我?好|我好|好(?=[判排安准估算做写跟给决回报定预核对]))")


def drop_purposes(text: str) -> str:
    """``text`` with each sentence ``without_purpose``: what the answer is for asks no document,
    and its words ("要投多少人力") would pull the search elsewhere."""
    return "".join(without_purpose(s) for s in _SENTENCE.findall(text or "")) or text


def without_purpose(core: str) -> str:
    """``core`` without its clauses saying what the answer is for, when a clause that asks is left
    ("老板让我估一下…要走哪些步骤，好判断要投多少人力" asks the steps, not how many people)."""
    kept = _clauses_kept(core, lambda c: _PURPOSE.match(c.strip()))
    if kept is None:
        return core
    joined = "".join(kept)
    return joined.rstrip("，,") + (core[-1] if core[-1] in "？?。！!" and not joined.endswith(core[-1]) else "")


def phrase_of(text: str, word: str) -> str:
    """``word`` as the phrase it is part of in ``text`` (for naming it to the user)."""
    return _phrase(to_search_text(text), word)


# a word followed by a locative ("材料里的", "标准中", "证书上的"): the place something else sits in
_LOCATIVE = re.compile(r"\s*(?:里面|里边|里头|当中|之中|里|中|内|上)(?:的|有|讲|说|写|提到|规定)")


def _forms_said(clause: str, word: str) -> list[str]:
    """``word`` and each of its synonyms that ``clause`` says ("证书" folded into 认证证书)."""
    return [word] + [k for k, v in synonym_map().items() if v == word and k != word and k in clause]


def _is_container(clause: str, word: str) -> bool:
    """``word`` is only said as the place of another thing ("申请材料里的企业简介"), everywhere
    it occurs in ``clause``."""
    # the word as asked or in any of its synonyms ("证书" folded into 认证证书)
    ends = {m.end() for form in _forms_said(clause, word) for m in re.finditer(re.escape(form), clause)}
    return bool(ends) and all(_LOCATIVE.match(clause, e) for e in ends)


# a person who passed the question on or wants something ("客户要一份清单", "老板怕…"): the one
# asking, not what is asked about (客户投诉, 客户要求 are things)
_ACTOR = re.compile(rf"^(?:{_TELLERS})$")
_ACTS = re.compile(r"(?:那边|他们|自己)?(?:要(?!求)|" + "|".join(sorted(_WANTING - {"要"})) + r"|准备|让|叫|托)")


def _is_actor(clause: str, word: str) -> bool:
    """``word`` names a person and is, everywhere in ``clause``, the one who wants or asks."""
    said = [f for f in _forms_said(clause, word) if _ACTOR.match(f)]
    ends = [m.end() for form in said for m in re.finditer(re.escape(form), clause)]
    return bool(ends) and all(_ACTS.match(clause, e) for e in ends)


def _focus_of(clause: str, specific_only: bool = False) -> list[str]:
    res = resources()
    generic = res["generic"]
    cues = res["constraint_cues"]
    ranked = [w for w, _ in salient_words(clause) if w not in cues]
    # "申请材料里的企业简介": the place a thing sits in is not what is asked about
    # an idiom or set phrase ("万事大吉", "一劳永逸") colours the question; it names no thing asked of
    # an adverb ("正式申请之前", "认真准备") says how, not what about
    from assistant.lang.jieba_dict import dictionary_tag

    ranked.sort(key=lambda w: (_is_container(clause, w) or _is_actor(clause, w),
                               _is_time_word(w) or _is_before_after(clause, w),
                               w in _KIND_WORDS or w in _idioms() or dictionary_tag(w) in _ADVERB_TAGS))
    specific = [w for w in ranked if w not in generic]
    words = specific if specific or specific_only else ranked
    if not words:
        return []
    # "要一份申请材料清单": the form is not part of the thing's name
    head = _phrase(_FORM_AFTER.sub(_without_form, clause), words[0])
    return [head] + [w for w in words[1:] if w not in head]


_ADVERB_TAGS = frozenset({"ad"})  # not "d": jieba tags 满分 d
# the kind asked for ("属于啥类别"): the thing whose kind is asked is the focus, not the word 类别
_KIND_WORDS = frozenset({"类型", "类别", "种类", "性质"})
_ASKED = re.compile(r"什么|甚么|啥|哪些|哪几|何种|哪")
_MEASURE = frozenset("种个类项条些家位份张部样的本")
# what a wh-word is followed by but does not ask for: time and manner have their own forms
_NOT_ASKED = frozenset({"时候", "时间", "意思", "东西", "情况", "地方", "问题", "样子", "回事", "程度"})


def asked_noun(core: str) -> tuple[str, str]:
    """The kind of thing the question asks for, named right after its wh-word, and the word it
    is asked of, named right after it: ("方式", "监督") of "认证机构用什么方式监督我们",
    ("材料", "") of "要准备哪些材料"; ("", "") when no kind is named."""
    clause = asking_clause(core) or core
    for m in _ASKED.finditer(clause):
        tokens = _segmenter().lcut(clause[m.end():m.end() + 16], HMM=False)
        while tokens and len(tokens[0]) == 1 and tokens[0] in _MEASURE:
            tokens.pop(0)  # "哪几个等级", "什么样的企业"
        first = tokens[0] if tokens else ""
        if len(first) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", first) and first not in _NOT_ASKED \
                and not _is_function(first):
            rest = content_words("".join(tokens[1:4]))
            return first, rest[0] if rest else ""
    return "", ""


_OBJECT_ENDS = {"证": "认保验论凭考"}  # the words an object character may end: 认证, 保证, 验证…


@lru_cache(maxsize=1)
def _separable() -> tuple[re.Pattern | None, tuple[str, ...]]:
    """One pattern with a group per verb-object word of ``separable`` (question.yaml), and the words."""
    words = tuple(w for w in (to_search_text(str(x)) for x in (load_resource(QUESTION_FILE.name) or {}).get("separable") or ())
                  if len(w) == 2)
    # the object first in its clause (after at most four characters: "认证分数", "那个分"),
    # its verb later in the same clause, not followed by the object already
    # (an object that ends a longer word is no object: 证 of 认证 in "认证机构通常列出的…" is no 出证)
    alts = [rf"(?:^|(?<=[，,。？?！!；;\s]))([^，,。？?！!；;\s]{{0,4}}?"
            + (rf"(?<![{_OBJECT_ENDS[w[1]]}])" if w[1] in _OBJECT_ENDS else "")
            + rf"{re.escape(w[1])}[^，,。？?！!；;\s]{{0,10}}?"
            rf"{re.escape(w[0])})(?!{re.escape(w[1])})" for w in words]
    return (re.compile("|".join(alts)) if alts else None), words


@lru_cache(maxsize=1)
def _implied_kinds() -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern, what is said after its match) of ``implied_kind`` (question.yaml)."""
    return tuple((re.compile(str(p)), str(added))
                 for p, added in (load_resource(QUESTION_FILE.name) or {}).get("implied_kind") or ())


def spell_out(norm: str) -> str:
    """``norm`` (a normalised question) with what it leaves unsaid spelled out, so a page saying
    it is found and matched: each verb-object word of ``separable`` (question.yaml) whose object
    comes first said whole after its verb ("分是谁打的" -> "分是谁打分的"), and the kind of thing
    a question asks for without naming it (``implied_kind``: "去哪儿办" -> "去哪儿办理哪些机构",
    "啥证" -> "啥证书"), unless the question names that word already."""
    pattern, words = _separable()
    if pattern is not None:
        freq = _segmenter().FREQ

        def whole(m: re.Match) -> str:
            # the verb must stand on its own: 发 of 发现 ("证书…被抽查发现") is no 发证
            after = norm[m.end() - 1:m.end() + 1]
            if len(after) == 2 and after[1] not in _COMPLEMENTS and (freq.get(after) or 0) >= 20:
                return m.group(0)
            return m.group(0) + words[m.lastindex - 1][1]

        norm = pattern.sub(whole, norm)
    for kind, added in _implied_kinds():
        # "哪家机构去哪儿办": the body is named already; a word said apart (" 星级") is always said
        if len(added) < 2 or added[0] == " " or added[-2:] not in norm:
            norm = kind.sub(lambda m: m.group(0) + added, norm, count=1)
    return norm


_POINTED_BACK = r"(?:这|那|我们|咱们)(?:种|个|类|些|样的?)?的?"
_POINTING_BACK = r"(?:这|那)(?:种|类|些|样的?)(?:新|小|大|老)?的?"
_SELF_TOLD = re.compile(r"^(?:我们|我|咱们)(?:公司|单位|这边|家)?(?:是|属于|就是|开|做|干|搞|经营)")
_ASKS_EXISTENCE = re.compile(r"^(?:问|请问)?(?:有没有|有无|是否有|有)(?!没|关|用|必要|可能|影响|区别)")
# who wants to check or know it, told before the asking clause ("法务要核对投标用的证书，…哪些信息")
_PARTY_WANTS = re.compile(r"^[\u4e00-\u9fff]{1,4}?(?:要|想|需要|打算|准备|得)(?:先|再)?(?:核对|核实|确认|查一下|查查|查|了解|知道|比对|审核|检查|看看|对一下)")


def _asked_thing_first(core: str, focus: list[str]) -> list[str]:
    """"我们是4S店，汽车这行有协会能办吗": what the speaker says they are is told; a thing the
    asking clause names on its own (协会) is what is asked. Only when the focus came from a
    "我们是……" clause or one saying who wants to check it ("法务要核对…"), or the asking clause asks whether a thing exists ("汽车4S店想做认证，有
    对口的协会吗"), and the asking clause names a noun of its own."""
    if not focus:
        return focus
    clauses = [c for c in _CLAUSE.split(core) if c.strip(" ？?。！!")]
    ask = asking_clause(core)
    if len(clauses) < 2 or focus[0] in ask:
        return focus
    told_in = next((c for c in clauses if focus[0] in c), "")
    if not _SELF_TOLD.match(told_in.strip()) and not _PARTY_WANTS.match(told_in.strip()) \
            and not _ASKS_EXISTENCE.match(ask.strip()):
        return focus  # (whether a thing exists, "…，有对口的协会吗": that thing is asked too)
    # "跟我们这种行业有关系吗": a noun pointed back at ("这种行业") is the told thing again
    own = [w for w in _focus_of(ask, specific_only=True)
           if _names_a_thing(w) and not re.search(_POINTED_BACK + re.escape(w), ask)]
    if not own:
        return focus
    return [own[0]] + [f for f in focus if f != own[0] and f not in own[0]]


# a clause telling what was so before ("上次内部模拟大概是三星水平", "去年拿了达标"): background to
# what is asked now, not what is asked
_PAST_TOLD = re.compile(r"^(?:我们|我|咱们|公司|单位)?(?:上次|上回|去年|前年|以前|之前|原来|早先|前几年|当初)")


def _past_told_last(core: str, focus: list[str]) -> list[str]:
    """"上次模拟是三星水平，今年想冲四星，分数要多少": a thing named only in a clause telling the
    past goes after the things named in the other clauses."""
    clauses = [c.strip() for c in _CLAUSE.split(core) if c.strip(" ？?。！!")]
    if len(clauses) < 2 or len(focus) < 2:
        return focus
    past = [c for c in clauses if _PAST_TOLD.match(c)]
    if not past:
        return focus
    now = [c for c in clauses if c not in past]

    def said(f: str, cs: list[str]) -> bool:  # (a focus is said in full: "四星级" of "冲四星")
        return any(f in c or (len(f) > 2 and f[:-1] in c) for c in cs)

    asked = [f for f in focus if said(f, now)]
    # only when what is asked now is a peer of what was so ("三星水平" then "四星"): a thing
    # told of the past alone ("去年拿的三星证书，监督评审多久一次") is still what is asked about
    told = [f for f in focus if said(f, past) and f not in asked and any(set(f) & set(a) for a in asked)]
    if not told or len(told) == len(focus):
        return focus
    return [f for f in focus if f not in told] + told


@lru_cache(maxsize=4096)
def analyse(text: str) -> Question:
    """Type, focus and constraints of a (possibly long, colloquial, traditional-script) question."""
    norm = spell_out(to_search_text(text or "").strip())
    core = find_core(norm)
    qtype = question_type(core)
    clauses = [c for c in _CLAUSE.split(core) if c.strip(" ？?。！!")]
    if qtype == QUANTITY and len(clauses) > 1 and "多少" not in core \
            and question_type(clauses[-1]) not in (OTHER, QUANTITY):
        # "审核员当场指出我们几个问题，我们该怎么应对": 几 of a clause told is "a few"; the last
        # clause asks
        qtype = question_type(clauses[-1])
    if qtype == DIFFERENCE and len(clauses) > 1 and question_type(clauses[-1]) == OTHER \
            and re.search(r"什么|啥", clauses[-1]) \
            and not any(question_type(c) == DIFFERENCE and _DIFFERENCE_ASKED.search(c) for c in clauses):
        # "「审核」有个专门的叫法，跟体系认证不一样，叫什么": a difference told, not asked; the
        # last clause asks what it is (a clause asking 哪些 keeps the difference: "有三方面不同，是哪三方面")
        qtype = OTHER
    story = norm[: max(norm.rfind(core), 0)] if core != norm else ""
    focus: list[str] = []
    if qtype == DIFFERENCE:
        m = resources()["difference_sides"].search(core)
        before = core[:m.start()] if m else ""
        if m and not m.group(1).strip() and not before.strip(" ，,。？?"):
            m = None  # "跟体系审核比，…有啥不一样": a side left out with nothing told before it
        if m:
            for side in m.groups():
                side = side.strip(" ，,。？?").removeprefix("请问")
                words = _focus_of(side)
                pick = words[0] if words else side
                if _POINTER_SIDE.match(pick):
                    # "已经有ISO9001了，售后服务认证跟它有啥区别", "…？跟ISO14001那种一样吗": the
                    # side pointed back at, or left out, is the thing named before
                    told = _focus_of(before, specific_only=True) if before.strip(" ，,。？?") else []
                    told.sort(key=lambda w: -before.rfind(w))  # the one named last, nearest the pointer
                    pick = next((w for w in told if w not in focus), "")
                if pick and pick not in focus:
                    focus.append(pick)
    locators = [m.group(0) for m in resources()["locator"].finditer(core)]
    if not focus and locators:
        focus = locators  # "5.1.4.1条讲什么": the clause number is what is asked about
    if not focus:
        focus = _focus_of(core, specific_only=True)
        focus = _asked_thing_first(core, focus)
        # "远程诊断、在线升级这种新玩法…对应哪个部分": a noun pointed back at stands for the
        # things named before it, which are what is asked about
        back = [f for f in focus if re.search(_POINTING_BACK + re.escape(f), core)]
        if back and len(back) < len(focus):
            focus = [f for f in focus if f not in back] + back
        focus = _past_told_last(core, focus)
        # "除了官方批准的机构和行业协会这两条路，第三方机构有哪些": what is excepted is not asked about
        excepted = "".join(m.group(0) for m in _EXCEPTED.finditer(core))
        if excepted:
            focus = [f for f in focus if f not in excepted] + [f for f in focus if f in excepted]
    told = [m.group(1) for m in _TOPIC.finditer(norm)]
    # ("打分里“客户跟进”这一块": the term it quotes names the topic)
    told = [q.group(1) if (q := _QUOTED_TERM.search(t)) else t for t in told]
    topic = next((w for t in told for w in _focus_of(t, specific_only=True)[:1]), "") if told else ""
    if topic and qtype != DIFFERENCE and not locators:
        # "资料这块我心里没底，…要准备哪些东西": what the speaker names as the topic is asked about
        same = synonym_map().get(topic, topic)
        focus = [topic] + [f for f in focus if f not in topic and topic not in f and synonym_map().get(f, f) != same]
    changed = CHANGE_TO.search(core)
    if changed and qtype == YESNO:
        # "现场评审能不能改成视频远程评审": what it would be changed into is what is asked about
        target = _ASKING_TAIL.sub("", changed.group(1))
        if len(target) >= 2:
            focus = [target] + [f for f in focus if f not in target and target not in f]
    if not focus and story:
        # "…（a story）…。能申请吗？": what the question is about is told before it
        focus = _focus_of(story, specific_only=True)
    if not focus:
        focus = _focus_of(core)
    # "客户投诉处理这项指标": the pointer after a thing named is not part of its name
    focus = list(dict.fromkeys(_TRAILING_POINTER.sub("", f) or f for f in focus))
    focus_t = tuple(focus[:MAX_FOCUS])
    return Question(text=norm, core=core, qtype=qtype, focus=focus_t,
                    constraints=_constraints(core, story, focus_t),
                    words=tuple(salient_words(norm)),
                    traditional=to_simplified(text or "") != (text or ""), asked=asked_noun(core))
