"""Cleaning of loaded text before chunking: pure functions, no I/O.

Third-party pages arrive with web boilerplate (hotlines, copyright footers, bylines,
comment widgets, adverts) and with conversion artefacts such as pinyin in brackets after
each traditional character (``服務(wù)``). Both would pollute retrieval and citations.

Display text keeps its script (traditional stays traditional) and its Chinese full-width
punctuation; only ``assistant.lang.text.to_search_text`` simplifies and fully NFKC-normalises,
for the search side. Patterns here therefore accept both simplified and traditional forms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache
from typing import Iterable, Iterator

from assistant.lang.text import BULLET
from ingest.contacts import CONTACTS_HEADING
from ingest.model import RawDocument

# --------------------------------------------------------------------------- NFKC, display-safe

# Full-width punctuation that NFKC would turn into ASCII; Chinese text reads better with it.
_KEEP_PUNCT = "，？！：；（）～…［］｛｝" + "".join(chr(c) for c in range(0x2460, 0x2474))  # ①..⑳
_KEEP_SPLIT_RE = re.compile(f"([{re.escape(_KEEP_PUNCT)}]+)")

_INVISIBLE_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def normalize_width(text: str) -> str:
    """NFKC (full-width letters/digits/spaces -> ASCII) but keep Chinese punctuation as is."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    parts = _KEEP_SPLIT_RE.split(text)  # kept punctuation runs land at odd indices
    parts[::2] = [unicodedata.normalize("NFKC", p) for p in parts[::2]]
    return "".join(parts)


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _drop_lone_surrogates(text: str) -> str:
    """PDF text extraction can leak UTF-16 surrogates (a malformed ToUnicode map): re-pair the
    halves of a real character, drop the rest. UTF-8 cannot encode them, so a single one would
    make the whole document fail when it is hashed or stored."""
    if not _SURROGATE_RE.search(text):
        return text
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return _SURROGATE_RE.sub("", text)


def _normalize_chars(text: str) -> str:
    """Line endings, invisible characters, stray control bytes and lone surrogates, then width."""
    text = _drop_lone_surrogates(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub("", text)
    return normalize_width(text)


# --------------------------------------------------------------------------- pinyin artefacts

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿv"
_PINYIN_RE = re.compile(rf"(?<=[{_CJK}])[(（]([{_PINYIN_LETTERS}]{{1,6}})[)）]")
# One pinyin syllable: optional initial, vowels, optional -n/-ng/-r (tone marks folded in).
_SYLLABLE_RE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouüv]+(?:ng|n|r)?|(?:m|n|ng|hm|hng)"
)


