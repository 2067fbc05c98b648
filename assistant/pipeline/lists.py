"""Numbered lists in passages, and questions about them (第五步叫什么, 算第几个方面, 一共几步).

A question may ask for an item by its place ("第五步叫什么", "最后一步是什么"), for the place of an
item ("维修保养算第几个方面") or for how many items a list has ("办证流程一共几步").

The place of an item is a fact of the document's structure, not of its words: a question that
names only "第五步" shares no word with the sentence that answers it, so retrieval and sentence
scoring cannot find it. Here the lists are read off the passages (markers "(一)", "一、", "1)",
"1.", "①" numbered 1, 2, 3… in order) and the item is picked by its number. Pure: passages come in;
the item, the whole list and the passage to cite come out (core.py builds the answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.lang.numerals import read_number
from assistant.lang.text import COUNT_OF, to_search_text, to_simplified

_CN_DIGITS = "一二三四五六七八九十"
# a marker opens an item only at the start of a line or after a separator ("流程：(一)…；(二)…")
_OPEN = r"(?:^|(?<=[\n；;。：:]))[ \t\u3000]*"
_MARKERS = (
    re.compile(_OPEN + r"[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]"),
    re.compile(_OPEN + r"([一二三四五六七八九十]{1,3})\s*、"),
    re.compile(_OPEN + r"[（(]\s*(\d{1,2})\s*[)）]"),
    re.compile(_OPEN + r"(\d{1,2})\s*[)）、.．](?!\d)"),
    re.compile(_OPEN + r"([①②③④⑤⑥⑦⑧⑨⑩])"),
)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
ITEM_MAX_CHARS = 60

# the kinds of item a question counts in, and the words a list's introduction uses for them
_UNITS = r"步骤|步|个方面|方面|个阶段|阶段|环节|个层次|层次|大类|类|种|档|等级|级|点|条|项|部分|个"
# (keyed by the kind without its measure word: "个方面" is looked up as 方面, see _bare)
_KIND_WORDS = {
    "步": "流程|步骤|程序|阶段|环节|步", "步骤": "流程|步骤|程序|阶段|环节|步", "阶段": "流程|步骤|程序|阶段|环节",
    "环节": "流程|步骤|程序|阶段|环节",
    "方面": "方面", "层次": "层次|层面",
    "类": "类|种", "大类": "类|种", "种": "类|种",
    "档": "星|级|档|达标", "等级": "星|级|档|达标", "级": "星|级|档|达标",
}
# (not 条: "第十七条", "第几条规定的" ask for an article of a law, not an item of a list)
_PLACE_UNITS = _UNITS.replace("|条|", "|")
_ORDINAL = re.compile(rf"第\s*([一二三四五六七八九十\d]{{1,3}})\s*({_PLACE_UNITS})")
_LAST = re.compile(rf"最后\s*(?:一)?\s*({_PLACE_UNITS})")
_POSITION = re.compile(rf"第几\s*({_PLACE_UNITS})")
# "一共几步？", "等级分几档？": the count asked, the kind ending the question
_COUNT = re.compile(rf"(?:一共|总共|共|总计|合计|分为|分成|分|有|列了|包括|包含)\s*几\s*(?:个)?\s*"
                    rf"(步骤|步|方面|阶段|环节|层次|大类|类|种|档|等级|点|条|项|部分)"
                    r"(?=\s*(?:[?？,，。!！:：]|$|吗|呢|啊|呀|吧|来着))")


@dataclass(frozen=True)
class NumberedList:
    """One numbered list of a passage: its introduction (the line before its first item) and its
    items' first lines, in order."""

    intro: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class ListAsk:
    """What a question asks of a list: ``kind`` "item" (the item at ``place``; -1 = the last),
    "place" (where an item stands) or "count"; ``unit`` as the question says it (步, 个方面…);
    ``rest``: the question without the ordinal, to match the list by its other words."""

    kind: str
    unit: str
    place: int = 0
    rest: str = ""
    said: str = ""  # the words that ask it ("第一步"): a passage saying them answers in its own words


