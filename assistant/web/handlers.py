"""Handlers behind the Gradio app (``app.py``): plain functions over the same core the CLI uses.

Nothing here imports gradio, so every handler can be unit-tested without a browser; ``app.py``
only lays out the components and wires them to these functions. Rules every handler keeps:

* document and answer text is always HTML-escaped before it is shown (a passage containing
  ``<script>`` shows as text, never runs);
* a handler never raises into the UI: failures come back as one friendly Chinese line
  (``friendly_error``), and the traceback goes to the server log only;
* knowledge-base changes (upload, delete, rebuild) are serialised by one lock and end with
  ``Assistant.refresh()`` so the lexical index follows the store.

Score sheet convention (calculator tab): a row whose 满分 cell is empty is "not filled" and
skipped (so the 15 pre-filled indicator names cost nothing); a row that has 得分, 抽样数 or
不符合数 but no 满分 is an error naming the row. 删减 is a check box; a checked row with no 满分
is skipped too (an excluded indicator does not count either way).
"""

from __future__ import annotations

import errno
import hmac
import html
import json
import logging
import re
import os
import shutil
import tempfile
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from assistant.config import CORPUS_DIR, Settings
from assistant.domain.grades import GRADE_BANDS, TICKS
from assistant.present import esc, score_summary, ui_num
from assistant.types import parse_history
from assistant.errors import UserError

log = logging.getLogger("assistant.web.handlers")

ALLOWED_EXTENSIONS = (".pdf", ".md", ".markdown", ".txt", ".html", ".htm")
EXAMPLE_QUESTIONS = (
    "售后服务认证属于哪类认证？",
    "我们是贸易公司，能申请吗？",
    "证书有效期几年？每年要监督吗？",
    "得了88分能评几星？离四星差几分？",
    "实际得分76分，涉及项分值80分，是几星？",
)
SHEET_COLUMNS = ("指标", "满分", "得分", "删减", "抽样数", "不符合数")
SHEET_DATATYPES = ("str", "str", "str", "bool", "str", "str")
DOC_COLUMNS = ("文档 id", "标题", "类型", "权威等级", "片段数", "导入时间")
HIT_COLUMNS = ("排名", "融合分", "词法分(BM25)", "稠密分", "标题", "位置", "文档 id", "类型", "片段文本")
EVAL_METRIC_COLUMNS = ("指标", "本系统", "基线")
FAILURE_COLUMNS = ("题号", "类别", "问题", "原因", "回答（节选）")
DOC_TYPE_ALL = "全部"
METRIC_LABELS = {
    "n": "题目数",
    "accuracy": "总体正确率",
    "key_point_accuracy": "要点正确率",
    "recall_at_1": "Recall@1",
    "recall_at_5": "Recall@5",
    "mrr": "MRR",
    "citation_presence": "有引用的比例",
    "citation_precision": "引用准确率",
    "abstention_precision": "拒答精确率",
    "abstention_recall": "拒答召回率",
    "score_exact_match": "评分题完全正确率",
    "latency_p50_ms": "延迟 P50（毫秒）",
    "latency_p95_ms": "延迟 P95（毫秒）",
}
FAILURE_REASONS = {
    "answered_out_of_scope": "超出范围却作答",
    "abstained_on_answerable": "可答却拒答",
    "no_citations": "没有引用",
    "no_tool_result": "没有调用评分工具",
    "wrong_score": "分数或等级错误",
    "missing_key_points": "缺少要点",
}

ProgressFn = Callable[..., Any]
FEEDBACK_QUESTION_CHARS = 500  # the same cut the assistant applies to a question
FEEDBACK_ANSWER_CHARS = 4000
FEEDBACK_MAX_BYTES = 20 * 1024 * 1024


# --------------------------------------------------------------------------- shared pieces


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


class AppContext:
    """What every session shares: the settings, one Assistant (loaded once) and a write lock."""

    def __init__(self, settings: Settings, assistant=None):
        self.settings = settings
        self._assistant = assistant
        self._load_lock = threading.Lock()
        self.write_lock = threading.Lock()
        self.feedback_lock = threading.Lock()

    @property
    def assistant(self):
        if self._assistant is None:
            with self._load_lock:
                if self._assistant is None:
                    from assistant.core import Assistant

                    self._assistant = Assistant(self.settings)
        return self._assistant

    @property
    def uploads_dir(self) -> Path:
        return Path(self.settings.data_dir) / "uploads"

    @property
    def feedback_path(self) -> Path:
        return Path(self.settings.data_dir) / "feedback.jsonl"

    def refresh(self) -> str:
        """Make the shared Assistant follow the store; returns "" or why it still serves the
        previous index (a failed refresh never stops answering)."""
        if self._assistant is None:
            return ""
        try:
            ok = self._assistant.refresh()
        except Exception as exc:
            log.error("refresh failed", exc_info=exc)
            ok = False
        if ok is False:
            return (self._assistant.stale_notice if getattr(self._assistant, "stale_notice", None)
                    else "刷新索引失败，暂时沿用上一版索引回答。")
        return ""


