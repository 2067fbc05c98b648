"""Knowledge-base administration: the password check, uploads (kept under ``uploads/``), delete and rebuild.
"""

from __future__ import annotations

import hmac
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from assistant.config import CORPUS_DIR, Settings
from assistant.web.context import AppContext, ProgressFn
from assistant.web.render import friendly_error

from ingest.uploads import ACCEPTED_EXTENSIONS, accepted_types_text, size_limit_text, upload_rejection

#: what the upload tab accepts: every type ingest reads (``ingest.uploads``, checked by our code)
ALLOWED_EXTENSIONS = ACCEPTED_EXTENSIONS
DOC_COLUMNS = ("文档 id", "标题", "类型", "权威等级", "片段数", "导入时间", "识别置信度")
_OCR_PAGES = re.compile(r"文字识别 第 (\d+) 页，共 (\d+) 页")
HEAD_BYTES = 8192  # what ``upload_rejection`` reads of a file to check its content against its type
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


def upload_label(settings: Settings) -> str:
    """The upload widget's label: every accepted type and the size limit, in Chinese."""
    limit = size_limit_text(int(settings.upload_max_mb) * 1024 * 1024)
    return (f"上传文档：{accepted_types_text()}；单个文件不超过 {limit}；"
            "扫描件和图片会做文字识别（每页约需数秒到数十秒）")


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


def _previous(target: Path) -> Path:
    """Where an upload being replaced waits (hidden: ingest and rebuild skip dot files)."""
    return target.with_name(f".{target.name}.previous")


def settle_uploads(saved: list[tuple[str, Path, bool]], failed: set[str]) -> None:
    """After ingest: an upload that failed to ingest does not stay in ``uploads/`` (a rebuild
    would retry it every time); a replaced upload that failed gets its previous file back (the
    knowledge base still holds that version); the previous files of successful ones go."""
    for _, path, _ in saved:
        previous = _previous(path)
        try:
            if str(path) in failed:
                if previous.exists():
                    os.replace(previous, path)
                else:
                    path.unlink(missing_ok=True)
            else:
                previous.unlink(missing_ok=True)
        except OSError:
            pass


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
            shown = Path(str(original).replace("\\", "/")).name or name
            try:
                size = src.stat().st_size
                with src.open("rb") as fh:
                    head = fh.read(HEAD_BYTES)
            except OSError:
                problems.append(f"「{shown}」读取失败，请重新上传。")
                continue
            # the type is judged on the name the user gave (and the content), in Chinese
            refused = upload_rejection(shown, size, limit, head)
            if refused is None and Path(name).suffix.lower() not in ALLOWED_EXTENSIONS:
                refused = f"「{shown}」的文件名无效（扩展名无法识别），请改名后重新上传"
            if refused:
                problems.append(f"未导入：{refused.rstrip('。')}。")
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
            if replaced and target.exists():  # kept until the new version has ingested
                os.replace(target, _previous(target))
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
            continue  # refused when uploading, with the reason
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
    from assistant.kb import open_store, with_authority

    manifests = open_store(settings).manifests()  # as ``kb list``, plus each one's OCR pages
    docs = sorted(({**with_authority(m.to_dict()), "extra": m.extra} for m in manifests.values()),
                  key=lambda d: d["doc_id"])
    docs.sort(key=lambda d: d["ingested_at"], reverse=True)
    return [[d["doc_id"], d["title"], d["doc_type"], f"{d['authority']} {d['authority_label']}", d["chunks"],
             d["ingested_at"], ocr_flag(d.get("extra") or {})] for d in docs]


def ocr_flag(extra: dict) -> str:
    """The document table's 识别置信度 cell: empty for documents that were not OCRed, else the
    lowest page confidence, with the low pages named (the same rule as ``kb show``)."""
    from ingest.ocr import low_confidence_pages

    pages = {int(p): float(c) for p, c in (extra.get("ocr_pages") or {}).items()}
    if not pages:
        return ""
    lowest = min(pages.values())
    low = low_confidence_pages(pages)
    if not low:
        return f"OCR {len(pages)} 页，最低 {lowest:.0%}"
    shown = "、".join(str(p) for p in low[:10]) + ("…" if len(low) > 10 else "")
    return f"⚠ 偏低：第 {shown} 页（最低 {lowest:.0%}），请对照原件核对"


def _progress_callback(progress: ProgressFn | None, verb: str):
    if progress is None:
        return None

    def on_progress(i: int, n: int, path: str) -> None:
        try:
            fraction = i / n if n else 1.0
            # during OCR the pipeline reports "<file>（文字识别 第 d 页，共 t 页）": the bar moves per page
            pages = _OCR_PAGES.search(path or "")
            if pages and n:
                done, total = int(pages.group(1)), int(pages.group(2))
                fraction = (i + (done / total if total else 0)) / n
            desc = f"{verb} {i + 1 if pages else i}/{n}" + (f"：{Path(path).name}" if path else "")
            progress(min(fraction, 1.0), desc=desc)
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
            return (f"请先选择要上传的文件（{accepted_types_text()}）。", document_rows(ctx.settings))
        if replace:
            plan = upload_plan(ctx.settings, files, replace=True)
            if any("替换" in line for line in plan) and confirmed != upload_plan_key(ctx.settings, files):
                return ("将按以下方式导入（尚未执行）：\n" + "\n".join(plan)
                        + "\n确认替换请再次点击「上传并导入」。", document_rows(ctx.settings))
        with ctx.write_lock:
            saved, problems = store_uploads(ctx.settings, files, replace=replace)
            lines = list(problems)
            if saved:
                try:
                    report, _ = ingest(ctx.settings, [p for _, p, _ in saved], progress=False,
                                       on_progress=_progress_callback(progress, "导入"))
                except BaseException:
                    settle_uploads(saved, {str(p) for _, p, _ in saved})
                    raise
                failed = {p for p, _ in report.errors}
                settle_uploads(saved, failed)
                status = ctx.refresh()
                listing = []
                for shown, path, replaced in saved:
                    what = "替换" if replaced else "新增"
                    if str(path) in failed:
                        what = "导入失败，文件未保留" if not replaced else "导入失败，保留原来的版本"
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
