"""One-character slips in a domain word ("认证机购" for 认证机构, "评申员" for 评审员), corrected
before searching, so a typo does not lose the passages that spell the word right.

Pure over the vocabulary in effect (``domain_terms``: the shipped dictionary, or the knowledge
base's own as edited by its maintainer) and jieba's general dictionary. A window of the question
is corrected only when it differs from a domain word of two or more Chinese characters in
exactly one character, the two characters sound the same (a pinyin input method's slip, tones
ignored: 购/构 gou, 正/证 zheng, 狮/师 shi), and the typed character does not form a real word with
its neighbours: "认证机购" becomes 认证机构, "五星吗" stays (吗 does not sound like 级), "认证机
会" keeps its 机会 (a common word). A two-character window must also stand apart: no character of
it makes a word with one outside it ("现在先" is no 在线) and the odd character is no word-building
function character ("会给" is no 会计); "正书" becomes 证书. The pinyin table (pypinyin's) is
loaded only when a question has a candidate slip.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from assistant.lang.text import _segmenter, domain_terms, to_search_text, vocabulary_fingerprint

COMMONEST_READING_CHARS = 4  # from this length a slip's commonest reading picks among words
MIN_CHARS = 2  # a two-character word only when no character of it makes a word outside it
REAL_WORD_FREQ = 20  # jieba's dictionary lists some junk pairs ("购有": 3); a real word is commoner
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")


def blanked_index(words, min_chars: int = MIN_CHARS) -> dict[str, tuple[str, ...]]:
    """Each word of >= ``min_chars`` Chinese characters under every key it has with one character
    blanked out ("评审员" -> "?审员", "评?员", "评审?"): the lookup a one-character slip needs."""
    index: dict[str, list[str]] = {}
    for word in words:
        if len(word) < min_chars or not _HAN.fullmatch(word):
            continue
        for i in range(len(word)):
            index.setdefault(word[:i] + "?" + word[i + 1:], []).append(word)
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


@lru_cache(maxsize=4)
def _index(fingerprint: str) -> tuple[dict[str, tuple[str, ...]], frozenset[str], tuple[int, ...]]:
    """key with one character blanked ("认证?构") -> domain words; the words; their lengths."""
    index = blanked_index(domain_terms())
    words = frozenset(w for found in index.values() for w in found)
    lengths = tuple(sorted({len(w) for w in words}, reverse=True))
    return index, words, lengths


# two slips in one word only in a word of four characters or more: in a shorter one too little
# is left of what was typed to tell the word
TWO_SLIP_CHARS = 4
LONG_WORD_CHARS = 4  # a word this long is told by the rest of it, whatever the slip makes with a neighbour


@lru_cache(maxsize=4)
def _index2(fingerprint: str) -> dict[str, tuple[str, ...]]:
    """key with two characters blanked ("??流程") -> domain words of TWO_SLIP_CHARS or more."""
    index: dict[str, list[str]] = {}
    for word in domain_terms():
        if len(word) < TWO_SLIP_CHARS or not _HAN.fullmatch(word):
            continue
        for i in range(len(word)):
            for j in range(i + 1, len(word)):
                index.setdefault(word[:i] + "?" + word[i + 1:j] + "?" + word[j + 1:], []).append(word)
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


@lru_cache(maxsize=1)
def _pinyin_table() -> dict[str, str]:
    """pypinyin's character table (code point -> "zhōng,zhòng"), read from its data file: about
    50 ms, where importing the package (phrase dictionaries and all) takes about 360 ms."""
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("pypinyin")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return json.loads((folder / "pinyin_dict.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=4096)
def _sounds(char: str) -> frozenset[str]:
    """The toneless pinyin syllables of one character (all its readings); empty when unknown."""
    readings = _pinyin_table().get(str(ord(char)), "")
    out = set()
    for r in readings.split(","):
        plain = "".join(c for c in unicodedata.normalize("NFD", r) if not unicodedata.combining(c))
        if plain:
            out.add(plain.replace("ü", "v"))
    return frozenset(out)


@lru_cache(maxsize=4096)
def _reading(char: str) -> str:
    """The toneless pinyin of a character's first (commonest) reading; "" when unknown."""
    first = _pinyin_table().get(str(ord(char)), "").split(",")[0]
    return "".join(c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c)).replace("ü", "v")


