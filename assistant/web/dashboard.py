"""The retrieval-test and eval tabs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.web.admin import check_admin
from assistant.web.charts import category_chart, cjk_font
from assistant.web.context import AppContext, ProgressFn
from assistant.web.render import friendly_error

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


def _fmt_metric(key: str, value: Any) -> Any:
    if value is None:
        return "—"
    if key == "n" or key.startswith("n_"):
        return int(value)
    if key.startswith("latency"):
        return round(float(value), 1)
    return f"{float(value) * 100:.1f}%"  # a rate, as evaluators read it


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


def _eval_progress(progress: ProgressFn | None):
    """The harness's (stage, done, total) callback moving the page's progress bar (never raising)."""
    def on_progress(stage: str, done: int, total: int) -> None:
        if progress is not None:
            try:
                name = "本系统" if stage == "ours" else "基线"
                progress(done / total if total else 1.0, desc=f"{name} {done}/{total}")
            except Exception:
                pass
    return on_progress


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

        on_progress = _eval_progress(progress)

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


# --------------------------------------------------------------------------- the 评测 tab (issue 17)

QA_UPLOADED = "__upload__"
DOCS_CURRENT, DOCS_UPLOAD, DOCS_FOLDER = "current", "upload", "folder"
DOCS_CHOICES = (("当前知识库", DOCS_CURRENT), ("上传的文档（临时新建知识库）", DOCS_UPLOAD),
                ("服务器上的文件夹（临时新建知识库）", DOCS_FOLDER))
RUN_FAILURE_COLUMNS = ("题号", "类别", "问题", "原因", "缺少的要点", "参考答案", "回答（节选）", "与上次相比")
HISTORY_COLUMNS = ("时间", "题数", "正确率", "要点正确率", "修复", "新错", "仍正确", "仍错误", "文档", "模式")
DIFF_COLUMNS = ("变化", "题号", "问题", "现在的结果")
DIFF_LABELS = (("fixed", "修复"), ("broken", "新错"), ("unchanged_wrong", "仍错误"), ("unchanged_correct", "仍正确"),
               ("new", "新增"), ("removed", "移除"))
REPORT_FORMATS = (".xlsx", ".md")


def qa_choices() -> list[tuple[str, str]]:
    """The QA sets to choose from: the shipped eval/qa*.jsonl, then "an uploaded sheet"."""
    from eval.harness import QA_PATH

    shipped = [(f"{p.name}（内置）", str(p)) for p in sorted(QA_PATH.parent.glob("qa*.jsonl"))]
    return shipped + [("上传的问答表（.xlsx / .csv / .jsonl）", QA_UPLOADED)]


def _one_upload(upload: Any):
    if isinstance(upload, list):
        upload = upload[0] if upload else None
    return upload


def _qa_path(choice: Any, upload: Any, work: Path | None = None) -> Path:
    """The QA file to run: an uploaded sheet (kept under its own name, so its runs form one
    history; copied into ``work``, a temporary folder of the caller's, which an upload needs) or
    one of the shipped sets; anything else is refused."""
    from assistant.errors import UserError
    from assistant.web.admin import _source_of
    from assistant.web.maintain import _named_copy

    upload = _one_upload(upload)
    if upload:
        src, name = _source_of(upload)
        if Path(name).suffix.lower() not in (".xlsx", ".csv", ".jsonl"):
            raise UserError(f"问答集只支持 .xlsx、.csv 或 .jsonl 文件，收到的是 {name}")
        return _named_copy(src, name, work)
    if choice == QA_UPLOADED:
        raise UserError("请先上传问答表（.xlsx / .csv：问题、参考答案、要点、应拒答）")
    allowed = {v: v for _, v in qa_choices() if v != QA_UPLOADED}
    if not choice:
        from eval.harness import QA_PATH

        return QA_PATH
    if str(choice) not in allowed:
        raise UserError("请选择内置问答集之一，或上传问答表")
    return Path(allowed[str(choice)])


def _docs_paths(mode: Any, uploads: Any, folder: Any, workdir: Path) -> list[Path] | None:
    """None for the current knowledge base; else the documents for a fresh temporary one."""
    import shutil

    from assistant.errors import UserError
    from assistant.web.admin import _source_of

    mode = mode or DOCS_CURRENT
    if mode == DOCS_CURRENT:
        return None
    if mode == DOCS_UPLOAD:
        items = uploads if isinstance(uploads, list) else ([uploads] if uploads else [])
        if not items:
            raise UserError("请先上传要评测的文档，或选择“当前知识库”")
        target = workdir / "docs"
        target.mkdir(parents=True, exist_ok=True)
        for item in items:
            src, name = _source_of(item)
            shutil.copyfile(src, target / Path(name).name)
        return [target]
    if mode == DOCS_FOLDER:
        text = str(folder or "").strip()
        if not text:
            raise UserError("请填写服务器上的文档文件夹路径")
        path = Path(text).expanduser()
        if not path.is_dir():
            raise UserError(f"找不到文档文件夹：{text}")
        return [path]
    raise UserError(f"未知的文档来源：{mode}")


def _pct(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def history_rows(runs: list[dict]) -> list[list[Any]]:
    """Runs newest first: time, size, accuracy, and the diff against the run before."""
    rows = []
    for run in reversed(runs):
        c = (run.get("diff") or {}).get("counts") or {}
        s = run.get("summary") or {}
        docs = "、".join(Path(d).name for d in run.get("docs") or []) or "当前知识库"
        first = (run.get("diff") or {}).get("previous_run") is None
        rows.append([run.get("time", ""), run.get("n_items", 0), _pct(s.get("accuracy")),
                     _pct(s.get("key_point_accuracy")), "—" if first else c.get("fixed", 0),
                     "—" if first else c.get("broken", 0), "—" if first else c.get("unchanged_correct", 0),
                     "—" if first else c.get("unchanged_wrong", 0), docs, run.get("mode", "")])
    return rows


def diff_rows(run: dict | None) -> list[list[Any]]:
    """The questions whose result changed since the previous run (fixed, broken) first, then the rest."""
    if not run:
        return []
    diff = run.get("diff") or {}
    items = {i["id"]: i for i in run.get("items") or []}
    rows = []
    for key, label in DIFF_LABELS:
        for item_id in diff.get(key) or []:
            item = items.get(item_id, {})
            now = "—" if not item else ("正确" if item.get("correct") else "错误")
            rows.append([label, item_id, item.get("question", ""), now])
    return rows


def _status_map(run: dict) -> dict[str, str]:
    diff = run.get("diff") or {}
    return {i: label for key, label in DIFF_LABELS for i in diff.get(key) or []}


def run_failure_rows(run: dict) -> list[list[Any]]:
    """Each wrong answer with the key points it missed and the reference answer."""
    status = _status_map(run)
    rows = []
    for i in run.get("items") or []:
        if i.get("correct"):
            continue
        missing = "\n".join("；".join(g) for g in i.get("missing_key_points") or [])
        if not missing and i.get("abstained") and not i.get("expect_abstain"):
            missing = "（拒答了，要点全部缺失）" if i.get("key_points") else ""
        rows.append([i["id"], i.get("category", ""), i.get("question", ""),
                     FAILURE_REASONS.get(i.get("reason", ""), i.get("reason", "")), missing or "—",
                     i.get("gold_answer") or "—", (i.get("answer") or "")[:200], status.get(i["id"], "")])
    return rows


def run_eval_tab(ctx: AppContext, qa_choice: Any = None, qa_upload: Any = None, docs_mode: Any = DOCS_CURRENT,
                 docs_upload: Any = None, docs_folder: Any = None, baseline: bool = False,
                 password: Any = None, progress: ProgressFn | None = None):
    """Run a QA set on the chosen documents, store the run and diff it with the previous run of
    the same set. Returns (message, metrics rows, figure, failure rows, history rows, diff rows,
    the run (for the report download) or None)."""
    import tempfile
    import time

    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], None, [], [], [], None
        from assistant.upkeep.loop import not_recording
        from eval.harness import load_qa, run_eval, temp_kb
        from eval.history import diff_text, list_runs, run_record, save_run

        on_progress = _eval_progress(progress)

        with tempfile.TemporaryDirectory(prefix="kba-evaltab-") as work:
            qa_path = _qa_path(qa_choice, qa_upload, Path(work))
            items = load_qa(qa_path)  # a bad sheet stops here, before anything is built or stored
            docs = _docs_paths(docs_mode, docs_upload, docs_folder, Path(work))
            started = time.perf_counter()
            with not_recording():  # an evaluation's refusals are not users' unanswered questions
                if docs is None:
                    result = run_eval(ctx.settings, qa_path, baseline=bool(baseline), progress=on_progress)
                    kb_note = "当前知识库"
                else:
                    # a fresh embedded knowledge base in a temporary directory, whatever the app uses
                    local = ctx.settings.with_(chroma_host=None)
                    with temp_kb(local, docs) as (temp, info):
                        result = run_eval(temp, qa_path, baseline=bool(baseline), progress=on_progress, docs=docs)
                    kb_note = f"临时知识库（{info.get('ingest', '')}）"
            if docs is None:
                names: list[str] = []
            elif docs_mode == DOCS_UPLOAD:  # the uploaded files' names (their folder is temporary)
                names = sorted(p.name for d in docs for p in Path(d).rglob("*") if p.is_file())
            else:
                names = [str(d) for d in docs]
            run = run_record(result, qa_path, names[:50])
            save_run(ctx.settings, run)
        metrics, _ = eval_tables(result)
        runs = list_runs(ctx.settings, run["qa_set"])
        seconds = time.perf_counter() - started
        wrong = sum(1 for i in run["items"] if not i["correct"])
        message = (f"已评测 {Path(qa_path).name} 的 {len(items)} 题（{kb_note}，{result.info.get('mode', '')}），"
                   f"用时 {seconds:.1f} 秒；错 {wrong} 题。\n{diff_text(run['diff'])}")
        return (message, metrics, category_chart(result.per_category), run_failure_rows(run), history_rows(runs),
                diff_rows(run), run)
    except Exception as exc:
        return friendly_error(exc, "运行评测"), [], None, [], [], [], None


def eval_history(ctx: AppContext, qa_choice: Any = None, qa_upload: Any = None, password: Any = None):
    """(message, history rows, diff rows of the latest run, the latest run or None) of one QA set."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], [], None
        from eval.history import diff_text, list_runs

        upload = _one_upload(qa_upload)
        if upload:
            from assistant.web.admin import _source_of

            name = _source_of(upload)[1]
        else:
            name = _qa_path(qa_choice, None).name
        runs = list_runs(ctx.settings, name)
        if not runs:
            return f"{name} 还没有评测记录。", [], [], None
        last = runs[-1]
        return (f"{name} 共 {len(runs)} 次评测；最近一次 {last.get('time', '')}。"
                + diff_text(last.get("diff") or {"counts": {"new": last.get("n_items", 0)}, "previous_run": None}),
                history_rows(runs), diff_rows(last), last)
    except Exception as exc:
        return friendly_error(exc, "读取评测历史"), [], [], None


def eval_export(ctx: AppContext, run: Any, fmt: Any = ".xlsx", password: Any = None):
    """(message, path of the report: .xlsx (汇总 / 逐题 / 变化) or .md, or None)."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, None
        if not isinstance(run, dict) or not run.get("items"):
            return "请先运行一次评测（或查看历史），再导出报告。", None
        fmt = fmt if fmt in REPORT_FORMATS else ".xlsx"
        from assistant.web.maintain import export_dir
        from eval.history import export_report

        path = export_report(run, export_dir() / f"评测报告-{Path(run['qa_set']).stem}-{run['run_id']}{fmt}")
        return f"已导出评测报告：{path.name}", str(path)
    except Exception as exc:
        return friendly_error(exc, "导出评测报告"), None