def ensure_knowledge_base(settings: Settings) -> str | None:
    """Ingest the shipped corpus when the knowledge base is empty; returns a summary or None."""
    from assistant.kb import ensure_corpus

    built = ensure_corpus(settings)
    if built is None:
        return None
    report, notice = built
    return f"{notice}\n知识库为空，已从 corpus/ 导入：{report.summary()}"


def mode_badge(assistant) -> str:
    """The mode line (and embedder/reranker notices) as a small HTML badge."""
    notices = [n for n in getattr(assistant, "notices", []) if n]
    extra = "".join(f'<div class="kba-notice">{esc(n)}</div>' for n in notices)
    return f'<div class="kba-badge-wrap"><span class="kba-badge">{esc(assistant.mode)}</span>{extra}</div>'


# --------------------------------------------------------------------------- chat


def _citation_dicts(answer) -> list[dict]:
    return [{"n": c.n, "source": c.source, "title": c.title, "locator": c.locator, "text": c.text,
             "passage": c.passage, "doc_type": c.doc_type} for c in answer.citations]


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
    }


def history_from_turns(turns: Sequence[dict]) -> list[dict]:
    history: list[dict] = []
    for t in turns or []:
        history.append({"role": "user", "content": t["question"]})
        history.append({"role": "assistant", "content": t["answer"]})
    return history


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
            f'<div class="kba-meta">{meta}</div></div>'
        )
    parts.append("</div>")
    return "".join(parts)


EMPTY_CARDS = '<div class="kba-cards"><div class="kba-empty">提问后，回答引用的原文会以编号卡片显示在这里。</div></div>'


def chat_stream(ctx: AppContext, question: str, turns: list[dict] | None) -> Iterator[tuple[list[dict], str, list[dict], str]]:
    """Stream one answer: yields (chatbot messages, cards HTML, turns, textbox value)."""
    turns = list(turns or [])
    question = (question or "").strip()
    if not question:
        yield chat_messages(turns), citation_cards_for_last(turns), turns, ""
        return
    from assistant.types import Answer

    shown = ""
    try:
        for item in ctx.assistant.stream(question, history_from_turns(turns)):
            if isinstance(item, Answer):
                turns.append(turn_record(question, item))
                last = turns[-1]
                yield (chat_messages(turns), citation_cards(last["citations"], last["tool_calls"], last["abstained"]),
                       turns, "")
                return
            shown = str(item)
            yield chat_messages(turns, (question, shown)), EMPTY_CARDS, turns, ""
    except Exception as exc:  # the UI never sees a traceback
        message = friendly_error(exc, "回答问题")
        turns.append({"question": question, "answer": message, "abstained": True, "citations": [],
                      "tool_calls": [], "notices": [], "mode": "", "error": True})
        yield chat_messages(turns), citation_cards([], (), True), turns, ""


def citation_cards_for_last(turns: Sequence[dict]) -> str:
    if not turns:
        return EMPTY_CARDS
    last = turns[-1]
    return citation_cards(last.get("citations", []), last.get("tool_calls", []), last.get("abstained", False))


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
        return "感谢反馈（有帮助），已记录。" if record["vote"] == "up" else "感谢反馈（没帮助），已记录，我们会改进。"
    except Exception as exc:
        return friendly_error(exc, "记录反馈")


# --------------------------------------------------------------------------- API


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def api_ask(ctx: AppContext, question: str, history: Any = None) -> dict:
    """The ``/ask`` endpoint: the CLI batch record shape plus ``mode`` and ``notices``."""
    from assistant.present import batch_record

    if isinstance(question, str):  # a lone surrogate cannot be encoded in the JSON reply
        question = _SURROGATE.sub("\ufffd", question)
    try:
        answer = ctx.assistant.ask(question, parse_history(history))
        record = batch_record(None, question, answer)
        record.pop("id", None)
        record["mode"] = answer.mode
        record["notices"] = list(answer.notices)
        return record
    except Exception as exc:
        return {"question": question, "answer": "", "abstained": True, "citations": [], "tool_calls": [],
                "latency_ms": 0.0, "error": friendly_error(exc, "回答问题")}


