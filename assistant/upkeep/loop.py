"""The maintainer's loop, hooked into ``Assistant`` at three points (see assistant/core.py):

- ``prepare(assistant)`` before a question: apply the knowledge base's vocabulary when it
  changed (in this process or in another one on the same Chroma server);
- ``curated(assistant, question, resolved)``: the curated answer (标准回答) when the question
  matches one, else None (before the out-of-scope check and retrieval, so a refused topic can
  be given a curated answer);
- ``record(assistant, answer)`` after an answer: a refusal goes to the unanswered questions.

(At start, before them, ``retokenize_stale`` brings an upgraded knowledge base's tokens up to date.)

None of them ever makes a question fail: a problem with these side collections is reported as
a notice at most, and the question is answered as if the loop were not there.
"""

from __future__ import annotations

import atexit
import queue
import threading
import time
import weakref
from contextlib import contextmanager
from typing import Any

# How often (seconds) an instance looks at the side collections' stamps for changes made by
# another process. Changes made in this process are seen at once.
CHECK_SECONDS = 0.3

_generation = 0
_paused = threading.local()
_state: "weakref.WeakKeyDictionary[Any, _LoopState]" = weakref.WeakKeyDictionary()
_state_lock = threading.Lock()


def changed() -> None:
    """Something this process wrote (vocabulary, curated answers): check on the next question."""
    global _generation
    _generation += 1


class _LoopState:
    def __init__(self, assistant):
        from assistant.upkeep.curated import CuratedStore
        from assistant.upkeep.vocab import Vocabulary

        settings, client = assistant.settings, assistant.store.client
        self.vocab = Vocabulary(settings, client)
        self.curated = CuratedStore(settings, client)
        self.matcher = self.curated.matcher(assistant.embedder, self._idf(assistant))
        self.checked = -1.0
        self.generation = -1
        self.vocab_stamp: object = object()  # never equal to a real stamp: the first check applies
        self.applied: str | None = None  # fingerprint of the vocabulary this instance applied

    @staticmethod
    def _idf(assistant):
        def idf(token: str) -> float:
            retriever = assistant.retriever
            return retriever.lexical.idf(token) if retriever is not None else 1.0
        return idf


def _state_of(assistant) -> _LoopState:
    with _state_lock:
        st = _state.get(assistant)
        if st is None:
            st = _state[assistant] = _LoopState(assistant)
        return st


def prepare(assistant) -> None:
    """Bring this process's vocabulary in line with the knowledge base's (cheap when unchanged)."""
    try:
        st = _state_of(assistant)
        now = time.monotonic()
        from assistant.lang.text import vocabulary_fingerprint

        if st.generation == _generation and now - st.checked < CHECK_SECONDS \
                and st.applied == vocabulary_fingerprint():
            return
        st.checked, st.generation = now, _generation
        stamp = st.vocab.stamp()
        # another Assistant in this process (another knowledge base) may have applied its own
        if stamp != st.vocab_stamp or st.applied != vocabulary_fingerprint():
            st.vocab.apply()
            st.vocab_stamp = stamp
            st.applied = vocabulary_fingerprint()
    except Exception as exc:  # never fail a question over the vocabulary
        _note(assistant, f"提示：无法读取知识库的自定义词表（{type(exc).__name__}），本次使用内置词表。")


def retokenize_stale(assistant) -> int:
    """Before the index is built: re-tokenise the passages an older tokenizer made (a knowledge
    base built before an upgrade and served without a new ingest), so old tokens never meet
    today's questions. Returns the passage count; a store that cannot be written keeps serving
    with a notice saying what to run."""
    try:
        from ingest.pipeline import retokenize, stale_documents

        stale = stale_documents(assistant.store.manifests())
        if not stale:
            return 0
        _state_of(assistant).vocab.apply()
        return retokenize(assistant.store, stale)
    except Exception as exc:
        _note(assistant, f"提示：知识库中有旧版本导入的文档，未能按新版分词规则更新（{type(exc).__name__}），"
                         "回答可能漏掉这些文档中的内容；请运行 python -m assistant vocab reindex。")
        return 0


def _note(assistant, text: str) -> None:
    if text not in assistant.notices:
        assistant.notices.append(text)


def curated(assistant, question: str, resolved: str):
    """The curated answer for ``question`` (an ``Answer``), or None."""
    if not question:
        return None
    try:
        from assistant.domain.score_intent import score_request

        if score_request(question, resolved) is not None:
            return None  # a grade calculation with the user's own numbers goes to the tool
        st = _state_of(assistant)
        match = _best(st, question)
        if (match is None or match.score < _threshold()) and resolved and resolved != question:
            other = _best(st, resolved)
            if other is not None and (match is None or other.score > match.score):
                match = other
        _last.curated = (question, {"score": None, "threshold": _threshold()} if match is None else {
            "id": match.answer.id, "version": match.answer.version, "score": round(match.score, 4),
            "threshold": _threshold(), "phrasing": match.phrasing})
        if match is not None and match.score < _threshold():
            match = None
    except Exception:
        return None
    if match is None:
        return None
    from assistant.pipeline.curated_answer import compose

    return compose(assistant, question, resolved, match)


