"""Search-side text handling shared by ingestion and queries.

Documents and queries go through the same two steps, so they meet in one vocabulary:
``to_search_text`` (NFKC, traditional -> simplified, lower case) and ``tokenize``
(jieba with the domain dictionary, synonyms folded onto one canonical term).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

from assistant.lang.numerals import arabic_text
from assistant.lang.resources import resource_lines, resource_path

DOMAIN_DICT = resource_path("domain_dict.txt")
SYNONYMS = resource_path("synonyms.txt")
STOPWORDS_FILE = resource_path("stopwords.txt")

_lock = threading.Lock()
_jieba = None

# Words that carry no meaning for retrieval (resources/stopwords.txt).
STOPWORDS = frozenset(word for line in resource_lines(STOPWORDS_FILE.name) for word in line.split())

_PUNCT_RE = re.compile(r"^[\W_]+$", re.UNICODE)
_LONE_LATIN = re.compile(r"^[a-z]$")
# "两百多个", "十几", "多个": quantities in words say nothing about the topic, and their search-mode
# fragments (两百, 百多, 百多个…) would count as rare, important words
_CN_QUANTITY = re.compile(r"^[零〇一二两三四五六七八九十百千万亿几多余来个]+$")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC  # opencc-python-reimplemented (pure Python, no download)

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_chars() -> re.Pattern:
    """Every character of a t2s dictionary entry that changes something.

    Text with none of them comes out of the converter unchanged, so it can skip the
    (pure-Python, slow) converter: most of what we see is simplified already.
    """
    converter = _t2s()
    converter.convert("")  # loads the dictionaries
    chars: set[str] = set()
    for group in converter._dict_chain_data:
        for entry in group:
            table = entry[-1] if isinstance(entry, tuple) else entry
            for key, value in table.items():
                value = value.split(" ")[0] if isinstance(value, str) else str(value[0])
                if value == key:
                    continue
                if len(value) == len(key):  # only the characters that change
                    chars.update(k for k, v in zip(key, value) if k != v)
                else:
                    chars.update(key)
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese; other text unchanged."""
    if not text or not _traditional_chars().search(text):
        return text
    return _t2s().convert(text)


def to_search_text(text: str) -> str:
    """The normalised form used for tokens, embeddings and matching."""
    text = unicodedata.normalize("NFKC", text or "")
    return to_simplified(text).lower()


def shipped_vocabulary() -> tuple[list[str], list[list[str]]]:
    """The shipped defaults: domain words (``resources/domain_dict.txt``) and synonym groups
    (``resources/synonyms.txt``, one group per line, canonical term first), normalised."""
    return list(_shipped()[0]), [list(g) for g in _shipped()[1]]


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    words = tuple(to_search_text(line.split()[0]) for line in resource_lines(DOMAIN_DICT.name))
    groups = tuple(tuple(to_search_text(t) for t in line.split()) for line in resource_lines(SYNONYMS.name))
    return words, groups


def _synonym_map_of(groups) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for terms in groups:
        if not terms:
            continue
        head = terms[0]
        for term in terms:
            mapping.setdefault(term, head)
    return mapping


# The vocabulary in effect: the shipped defaults unless ``set_vocabulary`` replaced it (with the
# knowledge base's own, see assistant/upkeep/vocab.py). (fingerprint, words, synonym map)
_vocab: tuple[str, tuple[str, ...], dict[str, str]] | None = None


def synonym_map() -> dict[str, str]:
    """term -> canonical term, for the vocabulary in effect."""
    if _vocab is not None:
        return _vocab[2]
    return _default_synonym_map()


@lru_cache(maxsize=1)
def _default_synonym_map() -> dict[str, str]:
    return _synonym_map_of(_shipped()[1])


