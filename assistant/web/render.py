"""Chat text and citation cards as safe HTML/Markdown, the mode badge and the one friendly error line.
"""

from __future__ import annotations

import errno
import html
import logging
import re
from typing import Iterable, Sequence

from assistant.errors import UserError
from assistant.present import esc, ui_num

log = logging.getLogger("assistant.web.render")


def friendly_error(exc: BaseException, action: str = "处理请求") -> str:
    """One Chinese line for the user; the traceback goes to the log, never to the page."""
    if isinstance(exc, UserError):
        return f"{action}失败：{exc}"
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"{action}失败：数据目录只读或没有写权限（{exc.filename or ''}），无法写入：查询照常，写入需要写权限。"
    log.error("%s failed", action, exc_info=exc)
    return f"抱歉，{action}时出现内部错误（{type(exc).__name__}）。请稍后重试；如果一再出现，请联系管理员。"


# Markdown that could show an image or a link, make HTML, or format text: escaped with a
# backslash. ``[n]`` citation markers and list dashes stay as they are.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~|!()#@])")
_LINK_LIKE = re.compile(r"\]:|://|(?<![A-Za-z0-9])www\.", re.IGNORECASE)


def chat_text(value: str) -> str:
    """Answer text for the Chatbot: shown as text, never as HTML, image or link. Tags and
    entities are escaped, and so are the Markdown markers an image or link needs: with
    ``![x](http://…)`` inside a passage the browser shows those characters and fetches nothing,
    and a bare address is not turned into a link."""
    text = html.escape(value or "", quote=False)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _LINK_LIKE.sub(lambda m: {"]:": "]\\:", "://": ":\\/\\/"}.get(m.group(0), m.group(0)[:3] + "\\."),
                          text)


def mode_badge(assistant) -> str:
    """The mode line (and embedder/reranker notices) as a small HTML badge."""
    notices = [n for n in getattr(assistant, "notices", []) if n]
    extra = "".join(f'<div class="kba-notice">{esc(n)}</div>' for n in notices)
    return f'<div class="kba-badge-wrap"><span class="kba-badge">{esc(assistant.mode)}</span>{extra}</div>'


def _display_answer(text: str, notices: Iterable[str] = ()) -> str:
    shown = chat_text(text)
    for n in notices:
        shown += f"\n\n> {chat_text(n)}"
    return shown


def chat_messages(turns: Sequence[dict], pending: tuple[str, str] | None = None) -> list[dict]:
    """Chatbot messages (role/content dicts), every text escaped."""
    messages: list[dict] = []
    for t in turns or []:
        messages.append({"role": "user", "content": chat_text(t["question"])})
        messages.append({"role": "assistant", "content": _display_answer(t["answer"], t.get("notices", ()))})
    if pending is not None:
        messages.append({"role": "user", "content": chat_text(pending[0])})
        messages.append({"role": "assistant", "content": chat_text(pending[1]) or "……"})
    return messages


def citation_cards(citations: Sequence[dict], tool_calls: Sequence[dict] = (), abstained: bool = False) -> str:
    """Numbered cards (title, locator, full passage) for the side panel; all text escaped."""
    parts = ['<div class="kba-cards">']
    for call in tool_calls or []:
        result = call.get("result") or {}
        if call.get("name") == "calculate_grade" and "error" not in result:
            gap = (f"，距{esc(result.get('next_grade'))}还差 {esc(ui_num(result.get('points_to_next')))} 分"
                   if result.get("next_grade") else "，已是最高等级")
            parts.append(
                '<div class="kba-card kba-tool"><div class="kba-card-head">评分计算器</div>'
                f'<div class="kba-card-text">得分 {esc(ui_num(result.get("score")))} 分，等级 '
                f'<b>{esc(result.get("grade"))}</b>{gap}。</div></div>'
            )
    if not citations:
        note = "没有找到可靠依据，因此没有引用原文。" if abstained else "本次回答没有引用原文。"
        parts.append(f'<div class="kba-empty">{note}</div>')
    for c in citations:
        meta = " · ".join(esc(x) for x in (c.get("source"), c.get("doc_type")) if x)
        parts.append(
            f'<div class="kba-card" id="kba-cite-{esc(c.get("n"))}">'
            f'<div class="kba-card-head"><span class="kba-n">[{esc(c.get("n"))}]</span> '
            f'<span class="kba-title">{esc(c.get("title"))}</span></div>'
            f'<div class="kba-loc">{esc(c.get("locator"))}</div>'
            f'<div class="kba-card-text">{esc(c.get("text"))}</div>'
            f'<div class="kba-meta">{meta}{_original_link(c)}</div></div>'
        )
    parts.append("</div>")
    return "".join(parts)


def _original_link(citation: dict) -> str:
    """" · 查看原文" (a PDF at its page, other formats with the passage highlighted), except for
    curated answers, which have no file."""
    if not citation.get("source") or citation.get("doc_type") == "curated":
        return ""
    from assistant.web.originals import original_href

    return (f' · <a class="kba-orig" href="{esc(original_href(citation))}" target="_blank" '
            f'rel="noopener">查看原文</a>')


EMPTY_CARDS = '<div class="kba-cards"><div class="kba-empty">提问后，回答引用的原文会以编号卡片显示在这里。</div></div>'


def citation_cards_for_last(turns: Sequence[dict]) -> str:
    if not turns:
        return EMPTY_CARDS
    last = turns[-1]
    return citation_cards(last.get("citations", []), last.get("tool_calls", []), last.get("abstained", False))
