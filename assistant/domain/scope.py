"""What the knowledge base covers and deliberately does not (resources/scope.yaml).

Pure checks on the normalised question; the answerer refuses with the topic's reason. Only
policy refusals are keyword-based; gaps of the knowledge base are refused on evidence
(assistant/pipeline/answer.py AbstainPolicy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.lang.resources import load_resource, resource_path
from assistant.lang.slips import blanked_index
from assistant.lang.text import shipped_vocabulary, to_search_text

SCOPE_FILE = resource_path("scope.yaml")
FRAUD_TOPIC = "fraud"  # the policy topic a legitimate question asked before it does not share


@dataclass(frozen=True)
class Topic:
    name: str
    reason: str
    pattern: re.Pattern
    unless: re.Pattern | None
    policy: bool = False  # refused because the assistant must not help, not for lack of facts
    # what a passage says when it does hold the fact the topic says the knowledge base lacks
    # (a number of hours, days, yuan): evidence beats the topic's keyword (``topic_yields``).
    # Pairs (what the question asks, or None for any; the form a passage states it in): a
    # telephone number asked is not given by a web address
    stated: tuple[tuple[re.Pattern | None, re.Pattern], ...] = ()


def _joined(pattern: str | list[str]) -> str:
    """A topic's pattern: one expression, or a list of them (one per concept) matched as any."""
    return pattern if isinstance(pattern, str) else "|".join(f"(?:{p})" for p in pattern)


@lru_cache(maxsize=1)
def _scope() -> tuple[re.Pattern, tuple[Topic, ...]]:
    data = load_resource(SCOPE_FILE.name) or {}
    terms = [re.escape(word) for word in shipped_vocabulary()[0]]
    anchors = re.compile("|".join([data.get("anchors", "")] + terms).strip("|") or r"(?!)")
    topics = tuple(
        Topic(t["name"], t["reason"], re.compile(_joined(t["pattern"])),
              re.compile(t["unless"]) if t.get("unless") else None, bool(t.get("policy")),
              _stated(t.get("stated")))
        for t in data.get("topics", [])
    )
    return anchors, topics


def _stated(value) -> tuple[tuple[re.Pattern | None, re.Pattern], ...]:
    """A topic's ``stated``: one form (a pattern or a list), or a mapping from what is asked to
    the form that states it."""
    if not value:
        return ()
    if isinstance(value, dict):
        return tuple((re.compile(asks), re.compile(_joined(states))) for asks, states in value.items())
    return ((None, re.compile(_joined(value))),)


def topics() -> tuple[Topic, ...]:
    return _scope()[1]


@lru_cache(maxsize=1)
def _offer_words() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    data = load_resource(SCOPE_FILE.name) or {}
    return tuple(re.compile(data.get(k) or r"(?!)") for k in ("offer_told", "offer_checked", "offer_taken"))


def fraud_of_the_story(search_text: str, asked: list[str | None], fraud: re.Pattern) -> bool:
    """True when the fraud a question names belongs to its story, not to what it asks: done to
    the asker or resisted by them, and not named where the asker asks ("被代办骗了，说包过…该怎么
    挑机构"), or a third party's offer only checked (``offer_checked``)."""
    return (told_against(search_text) and not any(a and fraud.search(a) for a in asked)) \
        or offer_checked(search_text, asked, fraud) or bool(_RULE_ON_IT.search(search_text))


# the rule that forbids it, asked for ("条例里禁止拿服务认证证书冒充管理体系认证的是第几条"): a
# question about the law, not a request for help
_RULE_ON_IT = re.compile(r"(?:禁止|不得|严禁|不准)[^，,。；;？?！!]{2,30}(?:是|在)?(?:第几条|哪一条|哪条|哪个条款|哪几条)")


def offer_checked(search_text: str, asked: list[str | None], fraud: re.Pattern) -> bool:
    """True when the question passes on a third party's offer and only checks it ("中介说可以挂靠…
    这样合规吗", "代理说加钱就能调成五星。星级到底是怎么定的"): no asking sentence takes it up,
    and each one either names no fraud or checks whether it is genuine (scope.yaml offer_*)."""
    told, checked, taken = _offer_words()
    if not told.search(search_text):
        return False
    asked = [a for a in asked if a]
    return bool(asked) and not any(taken.search(a) for a in asked) \
        and all(not fraud.search(a) or checked.search(a) for a in asked)


@lru_cache(maxsize=1)
def _told_against() -> re.Pattern:
    return re.compile((load_resource(SCOPE_FILE.name) or {}).get("told_against") or r"(?!)")


def told_against(search_text: str) -> bool:
    """True when the story says the fraud was done to the asker or is resisted by them (scope.yaml
    told_against): then only a fraud named in the sentences that ask is refused."""
    return bool(_told_against().search(search_text))


