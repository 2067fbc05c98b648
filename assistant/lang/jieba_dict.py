"""jieba's prefix dictionary, loaded fast.

jieba keeps its dictionary (about 500k words and prefixes with their frequencies) in a marshal
cache whose load takes about a second, most of a one-question start. The same dictionary is
kept here as one UTF-8 text of the words (one a line) and one int64 array of their frequencies
(the total last), which load in a fraction of that time and hold no code (``allow_pickle=False``).
The files are made once from jieba's own dictionary, per jieba version and dictionary file, in a
private directory of the temporary directory; anything that does not fit is made again.
"""

from __future__ import annotations

import os
from functools import lru_cache
import tempfile
from pathlib import Path


def _cache_paths() -> tuple[Path, Path] | None:
    """Where the cache of jieba's default dictionary goes (None: no dictionary file to key it on)."""
    import jieba

    try:
        st = os.stat(os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME))
    except OSError:
        return None
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir()) / f"kba-jieba-{uid}"
    key = f"{getattr(jieba, '__version__', '0')}-{st.st_size}-{int(st.st_mtime)}"
    return folder / f"words-{key}.txt", folder / f"freqs-{key}.npy"


def _load(words_path: Path, freqs_path: Path):
    import numpy as np

    words = words_path.read_text(encoding="utf-8").split("\n")
    freqs = np.load(freqs_path, allow_pickle=False)
    if freqs.dtype != np.int64 or freqs.ndim != 1 or len(freqs) != len(words) + 1 or len(freqs) < 2 \
            or freqs.min() < 0:
        raise ValueError("jieba dictionary cache")
    values = freqs.tolist()
    freq = dict(zip(words, values))
    if len(freq) != len(words):
        raise ValueError("jieba dictionary cache")
    return freq, values[-1]


def _save(words_path: Path, freqs_path: Path, freq: dict, total: int) -> None:
    import numpy as np

    words = list(freq)
    if any("\n" in w for w in words):
        return
    folder = words_path.parent
    folder.mkdir(mode=0o700, exist_ok=True)
    if hasattr(os, "getuid") and folder.stat().st_uid != os.getuid():
        return  # someone else's folder: not ours to trust
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".npy")
    with os.fdopen(fd, "wb") as fh:
        np.save(fh, np.asarray(list(freq.values()) + [total], dtype=np.int64), allow_pickle=False)
    os.replace(tmp, freqs_path)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(words))
    os.replace(tmp, words_path)  # the words last: both files are complete when it is there


def initialize(tokenizer) -> None:
    """``tokenizer.initialize()`` (a ``jieba.Tokenizer`` with jieba's default dictionary) from
    the fast cache, making the cache from jieba's own load when there is none."""
    import jieba

    if tokenizer.initialized:
        return
    paths = _cache_paths() if tokenizer.dictionary == jieba.DEFAULT_DICT else None
    if paths is None:
        tokenizer.initialize()
        return
    words_path, freqs_path = paths
    with tokenizer.lock:
        try:
            if words_path.parent.stat().st_uid == (os.getuid() if hasattr(os, "getuid") else 0):
                tokenizer.FREQ, tokenizer.total = _load(words_path, freqs_path)
                tokenizer.initialized = True
                return
        except (OSError, ValueError):
            pass
    tokenizer.initialize()
    try:
        _save(words_path, freqs_path, tokenizer.FREQ, tokenizer.total)
    except OSError:
        pass  # an optimisation only (a read-only temporary directory)


@lru_cache(maxsize=1)
def _dictionary_text() -> str:
    import jieba

    return "\n" + (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8")


@lru_cache(maxsize=4096)
def dictionary_tag(word: str) -> str:
    """The part-of-speech tag jieba's general dictionary gives ``word`` ("n", "v", "t"…), "" when
    it is not one of its words."""
    text = _dictionary_text()
    at = text.find("\n" + word + " ")
    if at < 0:
        return ""
    line = text[at + 1:text.find("\n", at + 1)].split()
    return line[2] if len(line) == 3 else ""


@lru_cache(maxsize=8)
def tagged_words(tags: tuple[str, ...]) -> frozenset[str]:
    """Every word jieba's general dictionary gives one of ``tags`` ("t" for time words): read in
    one pass of its dictionary once (about 0.1 s), then kept beside the fast dictionary cache, so
    a later process reads only the words (a few ms) instead of one look-up per word (about 2 ms
    for a word it lacks)."""
    import hashlib
    import re

    paths = _cache_paths()
    cached = None
    if paths is not None:
        key = hashlib.sha256(" ".join(sorted(tags)).encode()).hexdigest()[:12]
        cached = paths[0].parent / f"tags-{key}-{paths[0].name}"
        try:
            if cached.parent.stat().st_uid == (os.getuid() if hasattr(os, "getuid") else 0):
                return frozenset(w for w in cached.read_text(encoding="utf-8").split("\n") if w)
        except (OSError, ValueError):
            pass
    alternatives = "|".join(sorted(map(re.escape, tags), key=len, reverse=True))
    found = frozenset(re.findall(rf"^(\S+) \d+ (?:{alternatives})\r?$", _dictionary_text(), flags=re.M))
    if cached is not None:
        try:
            cached.parent.mkdir(mode=0o700, exist_ok=True)
            if not hasattr(os, "getuid") or cached.parent.stat().st_uid == os.getuid():
                fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".txt")
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write("\n".join(sorted(found)))
                os.replace(tmp, cached)  # complete when it is there
        except OSError:
            pass  # an optimisation only (a read-only temporary directory)
    return found
