"""The vocabulary (domain dictionary + synonym groups), editable and stored with the knowledge base.

The shipped ``resources/domain_dict.txt`` and ``resources/synonyms.txt`` are the defaults; the
maintainer's changes live in the Chroma collection ``<collection>_vocab`` (one record per
change, so two editors never overwrite each other), shared by every instance on a Chroma server.
The vocabulary in effect = defaults + additions − removals; ``apply`` makes it the one
``assistant.lang.text.tokenize`` uses, and the Assistant applies it before every question (see
:mod:`assistant.upkeep.loop`), so a change works on the next question, with no restart.

What needs a re-index: questions are tokenised afresh every time, but each passage's tokens
were stored at ingest. A synonym whose terms do not occur in the documents (a user's word for
a document's word) works at once. A term that does occur in passages (or a new dictionary word
found inside them) changes how those passages would be tokenised; until ``reindex`` re-tokenises
the stored passages, those passages are matched by their old tokens. Every change says which.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from assistant.errors import UserError
from assistant.upkeep.sidecar import SideStore, dumps, loads
from assistant.lang.text import set_vocabulary, shipped_vocabulary, to_search_text, vocabulary_fingerprint

SUFFIX = "vocab"
MAX_TERM_CHARS = 30
WORD, SYNONYMS = "word", "synonyms"


@dataclass
class VocabChange:
    """The outcome of one edit, in words the maintainer can act on."""

    action: str
    terms: list[str]
    reindex_needed: bool
    occurs_in: list[str] = field(default_factory=list)  # terms found in stored passages
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "terms": self.terms, "reindex_needed": self.reindex_needed,
                "occurs_in_documents": self.occurs_in, "message": self.message}


def _term(raw: Any) -> str:
    term = to_search_text(str(raw or "")).strip()
    if not term:
        raise UserError("词语不能为空")
    if any(ch.isspace() for ch in term):
        raise UserError(f"词语“{term}”中不能有空格（同义词请分开写）")
    if len(term) > MAX_TERM_CHARS:
        raise UserError(f"词语“{term}”过长（上限 {MAX_TERM_CHARS} 字）")
    if "#" in term or "|" in term:
        raise UserError(f"词语“{term}”中不能有 # 或 |")
    return term


def _rid(kind: str, key: str) -> str:
    return f"{kind}:{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


class Vocabulary(SideStore):
    """Additions and removals over the shipped defaults, in Chroma."""

    suffix = SUFFIX

    # -- the vocabulary in effect ----------------------------------------------------------
    def _records(self) -> list[dict[str, Any]]:
        return [m for _rid, _doc, m in self.side.all()]

    def effective(self) -> tuple[list[str], list[list[str]]]:
        """(domain words, synonym groups with the canonical term first)."""
        words, groups = shipped_vocabulary()
        word_set = dict.fromkeys(words)
        by_head = {g[0]: list(g) for g in groups}
        records = sorted(self._records(), key=lambda m: float(m.get("at", 0)))
        for m in records:
            if m.get("kind") == WORD:
                term = str(m.get("term", ""))
                if m.get("op") == "add":
                    word_set[term] = None
                else:
                    word_set.pop(term, None)
            elif m.get("kind") == SYNONYMS:
                head = str(m.get("head", ""))
                terms = [str(t) for t in loads(m.get("terms"), [])]
                if m.get("op") == "add":
                    group = by_head.setdefault(head, [head])
                    group.extend(t for t in terms if t not in group)
                elif m.get("op") == "remove_terms":
                    if head in by_head:
                        by_head[head] = [t for t in by_head[head] if t == head or t not in terms]
                else:
                    by_head.pop(head, None)
        return list(word_set), [g for g in by_head.values() if len(g) > 1]

    def listing(self) -> dict[str, Any]:
        """Words and groups in effect, each marked 内置 (shipped) or 自定义 (added here)."""
        words, groups = self.effective()
        shipped_words, shipped_groups = shipped_vocabulary()
        shipped_w = set(shipped_words)
        shipped_g = {g[0]: set(g) for g in shipped_groups}
        return {
            "words": [{"term": w, "source": "内置" if w in shipped_w else "自定义"} for w in words],
            "synonyms": [{"head": g[0], "terms": g,
                          "source": "内置" if g[0] in shipped_g and set(g) <= shipped_g[g[0]] else "自定义"}
                         for g in groups],
            "removed_defaults": {
                "words": sorted(shipped_w - set(words)),
                "synonyms": sorted(h for h in shipped_g if h not in {g[0] for g in groups})},
            "fingerprint": _fingerprint_of(words, groups),
            "reindex_needed": self.reindex_needed(),
        }

    def apply(self) -> bool:
        """Make this knowledge base's vocabulary the one ``tokenize`` uses; True when it changed."""
        words, groups = self.effective()
        return set_vocabulary(words, groups)

    # -- edits -----------------------------------------------------------------------------
    def _write(self, kind: str, key: str, meta: dict[str, Any]) -> None:
        now = time.time()
        rid = f"{_rid(kind, key)}-{now:.6f}"
        self.side.upsert([rid], [{"kind": kind, "at": now, **meta}], [key])

    def add_word(self, raw: str) -> VocabChange:
        term = _term(raw)
        if len(term) < 2:
            raise UserError("词典中的词至少两个字")
        words, groups = self.effective()
        if term in words:
            raise UserError(f"词典中已有“{term}”")
        self._write(WORD, term, {"op": "add", "term": term})
        return self._report("add_word", [term], f"已把“{term}”加入领域词典", (words, groups))

    def remove_word(self, raw: str) -> VocabChange:
        term = _term(raw)
        words, groups = self.effective()
        if term not in words:
            raise UserError(f"词典中没有“{term}”（用 python -m assistant vocab list 查看）")
        self._write(WORD, term, {"op": "remove", "term": term})
        return self._report("remove_word", [term], f"已从领域词典删除“{term}”", (words, groups))

    def add_synonyms(self, raw_terms: list[str]) -> VocabChange:
        """``[canonical, synonym, ...]``: a new group, or more terms for the group whose
        canonical term is the first one."""
        terms = list(dict.fromkeys(_term(t) for t in raw_terms))
        if len(terms) < 2:
            raise UserError("同义词组至少要两个不同的词（第一个是标准词）")
        head, rest = terms[0], terms[1:]
        words, groups = self.effective()
        owner = {t: g[0] for g in groups for t in g}
        if head in owner and owner[head] != head:
            raise UserError(f"“{head}”已是同义词组“{owner[head]}”的成员；请把新词加到“{owner[head]}”组")
        for t in rest:
            if t in owner:
                raise UserError(f"“{t}”已在同义词组“{owner[t]}”中")
        self._write(SYNONYMS, head, {"op": "add", "head": head, "terms": dumps(rest)})
        return self._report("add_synonyms", [head, *rest],
                            f"已添加同义词：{'、'.join(rest)} → {head}", (words, groups))

    def remove_synonyms(self, raw_terms: list[str]) -> VocabChange:
        """``[canonical]`` removes the whole group; ``[canonical, term, ...]`` only those terms."""
        terms = list(dict.fromkeys(_term(t) for t in raw_terms))
        if not terms:
            raise UserError("请给出同义词组的标准词")
        head, rest = terms[0], terms[1:]
        words, groups = self.effective()
        group = next((g for g in groups if g[0] == head), None)
        if group is None:
            owner = next((g[0] for g in groups if head in g), None)
            hint = f"（“{head}”属于“{owner}”组）" if owner else ""
            raise UserError(f"没有以“{head}”为标准词的同义词组{hint}")
        missing = [t for t in rest if t not in group]
        if missing:
            raise UserError(f"同义词组“{head}”中没有：{'、'.join(missing)}")
        if rest:
            self._write(SYNONYMS, head, {"op": "remove_terms", "head": head, "terms": dumps(rest)})
            return self._report("remove_synonyms", rest, f"已从同义词组“{head}”删除：{'、'.join(rest)}",
                                (words, groups))
        self._write(SYNONYMS, head, {"op": "remove", "head": head, "terms": dumps([])})
        return self._report("remove_synonyms", group, f"已删除同义词组“{head}”", (words, groups))

    # -- re-index --------------------------------------------------------------------------
    def _report(self, action: str, terms: list[str], done: str, before) -> VocabChange:
        from assistant.upkeep.loop import changed

        changed()
        occurs = self.occurring(sorted(_changed_terms(before, self.effective())))
        if occurs:
            msg = (f"{done}。提问时立即生效；但“{'、'.join(occurs)}”出现在已导入的文档中，文档的分词是导入时保存的，"
                   f"需要重新索引（python -m assistant vocab reindex，或在应用中点“重新索引”）后这些片段才按新词表匹配。")
        else:
            msg = f"{done}。下一个问题起生效，无需重新索引（这些词没有出现在已导入的文档中）。"
        return VocabChange(action=action, terms=terms, reindex_needed=bool(occurs), occurs_in=occurs, message=msg)

    def occurring(self, terms: list[str]) -> list[str]:
        """The terms that occur in some stored passage (their tokens were made at ingest)."""
        from assistant.index.store import KnowledgeStore

        store = KnowledgeStore(self.settings, self.side.client)
        left = {t for t in terms if t}
        found: set[str] = set()
        for _cid, text, _meta in store.iter_chunks():
            search = to_search_text(text)
            hit = {t for t in left if t in search}
            found |= hit
            left -= hit
            if not left:
                break
        return [t for t in terms if t in found]

    def indexed_fingerprint(self) -> str | None:
        return self.side.meta().get("indexed_fingerprint")

    def reindex_needed(self) -> bool:
        """True when some passages were tokenised by an older tokenizer (``stale_documents``), or
        were last (re-)indexed with another vocabulary and some changed term occurs in them."""
        from assistant.index.store import KnowledgeStore
        from ingest.pipeline import stale_documents

        if stale_documents(KnowledgeStore(self.settings, self.side.client).manifests()):
            return True
        words, groups = self.effective()
        current = _fingerprint_of(words, groups)
        indexed = self.indexed_fingerprint()
        if indexed is None:  # never re-indexed: passages carry the shipped vocabulary's tokens
            shipped_words, shipped_groups = shipped_vocabulary()
            if _fingerprint_of(shipped_words, shipped_groups) == current:
                return False
            return bool(self.occurring(sorted(_changed_terms((shipped_words, shipped_groups), (words, groups)))))
        return indexed != current

    def reindex(self, progress: Callable[[int, int, str], None] | None = None) -> int:
        """Re-tokenise every stored passage with the vocabulary in effect; returns the count.

        Only chunk metadata changes (tokens, question tokens, labels), then each manifest's
        tokenizer and time, so the lexical index of every instance is rebuilt on its next
        question. Interrupted, it can simply be run again: the recorded vocabulary is written last.
        """
        from assistant.index.store import KnowledgeStore
        from ingest.pipeline import retokenize

        self.apply()
        store = KnowledgeStore(self.settings, self.side.client)
        if store.chunks is None:
            raise UserError("知识库为空，无需重新索引")
        done = retokenize(store, store.manifests(), progress=progress)
        words, groups = self.effective()
        self.side.set_meta(indexed_fingerprint=_fingerprint_of(words, groups))
        from assistant.upkeep.loop import changed

        changed()
        if progress:
            progress(done, done, "完成")
        return done


def _fingerprint_of(words, groups) -> str:
    from assistant.lang.text import _fingerprint

    words = tuple(dict.fromkeys(to_search_text(w) for w in words))
    groups = tuple(tuple(to_search_text(t) for t in g) for g in groups)
    return _fingerprint(words, groups)


def _changed_terms(old, new) -> set[str]:
    """Terms whose tokenisation differs: dictionary membership or canonical form changed."""
    (ow, og), (nw, ng) = old, new
    old_map = {t: g[0] for g in og for t in g}
    new_map = {t: g[0] for g in ng for t in g}
    old_member, new_member = set(ow) | set(old_map), set(nw) | set(new_map)
    terms = old_member ^ new_member
    terms |= {t for t in old_member | new_member if old_map.get(t, t) != new_map.get(t, t)}
    return terms


def current_fingerprint() -> str:
    return vocabulary_fingerprint()
