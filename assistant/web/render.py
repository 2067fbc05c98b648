"""Chat text and citation cards as safe HTML/Markdown, the mode badge and the one friendly error line.
"""

from __future__ import annotations

import errno
import html
import logging
import re
from typing import Any, Iterable, Sequence

from assistant.errors import UserError
from assistant.present import DOC_TYPE_WORDS, MODE_WHY, esc, mode_words, notice_words, ui_num
from assistant.web.originals import original_href

log = logging.getLogger("assistant.web.render")


def friendly_error(exc: BaseException, action: str = "处理请求") -> str:
    """One Chinese line for the user; the traceback goes to the log, never to the page."""
    if isinstance(exc, UserError):
        return f"{action}失败：{exc}"
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"{action}失败：数据目录只读或没有写权限（{exc.filename or ''}），无法写入：查询照常，写入需要写权限。"
    log.error("%s failed", action, exc_info=exc)
    # the exception's name goes to the log with the traceback; the page says it in words
    return f"抱歉，{action}时出现内部错误，详情已记入服务日志。请稍后重试；如果一再出现，请联系管理员。"


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
    """The mode in plain words, the technical line (embedder, reranker, notices) in a tooltip."""
    technical = [str(assistant.mode)] + [str(n) for n in getattr(assistant, "notices", []) if n]
    tip = "\n".join(["技术细节："] + technical + ["", MODE_WHY])
    why = MODE_WHY.split("？", 1)[-1] if not str(assistant.mode).startswith("LLM") else ""
    return (f'<div class="kba-badge-wrap"><span class="kba-badge" title="{esc(tip)}" tabindex="0">'
            f'{esc(mode_words(assistant.mode))}<span class="kba-badge-i" aria-hidden="true">ⓘ</span></span>'
            + (f'<div class="kba-notice">{esc(why)}</div>' if why else "") + "</div>")


def _display_answer(text: str, notices: Iterable[str] = (), refs: dict[int, str] | None = None) -> str:
    shown = chat_text(text)
    if refs:
        # [n] becomes a link to its card (the card's id); only numbers this answer cites
        shown = _MARKER.sub(lambda m: (f'<a class="kba-ref" href="#{refs[int(m.group(1))]}">[{m.group(1)}]</a>'
                                       if int(m.group(1)) in refs else m.group(0)), shown)
    for n in notices:
        shown += f"\n\n> {chat_text(notice_words(n))}"
    return shown


_MARKER = re.compile(r"\[(\d{1,3})\]")


def card_id(turn_no: int, n: Any) -> str:
    return f"kba-cite-{turn_no}-{n}"


def _refs(turn_no: int, turn: dict) -> dict[int, str]:
    out = {}
    for c in turn.get("citations") or []:
        try:
            out[int(c.get("n"))] = card_id(turn_no, c.get("n"))
        except (TypeError, ValueError):
            continue
    return out


def chat_messages(turns: Sequence[dict], pending: tuple[str, str] | None = None) -> list[dict]:
    """Chatbot messages (role/content dicts), every text escaped; [n] link to the answer's own cards."""
    messages: list[dict] = []
    for i, t in enumerate(turns or [], start=1):
        messages.append({"role": "user", "content": chat_text(t["question"])})
        messages.append({"role": "assistant",
                         "content": _display_answer(t["answer"], t.get("notices", ()), _refs(i, t))})
    if pending is not None:
        messages.append({"role": "user", "content": chat_text(pending[0])})
        messages.append({"role": "assistant", "content": chat_text(pending[1]) or "……"})
    return messages


# --------------------------------------------------------------------------- plain text to copy

_SENTENCE = re.compile(r"^.*?[。！？!?](?:\[\d{1,3}\])*", re.S)


def copy_text(turn: dict) -> str:
    """The answer with its numbered sources, as plain text that pastes cleanly into a chat or an e-mail."""
    lines = [str(turn.get("answer", "")).strip()]
    cites = turn.get("citations") or []
    if cites:
        lines.append("")
        lines.append("出处：")
        for c in cites:
            where = f"，{c.get('locator')}" if c.get("locator") else ""
            lines.append(f"[{c.get('n')}] 《{c.get('title') or '未命名文档'}》{where}")
    return "\n".join(lines)


def short_reply(turn: dict) -> str:
    """For a customer: the answer's first sentence (markers dropped) and the names of its sources."""
    answer = str(turn.get("answer", "")).strip()
    m = _SENTENCE.match(answer)
    first = m.group(0) if m else answer
    cited = {int(x) for x in _MARKER.findall(first)}
    sentence = _MARKER.sub("", first).strip()
    cites = turn.get("citations") or []
    used = [c for c in cites if c.get("n") in cited] or list(cites)
    names: list[str] = []
    for c in used:
        title = str(c.get("title") or "").strip()
        if title and title not in names:
            names.append(title)
    if not names:
        return sentence
    return f"{sentence}（依据：{'、'.join('《' + t + '》' for t in names)}）"


# --------------------------------------------------------------------------- citation cards


def _tool_cards(tool_calls: Sequence[dict]) -> list[str]:
    parts = []
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
    return parts