def api_score(total: Any = None, earned: Any = None, applicable_total: Any = None,
              special_deductions: Any = 0, bonus: Any = 0) -> dict:
    """The ``/score`` endpoint: ``run_calculate_grade`` result, or ``{"error": ...}``."""
    from assistant.pipeline.tools import run_calculate_grade

    args = {k: v for k, v in (("total", total), ("earned", earned), ("applicable_total", applicable_total),
                              ("special_deductions", special_deductions), ("bonus", bonus))
            if v is not None and not (isinstance(v, str) and not v.strip())}
    args = {k: _SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for k, v in args.items()}
    try:
        return run_calculate_grade(args)
    except Exception as exc:
        return {"error": friendly_error(exc, "计算得分")}


# --------------------------------------------------------------------------- scoring


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # NaN (float, numpy, pandas)
    except (TypeError, ValueError):
        return True  # pandas.NA and friends


def default_sheet() -> list[list[Any]]:
    """The 15 second-level indicators with empty cells (point values come from the user's sheet)."""
    from assistant.domain.rubric import indicators

    return [[item["name"], "", "", False, "", ""] for item in indicators()]


def _table_rows(table: Any) -> list[list[Any]]:
    """A Dataframe value (list of lists, pandas DataFrame, or {"data": ...}) -> list of lists."""
    if table is None:
        return []
    if isinstance(table, dict):
        table = table.get("data") or []
    if hasattr(table, "values") and hasattr(table, "columns"):
        table = table.values.tolist()
    return [list(r) for r in table]


def sheet_records(table: Any) -> list[dict]:
    """Filled rows of the calculator sheet as scoring records (Chinese column names).

    A row without 满分 is skipped; one with 得分/抽样数/不符合数 but no 满分 is an error naming
    the row. Each kept row is validated here with its own row number, so messages point at the
    row the user sees.
    """
    from assistant.domain.scoring import parse_row
    from assistant.errors import ScoringError

    records = []
    for i, raw in enumerate(_table_rows(table), start=1):
        row = (list(raw) + [None] * len(SHEET_COLUMNS))[: len(SHEET_COLUMNS)]
        cells = dict(zip(SHEET_COLUMNS, row))
        name = "" if _blank(cells["指标"]) else str(cells["指标"]).strip()
        where = f"第{i}行" + (f"「{name}」" if name else "")
        if _blank(cells["满分"]):
            filled = [c for c in ("得分", "抽样数", "不符合数") if not _blank(cells[c])]
            if filled:
                raise ScoringError(f"{where}填了{'、'.join(filled)}，但「满分」是空的：请填满分，或清空这一行")
            continue
        record = {col: cells[col] for col in SHEET_COLUMNS if not _blank(cells[col])}
        record["指标"] = name or f"第{i}行"
        if "删减" in record and not isinstance(record["删减"], str):
            record["删减"] = bool(record["删减"])  # check box (numpy/pandas bools included)
        try:
            parse_row(record, i)
        except ScoringError as exc:
            raise ScoringError(str(exc).replace(f"第{i}条指标", f"第{i}行", 1)) from None
        records.append(record)
    if not records:
        raise ScoringError("评分表还没有填写：至少给一行填上「满分」和「得分」（或抽样数/不符合数）")
    return records


def _count(value: Any) -> Any:
    if _blank(value):
        return 0
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def calculate_score(mode: str, total: Any = None, earned: Any = None, applicable_total: Any = None,
                    table: Any = None, special_deductions: Any = 0, bonus: Any = 0):
    """The calculator tab: returns (summary markdown, result dict, matplotlib figure or None).

    ``mode`` is "total" (总分), "earned" (实际得分+涉及项分值) or "sheet" (评分表).
    """
    from assistant.pipeline.tools import run_calculate_grade

    try:
        args: dict[str, Any] = {"special_deductions": _count(special_deductions),
                                "bonus": _count(bonus)}
        if mode == "sheet":
            args["rows"] = sheet_records(table)
        elif mode == "earned":
            if _blank(earned) or _blank(applicable_total):
                raise UserError("请填写「实际得分」和「涉及项分值」两个数")
            args["earned"], args["applicable_total"] = earned, applicable_total
        else:
            if _blank(total):
                raise UserError("请先填写百分制总分（0–100）")
            args["total"] = total
        result = run_calculate_grade(args)
    except UserError as exc:
        result = {"error": str(exc)}
    except Exception as exc:
        result = {"error": friendly_error(exc, "计算得分")}
    figure = None if "error" in result else grade_chart(result["score"], result["grade"])
    return score_summary(result), result, figure


