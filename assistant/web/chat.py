"""The chat tab: stream an answer into the Chatbot, keep each turn's sources, record 👍/👎.
"""

from __future__ import annotations

import json
import time
from typing import Any, Iterator, Sequence

from assistant.web.context import AppContext
from assistant.web.render import (
    all_cards,
    chat_messages,
    friendly_error,
)

EMPTY_HINT = "请先输入问题，例如：证书有效期几年？或点击下面的示例问题。"

EXAMPLE_QUESTIONS = (
    "售后服务认证属于哪类认证？",
    "我们是贸易公司，能申请吗？",
    "证书有效期几年？每年要监督吗？",
    "得了88分能评几星？离四星差几分？",
    "实际得分76分，涉及项分值80分，是几星？",
)


FEEDBACK_QUESTION_CHARS = 500  # the same cut the assistant applies to a question
FEEDBACK_ANSWER_CHARS = 4000
FEEDBACK_MAX_BYTES = 20 * 1024 * 1024


def _citation_dicts(answer) -> list[dict]:
    return [{"n": c.n, "source": c.source, "title": c.title, "locator": c.locator, "text": c.text,
             "passage": c.passage, "doc_type": c.doc_type, "page": c.page, "chunk_id": c.chunk_id}
            for c in answer.citations]


def turn_record(question: str, answer) -> dict:
    """What a session keeps per turn: raw text (for history and feedback), never escaped."""
    return {
        "question": question,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "citations": _citation_dicts(answer),
        "tool_calls": [{"name": t.name, "args": t.args, "result": t.result} for t in answer.tool_calls],
        "notices": list(answer.notices),
        "mode": answer.mode,
        "trace": getattr(answer, "trace", None) or {},  # 为什么这样回答
    }


def history_from_turns(turns: Sequence[dict]) -> list[dict]:
    history: list[dict] = []
    for t in turns or []:
        history.append({"role": "user", "content": t["question"]})
        history.append({"role": "assistant", "content": t["answer"]})
    return history


def chat_stream(ctx: AppContext, question: str, turns: list[dict] | None) -> Iterator[tuple[list[dict], str, list[dict], str]]:
    """Stream one answer: yields (chatbot messages, cards HTML, turns, textbox value)."""
    turns = list(turns or [])
    question = (question or "").strip()
    if not question:
        yield chat_messages(turns), all_cards(turns), turns, ""
        return
    from assistant.types import Answer

    shown = ""
    try:
        for item in ctx.assistant.stream(question, history_from_turns(turns)):
            if isinstance(item, Answer):
                turns.append(turn_record(question, item))
                yield chat_messages(turns), all_cards(turns), turns, ""
                return
            shown = str(item)
            yield chat_messages(turns, (question, shown)), all_cards(turns, pending=question), turns, ""
    except Exception as exc:  # the UI never sees a traceback
        message = friendly_error(exc, "回答问题")
        turns.append({"question": question, "answer": message, "abstained": True, "citations": [],
                      "tool_calls": [], "notices": [], "mode": "", "error": True})
        yield chat_messages(turns), all_cards(turns), turns, ""


def ask_once(ctx: AppContext, question: str, turns: list[dict] | None = None) -> tuple[list[dict], str, list[dict], str]:
    """The non-streaming form of ``chat_stream`` (last value); handy for tests."""
    result = None
    for result in chat_stream(ctx, question, turns):
        pass
    return result  # type: ignore[return-value]


def _vote(liked: Any) -> str:
    if liked is True:
        return "up"
    if liked is False or liked is None:
        return "down"
    text = str(liked).strip().lower()
    return {"like": "up", "dislike": "down", "up": "up", "down": "down"}.get(text, text or "down")


def record_feedback(ctx: AppContext, turns: Sequence[dict], index: Any, liked: Any) -> str:
    """Append one vote on an assistant message to ``<data_dir>/feedback.jsonl``."""
    try:
        if isinstance(index, (list, tuple)):
            index = index[0]
        index = int(index)
        if index < 0 or index // 2 >= len(turns or []):
            return "无法记录反馈：找不到这条回答。"
        if index % 2 == 0:
            return "只能对助手的回答评价。"
        turn = turns[index // 2]
        # bounded whatever the session holds: the question as the assistant read it (first 500
        # characters), the answer up to a few thousand, and citations by reference only
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "question": str(turn.get("question", ""))[:FEEDBACK_QUESTION_CHARS],
            "answer": str(turn.get("answer", ""))[:FEEDBACK_ANSWER_CHARS],
            "citations": [{k: (c.get(k) if k == "n" else str(c.get(k, ""))[:200])
                           for k in ("n", "source", "locator", "passage")}
                          for c in list(turn.get("citations") or [])[:20] if isinstance(c, dict)],
            "vote": _vote(liked),
            "mode": str(turn.get("mode", ""))[:200],
        }
        path = ctx.feedback_path
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > FEEDBACK_MAX_BYTES:
            return "反馈记录已达上限，暂不再记录，请联系管理员。"
        with ctx.feedback_lock, path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        if record["vote"] == "down":  # a 👎 goes to the unanswered questions (written in the background)
            from assistant.upkeep.loop import record_thumbs_down

            record_thumbs_down(ctx.assistant, record["question"], turn)
        return "感谢反馈（有帮助），已记录。" if record["vote"] == "up" else "感谢反馈（没帮助），已记录，我们会改进。"
    except Exception as exc:
        return friendly_error(exc, "记录反馈")