def _fingerprint(words, groups) -> str:
    import hashlib

    h = hashlib.sha256()
    for w in sorted(set(words)):
        h.update(w.encode() + b"\n")
    h.update(b"--\n")
    for g in sorted(" ".join(g) for g in groups):
        h.update(g.encode() + b"\n")
    return h.hexdigest()[:16]


def vocabulary_fingerprint() -> str:
    """Changes whenever the vocabulary in effect changes."""
    if _vocab is not None:
        return _vocab[0]
    return _default_fingerprint()


@lru_cache(maxsize=1)
def _default_fingerprint() -> str:
    words, groups = _shipped()
    return _fingerprint(words, groups)


# What ``tokenize`` (and ``item_labels``) depend on besides the vocabulary in effect: their code and
# the stopwords. Passages keep the tokens they were ingested with, so a knowledge base records this
# fingerprint per document and re-tokenises the documents made with another one (see
# ``ingest.pipeline.stale_documents``): an upgrade never leaves old tokens beside new questions.
_TOKENIZER_FILES = (Path(__file__), Path(__file__).with_name("numerals.py"),
                    Path(__file__).with_name("jieba_dict.py"), DOMAIN_DICT, SYNONYMS, STOPWORDS_FILE)


@lru_cache(maxsize=1)
def tokenizer_fingerprint() -> str:
    """Changes whenever the shipped tokenizer could cut a text differently: its code, the shipped
    dictionary, synonyms and stopwords, or jieba's version (a knowledge base's own vocabulary
    changes are followed by ``assistant.upkeep.vocab``)."""
    import hashlib

    import jieba  # (imported for the first question anyway; importlib.metadata would add ~40 ms to start)

    h = hashlib.sha256()
    for path in _TOKENIZER_FILES:
        h.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    h.update(str(getattr(jieba, "__version__", "")).encode())
    return h.hexdigest()[:16]


def domain_terms() -> list[str]:
    """Words jieba must keep whole: the domain dictionary plus every synonym term."""
    words = list(_vocab[1]) if _vocab is not None else list(_shipped()[0])
    words.extend(synonym_map().keys())
    return words


# (a result said by 到 as well, "拿到证以后", but not "拿到证书" or "拿到证明": a longer word goes on)
_ASPECT_SPLIT = re.compile(r"([\u4e00-\u9fff])([了过]|到了?(?=[\u4e00-\u9fff](?![书明件据券])))([\u4e00-\u9fff])")


def join_split_terms(text: str) -> str:
    """A domain term of a verb and its object split by an aspect particle, joined ("拿了证以后",
    "拿到证以后" -> 拿证以后), so the question names the term its documents are indexed under. Only pairs that
    are a domain word or a synonym form; every other 了 and 过 stays."""
    terms = _term_set(vocabulary_fingerprint())
    return _ASPECT_SPLIT.sub(lambda m: m.group(1) + m.group(3) if to_simplified(m.group(1) + m.group(3)) in terms
                             else m.group(0), text or "")


@lru_cache(maxsize=4)
def _term_set(fingerprint: str) -> frozenset[str]:
    """The vocabulary in effect as a set, built once per vocabulary (not once per question)."""
    return frozenset(domain_terms())


def set_vocabulary(words: list[str] | None, groups: list[list[str]] | None) -> bool:
    """Make ``words`` (domain dictionary) and ``groups`` (synonym groups, canonical first) the
    vocabulary in effect for every later ``tokenize``; None for both restores the shipped
    defaults. The segmenter is updated in place (no reload). Returns True when it changed."""
    global _vocab
    if words is None and groups is None:
        words, groups = _shipped()
    words = tuple(dict.fromkeys(to_search_text(w).strip() for w in words if w and w.strip()))
    groups = tuple(tuple(to_search_text(t) for t in g if t and t.strip()) for g in groups)
    groups = tuple(g for g in groups if g)
    fingerprint = _fingerprint(words, groups)
    if fingerprint == vocabulary_fingerprint():
        return False
    with _lock:
        before = set(domain_terms())
        new_vocab = (fingerprint, words, _synonym_map_of(groups))
        after = set(words) | set(new_vocab[2])
        if _jieba is not None:
            _retune(_jieba, before - after, after - before)
        _vocab = None if fingerprint == _default_fingerprint() else new_vocab
    return True