def _value(marker: str) -> int | None:
    if marker in _CIRCLED:
        return _CIRCLED.index(marker) + 1
    n = read_number(marker)
    return int(n) if n is not None and n.denominator == 1 and 0 < n <= 30 else None


def _first_line(text: str) -> str:
    line = re.split(r"[\n。]", text.strip(), maxsplit=1)[0]
    line = line.strip(" \t\u3000；;，,：:")
    return line if len(line) <= ITEM_MAX_CHARS else line[:ITEM_MAX_CHARS].rstrip("，,、") + "…"


def numbered_lists(text: str) -> list[NumberedList]:
    """Every list of ``text`` numbered 1, 2, 3… in one marker style, at least two items long."""
    out: list[NumberedList] = []
    for pattern in _MARKERS:
        # (start, end, number, closing mark): "1)" and "7." are two lists, not one
        marks = [(m.start(), m.end(), _value(m.group(1)), m.group(0).rstrip()[-1] if m.group(0).rstrip()[-1] in "）)、.．" else "")
                 for m in pattern.finditer(text)]
        used: set[int] = set()
        for i, (start, _, value, close) in enumerate(marks):
            if value != 1 or i in used:
                continue
            run = [i]
            for j in range(i + 1, len(marks)):
                if marks[j][3] != close:
                    continue
                if marks[j][2] == marks[run[-1]][2] + 1:
                    run.append(j)
                elif marks[j][2] == 1:
                    break  # a new list starts
            if len(run) < 2:
                continue
            used.update(run)
            items = []
            for k, j in enumerate(run):
                end = marks[run[k + 1]][0] if k + 1 < len(run) else len(text)
                items.append(_first_line(text[marks[j][1]:end]))
            before = text[:start].rstrip()
            intro = before.split("\n")[-1] if before else ""
            out.append(NumberedList(intro.strip()[-80:], tuple(items)))
    return out + _stated_lists(text)


# a list told in prose with its count: "一般分七步：A；B；…；G。" (as many parts as it says)
_STATED = re.compile(COUNT_OF + r"(步|方面|类|项|阶段|环节|层次|部分|点|条|种|档|级)"
                     r"[^：:\n。；;]{0,8}[：:]")


def _stated_lists(text: str) -> list[NumberedList]:
    out = []
    for m in _STATED.finditer(text):
        count = read_number(m.group(1))
        end = min([k for k in (text.find("。", m.end()), text.find("\n", m.end())) if k >= 0] or [len(text)])
        parts = [p.strip(" \t") for p in re.split(r"[；;]", text[m.end():end]) if p.strip(" \t")]
        if count is None or count != len(parts) or len(parts) < 2:
            continue
        start = max(text.rfind(c, 0, m.start()) for c in "。\n；;") + 1
        out.append(NumberedList(text[start:m.end()].strip()[-80:], tuple(_first_line(p) for p in parts)))
    return out


def _asks_here(clause: str, text: str) -> bool:
    """The clause asks (a question word, a question mark, or the last clause); a clause of the
    story told before the question ("听说第一步是自查，…") does not."""
    from assistant.domain.question import OTHER, question_type

    return clause.endswith(("？", "?")) or text.endswith(clause) or question_type(clause) != OTHER


def _without(text: str, m: re.Match[str]) -> str:
    return (text[:m.start()] + " " + text[m.end():]).strip()