def _strip_tone(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def _is_pinyin(word: str) -> bool:
    plain = _strip_tone(word).replace("u\u0308", "ü")
    return _SYLLABLE_RE.fullmatch(plain) is not None


def remove_pinyin_artifacts(text: str) -> str:
    """``服務(wù)`` -> ``服務``: drop a bracketed pinyin syllable right after a CJK character.

    Only lower-case, syllable-shaped words go, so ``(CQC)``, ``(GB/T 27922)`` or ``(iso)`` stay.
    """
    if "(" not in text and "（" not in text:
        return text
    return _PINYIN_RE.sub(lambda m: "" if _is_pinyin(m.group(1)) else m.group(0), text)


# --------------------------------------------------------------------------- boilerplate

# Traditional forms of the simplified characters used in the patterns below, so one pattern
# matches both scripts without running OpenCC over every line (it is slow on large files).
_TRAD = {
    "发": "發", "评": "評", "论": "論", "浏": "瀏", "览": "覽", "阅": "閱", "读": "讀",
    "点": "點", "击": "擊", "数": "數", "来": "來", "编": "編", "辑": "輯", "责": "責",
    "时": "時", "间": "間", "联": "聯", "系": "繫係", "们": "們", "电": "電", "话": "話",
    "咨": "諮", "询": "詢", "热": "熱", "线": "線", "务": "務", "机": "機", "传": "傳",
    "邮": "郵", "网": "網", "号": "號", "声": "聲", "权": "權", "内": "內", "当": "當",
    "条": "條", "页": "頁", "顶": "頂", "扫": "掃", "关": "關", "为": "為爲", "广": "廣",
    "拨": "撥", "欢": "歡", "费": "費", "这": "這", "里": "裡裏", "问": "問", "题": "題",
    "专": "專", "业": "業", "辅": "輔", "导": "導", "台": "臺", "转": "轉", "载": "載",
    "标": "標", "闭": "閉", "维": "維", "码": "碼", "册": "冊", "录": "錄", "价": "價",
    "报": "報", "获": "獲", "请": "請", "觉": "覺", "宝": "寶", "级": "級", "详": "詳",
    "细": "細", "质": "質", "认": "認", "证": "證", "检": "檢", "测": "測", "选": "選",
    "经": "經", "营": "營", "户": "戶", "优": "優", "众": "眾衆",
    "长": "長", "办": "辦", "门": "門", "讯": "訊", "场": "場", "动": "動", "处": "處",
}


def _tr(pattern: str) -> str:
    """Expand each simplified character of ``pattern`` to ``[简繁]`` (inside ``[...]``: append)."""
    out = []
    in_class = False
    for ch in pattern:
        alt = _TRAD.get(ch, "")
        if ch == "[" and not (out and out[-1] == "\\"):
            in_class = True
        elif ch == "]" and not (out and out[-1] == "\\"):
            in_class = False
        out.append(ch + alt if in_class or not alt else f"[{ch}{alt}]")
    return "".join(out)


def _rx(*patterns: str) -> re.Pattern[str]:
    """One case-insensitive regex matching any of ``patterns``, in both scripts."""
    return re.compile("|".join(f"(?:{_tr(p)})" for p in patterns), re.IGNORECASE)


_COLON = "[:：]"
PHONE_RE = re.compile(
    r"(?<![\d.])(?:"
    r"\+?86[- ]?)?(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}"  # mobile
    r"|0\d{2,3}[- ]?\d{7,8}"  # landline with area code
    r"|[48]00[- ]?\d{3}[- ]?\d{4}"  # 400/800 hotlines
    r")(?!\d)"
)

# A whole line is boilerplate when it matches one of these (searched, case-insensitive).
_LINE_RE = _rx(
    r"^(top|返回顶部|回到顶部|返回首页|返回列表|返回|打印本页|关闭窗口|收藏本文|打印|关闭)$",
    r"^(发表评论|我要评论|网友评论|查看评论|评论|留言|我要留言|相关阅读|相关文章|推荐阅读|热门文章)(\s*\(\d+\))?$",
    r"^(已有)?\s*\d+\s*(条)?(评|评论|人评论|条评论)$",
    r"^(上一篇|下一篇|上一条|下一条|上一页|下一页)",
    r"^(分享到|分享至|扫一扫|扫描二维码|关注我们|微信扫一扫|点击关注)",
    rf"^(当前位置|您的位置|你的位置|所在位置|位置){_COLON}",
    r"^(首页|主页|网站首页|home)\s*[>›»/|]",
    r"^(联系我们|联系方式)\s*[:：]?$",
    rf"^(联系地址|公司地址|地址|联系电话|电话|咨询热线|服务热线|客服热线|热线|手机|传真|邮箱|电子邮箱"
    rf"|e-?mail|qq|微信|网址|邮编|联系人|在线客服|客服电话){_COLON}",
    r"^((本文|文章)(内容)?(整合网站|来源于|转载自|整合自)|转载自)",
    rf"^((免责声明|版权声明|特别声明)|声明{_COLON})",
    rf"^(作者|责任编辑|编辑|发布时间|发布日期|更新时间|文章来源|原标题|浏览次数|阅读次数){_COLON}",
    r"^[\s:：;；,，.。、·•]+$",
)
# Short lines (footers, counters, bylines) are dropped when they contain one of these.
_SHORT_LINE_MAX = 120
_SHORT_LINE_RE = _rx(
    r"(©|\(c\)\s*\d{4}|copyright|版权所有|all rights reserved|icp备|icp证|公网安备)",
    rf"(浏览|阅读|点击|访问)((量|数|次数){_COLON}?|{_COLON})\s*\d+",
)
_DATE_RE = re.compile(r"\d{4}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}")
_BYLINE_STRICT_FIELD_RE = _rx(rf"(来源|作者|编辑|发布时间|浏览|阅读|点击){_COLON}")

# Promotional sentences: a phone number next to a contact word, or two advertising cues.
_CONTACT_CUE_RE = _rx(r"(拨打|致电|来电|联系|咨询|热线|客服|电话|手机|微信|qq|加微|详询|垂询)")
_PROMO_CUE_PATTERNS = (
    r"为您提供", r"一站式", r"推广服务", r"品牌宣传", r"欢迎(来电|咨询|致电|垂询)", r"免费咨询",
    r"在线客服", r"解答到这里", r"如(还)?需(要)?了解更多", r"更多专业性问题", r"咨询辅导",
    r"代理(查询|注册|申请)?", r"本站", r"我司", r"小编", r"服务平台", r"获取报价", r"点击(咨询|了解|获取)",
    r"优惠活动", r"立即(咨询|办理|申请)",
)
_PROMO_CUES = [_rx(p) for p in _PROMO_CUE_PATTERNS]
_ANY_PROMO_CUE_RE = _rx(*_PROMO_CUE_PATTERNS)
_SENTENCE_RE = re.compile(r"[^。！？!?；;]*(?:[。！？!?；;]+[”’」』)）]*|$)")
_WORD_RE = re.compile(rf"[0-9A-Za-z{_CJK}]")


def is_promotional(sentence: str) -> bool:
    """A sentence that advertises a site or service rather than informing."""
    if PHONE_RE.search(sentence) and _CONTACT_CUE_RE.search(sentence):
        return True
    hits = 0
    for cue in _PROMO_CUES:
        if cue.search(sentence):
            hits += 1
            if hits >= 2:
                return True
    return False


def remove_promotions(line: str) -> str:
    """Drop promotional sentences inside a content line; strip bare phone numbers elsewhere.

    Used when an advert ("…请拨打在线客服135…") is appended to real content.
    """
    if not (PHONE_RE.search(line) or _ANY_PROMO_CUE_RE.search(line)):
        return line
    kept = [s for s in _SENTENCE_RE.findall(line) if s and not is_promotional(s)]
    out = PHONE_RE.sub("", "".join(kept))
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def _is_byline(line: str) -> bool:
    """``2025-06-12 09:05:01 来源:… 作者:… 浏览:0`` style lines (but not a lone ``来源：`` line)."""
    if len(line) > _SHORT_LINE_MAX:
        return False
    if _DATE_RE.match(line) and _BYLINE_STRICT_FIELD_RE.search(line):
        return True
    return len(_BYLINE_STRICT_FIELD_RE.findall(line)) >= 2


def is_boilerplate_line(line: str) -> bool:
    """True for a whole line that carries no content: footers, counters, contacts, menus."""
    s = line.strip()
    if not s:
        return False
    if _LINE_RE.match(s):  # every alternative is anchored at the start
        return True
    if len(s) <= _SHORT_LINE_MAX and _SHORT_LINE_RE.search(s):
        return True
    if _is_byline(s):
        return True
    if PHONE_RE.search(s):
        # Only numbers and labels left once the numbers are gone: a contact line.
        rest = _CONTACT_CUE_RE.sub("", PHONE_RE.sub("", s))
        if len(_WORD_RE.findall(rest)) < 6:
            return True
    return False


# A number set off by spaces inside Chinese text ("于 2011 年 12 月 30 日", "这 4 个层次"), as some
# web editors and typesetters space it: the spaces are layout, not content, and would keep the
# number apart from its unit for a reader's search and for phrase matching.
_NUMBER_LEFT = rf"{_CJK}\u3001-\u303f\uff01-\uff5e,;:("  # Chinese, its punctuation, an opening bracket
_SPACED_NUMBER_RE = re.compile(
    rf"(?<=[{_NUMBER_LEFT}])(?:[ \t\u3000]+(\d+(?:\.\d+)?)[ \t\u3000]*|(\d+(?:\.\d+)?)[ \t\u3000]+)(?=[{_CJK}])")


def join_spaced_numbers(line: str) -> str:
    """``于 2011 年 12 月`` -> ``于2011年12月``: only a number between Chinese (or a Chinese
    punctuation mark, or an opening bracket) and Chinese, so
    ``GB/T 27922-2011 评价指标`` or ``ISO 9001`` keep their spaces."""
    return _SPACED_NUMBER_RE.sub(lambda m: m.group(1) or m.group(2), line) if " " in line or "\t" in line or "\u3000" in line else line


# Glyphs an OCR pass read for the Chinese character they look like, inside Chinese text ("还有-类",
# "I业品", "IS09001", "=品认证"): text that came through a scan before it reached us. A look-alike
# is put back only where the character it stands for makes a word of jieba's dictionary with its
# neighbour ("一类", "工业"); any other stray symbol inside a Chinese run only where blanking it
# leaves exactly one domain word ("?品认证" -> 产品认证).
_LOOKALIKES = {"-": "一", "_": "一", "—": "一", "I": "工"}
_GLYPH_RE = re.compile(rf"(?<=[{_CJK}])[-_—](?=[{_CJK}])|(?<![A-Za-z])I(?=[{_CJK}])|[=#*~^](?=[{_CJK}])")
_ISO_ZERO_RE = re.compile(r"(?<![A-Za-z])IS0(?=\s*\d{4,5})")
_GLYPH_WORD_MIN_FREQ = 100
_NUMERALS = "一二三四五六七八九十百千万零两第"
_NAME_TAGS = frozenset({"s", "ns", "nr", "nrt", "nt", "nz"})  # a word of everyday Chinese, not a rare entry of the dictionary


@lru_cache(maxsize=1)
def _domain_blanks() -> dict[str, tuple[str, ...]]:
    from assistant.lang.slips import blanked_index
    from assistant.lang.text import shipped_vocabulary

    words, groups = shipped_vocabulary()
    return blanked_index(list(words) + [t for g in groups for t in g])


def _glyph_fix(line: str, i: int) -> str:
    """The Chinese character the glyph at ``i`` stands for, or "" when nothing says which."""
    glyph = line[i]
    before, after = line[i - 1:i], line[i + 1:i + 2]
    meant = _LOOKALIKES.get(glyph)
    if meant == "一" and (before in _NUMERALS or after in _NUMERALS):
        return ""  # a range or a pair of numbered things ("第一-第二"), not a misread 一
    if meant:
        from assistant.lang.text import _segmenter

        from assistant.lang.jieba_dict import dictionary_tag

        freq = _segmenter().FREQ
        made = [w for w in (meant + after, before + meant) if len(w) == 2]
        if any(freq.get(w, 0) >= _GLYPH_WORD_MIN_FREQ and dictionary_tag(w) not in _NAME_TAGS for w in made):
            return meant  # a word of everyday Chinese, not a place or a name ("一中" of "问答-中科")
        if glyph != "I":
            return ""
    blanks = _domain_blanks()
    for size in (4, 3, 5, 6):  # the window a domain word of that length would fill around it
        for start in range(max(i - size + 1, 0), i + 1):
            window = line[start:start + size]
            if len(window) < size:
                continue
            found = blanks.get(window[:i - start] + "?" + window[i - start + 1:], ())
            if len(found) == 1:
                return found[0][i - start]
    return ""


def repair_ocr_glyphs(line: str) -> str:
    """``还有-类`` -> ``还有一类``, ``I业品`` -> ``工业品``, ``IS09001`` -> ``ISO9001``,
    ``=品认证`` -> ``产品认证``; a glyph nothing identifies is left as it is."""
    line = _ISO_ZERO_RE.sub("ISO", line) if "IS0" in line else line
    if not _GLYPH_RE.search(line):
        return line
    out = list(line)
    for m in _GLYPH_RE.finditer(line):
        fixed = _glyph_fix(line, m.start())
        if fixed:
            out[m.start()] = fixed
    return "".join(out)


_BLANKS_RE = re.compile(r"\n{3,}")
_TRAILING_WS_RE = re.compile(r"[ \t]+$", re.MULTILINE)


# a labelled contact line that gives a value ("咨询热线:135…", "联系地址:北京市…"); the section
# they are kept in is ``ingest.contacts``
_CONTACT_LINE_RE = _rx(rf"^(联系地址|公司地址|办公地址|地址|联系电话|电话|咨询热线|服务热线|客服热线|热线|手机"
                       rf"|邮箱|电子邮箱|e-?mail|网址|在线客服|客服电话){_COLON}\s*[0-9A-Za-z{_CJK}]")


def contact_details(line: str) -> list[str]:
    """The contact details a boilerplate or advert line gives: a labelled telephone, address,
    e-mail or web address line, or the clause of an advert that gives a telephone number. They
    never stay in the text (they would reach answers to other questions); ``clean_document``
    keeps them in a section of their own, so a question asking for them is answered."""
    line = line.strip()
    if _CONTACT_LINE_RE.match(line):
        return [line]
    if not PHONE_RE.search(line):
        return []
    return [next(c for c in re.split(r"[，,]", s) if PHONE_RE.search(c)).strip(" 。；;！!")
            for s in _SENTENCE_RE.findall(line) if s and PHONE_RE.search(s) and is_promotional(s)]


def clean_line(line: str, contacts: list[str] | None = None) -> str:
    """One line of display text: no pinyin artefacts, no boilerplate (empty if all boilerplate);
    the contact details it drops are added to ``contacts`` when given."""
    line = join_spaced_numbers(repair_ocr_glyphs(remove_pinyin_artifacts(line).rstrip()))
    if contacts is not None:
        contacts.extend(c for c in contact_details(line) if c not in contacts)
    if is_boilerplate_line(line):
        return ""
    cleaned = remove_promotions(line)
    if cleaned is not line and not _WORD_RE.search(cleaned):
        return ""
    # (a number taken out may leave two parts that join: "1 13800138000售" -> "1 售" -> "1售")
    return join_spaced_numbers(cleaned) if cleaned is not line else cleaned


def _drop_repeats(lines: Iterable[str]) -> Iterator[str]:
    """Skip a line identical to the previous non-blank one (pages often repeat their title)."""
    previous = None
    for line in lines:
        key = line.strip()
        if key:
            if key == previous:
                continue
            previous = key
        yield line


def clean_text(text: str, contacts: list[str] | None = None) -> str:
    """Readable, boilerplate-free display text; search normalisation happens elsewhere. The
    contact details dropped are added to ``contacts`` when given."""
    text = _normalize_chars(text)
    text = "\n".join(_drop_repeats(clean_line(line, contacts) for line in text.split("\n")))
    text = join_broken_sentences(_TRAILING_WS_RE.sub("", text))
    return _BLANKS_RE.sub("\n\n", text).strip()


_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
BROKEN_MIN_CHARS = 30  # a line this long, with a comma in it, is a sentence, not a title


def _breaks_off(line: str, nxt: str) -> bool:
    """``line`` stops in the middle of a sentence that ``nxt`` finishes ("…例如网站或短" +
    "信传递服务、新品推荐等；"): a sentence-long line with a comma in it ends on a character,
    and the next line is no heading or list item and ends the sentence."""
    return len(line) >= BROKEN_MIN_CHARS and bool(re.search(r"[，,、]", line)) \
        and bool(_CJK_CHAR.match(line[-1])) and bool(nxt) and bool(_CJK_CHAR.match(nxt[0])) \
        and nxt[-1] in "。；;！？!?" and not _BLOCK_START.match(nxt)


def join_broken_sentences(text: str) -> str:
    """``text`` with a sentence a copied page broke over two paragraphs made one line again,
    so the sentence is found, quoted and read whole."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i + 1
        while j < len(lines) and not lines[j].strip() and j - i <= 2:
            j += 1
        if j < len(lines) and _breaks_off(lines[i].strip(), lines[j].strip()):
            lines[j] = lines[i].rstrip() + lines[j].strip()
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def clean_inline(text: str) -> str:
    """Clean a one-line value such as a title (no boilerplate removal)."""
    text = remove_pinyin_artifacts(_normalize_chars(text))
    return re.sub(r"\s+", " ", text).strip()


def clean_document(doc: RawDocument) -> RawDocument:
    """Clean a document's text and title; for PDFs clean page by page so ``page_starts`` stay true."""
    title = clean_inline(doc.title) or doc.title
    contacts: list[str] = []
    if not doc.page_starts:
        return replace(doc, title=title, text=_with_contacts(clean_text(doc.text, contacts), contacts, doc.text, title))
    bounds = [off for _, off in doc.page_starts[1:]] + [len(doc.text)]
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    offset = 0
    for (page, start), end in zip(doc.page_starts, bounds):
        page_text = clean_text(doc.text[start:end], contacts)
        starts.append((page, offset))
        if page_text:
            parts.append(page_text)
            offset += len(page_text) + 2
    return replace(doc, title=title, text=_with_contacts("\n\n".join(parts), contacts, doc.text, title),
                   page_starts=starts)


def _with_contacts(text: str, contacts: list[str], raw: str = "", title: str = "") -> str:
    """``text`` with the contact details its page gave, in one sentence (a telephone number and
    an address asked together are found together) under a heading of their own at the end,
    said of the page's owner when the byline of its ``raw`` text names one and of the page by
    its title (so "某某公司的电话" and "问答那篇留的电话" find them). The byline is read only for
    a page that gave contact details."""
    if not contacts or not text:
        return text
    owner = page_owner(raw)
    said_of = f"{owner}《{title}》" if title else owner
    said_of = f"{said_of}{CONTACTS_HEADING}：" if said_of else ""
    return f"{text}\n\n## {CONTACTS_HEADING}\n{said_of}{'，'.join(contacts)}。"


_AUTHOR_RE = _rx(rf"(?:作者|来源|发布者|发布单位){_COLON}\s*([0-9A-Za-z{_CJK}]{{2,20}})")
_OWNER_LINE_RE = re.compile(rf"[0-9A-Za-z{_CJK}]{{2,8}}")
OWNER_LINES = 4  # a byline sits among a page's first lines


def page_owner(text: str) -> str:
    """Who a page is by, from its first lines: the author of a byline ("来源:… 作者:某某网"), else
    a short name alone on the line after the title ("售后服务认证简单问答" / "某某咨询")."""
    lines = [line.strip() for line in _normalize_chars(text).split("\n") if line.strip()][:OWNER_LINES]
    for line in lines:
        m = list(_AUTHOR_RE.finditer(line))
        if m:
            return m[-1].group(1)
    if len(lines) >= 3 and _OWNER_LINE_RE.fullmatch(lines[1]) and not _LINE_RE.search(lines[1]) \
            and not _BLOCK_START.match(lines[1]):
        return lines[1]
    return ""


@lru_cache(maxsize=1)
def pinyin_artifact_pattern() -> re.Pattern[str]:
    """Regex used by tests and checks to spot leftover ``字(pinyin)`` artefacts."""
    return re.compile(rf"[{_CJK}][(（][{_PINYIN_LETTERS}]+[)）]")

# --------------------------------------------------------------------------- PDF line wraps

_WRAP_END = "。！？!?；;：:」』”’)）]】…"
# a line that starts a new block: a heading or list mark, an article, a clause number, a bullet
_BLOCK_START = re.compile(r"^\s*(?:#|第[一二三四五六七八九十百零\d]+[章节条]|[一二三四五六七八九十]+[、.．]|"
                          r"[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|\d{1,3}(?:\.\d{1,3})*\s*[、.．)）\s]|"
                          rf"[①-⑳]|{BULLET})")


_CELL_GAP = re.compile(r"\S(?: {2,}|\t)\S")  # a table row's cells, set apart by runs of spaces


def unwrap_lines(page: str) -> str:
    """A PDF page's text with its visual line wraps undone: a line that runs to the page's full
    width and does not end a sentence goes on in the next line ("…在证书有效期内认证机构" +
    "每年对获证企业进行一次监督审核。"), so a sentence is one line again. Short lines (titles,
    the last line of a paragraph), sentence ends and lines before a heading or a list item
    stay as they are."""
    lines = page.split("\n")
    widths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(widths) < 3:
        return page
    full = widths[int(0.9 * (len(widths) - 1))]
    if full < 12:
        return page
    out: list[str] = []
    carry = ""
    for i, line in enumerate(lines):
        text = (carry + line.strip()) if carry else line
        carry = ""
        stripped = line.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if stripped and nxt and len(stripped) >= 0.8 * full and stripped[-1] not in _WRAP_END \
                and not _BLOCK_START.match(nxt) and not _CELL_GAP.search(stripped + "\n" + nxt):
            # CJK runs on without a space; Latin words keep one
            carry = text.rstrip() + (" " if stripped[-1].isascii() and nxt[0].isascii() else "")
            continue
        out.append(text)
    if carry:
        out.append(carry)
    return "\n".join(out)
