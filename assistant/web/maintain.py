"""The 维护 tab (admin): curated answers (标准回答), the vocabulary, the unanswered questions;
and the 为什么这样回答 panel under the chat.

Plain functions over :mod:`assistant.upkeep` (testable without a browser; no gradio import):
every write checks the admin password, goes to the knowledge base's side collections (shared by
every app instance on one Chroma server) and is effective on the next question. Every handler
returns a Chinese status line first; a bad input changes nothing.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Sequence

from assistant.errors import UserError
from assistant.web.admin import _source_of, check_admin
from assistant.web.context import AppContext, ProgressFn
from assistant.web.render import friendly_error

EDITOR = "应用"
CURATED_COLUMNS = ("编号", "版本", "状态", "问题", "答案（节选）", "相似问题", "依据/条款", "生效日期", "负责人", "更新时间")
WORD_COLUMNS = ("词", "来源")
SYNONYM_COLUMNS = ("标准词", "同义词（含标准词）", "来源")
GROUP_COLUMNS = ("组号", "次数", "代表问题", "其他问法", "类型", "最近一次", "原因", "最相关片段（分数）")
VERSION_COLUMNS = ("版本", "状态", "时间", "修改人", "说明", "问题", "答案")
ANSWER_PREVIEW = 80
VOCAB_ACTIONS = {
    "add_word": "添加词典词", "remove_word": "删除词典词",
    "add_synonyms": "添加同义词", "remove_synonyms": "删除同义词",
}


def _client(ctx: AppContext):
    return ctx.assistant.store.client


def _curated(ctx: AppContext):
    from assistant.upkeep.curated import CuratedStore

    return CuratedStore(ctx.settings, _client(ctx))


def _vocab(ctx: AppContext):
    from assistant.upkeep.vocab import Vocabulary

    return Vocabulary(ctx.settings, _client(ctx))


def _unanswered(ctx: AppContext):
    from assistant.upkeep.unanswered import UnansweredLog

    return UnansweredLog(ctx.settings, _client(ctx))


EXPORT_MAX_AGE = 3600  # seconds a download stays on disk (the browser fetches it at once)


def export_dir(now: float | None = None) -> Path:
    """A fresh folder for one download (the framework serves files under the temp dir); folders
    of earlier downloads older than an hour are removed so exports do not pile up."""
    root = Path(tempfile.gettempdir()) / "kba-exports"
    now = time.time() if now is None else now
    if root.is_dir():
        for old in root.iterdir():
            try:
                if old.is_dir() and now - old.stat().st_mtime > EXPORT_MAX_AGE:
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                pass
    folder = root / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _lines(text: Any) -> list[str]:
    from assistant.upkeep.sheets import split_list

    return split_list(str(text or ""))


# --------------------------------------------------------------------------- curated answers


def _curated_row(a) -> list[Any]:
    from assistant.upkeep.curated import STATUS_TEXT

    preview = a.answer if len(a.answer) <= ANSWER_PREVIEW else a.answer[:ANSWER_PREVIEW] + "…"
    return [a.id, a.version, STATUS_TEXT.get(a.status, a.status), a.question, preview, "\n".join(a.variants),
            a.basis, a.effective_date, a.owner, time.strftime("%Y-%m-%d %H:%M", time.localtime(a.updated_at))]


def _curated_listing(ctx: AppContext, include_retired: bool) -> tuple[list[list[Any]], list[tuple[str, str]]]:
    answers = _curated(ctx).list(include_retired=bool(include_retired))
    rows = [_curated_row(a) for a in answers]
    choices = [(f"{a.id}（第 {a.version} 版）{a.question[:30]}", a.id) for a in answers]
    return rows, choices


def curated_rows(ctx: AppContext, password: Any = None, include_retired: bool = False):
    """(message, rows, choices) of the curated answers."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], []
        rows, choices = _curated_listing(ctx, include_retired)
        active = sum(1 for r in rows if r[2] == "生效")
        return (f"共 {len(rows)} 条标准回答（生效 {active} 条）。" if rows
                else "还没有标准回答：可在下方新建，或导入 Excel（.xlsx）或 CSV 表格。"), rows, choices
    except Exception as exc:
        return friendly_error(exc, "读取标准回答"), [], []


