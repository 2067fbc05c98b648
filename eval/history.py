"""A history of evaluation runs per QA set, each compared with the previous run of the same set.

    run = run_and_record(settings, "专家问答.xlsx")     # evaluates, stores, diffs
    run["diff"]  # {"fixed": [...], "broken": [...], "unchanged_correct": [...], "unchanged_wrong": [...], ...}
    export_report(run, "报告.xlsx")                     # or .md / .json

Runs are JSON files under ``<data dir>/eval_history/<QA set>/``; a QA set is known by its file
name, so a corrected sheet saved under the same name compares with its earlier runs. For each
wrong answer a run keeps the key points the answer missed and the reference answer.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

HISTORY_DIR = "eval_history"


def _slug(qa_path: Path | str | None) -> str:
    from eval.harness import QA_PATH

    name = Path(qa_path).name if qa_path else QA_PATH.name
    return re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE)[:80] or "qa"


def history_dir(settings, qa_path: Path | str | None = None) -> Path:
    root = Path(settings.data_dir) / HISTORY_DIR
    return root / _slug(qa_path) if qa_path is not None else root


def missing_key_points(answer: str, key_points: list) -> list[list[str]]:
    """The key-point groups none of whose alternatives is in the answer."""
    from eval.metrics import key_points_hit

    return [g if isinstance(g, list) else [g] for g in key_points or [] if not key_points_hit(answer, [g])]


def run_record(result, qa_path: Path | str | None, docs: list[str] | None = None) -> dict[str, Any]:
    """What a run keeps: summary, and per question the verdict, the answer, what it missed."""
    items = []
    for r in result.records:
        kp = r["expected"]["key_points"]
        items.append({
            "id": r["id"], "question": r["question"], "category": r["category"], "correct": bool(r["correct"]),
            "reason": r["reason"], "abstained": r["abstained"], "expect_abstain": r["expect_abstain"],
            "answer": r["answer"], "gold_answer": r["expected"].get("gold_answer", ""),
            "missing_key_points": [] if r["correct"] or r["abstained"] else missing_key_points(r["answer"], kp),
            "key_points": kp})
    now = time.time()
    return {"run_id": time.strftime("%Y%m%d-%H%M%S", time.localtime(now)) + f"-{int(now * 1000) % 1000:03d}",
            "at": now, "time": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now)),
            "qa_set": _slug(qa_path), "qa_path": str(qa_path or ""), "docs": list(docs or []),
            "mode": result.info.get("mode", ""), "n_items": len(items),
            "summary": result.summary.get("ours", {}), "items": items}


def diff_runs(previous: dict[str, Any] | None, current: dict[str, Any]) -> dict[str, Any]:
    """Per question (by id): fixed (wrong -> right), broken (right -> wrong), unchanged, new, removed."""
    cur = {i["id"]: i for i in current["items"]}
    out: dict[str, Any] = {"previous_run": previous["run_id"] if previous else None, "fixed": [], "broken": [],
                           "unchanged_correct": [], "unchanged_wrong": [], "new": [], "removed": []}
    if previous is None:
        out["new"] = list(cur)
    else:
        prev = {i["id"]: i for i in previous["items"]}
        for item_id, item in cur.items():
            before = prev.get(item_id)
            if before is None:
                out["new"].append(item_id)
            elif before["correct"] and not item["correct"]:
                out["broken"].append(item_id)
            elif not before["correct"] and item["correct"]:
                out["fixed"].append(item_id)
            else:
                out["unchanged_correct" if item["correct"] else "unchanged_wrong"].append(item_id)
        out["removed"] = [i for i in prev if i not in cur]
    out["counts"] = {k: len(v) for k, v in out.items() if isinstance(v, list)}
    return out


def list_runs(settings, qa_path: Path | str | None = None) -> list[dict[str, Any]]:
    """Stored runs (newest last): of one QA set, or of all."""
    root = history_dir(settings, qa_path)
    files = sorted(root.glob("*.json") if qa_path is not None else root.glob("*/*.json"))
    runs = []
    for f in files:
        try:
            runs.append(json.loads(f.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a damaged file is skipped, never fatal
    return sorted(runs, key=lambda r: r.get("at", 0))


def save_run(settings, run: dict[str, Any]) -> Path:
    """Diff against the previous run of the same set, then store (atomically)."""
    previous = list_runs(settings, run["qa_set"])
    run["diff"] = diff_runs(previous[-1] if previous else None, run)
    folder = history_dir(settings, run["qa_set"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run['run_id']}.json"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(run, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def run_and_record(settings, qa_path: Path | str | None = None, *, docs: list[str] | None = None,
                   limit: int | None = None, progress=None) -> dict[str, Any]:
    """Evaluate (our pipeline, no baseline) on a QA set (.jsonl, .xlsx or .csv), store the run,
    return it with its diff. Refusals during the run are not recorded as unanswered questions."""
    from assistant.upkeep.loop import not_recording
    from eval.harness import run_eval

    with not_recording():
        result = run_eval(settings, qa_path, baseline=False, limit=limit, progress=progress)
    run = run_record(result, qa_path, docs)
    save_run(settings, run)
    return run


def diff_text(diff: dict[str, Any]) -> str:
    c = diff["counts"]
    if diff.get("previous_run") is None:
        return f"首次运行，共 {c['new']} 题，无可比较的上一次。"
    return (f"与上一次（{diff['previous_run']}）相比：修复 {c['fixed']} 题，新错 {c['broken']} 题，"
            f"仍正确 {c['unchanged_correct']} 题，仍错误 {c['unchanged_wrong']} 题"
            + (f"，新增 {c['new']} 题" if c["new"] else "") + (f"，移除 {c['removed']} 题" if c["removed"] else "") + "。")


def export_report(run: dict[str, Any], path: Path | str) -> Path:
    """The run as .xlsx (汇总 / 逐题 / 变化), .md or .json."""
    from assistant.errors import UserError

    path = Path(path)
    suffix = path.suffix.lower()
    diff = run.get("diff") or diff_runs(None, run)
    status = {i: label for label, key in (("修复", "fixed"), ("新错", "broken"), ("仍正确", "unchanged_correct"),
                                          ("仍错误", "unchanged_wrong"), ("新增", "new")) for i in diff.get(key, [])}
    s = run.get("summary", {})

    def pct(v):
        return "—" if v is None else f"{v * 100:.1f}%"

    def kp(groups):
        return "\n".join("；".join(g) for g in groups)

    if suffix == ".json":
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(run, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
        return path
    if suffix == ".xlsx":
        from assistant.upkeep.sheets import write_xlsx

        return write_xlsx(path, {
            "汇总": (["项目", "值"], [["问答集", run["qa_set"]], ["时间", run["time"]], ["模式", run["mode"]],
                                   ["题数", run["n_items"]], ["整体正确率", pct(s.get("accuracy"))],
                                   ["要点正确率", pct(s.get("key_point_accuracy"))],
                                   ["拒答召回率", pct(s.get("abstention_recall"))], ["对比", diff_text(diff)]]),
            "逐题": (["编号", "问题", "结果", "变化", "缺少的要点", "参考答案", "回答", "原因"],
                   [[i["id"], i["question"], "正确" if i["correct"] else "错误", status.get(i["id"], ""),
                     kp(i["missing_key_points"]), i["gold_answer"], i["answer"], i["reason"]] for i in run["items"]]),
            "变化": (["变化", "编号", "问题"],
                   [[status[i["id"]], i["id"], i["question"]] for i in run["items"]
                    if status.get(i["id"]) in ("修复", "新错")]),
        })
    if suffix == ".md":
        lines = [f"# 评测报告：{run['qa_set']}", "", f"- 时间：{run['time']}", f"- 模式：{run['mode']}",
                 f"- 题数：{run['n_items']}", f"- 整体正确率：{pct(s.get('accuracy'))}",
                 f"- 要点正确率：{pct(s.get('key_point_accuracy'))}", f"- {diff_text(diff)}", "", "## 错题", ""]
        for i in run["items"]:
            if not i["correct"]:
                lines += [f"### {i['id']} {i['question']}（{status.get(i['id'], '')}）", "",
                          f"- 缺少的要点：{kp(i['missing_key_points']) or '—'}",
                          f"- 参考答案：{i['gold_answer'] or '—'}", f"- 回答：{i['answer']}", ""]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("\n".join(lines), encoding="utf-8")
        tmp.replace(path)
        return path
    raise UserError(f"报告只能导出为 .xlsx、.md 或 .json：{path.name}")


def qa_sets(settings) -> list[dict[str, Any]]:
    """QA sets to choose from: the shipped JSONL sets and every set with stored runs
    (name, path when known, number of runs, time of the last run)."""
    from eval.harness import QA_PATH

    out: dict[str, dict[str, Any]] = {}
    for path in sorted(QA_PATH.parent.glob("qa*.jsonl")):
        out[_slug(path)] = {"name": path.name, "path": str(path), "runs": 0, "last_run": None}
    for run in list_runs(settings):
        entry = out.setdefault(run["qa_set"], {"name": run["qa_set"], "path": run.get("qa_path", ""),
                                               "runs": 0, "last_run": None})
        entry["runs"] += 1
        entry["last_run"] = run.get("time")
        entry["path"] = entry["path"] or run.get("qa_path", "")
    return list(out.values())
