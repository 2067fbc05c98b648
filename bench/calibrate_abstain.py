"""Calibrate the evidence refusal (assistant.pipeline.answer.AbstainPolicy) on the QA sets.

    python bench/calibrate_abstain.py [--data-dir DIR] [--qa FILE ...] [--dump FILE]

For every non-score question of the given sets it retrieves as the assistant does, measures how
much of the question the passages it would cite cover (assistant.pipeline.answer.evidence_for), and
prints, per candidate threshold pair, how many answerable questions would be refused and how
many out-of-scope ones answered. Policy refusals (fraud, writing tasks) are left out: they do
not depend on evidence. Builds the knowledge base from corpus/ into DIR when it is empty.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_SETS = ["eval/qa.jsonl", "eval/qa_holdout.jsonl", "eval/qa_blind2.jsonl"]


def features(assistant, items):
    from assistant.core import clean_history
    from assistant.domain.followup import resolve_followup
    from assistant.domain.scope import policy_refusal
    from assistant.domain.score_intent import score_request
    from assistant.lang.text import tokenize

    rows = []
    for item in items:
        history, _ = clean_history(item.get("history"))
        q = item["question"]
        resolved = resolve_followup(q, history, len(tokenize(q)))
        if score_request(q, resolved) is not None or policy_refusal(q) is not None:
            continue
        if assistant._refuse_out_of_scope(q, resolved) is not None:
            continue  # refused before retrieval (no domain word at all)
        retrieval = assistant.search(q, k=5, context=resolved, focus=assistant.understand(q, resolved).focus)
        from assistant.domain.conflicts import authoritative_first
        retrieval.hits = authoritative_first(retrieval.hits)  # as answer_offline does
        ev = assistant.compose(q, resolved, retrieval)[2] if retrieval.hits else None
        rows.append({"id": item["id"], "question": q, "abstain": bool(item.get("expect_abstain")),
                     "coverage": ev.coverage if ev else 0.0,
                     "missing_weight": ev.missing_weight if ev else 99.0,
                     "focus_rarity": ev.focus_rarity if ev and ev.qtype in assistant.policy.lookup_types else 0.0,
                     "heaviest": ev.heaviest_missing if ev else 99.0,
                     "focus_missing": ev.focus_missing if ev else "",
                     "focus_rarity_any": ev.focus_rarity if ev else 0.0,
                     "refused": assistant.policy.should_abstain(ev, bool(retrieval.hits)),
                     "ask_missing": [list(x) for x in (ev.ask_missing if ev else ())],
                     "qtype": ev.qtype if ev else "",
                     "name_missing": ev.name_missing if ev else "",
                     "unit_missing": ev.unit_missing if ev else "",
                     "missing": [w for w, _ in (ev.missing if ev else ())][:4]})
    return rows


def sweep(rows):
    best = []
    for min_cov in [x / 100 for x in range(10, 51, 5)]:
        for min_weight in [15.0, 20.0, 25.0, 30.0, 35.0, 40.0]:
            for rare in [13.5, 14.5, 15.5, 99.0]:
                def refuse(r):
                    return (r["coverage"] < min_cov and r["missing_weight"] >= min_weight) or \
                        (r["focus_rarity"] >= rare and r["coverage"] < 0.5)
                wrong_refusals = sum(1 for r in rows if not r["abstain"] and refuse(r))
                missed = sum(1 for r in rows if r["abstain"] and not refuse(r))
                best.append((wrong_refusals * 3 + missed, wrong_refusals, missed, min_cov, min_weight, rare))
    best.sort()
    return best[:15]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--qa", nargs="*", default=DEFAULT_SETS)
    ap.add_argument("--dump", default=None)
    ap.add_argument("--also", nargs=2, metavar=("DATA_DIR", "QA"), action="append", default=[],
                    help="another knowledge base (already built) and its QA set, e.g. the seeds")
    args = ap.parse_args()
    import tempfile

    from assistant.config import Settings
    from assistant.core import Assistant
    from eval.harness import ensure_ingested, load_qa

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="kba-calib-"))
    settings = Settings.from_env(data_dir=data_dir)
    ensure_ingested(settings)
    assistant = Assistant(settings)
    rows = []
    for path in args.qa:
        rows += [dict(r, set=Path(path).stem) for r in features(assistant, load_qa(REPO / path))]
    for other_dir, qa in args.also:
        other = Assistant(Settings.from_env(data_dir=Path(other_dir)))
        rows += [dict(r, set=Path(qa).stem) for r in features(other, load_qa(Path(qa)))]
    if args.dump:
        Path(args.dump).write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    print(f"{len(rows)} questions ({sum(r['abstain'] for r in rows)} out of scope)")
    wrong = [r for r in rows if r["refused"] and not r["abstain"]]
    caught = [r for r in rows if r["refused"] and r["abstain"]]
    print(f"current policy: {len(wrong)} answerable refused, {len(caught)} out-of-scope refused on evidence")
    for r in wrong:
        print("  refused answerable:", r["id"], r["question"][:40], r["missing"])
    print("cost wrong_refusals answered_out_of_scope min_coverage min_missing_weight rare_focus")
    for row in sweep(rows):
        print(*row)


if __name__ == "__main__":
    main()