def list_ask(question: str) -> ListAsk | None:
    """The list question ``question`` asks, or None (most questions: one regex look each). The
    place must be in the clause that asks: "听说第一步是自查，那自查主要查什么" asks about 自查."""
    text = to_search_text(question)
    if not any(p.search(text) for p in (_ORDINAL, _LAST, _POSITION, _COUNT)):
        return None
    asked = "".join(c for c in re.split(r"(?<=[，,。；;！!？?])", text) if _asks_here(c, text))
    if not any(p.search(asked) for p in (_ORDINAL, _LAST, _POSITION, _COUNT)):
        return None  # (the rest of the question still names the list: "做满意度调查，…算第几个方面")
    if m := _ORDINAL.search(text):
        place = read_number(m.group(1))
        if place is None or place.denominator != 1 or not 0 < place <= 30:
            return None
        return ListAsk("item", m.group(2), int(place), _without(text, m), m.group(0))
    if m := _LAST.search(text):
        return ListAsk("item", m.group(1), -1, _without(text, m), m.group(0))
    if m := _POSITION.search(text):
        return ListAsk("place", m.group(1), 0, _without(text, m))
    if m := _COUNT.search(text):
        return ListAsk("count", m.group(1), 0, _without(text, m))
    return None


_TOLD_COUNT = re.compile(r"([一二两三四五六七八九十\d]{1,2})\s*(?:个|大)?\s*(?:方面|类|步|项|点|层次|阶段|环节|条|种|部分)")


def _bare(unit: str) -> str:
    """The kind without its measure word ("个方面" -> 方面); 个 alone stays."""
    return unit[1:] if unit.startswith("个") and len(unit) > 1 else unit


def _kind_fits(ask: ListAsk, lst: NumberedList) -> bool:
    words = _KIND_WORDS.get(_bare(ask.unit))
    if not words:
        return False
    kind = re.compile(words)
    return bool(kind.search(lst.intro)) or sum(bool(kind.search(i)) for i in lst.items) * 2 > len(lst.items)


def _says(text: str, word: str) -> bool:
    """``word`` (a content word, synonyms folded) is said in ``text``: as written, as one of the
    text's own content words (送货 folds to 配送 on both sides), or as its two halves (维修保养 of
    "维修、保养")."""
    if word in text or word in _words(text):
        return True
    return len(word) == 4 and word[:2] in text and word[2:] in text


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    from assistant.domain.question import content_words

    return frozenset(content_words(text))


def pick(ask: ListAsk, candidates: list[tuple[int, NumberedList]], words: list[str]
         ) -> tuple[int, NumberedList, int] | None:
    """The list a question asks about among ``candidates`` (the passage's rank, a list), and the
    place of the item it asks for (0 for a count): by the kind of item its introduction names
    (步 -> 流程/步骤/阶段), the question's other ``words`` said in the list, then the passage's
    rank. None when no list fits well enough to answer from it."""
    best = None
    for rank, lst in candidates:
        n = len(lst.items)
        if ask.kind == "item" and ask.place > n:
            continue
        intro, body = to_search_text(lst.intro), to_search_text("；".join(lst.items))
        told = _TOLD_COUNT.search(intro)
        if told and read_number(told.group(1)) != n:
            continue  # "有以下三方面不同" over two items: the list goes on in another passage
        fits = _kind_fits(ask, lst)
        said_intro = sum(_says(intro, w) for w in words)
        said_body = sum(_says(body, w) for w in words)
        place = 0
        if ask.kind == "place":
            # the item that says most of the question's words outside the introduction
            own = [w for w in words if not _says(intro, w)]
            hits = [sum(_says(to_search_text(item), w) for w in own) for item in lst.items]
            top = max(hits, default=0)
            if top == 0 or hits.count(top) > 1:
                continue
            place = hits.index(top) + 1
        elif ask.kind == "item":
            place = n if ask.place == -1 else ask.place
        score = 2.0 * fits + 1.5 * said_intro + 0.5 * said_body - 0.2 * rank
        if not fits and (ask.kind == "count" or (said_intro == 0 and (ask.kind != "place" or said_body < 2))):
            continue  # nothing says this is the list asked about (a count needs its kind named)
        if best is None or score > best[0]:
            best = (score, rank, lst, place)
    return None if best is None else (best[1], best[2], best[3])