def curated_versions(ctx: AppContext, aid: Any) -> list[list[Any]]:
    from assistant.upkeep.curated import STATUS_TEXT

    return [[v.version, STATUS_TEXT.get(v.status, v.status),
             time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(v.updated_at)), v.editor, v.note, v.question,
             v.answer] for v in reversed(_curated(ctx).history(str(aid or "")))]


def curated_form(ctx: AppContext, aid: Any, password: Any = None):
    """The form's fields for one answer: (message, question, answer, variants, basis, date,
    owner, version rows)."""
    empty = ("", "", "", "", "", "", [])
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return (refused, *empty)
        aid = str(aid or "").strip()
        if not aid:
            return ("请选择一条标准回答。", *empty)
        a = _curated(ctx).require(aid)
        status = "生效" if a.active else "已停用"
        return (f"已载入 {a.id} 第 {a.version} 版（{status}）；修改后点“保存为新版本”，旧版本会保留。",
                a.question, a.answer, "\n".join(a.variants), a.basis, a.effective_date, a.owner,
                curated_versions(ctx, aid))
    except Exception as exc:
        return (friendly_error(exc, "载入标准回答"), *empty)


def _after_write(ctx: AppContext, message: str, include_retired: bool, aid: str = ""):
    rows, choices = _curated_listing(ctx, include_retired)
    return message, rows, choices, aid, curated_versions(ctx, aid) if aid else []


def curated_save(ctx: AppContext, password: Any, aid: Any, question: Any, answer: Any, variants: Any,
                 basis: Any, effective_date: Any = "", owner: Any = "", *, new: bool = False,
                 include_retired: bool = False):
    """Add (``new``) or edit (a new version of ``aid``) one curated answer.
    Returns (message, rows, choices, selected id, version rows)."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], [], aid or "", []
        store = _curated(ctx)
        with ctx.write_lock:
            if new or not str(aid or "").strip():
                a = store.add(question, answer, basis, variants=_lines(variants),
                              effective_date=str(effective_date or ""), owner=str(owner or ""), editor=EDITOR)
                message = f"已新建标准回答 {a.id}（第 {a.version} 版），下一个问题起生效。"
            else:
                before = store.require(str(aid).strip())
                a = store.edit(before.id, editor=EDITOR, question=question, answer=answer, basis=basis,
                               variants=_lines(variants), effective_date=str(effective_date or ""),
                               owner=str(owner or ""))
                message = ("内容没有变化，未生成新版本。" if a.version == before.version else
                           f"已保存 {a.id} 第 {a.version} 版（第 {before.version} 版已保留），下一个问题起生效。")
        return _after_write(ctx, message, include_retired, a.id)
    except Exception as exc:
        return friendly_error(exc, "保存标准回答"), *_listing_or_empty(ctx, include_retired), aid or "", []


def _listing_or_empty(ctx: AppContext, include_retired: bool):
    try:
        return _curated_listing(ctx, include_retired)
    except Exception:
        return [], []


def curated_retire(ctx: AppContext, password: Any, aid: Any, *, restore: bool = False,
                   include_retired: bool = False):
    """Retire (or restore) one answer: a new version; returns like ``curated_save``."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], [], aid or "", []
        aid = str(aid or "").strip()
        if not aid:
            raise UserError("请先选择一条标准回答")
        store = _curated(ctx)
        with ctx.write_lock:
            a = store.restore(aid, editor=EDITOR) if restore else store.retire(aid, editor=EDITOR)
        word = "重新启用" if restore else "停用"
        return _after_write(ctx, f"已{word} {a.id}（第 {a.version} 版），下一个问题起生效。", include_retired, a.id)
    except Exception as exc:
        return friendly_error(exc, "恢复标准回答" if restore else "停用标准回答"), \
            *_listing_or_empty(ctx, include_retired), aid or "", []