def _card(c: dict, turn_no: int | None) -> str:
    cid = card_id(turn_no, c.get("n")) if turn_no is not None else f"kba-cite-{c.get('n')}"
    kind = DOC_TYPE_WORDS.get(str(c.get("doc_type") or ""), "")
    page = f"第 {c['page']} 页" if isinstance(c.get("page"), int) and c.get("page") > 0 else ""
    loc = " · ".join(esc(x) for x in (c.get("locator"), page) if x)
    # curated answers have no file to open
    link = (f'<a class="kba-original kba-orig" href="{esc(original_href(c))}" target="_blank" '
            f'rel="noopener">查看原文</a>' if c.get("source") and c.get("doc_type") != "curated" else "")
    return (
        f'<div class="kba-card" id="{esc(cid)}">'
        f'<div class="kba-card-head"><span class="kba-n">[{esc(c.get("n"))}]</span> '
        f'<span class="kba-title">{esc(c.get("title") or "未命名文档")}</span>'
        + (f' <span class="kba-kind">{esc(kind)}</span>' if kind else "") + "</div>"
        f'<div class="kba-loc">{loc}</div>'
        f'<div class="kba-card-text">{esc(c.get("text"))}</div>'
        f'<div class="kba-meta">{link}</div></div>'
    )


def citation_cards(citations: Sequence[dict], tool_calls: Sequence[dict] = (), abstained: bool = False,
                   turn_no: int | None = None) -> str:
    """Numbered cards (title, locator, full passage, link to the original); all text escaped."""
    parts = ['<div class="kba-cards">'] + _cards_body(citations, tool_calls, abstained, turn_no) + ["</div>"]
    return "".join(parts)


def _cards_body(citations, tool_calls, abstained, turn_no) -> list[str]:
    parts = _tool_cards(tool_calls)
    if not citations:
        note = "没有找到可靠依据，因此没有引用原文。" if abstained else "本次回答没有引用原文。"
        parts.append(f'<div class="kba-empty">{note}</div>')
    parts += [_card(c, turn_no) for c in citations]
    return parts


EMPTY_CARDS = '<div class="kba-cards"><div class="kba-empty">提问后，回答引用的原文会以编号卡片显示在这里。</div></div>'


def _group(turn_no: int, turn: dict, latest: bool) -> str:
    question = str(turn.get("question", ""))
    short = question if len(question) <= 40 else question[:40] + "…"
    actions = ""
    if not turn.get("error"):
        actions = (
            '<div class="kba-actions">'
            f'<button type="button" class="kba-copy" data-kind="full" data-turn="{turn_no}">复制（含出处）</button>'
            f'<button type="button" class="kba-copy" data-kind="short" data-turn="{turn_no}">客户回复</button>'
            "</div>"
            f'<textarea class="kba-copy-full" hidden readonly>{esc(copy_text(turn))}</textarea>'
            f'<textarea class="kba-copy-short" hidden readonly>{esc(short_reply(turn))}</textarea>'
        )
    body = "".join(_cards_body(turn.get("citations", []), turn.get("tool_calls", []),
                               turn.get("abstained", False), turn_no))
    return (f'<details class="kba-group" id="kba-turn-{turn_no}"{" open" if latest else ""}>'
            f'<summary class="kba-group-head">第 {turn_no} 问：{esc(short)}</summary>'
            f"{actions}{body}</details>")


def all_cards(turns: Sequence[dict], pending: str | None = None) -> str:
    """Every answer's cards, grouped under their question: the newest first and open, earlier
    ones folded but still there (an [n] in an earlier answer opens its group)."""
    if not turns and pending is None:
        return EMPTY_CARDS
    parts = ['<div class="kba-cards">']
    if pending is not None:
        parts.append(f'<div class="kba-empty kba-pending">正在回答「{esc(pending[:40])}」，引用的原文稍后显示……</div>')
    n = len(turns or [])
    for i in range(n, 0, -1):
        parts.append(_group(i, turns[i - 1], latest=(i == n and pending is None)))
    parts.append("</div>")
    return "".join(parts)


def citation_cards_for_last(turns: Sequence[dict]) -> str:
    return all_cards(turns)


def table_cards(headers: Sequence[str], rows: Any, title_col: int = 0, empty: str = "暂无数据。") -> str:
    """A table as one card per row (for narrow screens, where columns would be one character wide):
    the ``title_col`` cell as the card's title, every other cell as "header：value"; all escaped."""
    if hasattr(rows, "values") and hasattr(rows, "columns"):  # a DataFrame
        rows = rows.values.tolist()
    rows = [list(r) for r in (rows or []) if any(str(v).strip() for v in r)]
    if not rows:
        return f'<div class="kba-tcards"><div class="kba-empty">{esc(empty)}</div></div>'
    parts = ['<div class="kba-tcards">']
    for row in rows:
        title = row[title_col] if title_col < len(row) else ""
        fields = "".join(
            f'<div class="kba-tfield"><span class="kba-tkey">{esc(h)}：</span>{esc(ui_num(v))}</div>'
            for i, (h, v) in enumerate(zip(headers, row)) if i != title_col and str(v).strip() != "")
        parts.append(f'<div class="kba-tcard"><div class="kba-tcard-title">{esc(title)}</div>{fields}</div>')
    parts.append("</div>")
    return "".join(parts)