def same_reading(typed: str, meant: str) -> bool:
    """The two characters' commonest readings are the same, tones ignored (口/扣 kou, 任/认 ren):
    what a speech recogniser heard, where ``sound_alike`` takes any reading (附 has a rare bu)."""
    return bool(_reading(typed)) and _reading(typed) == _reading(meant)


def tells_the_word(typed: str, meant: str) -> bool:
    """``same_reading``, and the typed character has no other sound: of several words that fit
    a window, a character of two sounds tells none (行 xing/hang: "行标" is no 星标)."""
    return len(_sounds(typed)) == 1 and same_reading(typed, meant)


def _fuzzy(syllable: str) -> str:
    """A syllable as a southern speaker's pinyin input method takes it (fuzzy pinyin): zh/ch/sh
    as z/c/s, and -ng finals as -n ("三心级" typed for 三星级)."""
    for a, b in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if syllable.startswith(a):
            syllable = b + syllable[2:]
    return syllable[:-1] if syllable.endswith("ng") and len(syllable) > 2 else syllable


@lru_cache(maxsize=4096)
def _fuzzy_sounds(char: str) -> frozenset[str]:
    return frozenset(_fuzzy(x) for x in _sounds(char))


def sound_alike(a: str, b: str, fuzzy: bool = True) -> bool:
    """True when the two characters share a reading, tones ignored; with ``fuzzy``, also in
    fuzzy pinyin (心/星 xin/xing, 从/重 cong/chong: what a southern speaker's input method offers)."""
    return bool(_fuzzy_sounds(a) & _fuzzy_sounds(b)) if fuzzy else bool(_sounds(a) & _sounds(b))


def _words_over(text: str, lo: int, hi: int):
    """(start, end) of each dictionary word of 2-3 Chinese characters (jieba's, at least
    REAL_WORD_FREQ) in ``text`` that takes in a character of ``text[lo:hi]``."""
    freq = _segmenter().FREQ
    for size in (2, 3):
        for start in range(max(lo - size + 1, 0), min(hi, len(text) - size + 1)):
            piece = text[start:start + size]
            if _HAN.fullmatch(piece) and (freq.get(piece) or 0) >= REAL_WORD_FREQ:
                yield start, start + size


def _real_word_around(text: str, pos: int) -> bool:
    """True when the character at ``pos`` makes a dictionary word of 2-3 characters with its
    neighbours (then it was typed on purpose)."""
    return next(_words_over(text, pos, pos + 1), None) is not None


# characters that build sentences, not words: in a two-character window one of them was typed
# on purpose ("会给我们" is no slip of 会计)
_FUNCTION_CHARS = frozenset("的地得了着过是在给会要能和与及或把被从对向让也都就还又而且之吗呢吧啊呀嘛么这那我你他她它们个有没不很太可以")
# determiners and aspect particles are typed on purpose in a window of any length ("某一个" is no
# slip of 每一个: 某 has a rare reading mei, and "one" would turn into "every"; "急着投标" is no
# 急招投标)
_DETERMINERS = frozenset("某每各该本此着了")
# same-sound characters that mean the opposite: never a slip of each other ("网上买几张证书" is
# no 网上卖, and the fraud it asks about must not be read away)
_OPPOSITES = frozenset({("买", "卖"), ("卖", "买")})


def _crosses_a_word(text: str, start: int, n: int) -> bool:
    """A character of the window ``text[start:start + n]`` makes a dictionary word with a
    character outside it ("现在先" holds 现在: its 在先 is no slip of 在线)."""
    return any(a < start or b > start + n for a, b in _words_over(text, start, start + n))


