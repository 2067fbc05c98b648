"""Answer -> output: the JSON record and the plain text the CLI, the web API and the eval share."""

from __future__ import annotations

from typing import Any

#: the citation fields of an output record (the eval keeps ``passage`` instead of ``source``)
CITATION_FIELDS = ("n", "source", "title", "locator", "text")


def citation_record(citation, fields: tuple[str, ...] = CITATION_FIELDS) -> dict[str, Any]:
    return {name: getattr(citation, name) for name in fields}


def tool_call_record(call) -> dict[str, Any]:
    return {"name": call.name, "args": call.args, "result": call.result}


def batch_record(item_id, question, answer) -> dict:
    """One output line of the batch interface (the documented, stable shape)."""
    return {
        "id": item_id,
        "question": question,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "citations": [citation_record(c) for c in answer.citations],
        "tool_calls": [tool_call_record(t) for t in answer.tool_calls],
        "latency_ms": round(answer.timings.get("total_ms", 0.0), 2),
    }


def format_answer(answer) -> str:
    lines = [answer.answer]
    if answer.citations:
        lines.append("\n引用：")
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.title}｜{c.locator}\n    {c.text.strip()}")
    for n in answer.notices:
        lines.append(f"（{n}）")
    return "\n".join(lines)