def curated_import(ctx: AppContext, password: Any, upload: Any, include_retired: bool = False):
    """Import a sheet (.xlsx/.csv: 问题, 答案, 相似问题, 依据/条款, 生效日期, 负责人); the whole
    sheet is checked first, one bad row and nothing is written. (message, rows, choices)"""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], []
        if not upload:
            raise UserError("请先选择要导入的 .xlsx 或 .csv 文件")
        item = upload[0] if isinstance(upload, list) else upload
        src, name = _source_of(item)
        with tempfile.TemporaryDirectory(prefix="kba-upload-") as folder, ctx.write_lock:
            report = _curated(ctx).import_file(_named_copy(src, name, Path(folder)), editor=EDITOR)
        rows, choices = _curated_listing(ctx, include_retired)
        return f"{name}：{report.summary()}下一个问题起生效。", rows, choices
    except Exception as exc:
        return friendly_error(exc, "导入标准回答"), *_listing_or_empty(ctx, include_retired)


def _named_copy(src: Path, name: str, into: Path) -> Path:
    """The upload under its original name (errors name the user's file, not a temp name), copied
    into ``into``: a temporary folder of the caller's, removed with it (a copy left in the system's
    temporary folder after every import piled up)."""
    import shutil

    src = Path(src)
    if src.name == name:
        return src
    dst = Path(into) / Path(name).name
    shutil.copyfile(src, dst)
    return dst


def curated_export(ctx: AppContext, password: Any = None):
    """(message, path of an .xlsx in the import format, or None)."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, None
        from assistant.upkeep.sheets import write_xlsx

        header, rows = _curated(ctx).export_rows()
        path = write_xlsx(export_dir() / "标准回答.xlsx", {"标准回答": (header, rows)})
        return f"已导出 {len(rows)} 条标准回答。", str(path)
    except Exception as exc:
        return friendly_error(exc, "导出标准回答"), None


# --------------------------------------------------------------------------- vocabulary


def _vocab_tables(ctx: AppContext) -> tuple[list[list[Any]], list[list[Any]], bool]:
    listing = _vocab(ctx).listing()
    words = [[w["term"], w["source"]] for w in listing["words"]]
    words.sort(key=lambda r: (r[1] != "自定义", r[0]))
    groups = [[g["head"], "、".join(g["terms"]), g["source"]] for g in listing["synonyms"]]
    groups.sort(key=lambda r: (r[2] != "自定义", r[0]))
    return words, groups, bool(listing["reindex_needed"])


REINDEX_HINT = "⚠ 有词表改动涉及已导入文档中的词，需要重新索引（点“重新索引”）后这些片段才按新词表匹配。"


def vocab_tables(ctx: AppContext, password: Any = None):
    """(message, word rows, synonym rows)."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], []
        words, groups, reindex = _vocab_tables(ctx)
        custom = sum(1 for r in words if r[1] == "自定义") + sum(1 for r in groups if r[2] == "自定义")
        message = f"词典 {len(words)} 个词、同义词组 {len(groups)} 组（其中自定义 {custom} 项）。"
        return message + ("\n" + REINDEX_HINT if reindex else ""), words, groups
    except Exception as exc:
        return friendly_error(exc, "读取词表"), [], []


