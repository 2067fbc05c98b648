"""Evaluation: the QA set through the app's own ``Assistant.ask``, against a naive RAG baseline.

``run_eval(settings, ...) -> EvalResult`` (eval.harness), metric functions (eval.metrics),
the baseline (eval.baseline) and the report writer (eval.report). Heavy imports stay inside
the functions, so importing this package is cheap.
"""

from __future__ import annotations

__all__ = ["run_eval", "EvalResult", "write_report"]


def __getattr__(name):
    if name in ("run_eval", "EvalResult"):
        from eval import harness

        return getattr(harness, name)
    if name == "write_report":
        from eval.report import write_report

        return write_report
    raise AttributeError(name)
