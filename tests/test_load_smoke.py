"""Load smoke test: ``bench/load.py``'s own code, 5 gradio_client users for ~5 s against the real
app started as ``python app.py`` (the full 20-client, 60-second run is ``python bench/load.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # bench/ is a plain directory next to the packages
    sys.path.insert(0, str(REPO))

from bench import load  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("load")
    load.build_kb(root / "data")
    started = load.start_app(root / "data", log_path=root / "app.log")
    try:
        yield started
    finally:
        load.stop_app(started)


@pytest.fixture(scope="module")
def expected(app):
    responses, problems = load.baseline(app.url)
    assert problems == []
    assert sorted(responses) == list(range(len(load.MIX)))
    return responses


def test_five_clients_for_five_seconds(app, expected):
    result = load.run_load(app.url, clients=5, seconds=5, expected=expected, timeout=60)
    assert result.errors == [], result.errors[:5]
    summary = load.summarise(result)
    assert summary["errors"] == 0 and summary["requests"] == len(result.samples) >= 10
    assert all(s.ok for s in result.samples)  # every response passed load.check (shape and kind)
    assert set(summary["endpoints"]) == {"/ask", "/score"}
    assert len({s.kind for s in result.samples}) >= 5
    assert 5 <= result.duration < 5 + 60
    assert "离线模式" in summary["mode"]
    ask = summary["endpoints"]["/ask"]
    assert 0 < ask["p50_ms"] <= ask["p95_ms"] <= ask["p99_ms"] <= ask["max_ms"]
    assert "server_p50_ms" in ask
    table = load.format_table(summary)
    assert "/ask" in table and "errors: 0" in table
    assert load.traceback_errors(app.log()) == [] and app.proc.poll() is None


def test_clients_in_two_processes(app, expected):
    result = load.run_load(app.url, clients=2, seconds=2, expected=expected, timeout=60, processes=2)
    assert result.errors == [], result.errors[:5]
    assert result.samples and all(s.ok for s in result.samples)
    assert {s.endpoint for s in result.samples} >= {"/ask"}


def test_the_checks_can_fail(app, expected):
    """A wrong expectation, a malformed record, a refusal where an answer was due: all caught."""
    wrong = {i: ({"answer": "不同的回答"} if r.endpoint == "/ask" else {"grade": "五星级"})
             for i, r in enumerate(load.MIX)}
    result = load.run_load(app.url, clients=1, seconds=0.5, expected=wrong, timeout=60)
    assert result.samples and not any(s.ok for s in result.samples)
    assert any("differs from the single-client baseline" in e for e in result.errors)

    good = {"question": "q", "answer": "是服务认证[1]。", "abstained": False, "mode": "离线模式", "notices": [],
            "latency_ms": 1.0, "tool_calls": [],
            "citations": [{"n": 1, "source": "s", "title": "t", "locator": "l", "text": "x"}]}
    assert load.check_ask(good, "in_scope") == []
    assert load.check_ask({**good, "answer": "见[2]。"}, "in_scope")  # marker without a citation
    assert load.check_ask({**good, "abstained": True}, "in_scope")
    assert load.check_ask(good, "out_of_scope")
    assert load.check_ask({k: v for k, v in good.items() if k != "mode"}, "in_scope")
    assert load.check_ask({**good, "error": "内部错误"}, "in_scope")
    assert load.check_ask(good, "score_question")
    assert load.check_score({"grade": "三星级"}, {"grade": "四星级"})
    assert load.check_score({"grade": "三星级"}, {"error": "0 到 100"})
    assert load.check_score({"error": "总分必须在 0 到 100 之间"}, {"error": "0 到 100"}) == []
    assert load.percentile([3.0, 1.0, 2.0, 4.0], 0.5) == 2.0 and load.percentile([1.0], 0.99) == 1.0