def in_domain(search_text: str, tokens: list[str] = ()) -> bool:
    """True when the question mentions the domain at all (an anchor term or a canonical token),
    also through a one-character slip in a longer domain word (``near_domain_word``)."""
    anchors = _scope()[0]
    return bool(anchors.search(search_text)) or any(anchors.fullmatch(t) for t in tokens) \
        or bool(near_domain_word(search_text))


@lru_cache(maxsize=1)
def _typo_index() -> dict[str, tuple[str, ...]]:
    """The shipped domain dictionary's words by their one-character-blanked keys (the same
    lookup the slip correction uses, assistant.lang.slips.blanked_index)."""
    return blanked_index(shipped_vocabulary()[0], min_chars=3)  # no sound check here: longer words only


@lru_cache(maxsize=4096)
def near_domain_word(search_text: str) -> str:
    """The domain word the question spells with one wrong character (a typo or a near-homophone
    typed by a pinyin input method: "评申员" for 评审员), or "". Only substitutions, only in words
    of three or more Chinese characters, and the wrong character must be a Chinese character, so
    two-character words and ordinary text do not drift into the domain."""
    index = _typo_index()
    lengths = sorted({len(k) for k in index}, reverse=True)  # the longest word that fits
    for n in lengths:
        for start in range(len(search_text) - n + 1):
            window = search_text[start:start + n]
            if not re.fullmatch(r"[\u4e00-\u9fff]+", window):
                continue
            for i in range(n):
                for word in index.get(window[:i] + "?" + window[i + 1:], ()):
                    if word != window:
                        return word
    return ""


def out_of_scope(search_text: str, asking: str | None = None) -> Topic | None:
    """The first topic (fraud, writing tasks, other schemes, a gap of the knowledge base) the
    question touches, or None. A policy topic is matched anywhere in the question; a gap topic,
    when ``asking`` (the sentence that asks) is given, only there: a fee or an evaluator told of
    in the story before the question ("评审员说收费公示不合规，…扣多少分？") is not what is asked."""
    for topic in topics():
        text = search_text if topic.policy or asking is None else asking
        if topic.pattern.search(text) and not (topic.unless and topic.unless.search(search_text)):
            return topic
    return None


def policy_refusal(question: str) -> Topic | None:
    """``out_of_scope`` on a raw question (normalised here)."""
    return out_of_scope(to_search_text(question))


_UNIT_WORDS = frozenset({"小时", "分钟", "工作日", "天数", "个月", "星期", "时间", "多久", "多长", "多少", "规定"})
_SENTENCE = re.compile(r"[。！？!?；;\n]")


def topic_yields(topic: Topic, search_text: str, passages) -> bool:
    """A knowledge-gap topic (not a policy one) gives way when the documents do state what it
    says they lack: a sentence of the top passages (``passages()``, called only when the topic
    has a ``stated`` form) states it in that form and says one of the question's own words
    ("规定24小时内响应吗" with a passage giving 24 小时内响应 as an example). Policy topics never
    yield: they are refused whatever the knowledge base holds."""
    forms = [states for asks, states in topic.stated if asks is None or asks.search(search_text)]
    if topic.policy or not forms:
        return False
    from assistant.domain.question import content_words

    words = [w for w in content_words(search_text)
             if len(w) >= 2 and not re.search(r"\d", w) and w not in _UNIT_WORDS]
    # a name as the asker spelled it ("cnca", which the words above give as the body's full name)
    spelled = re.findall(r"[a-z]{3,}", search_text)
    words += spelled
    if not words:
        return False
    named: list[str] = []
    if topic.name == CONTACTS_TOPIC:
        from assistant.domain.question import KB_WORD_RARITY, rarity

        # contact details are someone's: of the names the question gives (a company, a site, a
        # body: its rare words), the sentence must say one ("深圳华谊的电话" is not answered by
        # another consultancy's hotline), and every organisation named in full
        words = [w for w in words if w not in _CONTACT_WORDS]
        named = [w for w in words if w in spelled or _ORGANISATION.search(w) or rarity(w) >= KB_WORD_RARITY]
    organisations = [w for w in named if _ORGANISATION.search(w)]
    for text in passages():
        for sentence in _SENTENCE.split(to_search_text(text)):
            # (contact details asked of no one in particular, "你们的电话是多少", need only be given)
            if not any(f.search(sentence) for f in forms) \
                    or not (any(w in sentence for w in words) or (topic.name == CONTACTS_TOPIC and not named)):
                continue
            if named and not any(n in sentence for n in named):
                continue
            if all(o in sentence for o in organisations) or any(a in sentence for a in spelled):
                return True
    return False


CONTACTS_TOPIC = "contacts"
_ORGANISATION = re.compile(r"(?:公司|集团|中心|协会|委员会|研究院|事务所|认监委)$")
# the words of asking for contact details themselves, which say nothing of whose they are
_CONTACT_WORDS = frozenset({"联系", "电话", "地址", "号码", "方式", "手机", "联系方式", "联系电话", "官网", "网址",
                            "网站", "邮箱", "办公", "客服", "顾客服务", "热线", "咨询热线", "在线", "线上",
                            "客服电话", "在线客服"})