def vocab_edit(ctx: AppContext, password: Any, action: str, text: Any):
    """One vocabulary change. ``action``: add_word / remove_word (``text`` one word) or
    add_synonyms / remove_synonyms (``text``: 标准词 then synonyms, separated by spaces, 、 or
    commas). Returns (message, word rows, synonym rows)."""
    import re

    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], []
        if action not in VOCAB_ACTIONS:
            raise UserError(f"未知的词表操作：{action}")
        terms = [t for t in re.split(r"[\s,，、;；]+", str(text or "").strip()) if t]
        if not terms:
            raise UserError("请先填写词语" if action.endswith("word") else "请先填写同义词组：标准词在前，同义词在后，用空格分开")
        vocab = _vocab(ctx)
        with ctx.write_lock:
            if action == "add_word":
                if len(terms) > 1:
                    raise UserError("一次添加一个词（词中不能有空格）")
                change = vocab.add_word(terms[0])
            elif action == "remove_word":
                if len(terms) > 1:
                    raise UserError("一次删除一个词")
                change = vocab.remove_word(terms[0])
            elif action == "add_synonyms":
                change = vocab.add_synonyms(terms)
            else:
                change = vocab.remove_synonyms(terms)
        words, groups, _ = _vocab_tables(ctx)
        return change.message, words, groups
    except Exception as exc:
        message = friendly_error(exc, VOCAB_ACTIONS.get(action, "修改词表"))
        try:
            words, groups, _ = _vocab_tables(ctx)
        except Exception:
            words, groups = [], []
        return message, words, groups


def vocab_reindex(ctx: AppContext, password: Any, progress: ProgressFn | None = None):
    """Re-tokenise every stored passage with the vocabulary in effect, with a progress bar.
    Returns (message, word rows, synonym rows)."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], []

        def show(done: int, total: int, stage: str) -> None:
            if progress is not None:
                try:
                    progress(done / total if total else 1.0, desc=f"{stage} {done}/{total}")
                except Exception:
                    pass

        started = time.perf_counter()
        with ctx.write_lock:
            n = _vocab(ctx).reindex(progress=show)
        stale = ctx.refresh()  # this instance rebuilds its lexical index now; others on their next question
        words, groups, _ = _vocab_tables(ctx)
        message = f"已按当前词表重新索引 {n} 个片段，用时 {time.perf_counter() - started:.1f} 秒，下一个问题起生效。"
        return message + (f"\n{stale}" if stale else ""), words, groups
    except Exception as exc:
        return friendly_error(exc, "重新索引"), [], []


# --------------------------------------------------------------------------- unanswered questions


def _group_row(i: int, g) -> list[Any]:
    fmt = time.strftime("%Y-%m-%d %H:%M", time.localtime(g.last))
    passages = "\n".join(f"{p.get('title', '')} {p.get('locator', '')}（{p.get('score')}）".strip()
                         for p in g.top_passages())
    return [i, g.count, g.question, "\n".join(q for q, _ in g.phrasings[1:]),
            "；".join(f"{k} {v}" for k, v in g.kinds.items()), fmt,
            "\n".join(r for r, _ in g.reasons[:3]), passages]


def _group_listing(ctx: AppContext, include_resolved: bool = False):
    groups = _unanswered(ctx).groups(include_resolved=bool(include_resolved))
    rows = [_group_row(i, g) for i, g in enumerate(groups, start=1)]
    choices = [(f"第 {i} 组（{g.count} 次）{g.question[:30]}", g.id) for i, g in enumerate(groups, start=1)]
    return groups, rows, choices


def unanswered_rows(ctx: AppContext, password: Any = None, include_resolved: bool = False):
    """(message, group rows, choices (label, group id)): grouped by similarity, most frequent first."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], []
        groups, rows, choices = _group_listing(ctx, include_resolved)
        events = sum(g.count for g in groups)
        message = (f"{len(groups)} 组未回答的问题（共 {events} 次拒答或 👎），按出现次数排序。" if groups
                   else "没有未回答的问题。")
        return message, rows, choices
    except Exception as exc:
        return friendly_error(exc, "读取未回答问题"), [], []