def _typed_by_slip(text: str, start: int, n: int, i: int, meant: str) -> bool:
    """The character ``i`` of the window ``text[start:start + n]`` can be a slip of ``meant[i]``:
    it makes no word with its neighbours, is no determiner, does not mean the opposite, and in a
    two-character window is no function character and makes no word outside the window."""
    typed = text[start + i]
    # (in a long word, a character heard as its same-reading twin is a slip even where it makes a
    # word with a neighbour: "售后服务人证" is 售后服务认证, though 人证 is a word)
    return ((n >= LONG_WORD_CHARS and same_reading(typed, meant[i]))
            or not _real_word_around(text, start + i)) \
        and (typed not in _DETERMINERS
             and (typed, meant[i]) not in _OPPOSITES
             and (n > 2 or (typed not in _FUNCTION_CHARS and not _crosses_a_word(text, start, n))))


def _two_slips(text: str, start: int, window: str, index2) -> tuple[int, str, str] | None:
    """A window of TWO_SLIP_CHARS or more with two characters heard wrong (voice input: "任正流程"
    for 认证流程), each sounding like the one meant and each a slip by itself; None when no
    single word of the vocabulary fits."""
    n = len(window)
    for i in range(n):
        for j in range(i + 1, n):
            key = window[:i] + "?" + window[i + 1:j] + "?" + window[j + 1:]
            candidates = [w for w in index2.get(key, ())
                          if w[i] != window[i] and w[j] != window[j]
                          and same_reading(window[i], w[i]) and same_reading(window[j], w[j])]
            if len(candidates) == 1 and all(_typed_by_slip(text, start, n, k, candidates[0]) for k in (i, j)):
                return start, window, candidates[0]
    return None


def find_slips(text: str) -> list[tuple[int, str, str]]:
    """(position, typed, meant) of each one-character slip in a domain word of ``text`` (search
    text: simplified, lower case); [] when there is none or a match is ambiguous."""
    if not text or not _HAN_CHAR.search(text):
        return []
    index, words, lengths = _index(vocabulary_fingerprint())
    index2 = _index2(vocabulary_fingerprint())
    whole = text  # the text with the slips found so far corrected (a correction keeps its length)
    found: list[tuple[int, str, str]] = []
    for n in lengths:
        start = 0
        while start + n <= len(whole):
            window = whole[start:start + n]
            if window in words or not _HAN.fullmatch(window):
                start += 1
                continue
            fix = None
            for i in range(n):
                candidates = [w for w in index.get(window[:i] + "?" + window[i + 1:], ()) if w != window]
                if len(candidates) > 1 and window[i] not in _FUNCTION_CHARS:
                    # of several words, the one the typed character's own reading is ("特别口分":
                    # 特别扣分, not 特别加分; "打标": 达标, not 招标); never by a rare reading (附 bu)
                    told = [w for w in candidates if tells_the_word(window[i], w[i])]
                    if not told and n >= COMMONEST_READING_CHARS:
                        # in a long word, a character of several sounds heard by its commonest
                        # ("特别家分": 家 jia, 特别加分)
                        told = [w for w in candidates if same_reading(window[i], w[i])]
                    candidates = told
                if len(candidates) == 1 and sound_alike(window[i], candidates[0][i], fuzzy=n > 2) \
                        and _typed_by_slip(whole, start, n, i, candidates[0]):
                    fix = (start, window, candidates[0])
                    break
            if fix is None and n >= TWO_SLIP_CHARS:
                fix = _two_slips(whole, start, window, index2)
            if fix is None:
                start += 1
                continue
            found.append(fix)
            whole = whole[:start] + fix[2] + whole[start + n:]
            start += n
    return found


def correct_slips(text: str) -> str:
    """``text`` (search text) with each slip replaced by the domain word it misspells."""
    out = text
    for start, _typed, meant in find_slips(text):
        out = out[:start] + meant + out[start + len(meant):]
    return out


def correct_question(question: str) -> tuple[str, list[tuple[str, str]]]:
    """The question as typed, with each slip in a domain word corrected (in the asker's own text,
    so traditional script and punctuation stay), and the (typed, meant) pairs to tell the user.
    Unchanged when normalising the question changes its length (positions would not map back)."""
    search = to_search_text(question)
    if len(search) != len(question):
        return question, []
    slips = find_slips(search)
    out = question
    for start, _typed, meant in slips:
        out = out[:start] + meant + out[start + len(meant):]
    return out, [(question[start:start + len(meant)], meant) for start, _t, meant in slips]