_CJK_FONT: list[str | None] = []


def cjk_font() -> str | None:
    """A font family matplotlib can draw Chinese with, or None (then labels fall back to ASCII)."""
    if not _CJK_FONT:
        from matplotlib import font_manager

        wanted = ("Noto Sans CJK", "Noto Serif CJK", "Source Han", "WenQuanYi", "Droid Sans Fallback",
                  "SimHei", "Microsoft YaHei", "PingFang", "Heiti", "AR PL")
        found = None
        for font in font_manager.fontManager.ttflist:
            if any(font.name.startswith(w) for w in wanted):
                found = font.name
                break
        _CJK_FONT.append(found)
    return _CJK_FONT[0]


_ASCII_GRADES = {"不通过": "Fail", "达标": "Pass", "三星级": "3★", "四星级": "4★", "五星级": "5★"}


def _label(text: str) -> str:
    return text if cjk_font() else _ASCII_GRADES.get(text, text)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    font = cjk_font()
    if font:
        import matplotlib

        matplotlib.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        matplotlib.rcParams["axes.unicode_minus"] = False
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def grade_chart(score: float, grade: str = ""):
    """A bar from 0 to 100 with the grade bands (70/80/90/95) and a marker at ``score``."""
    fig = _figure(7.5, 1.9)
    ax = fig.add_subplot(1, 1, 1)
    colours = ("#e5e7eb", "#fde68a", "#bfdbfe", "#93c5fd", "#86efac")
    for (lo, hi, name), colour in zip(GRADE_BANDS, colours):
        ax.barh(0, hi - lo, left=lo, height=0.6, color=colour, edgecolor="white")
        ax.text((lo + hi) / 2, 0.42, _label(name), ha="center", va="bottom",
                fontsize=8, color="#374151")
    ax.axvline(score, color="#dc2626", linewidth=2.5)
    left = score > 20  # the label sits beside the marker, on the side with room
    ax.annotate(f"{score:g}" + (f" {_label(grade)}" if grade else ""), xy=(score, -0.32),
                xytext=(-5 if left else 5, 0), textcoords="offset points", ha="right" if left else "left",
                va="top", fontsize=9, color="#dc2626", fontweight="bold")
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.75, 0.85)
    ax.set_xticks(list(TICKS))
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return fig


# --------------------------------------------------------------------------- knowledge base

_UNSAFE = re.compile(r"[^\w\-.()（）\u3000-\u303f\uff00-\uffef]", re.UNICODE)