def unanswered_export(ctx: AppContext, password: Any = None, include_resolved: bool = False):
    """(message, path of the .xlsx (分组 + 明细), or None)."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, None
        log = _unanswered(ctx)
        n = len(log.groups(include_resolved=bool(include_resolved)))
        if not n:
            return "没有未回答的问题可导出。", None
        name = time.strftime("未回答问题-%Y%m%d-%H%M%S.xlsx")
        path = log.export_xlsx(export_dir() / name, include_resolved=bool(include_resolved))
        return f"已导出 {n} 组未回答的问题：{name}", str(path)
    except Exception as exc:
        return friendly_error(exc, "导出未回答问题"), None


def unanswered_draft(ctx: AppContext, password: Any, gid: Any):
    """One action: a group -> a curated-answer draft (question, variants, suggested basis; the
    answer is the maintainer's to write). Returns (message, draft state, question, answer,
    variants, basis, suggested passages as Markdown)."""
    empty = (None, "", "", "", "", "")
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return (refused, *empty)
        gid = str(gid or "").strip()
        if not gid:
            raise UserError("请先在列表中选择一组问题")
        log = _unanswered(ctx)
        draft = log.draft(log.group(gid))
        passages = draft.get("suggested_passages") or []
        from assistant.pipeline.trace import _md

        hint = "\n".join(f"- {_md(p.get('title', ''))} {_md(p.get('locator', ''))}（分数 {p.get('score')}）："
                         f"{_md(str(p.get('text', ''))[:120])}" for p in passages) or "（没有检索到相关片段）"
        message = (f"已生成草稿：问题“{draft['question']}”，{len(draft['variants'])} 个相似问法。"
                   "请填写答案（必要时修改依据），再点“保存为标准回答”；保存后该组问题标记为已解决。")
        return (message, draft, draft["question"], "", "\n".join(draft["variants"]), draft.get("basis", ""),
                "**最相关的片段（供参考）：**\n\n" + hint)
    except Exception as exc:
        return (friendly_error(exc, "生成草稿"), *empty)


def unanswered_adopt(ctx: AppContext, password: Any, draft: Any, question: Any, answer: Any, variants: Any,
                     basis: Any, effective_date: Any = "", owner: Any = ""):
    """Save the draft (as edited) as a curated answer and close its group.
    Returns (message, draft state (None once saved), group rows, group choices)."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, draft, *_groups_or_empty(ctx)
        if not isinstance(draft, dict) or not draft.get("event_ids"):
            raise UserError("请先选择一组问题并点“转为标准回答草稿”")
        edited = dict(draft, question=str(question or "").strip() or draft.get("question", ""))
        with ctx.write_lock:
            created = _unanswered(ctx).adopt(edited, answer=str(answer or ""), basis=str(basis or ""),
                                             variants=_lines(variants), effective_date=str(effective_date or ""),
                                             owner=str(owner or ""), editor=EDITOR)
        message = (f"已保存为标准回答 {created.id}（第 {created.version} 版），该组 {len(draft['event_ids'])} 次提问"
                   "已标记为已解决；下一个问题起，这些问法都会得到这条标准回答。")
        return message, None, *_groups_or_empty(ctx)
    except Exception as exc:
        return friendly_error(exc, "保存标准回答"), draft, *_groups_or_empty(ctx)


def _groups_or_empty(ctx: AppContext):
    try:
        _, rows, choices = _group_listing(ctx)
        return rows, choices
    except Exception:
        return [], []


# --------------------------------------------------------------------------- 为什么这样回答


def trace_markdown(turns: Sequence[dict] | None) -> str:
    """The last answer's trace, in Chinese, for the panel under the chat."""
    from assistant.pipeline.trace import render_markdown

    turns = list(turns or [])
    if not turns:
        return "（提问后，这里显示最近一条回答的推理过程：分词、命中的词、各信号的得分与名次、拒答判断。）"
    return render_markdown(turns[-1].get("trace"))