_original_freq: dict[str, int | None] = {}  # jieba's own frequency of each word we changed


def _retune(tk, removed: set[str], added: set[str]) -> None:
    for word in added:
        if len(word) > 1:
            _original_freq.setdefault(word, tk.FREQ.get(word) or None)
            tk.add_word(word, freq=200000)
    for word in removed:
        if len(word) > 1:
            original = _original_freq.get(word)
            if original:
                tk.add_word(word, freq=original)
            else:
                tk.del_word(word)


def _segmenter():
    """jieba, initialised once with the domain vocabulary (thread-safe, lazy)."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                from assistant.lang.jieba_dict import initialize

                tk = jieba.Tokenizer()
                initialize(tk)  # tk.initialize(), from a cache that loads in a fraction of the time
                _retune(tk, set(), set(domain_terms()))
                _jieba = tk
    return _jieba


# an A-not-A question ("是不是", "会不会", "能不能"): whether, asked of a verb
A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1")


def tokenize(text: str, *, normalised: bool = False) -> list[str]:
    """Tokens for BM25: segmented, stopwords and punctuation dropped, synonyms canonicalised.

    Pass ``normalised=True`` when ``text`` already went through ``to_search_text``.
    """
    if not normalised:
        text = to_search_text(text)
    syn = synonym_map()
    out: list[str] = []
    # Search mode also emits the dictionary words inside long words (商品售后服务认证 ->
    # 售后, 服务, 认证, 售后服务, 服务认证, …), so a compound on one side still meets its
    # parts on the other.
    # an A-not-A question ("是不是", "会不会", "算不算") asks whether, it says no "不是"/"不算":
    # read as its plain verb. (Not "能不能"/"可不可以": a permission asked is often answered by
    # the passage that says "不能"/"不得"; reading those plainly lost 6 of 27 gained.)
    text = A_NOT_A.sub(lambda m: m.group(0) if m.group(1) in "能可" else m.group(1), text)
    for tok in _segmenter().lcut_for_search(text, HMM=True):
        tok = tok.strip()
        if not tok or tok in STOPWORDS or _PUNCT_RE.match(tok) or _LONE_LATIN.match(tok):
            continue
        if tok in syn:
            out.append(syn[tok])
        elif not (len(tok) > 1 and _CN_QUANTITY.match(tok)):
            out.append(tok)
    out.extend(counted_parts(text))
    return out


# a count of the parts a thing is made of ("4个层次", "三方面", "七类材料"): one token for the count
# with its noun ("4层次"), so "四个层次分别指什么" meets the passage stating "这4个层次"
# a count said with its measure word ("七步", "4个层次", "三大类"): the number, then the noun after it
COUNT_OF = r"([一二两三四五六七八九十\d]{1,2})\s*(?:个|大)?\s*"
_COUNTED_PARTS = re.compile(r"(?<![\d.第])" + COUNT_OF + r"(层次|方面|阶段|环节|步骤|部分|单项|类|种|步|项)(?![目次])")


def counted_parts(text: str) -> list[str]:
    found = []
    for m in _COUNTED_PARTS.finditer(text):
        n = arabic_text(m.group(1))
        if n and n not in ("0", "1"):  # ("一部分", "一种", "哪一类": a part, a kind, no count)
            found.append(f"{n}{m.group(2)}")
    return found


# Parts of speech of jieba's general dictionary that say how or when something is asked, not
# what about: adverbs (到底, 大概, 其实), pronouns (本身, 那会儿, 这种), prepositions (按),
# conjunctions, particles, numerals and measure words (一套, 一下), locatives, time words and
# distinguishing words (主要, 整个). A question's word of one of these weighs FILLER_WEIGHT of a
# content word in FAQ question matching (never a word of the domain vocabulary, nor a question
# word for a count or a kind, 几年 / 多少 / 哪家, which names what the answer states).
FILLER_TAGS = frozenset({"d", "ad", "dg", "r", "rr", "rz", "rg", "p", "c", "u", "ud", "uj", "ul", "uv", "uz",
                         "ug", "y", "e", "o", "m", "mq", "q", "f", "t", "tg", "b", "z"})
FILLER_WEIGHT = 0.3
# a numeral-like question word asks for the very thing the answer states ("几年" -> 三年, "多少天")
_ASKS_COUNT = re.compile(r"^(?:几|多少|哪)")


def filler_words() -> frozenset[str]:
    """The words jieba's general dictionary tags with a filler part of speech (``FILLER_TAGS``),
    read from its dictionary once, when first needed (``jieba_dict.tagged_words``)."""
    from assistant.lang.jieba_dict import tagged_words

    return tagged_words(tuple(sorted(FILLER_TAGS)))


def term_weight(token: str) -> float:
    """How much a (normalised, synonym-folded) query token counts in search: FILLER_WEIGHT for a
    general word of a filler part of speech (``FILLER_TAGS``), else 1; a term of the domain
    vocabulary and a question word for a count or a kind (几年, 多少, 哪家) always count fully."""
    if token in synonym_map() or token in domain_set() or _ASKS_COUNT.match(token):
        return 1.0
    return FILLER_WEIGHT if token in filler_words() else 1.0


def domain_set() -> frozenset[str]:
    """The domain words in effect (shipped, or the knowledge base's own), as a set."""
    return _term_set(vocabulary_fingerprint())


def synonym_groups() -> dict[str, tuple[str, ...]]:
    """term -> every term of its synonym group (itself included), for the vocabulary in effect;
    built once per vocabulary, not on every look-up."""
    key = vocabulary_fingerprint()
    cached = _groups_cache.get(key)
    if cached is None:
        groups: dict[str, list[str]] = {}
        for term, head in synonym_map().items():
            groups.setdefault(head, []).append(term)
        _groups_cache.clear()
        cached = _groups_cache[key] = {term: tuple(groups[head]) for term, head in synonym_map().items()}
    return cached


_groups_cache: dict[str, dict[str, tuple[str, ...]]] = {}


def decode_text(raw: bytes) -> str | None:
    """A text file's bytes as UTF-8 (BOM or not) or GBK/GB18030; None when neither decodes."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


# the bullets a list item opens with: a hyphen, Word's •, and the glyphs PDFs keep (●■▪◆►➢√…);
# shared by ingest (where a wrapped line stops) and the answer (what is a list item)
BULLET = r"[-•·*●○■□▪◆◇►▶➢✓√]"


# a list item that names what it is about before a colon ("1. 服务规范：售后服务人员…", "- 响应时限: …"):
# the label is a name of the passage, as a heading is. A lead-in to what follows ("具体要求如下：")
# or an example ("例如：") names nothing.
_ITEM_LABEL = re.compile(r"^\s*(?:[（(]?\s*[一二三四五六七八九十\d]{1,3}\s*[)）、.．]\s*|[-•·*●■▪◆]\s*)?"
                         r"([\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9]{2,9})\s*[:：](?=\s*\S)", re.MULTILINE)
_NOT_A_LABEL = re.compile(r"如下|以下|包括|包含|例如|比如|注意|说明|备注|原文|问|答|是|为|有$")


def item_labels(text: str) -> list[str]:
    """The labels ``text``'s list items open with, once each, in order."""
    out: list[str] = []
    for m in _ITEM_LABEL.finditer(text or ""):
        label = m.group(1)
        if not _NOT_A_LABEL.search(label) and label not in out:
            out.append(label)
    return out