def _cn(n: int) -> str:
    return _CN_DIGITS[n - 1] if 1 <= n <= 10 else str(n)


def say(ask: ListAsk, lst: NumberedList, place: int) -> tuple[str, str]:
    """(lead, the whole list): "第五步是：认证结果评定与证书颁发" / "共六步：…"."""
    unit = ask.unit if ask.unit not in ("个",) else "项"
    whole = "；".join(f"（{_cn(i + 1)}）{item}" for i, item in enumerate(lst.items))
    if ask.kind == "count":
        count = "两" if len(lst.items) == 2 else _cn(len(lst.items))  # 共两方面, 第二项
        return f"共{count}{_bare(unit)}：{whole}", ""
    ordinal = "最后一" + unit.lstrip("个") if ask.kind == "item" and ask.place == -1 else f"第{_cn(place)}{unit}"
    if ask.kind == "place":
        return f"属于第{_cn(place)}{unit}：{lst.items[place - 1]}", f"全部共{_cn(len(lst.items))}项：{whole}"
    return f"{ordinal}是：{lst.items[place - 1]}", f"全部共{_cn(len(lst.items))}项：{whole}"


# words added to the search when the question names nothing but the place ("第五步叫什么")
KIND_QUERY = {"步": "流程 步骤", "步骤": "流程 步骤", "阶段": "流程 阶段", "环节": "流程 环节",
              "档": "等级 星级", "等级": "等级 星级", "级": "等级 星级"}


DETAIL_MAX_CHARS = 160


def answer(ask: ListAsk, hits, words: list[str], traditional: bool = False):
    """(lead, the whole list, the passage to cite, the item asked for) for a list question over
    ``hits``, or None when no list of theirs is the one asked about. The lead and the list carry
    the citation mark [1]."""
    candidates = [(rank, lst) for rank, h in enumerate(hits) for lst in numbered_lists(h.text)]
    chosen = pick(ask, candidates, words)
    if chosen is None:
        return None
    rank, lst, place = chosen
    lead, whole = say(ask, lst, place)
    script = (lambda s: s) if traditional else to_simplified
    item = lst.items[place - 1] if place else ""
    return script(f"{lead}[1]。"), script(f"{whole}[1]。") if whole else "", hits[rank], item


def section_of(item: str, hits):
    """The passage that is the item's own section (its first line is the item, as an outline's
    entries are headings of sections), or None."""
    if not item or item.endswith("…"):
        return None
    for hit in hits:
        first = hit.text.strip().split("\n", 1)[0]
        if _ITEM_HEAD.sub("", first).strip(" ：:") == item:
            return hit
    return None


_ITEM_HEAD = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十\d]{1,3}\s*[、.．)）]|[①-⑩])\s*")


def detail(section_text: str, words: list[str]) -> str:
    """What a section says under its heading: its sentences that say the question's own words
    (钱 -> 费用 when asked "钱是这个时候交吗"), else its first ones, within DETAIL_MAX_CHARS."""
    body = section_text.strip().split("\n", 1)[1] if "\n" in section_text.strip() else ""
    sentences = []
    for s in re.split(r"(?<=[。！？!?；;])|\n", body):
        if s.strip().endswith((":", "：")):
            break  # a list's intro: its items are quoted by nobody here
        if len(s.strip()) >= 6:
            sentences.append(s.strip())
    if not sentences:
        return ""
    asked = [i for i, s in enumerate(sentences) if any(_says(to_search_text(s), w) for w in words)]
    chosen, size = [], 0
    for i in asked[:2] + [k for k in range(len(sentences)) if k not in asked[:2]]:
        if chosen and size + len(sentences[i]) > DETAIL_MAX_CHARS:
            continue
        chosen.append(i)
        size += len(sentences[i])
    out = "".join(s if s[-1] in "。！？!?；;" else s + "。" for s in (sentences[i] for i in sorted(chosen)))
    return out.rstrip("；;。")