def safe_filename(name: Any) -> str:
    """Basename only, safe characters (letters incl. Chinese, digits, ``-_.()``), no leading dot."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").split("/")[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _UNSAFE.sub("_", text.replace(" ", "_"))
    text = re.sub(r"_+", "_", text)
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    stem = stem.strip("._-") or "upload"
    ext = re.sub(r"[^A-Za-z0-9]", "", ext).lower()
    stem = stem[:80]
    return f"{stem}.{ext}" if ext else stem


def check_admin(settings: Settings, password: Any) -> str | None:
    """None when allowed; otherwise the refusal message."""
    expected = settings.admin_password
    if not expected:
        return None
    given = "" if password is None else str(password)
    if hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        return None
    return "管理员密码错误或未填写，操作被拒绝。" if given else "请先填写管理员密码，才能管理知识库。"


def _source_of(item: Any) -> tuple[Path, str]:
    """(temporary path, original name) of an uploaded file in any of the forms gradio gives."""
    if isinstance(item, (tuple, list)) and len(item) == 2:
        return Path(item[1]), str(item[0])
    if isinstance(item, dict):
        path = item.get("path") or item.get("name")
        return Path(path), str(item.get("orig_name") or Path(path).name)
    path = getattr(item, "path", None) or getattr(item, "name", None) or item
    return Path(path), str(getattr(item, "orig_name", None) or Path(str(path)).name)


def gradio_temp_root() -> Path:
    """Where the framework keeps the files a browser uploads (``GRADIO_TEMP_DIR`` or the
    system temp dir's ``gradio``); copies there are removed once the upload is handled."""
    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio").resolve()


def _discard_temp(src: Path) -> None:
    """Remove the framework's temporary copy of an upload (and its per-file folder)."""
    try:
        root = gradio_temp_root()
        resolved = src.resolve()
        if root not in resolved.parents:
            return
        resolved.unlink(missing_ok=True)
        parent = resolved.parent
        if parent != root and root in parent.parents and not any(parent.iterdir()):
            parent.rmdir()
    except OSError:
        pass


def _free_name(name: str, taken: set[str]) -> str:
    """``name``, or ``stem-2.ext``, ``stem-3.ext``… when taken (case-insensitive)."""
    if name.lower() not in taken:
        return name
    stem, ext = Path(name).stem, Path(name).suffix
    n = 2
    while f"{stem}-{n}{ext}".lower() in taken:
        n += 1
    return f"{stem}-{n}{ext}"


def _upload_doc_id(name: str) -> str:
    from ingest.pipeline import UPLOAD_PREFIX

    return UPLOAD_PREFIX + name


def store_uploads(settings: Settings, files: Iterable[Any], replace: bool = False
                  ) -> tuple[list[tuple[str, Path, bool]], list[str]]:
    """Copy accepted uploads into ``<data_dir>/uploads/``.

    Returns ``(saved, refusals)``; ``saved`` holds (name shown to the user, saved path, replaced).
    Every accepted file is kept: a name already used (by an earlier upload or another file of
    this one) gets a ``-2``, ``-3``… suffix, unless ``replace`` (an admin's explicit choice) lets
    it overwrite an *earlier upload* of that name. Uploads never touch shipped documents: they
    are ``upload/<file name>`` in the knowledge base. The framework's temporary copies are
    removed either way."""
    uploads = Path(settings.data_dir) / "uploads"
    limit = int(settings.upload_max_mb) * 1024 * 1024
    saved: list[tuple[str, Path, bool]] = []
    problems: list[str] = []
    existing = {p.name.lower() for p in uploads.iterdir()} if uploads.is_dir() else set()
    batch: set[str] = set()
    for item in files or []:
        try:
            src, original = _source_of(item)
        except Exception:
            problems.append("无法识别上传的文件。")
            continue
        try:
            name = safe_filename(original)
            ext = Path(name).suffix.lower()
            shown = Path(str(original).replace("\\", "/")).name or name
            if ext not in ALLOWED_EXTENSIONS:
                problems.append(f"「{shown}」的类型不支持（只接受 {' '.join(ALLOWED_EXTENSIONS)}）。")
                continue
            try:
                size = src.stat().st_size
            except OSError:
                problems.append(f"「{shown}」读取失败，请重新上传。")
                continue
            if size > limit:
                problems.append(f"「{shown}」有 {size / 1024 / 1024:.1f} MB，超过上限 {settings.upload_max_mb} MB。")
                continue
            if size == 0:
                problems.append(f"「{shown}」是空文件。")
                continue
            taken = batch | (set() if replace else existing)
            name = _free_name(name, taken)
            replaced = name.lower() in existing
            uploads.mkdir(parents=True, exist_ok=True)
            target = uploads / name
            if target.resolve().parent != uploads.resolve():  # belt and braces: never leave uploads/
                problems.append(f"「{shown}」的文件名无效。")
                continue
            tmp = target.with_name(f".{target.name}.part")
            shutil.copyfile(src, tmp)
            tmp.replace(target)
            batch.add(name.lower())
            saved.append((shown, target, replaced))
        finally:
            _discard_temp(src)
    return saved, problems


def upload_plan(settings: Settings, files: Any, replace: bool = False) -> list[str]:
    """What an upload will do, file by file, without doing it (shown before a replacement)."""
    if isinstance(files, (str, Path, dict)):
        files = [files]
    uploads = Path(settings.data_dir) / "uploads"
    existing = {p.name.lower() for p in uploads.iterdir()} if uploads.is_dir() else set()
    batch: set[str] = set()
    lines = []
    for item in files or []:
        try:
            _, original = _source_of(item)
        except Exception:
            continue
        name = safe_filename(original)
        if Path(name).suffix.lower() not in ALLOWED_EXTENSIONS:
            continue
        shown = Path(str(original).replace("\\", "/")).name or name
        name = _free_name(name, batch | (set() if replace else existing))
        batch.add(name.lower())
        action = "替换已上传的同名文档" if name.lower() in existing else "新增"
        lines.append(f"「{shown}」→ {_upload_doc_id(name)}（{action}）")
    return lines


def upload_plan_key(settings: Settings, files: Any) -> str:
    """Identifies a replacement plan, so a confirmation applies to exactly what was shown."""
    import hashlib

    return hashlib.sha1("\n".join(upload_plan(settings, files, replace=True)).encode()).hexdigest()[:16]


def document_rows(settings: Settings) -> list[list[Any]]:
    """The document table, newest first (a fresh upload shows at the top), then by id."""
    from assistant.kb import list_documents

    docs = sorted(list_documents(settings), key=lambda d: d["doc_id"])
    docs.sort(key=lambda d: d["ingested_at"], reverse=True)
    return [[d["doc_id"], d["title"], d["doc_type"], f"{d['authority']} {d['authority_label']}", d["chunks"],
             d["ingested_at"]] for d in docs]


def _progress_callback(progress: ProgressFn | None, verb: str):
    if progress is None:
        return None

    def on_progress(i: int, n: int, path: str) -> None:
        try:
            desc = f"{verb} {i}/{n}" + (f"：{Path(path).name}" if path else "")
            progress(i / n if n else 1.0, desc=desc)
        except Exception:  # a progress bar never breaks an ingest
            pass

    return on_progress


def upload_documents(ctx: AppContext, files: Any, password: Any = None, progress: ProgressFn | None = None,
                     replace: bool = False, confirmed: str | None = None) -> tuple[str, list[list[Any]]]:
    """Save, check and ingest uploads; returns (message, document table).

    By default nothing is ever replaced (see ``store_uploads``). With ``replace`` an upload may
    overwrite earlier uploads of the same name, but only once the admin has seen the plan: the
    first call returns it, and the upload happens when ``confirmed`` is that plan's key
    (``upload_plan_key``)."""
    from assistant.kb import ingest

    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, document_rows(ctx.settings)
        if isinstance(files, (str, Path, dict)):
            files = [files]
        if not files:
            return "请先选择要上传的文件（PDF / Markdown / TXT / HTML）。", document_rows(ctx.settings)
        if replace:
            plan = upload_plan(ctx.settings, files, replace=True)
            if any("替换" in line for line in plan) and confirmed != upload_plan_key(ctx.settings, files):
                return ("将按以下方式导入（尚未执行）：\n" + "\n".join(plan)
                        + "\n确认替换请再次点击「上传并导入」。", document_rows(ctx.settings))
        with ctx.write_lock:
            saved, problems = store_uploads(ctx.settings, files, replace=replace)
            lines = list(problems)
            if saved:
                report, _ = ingest(ctx.settings, [p for _, p, _ in saved], progress=False,
                                   on_progress=_progress_callback(progress, "导入"))
                status = ctx.refresh()
                failed = {p for p, _ in report.errors}
                listing = []
                for shown, path, replaced in saved:
                    what = "替换" if replaced else "新增"
                    if str(path) in failed:
                        what = "导入失败"
                    listing.append(f"  「{shown}」→ {_upload_doc_id(path.name)}（{what}）")
                lines[:0] = [f"已上传 {len(saved)} 个文件：", *listing, report.summary()]
                if status:
                    lines.append(status)
        return "\n".join(lines) or "没有可导入的文件。", document_rows(ctx.settings)
    except Exception as exc:
        return friendly_error(exc, "上传文档"), _safe_rows(ctx)


def _safe_rows(ctx: AppContext) -> list[list[Any]]:
    try:
        return document_rows(ctx.settings)
    except Exception:
        return []


def delete_document(ctx: AppContext, doc_id: Any, password: Any = None) -> tuple[str, list[list[Any]]]:
    """Delete one document (and its uploaded file, so a rebuild does not bring it back)."""
    from assistant.kb import delete_document as kb_delete
    from assistant.kb import open_store

    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, document_rows(ctx.settings)
        doc_id = str(doc_id or "").strip()
        if not doc_id:
            return "请先选择要删除的文档。", document_rows(ctx.settings)
        with ctx.write_lock:
            manifest = open_store(ctx.settings).manifest(doc_id)
            deleted = kb_delete(ctx.settings, doc_id)
            if deleted and manifest is not None and manifest.source:
                source = Path(manifest.source)
                uploads = ctx.uploads_dir.resolve()
                if source.parent.resolve() == uploads and source.exists():
                    source.unlink()
            status = ctx.refresh()
        message = f"已删除文档 {doc_id}。" if deleted else f"知识库中没有文档 {doc_id}。"
        return message + (f"\n{status}" if status else ""), document_rows(ctx.settings)
    except Exception as exc:
        return friendly_error(exc, "删除文档"), _safe_rows(ctx)


def rebuild_knowledge_base(ctx: AppContext, password: Any = None, progress: ProgressFn | None = None
                           ) -> tuple[str, list[list[Any]]]:
    """Clear the knowledge base and ingest corpus/ plus every uploaded file again."""
    from assistant.kb import ingest

    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, document_rows(ctx.settings)
        paths = [CORPUS_DIR]
        if ctx.uploads_dir.is_dir() and any(ctx.uploads_dir.iterdir()):
            paths.append(ctx.uploads_dir)
        with ctx.write_lock:
            report, _ = ingest(ctx.settings, paths, reset=True, progress=False,
                               on_progress=_progress_callback(progress, "重建"))
            status = ctx.refresh()
        return (f"已重建知识库（corpus/ + 上传文件）。{report.summary()}" + (f"\n{status}" if status else ""),
                document_rows(ctx.settings))
    except Exception as exc:
        return friendly_error(exc, "重建知识库"), _safe_rows(ctx)


def list_documents_handler(ctx: AppContext) -> tuple[str, list[list[Any]]]:
    try:
        rows = document_rows(ctx.settings)
        return f"知识库中共有 {len(rows)} 个文档，{sum(r[4] for r in rows)} 个片段。", rows
    except Exception as exc:
        return friendly_error(exc, "读取文档列表"), []


# --------------------------------------------------------------------------- retrieval test


def _score(value: Any) -> Any:
    return "" if value is None else round(float(value), 4)


def retrieval_rows(ctx: AppContext, query: Any, k: Any = 5, doc_type: Any = None) -> tuple[str, list[list[Any]]]:
    """Hit testing: ranked passages with fused, lexical and dense scores."""
    try:
        query = str(query or "").strip()
        if not query:
            return "请输入要测试的检索语句。", []
        try:
            k = max(1, min(int(k or 5), 50))
        except (TypeError, ValueError):
            return "top-k 必须是 1–50 的整数。", []
        doc_type = None if not doc_type or doc_type == DOC_TYPE_ALL else str(doc_type)
        retrieval = ctx.assistant.search(query, k=k, doc_type=doc_type)
        rows = [[i, _score(h.score), _score(h.lexical_score), _score(h.dense_score),
                 str(h.meta.get("title", "")), h.locator, str(h.meta.get("doc_id", "")),
                 str(h.meta.get("doc_type", "")), h.text]
                for i, h in enumerate(retrieval.hits, start=1)]
        if not rows:
            return "没有检索到片段。", []
        filt = f"（类型：{doc_type}）" if doc_type else ""
        return f"检索到 {len(rows)} 个片段{filt}，按融合分排序。", rows
    except Exception as exc:
        return friendly_error(exc, "检索"), []


# --------------------------------------------------------------------------- eval dashboard


def _fmt_metric(key: str, value: Any) -> Any:
    if value is None:
        return "—"
    if key == "n" or key.startswith("n_"):
        return int(value)
    if key.startswith("latency"):
        return round(float(value), 1)
    return round(float(value), 3)


def eval_tables(result) -> tuple[list[list[Any]], list[list[Any]]]:
    """(metrics rows, failure rows) of an EvalResult."""
    ours = result.summary.get("ours") or {}
    base = result.summary.get("baseline") or {}
    metrics = [[label, _fmt_metric(key, ours.get(key)), _fmt_metric(key, base.get(key)) if base else "—"]
               for key, label in METRIC_LABELS.items() if key in ours]
    failures = [[r.get("id", ""), r.get("category", ""), r.get("question", ""),
                 FAILURE_REASONS.get(r.get("reason", ""), r.get("reason", "")),
                 (r.get("answer") or "")[:200]] for r in result.failures]
    return metrics, failures


def category_chart(per_category: dict[str, dict]):
    """Accuracy per category, ours (and the baseline when present) side by side."""
    fig = _figure(8, 3.2)
    ax = fig.add_subplot(1, 1, 1)
    cats = list(per_category)
    if not cats:
        ax.text(0.5, 0.5, "no data", ha="center", va="center")
        return fig
    labels = [c if cjk_font() or c.isascii() else f"C{i + 1}" for i, c in enumerate(cats)]
    ours = [(per_category[c].get("ours") or {}).get("accuracy") or 0.0 for c in cats]
    has_base = any(per_category[c].get("baseline") for c in cats)
    width = 0.38 if has_base else 0.6
    xs = list(range(len(cats)))
    ax.bar([x - (width / 2 if has_base else 0) for x in xs], ours, width=width, color="#2563eb",
           label="ours" if not cjk_font() else "本系统")
    if has_base:
        base = [((per_category[c].get("baseline") or {}).get("accuracy") or 0.0) for c in cats]
        ax.bar([x + width / 2 for x in xs], base, width=width, color="#9ca3af",
               label="baseline" if not cjk_font() else "基线")
    ax.set_xticks(xs)
    ax.set_xticklabels(labels, rotation=30 if len(cats) > 6 else 0, ha="right" if len(cats) > 6 else "center",
                       fontsize=8)
    ax.set_ylim(0, 1.2)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_ylabel("accuracy" if not cjk_font() else "正确率")
    ax.legend(fontsize=8, loc="upper right", ncol=2, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def run_eval_dashboard(ctx: AppContext, baseline: bool = False, progress: ProgressFn | None = None,
                       qa_path: str | Path | None = None, password: Any = None):
    """Run the QA set; returns (message, metrics rows, figure or None, failure rows).
    It may import corpus/ into an empty knowledge base, so it needs the admin password like
    every other write."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], None, []
        from eval.harness import run_eval

        def on_progress(stage: str, done: int, total: int) -> None:
            if progress is not None:
                try:
                    name = "本系统" if stage == "ours" else "基线"
                    progress(done / total if total else 1.0, desc=f"{name} {done}/{total}")
                except Exception:
                    pass

        result = run_eval(ctx.settings, qa_path, baseline=bool(baseline), progress=on_progress)
        metrics, failures = eval_tables(result)
        info = result.info
        seconds = info.get("ours_seconds")
        label_map = {c: (c if cjk_font() or c.isascii() else f"C{i + 1}") for i, c in enumerate(result.per_category)}
        legend = "；".join(f"{v}={k}" for k, v in label_map.items() if v != k)
        message = (f"已评测 {info.get('n_items', len(result.records))} 题（{info.get('mode', '')}），"
                   f"用时 {seconds} 秒；失败 {len(failures)} 题。" + (f"\n图中类别：{legend}" if legend else ""))
        return message, metrics, category_chart(result.per_category), failures
    except Exception as exc:
        return friendly_error(exc, "运行评测"), [], None, []


# --------------------------------------------------------------------------- raw HTTP guard

BAD_BODY_MESSAGE = "请求内容不是有效的 UTF-8 编码 JSON（例如以原始字节发送的单独代理字符），请检查编码后重试。"
MAX_GUARDED_BODY = 4 * 1024 * 1024


class BodyGuard:
    """ASGI middleware in front of the framework's API: a JSON request whose body is not strict
    UTF-8 (a lone surrogate sent as raw bytes, stray bytes) or not JSON at all gets one Chinese
    error (HTTP 400, ``{"error": ...}``) instead of the framework's English one or a 500.
    File uploads (multipart) pass through untouched."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http" or scope.get("method") != "POST":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if "json" not in headers.get("content-type", "") and "/call/" not in scope.get("path", "") \
                and "/run/" not in scope.get("path", "") and "/api/" not in scope.get("path", ""):
            return await self.app(scope, receive, send)
        if "multipart" in headers.get("content-type", ""):
            return await self.app(scope, receive, send)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message]), send)
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > MAX_GUARDED_BODY:  # too large to check here: the framework's own limits apply
                return await self.app(scope, _replay([{"type": "http.request", "body": b"".join(chunks),
                                                        "more_body": more}], receive), send)
        body = b"".join(chunks)
        if body and not _valid_json_utf8(body):
            payload = json.dumps({"error": BAD_BODY_MESSAGE}, ensure_ascii=False).encode("utf-8")
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                    (b"content-length", str(len(payload)).encode())]})
            await send({"type": "http.response.body", "body": payload})
            return
        return await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}],
                                             receive), send)


def _valid_json_utf8(body: bytes) -> bool:
    try:
        json.loads(body.decode("utf-8"))  # strict: encoded surrogates are invalid UTF-8
        return True
    except (UnicodeDecodeError, ValueError):
        return False


def _replay(messages: list[dict], then=None):
    queue = list(messages)

    async def receive():
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