def _threshold() -> float:
    from assistant.upkeep.curated import MATCH_THRESHOLD

    return MATCH_THRESHOLD


def _best(st, question: str):
    """The closest curated answer (matched or not), for the answer and its trace."""
    ranked = st.matcher.scored(question, floor=_threshold())
    return ranked[0] if ranked else None


_last = threading.local()  # this thread's last curated-answer comparison (for the trace)


def last_curated(question: str) -> dict | None:
    """The closest curated answer found for ``question`` on this thread (id, version, score,
    threshold, phrasing; score None when there is none to compare with), or None when the
    question was not compared (a score calculation, an empty question)."""
    got = getattr(_last, "curated", None)
    return got[1] if got and got[0] == question else None


@contextmanager
def not_recording():
    """Within this block (this thread), refusals are not recorded (e.g. during an evaluation)."""
    old = getattr(_paused, "on", False)
    _paused.on = True
    try:
        yield
    finally:
        _paused.on = old


def record(assistant, answer) -> None:
    """Record a refusal among the unanswered questions (never raises). The write (a search for
    the top passages plus a store write, about 100 ms) happens on a background thread, so a
    refusal is answered as fast as any answer; ``flush()`` waits for it."""
    global _last_answer
    _last_answer = time.monotonic()  # every answer passes here: the writer waits for a pause
    if not answer.abstained or not answer.question or getattr(_paused, "on", False) \
            or not getattr(assistant, "record_unanswered", True):
        return
    _start_writer()
    _pending.put((assistant, answer, time.time()))


# An embedded Chroma write holds the interpreter lock for its whole duration (tens to hundreds
# of milliseconds with the disk's sync), which stalls an answer being computed meanwhile. So the
# writer waits until no answer was given for ``WRITE_QUIET_SECONDS`` (at most
# ``WRITE_MAX_DELAY_SECONDS`` after the oldest pending record), and writes everything pending in
# one call per knowledge base. ``flush()`` writes at once.
WRITE_QUIET_SECONDS = 0.3
WRITE_MAX_DELAY_SECONDS = 10.0

_pending: "queue.Queue[tuple[Any, Any, float]]" = queue.Queue()
_writer: threading.Thread | None = None
_writer_lock = threading.Lock()
_flushing = threading.Event()
_last_answer = 0.0
_flushers = 0  # threads waiting in flush()


def _start_writer() -> None:
    global _writer
    with _writer_lock:
        if _writer is None:
            _writer = threading.Thread(target=_write_pending, name="unanswered-writer", daemon=True)
            _writer.start()
            atexit.register(flush)  # a one-shot CLI question is recorded before the process ends


def record_thumbs_down(assistant, question: str, answer=None, comment: str = "") -> None:
    """Record a 👎 from the app among the unanswered questions (never raises, never waits:
    written on the same background thread as refusals; ``flush()`` waits for it).
    ``answer``: the Answer or the app's turn dict (answer text, citations, mode)."""
    if not str(question or "").strip() or not getattr(assistant, "record_unanswered", True):
        return
    _start_writer()
    _pending.put((assistant, ("thumbs_down", question, answer, comment), time.time()))


def _wait_for_pause(since: float) -> None:
    deadline = since + WRITE_MAX_DELAY_SECONDS
    while not _flushing.is_set() and time.monotonic() < deadline \
            and time.monotonic() - _last_answer < WRITE_QUIET_SECONDS:
        _flushing.wait(0.05)


def _write_pending() -> None:
    while True:
        batch = [_pending.get()]
        _wait_for_pause(time.monotonic())
        while True:
            try:
                batch.append(_pending.get_nowait())
            except queue.Empty:
                break
        try:
            _write_batch(batch)
        finally:
            for _ in batch:
                _pending.task_done()


def _write_batch(batch: list[tuple[Any, Any, float]]) -> None:
    """The events of ``batch`` (searched one by one), written in one call per assistant; each
    event keeps the time of its answer, not of the write."""
    from assistant.upkeep.unanswered import UnansweredLog

    class Collecting(UnansweredLog):
        def _add(self, event):
            event.at = self.at
            self.collected.append(event)
            return event

    logs: dict[int, Collecting] = {}
    for assistant, answer, at in batch:
        try:
            log = logs.get(id(assistant))
            if log is None:
                log = logs[id(assistant)] = Collecting(assistant.settings, assistant.store.client)
                log.collected = []
            log.at = at
            if isinstance(answer, tuple):  # a 👎: (kind, question, answer, comment)
                _kind, question, given, comment = answer
                log.record_thumbs_down(question, given, assistant=assistant, comment=comment)
            else:
                log.record_refusal(assistant, answer)
        except Exception:
            pass
    for log in logs.values():
        try:
            rows = [event.to_record() for event in log.collected]
            if rows:
                log.side.upsert([r[0] for r in rows], [r[2] for r in rows], [r[1] for r in rows])
        except Exception:
            pass


def flush() -> None:
    """Wait until every refusal recorded in this process is written (readers call this)."""
    global _flushers
    if _writer is not None:
        with _writer_lock:
            _flushers += 1
            _flushing.set()
        try:
            _pending.join()
        finally:
            with _writer_lock:
                _flushers -= 1
                if not _flushers:
                    _flushing.clear()
