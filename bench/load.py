"""Load test: concurrent gradio_client users against the real app on loopback.

    python bench/load.py [--clients 20] [--seconds 60] [--processes 1] [--data-dir DIR] [--port N]
                         [--json FILE]

Builds (or incrementally updates) the knowledge base from ``corpus/`` in ``--data-dir`` (default:
a temporary directory; offline hashing embedder unless ``--embedding-model`` says otherwise),
starts ``python app.py --host 127.0.0.1 --port N --data-dir D`` as a subprocess on a free port,
waits until it serves its page, then runs ``--clients`` threads for ``--seconds``. Each thread owns
one ``gradio_client.Client`` (its own session, as a real user would; one Client per thread also
keeps the test independent of how a shared Client multiplexes jobs) and cycles through a mix of
``/ask`` questions (in scope, out of scope, traditional Chinese, a score question, a follow-up
with history) and ``/score`` calls (valid and invalid), starting at a different place in the mix.

Every response is checked: the documented shape, the expected kind of answer (cited answer,
refusal, tool result, ``{"error": …}`` for bad score input), and — because answers are
deterministic — equality with the answer the same request got from a single client before the
load started, so a race inside the shared ``Assistant`` shows up as an error. A "Traceback" in
the server log counts as an error too.

Prints a table (clients, duration, requests, errors with the first few messages, throughput,
latency p50/p95/p99/max per endpoint as seen by the client, the server-side answer time of
``/ask``, and the CPU used by the server and by the clients); ``--json`` writes the same figures.
Exit code 0 when there was no error, 1 otherwise, 2 when the app could not be started.

One Python process driving many gradio_client clients is limited by its own GIL (a call costs
the client more CPU than the server), so ``--processes N`` spreads the clients over N processes
when the server rather than the load generator should be the bottleneck.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

# No telemetry or hub look-ups from gradio_client / huggingface_hub: loopback only. Set before
# gradio_client is imported (huggingface_hub reads these at import time).
for _key, _value in (("GRADIO_ANALYTICS_ENABLED", "False"), ("HF_HUB_DISABLE_TELEMETRY", "1"),
                     ("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1")):
    os.environ.setdefault(_key, _value)

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

ASK_KEYS = {"question", "answer", "abstained", "citations", "tool_calls", "latency_ms", "mode", "notices"}
CITATION_KEYS = {"n", "source", "title", "locator", "text"}
REFUSAL = "知识库中没有找到依据"
_MARKER = re.compile(r"\[(\d+)\]")
_HISTORY = [{"role": "user", "content": "证书有效期几年？"},
            {"role": "assistant", "content": "售后服务认证证书有效期一般为3年[1]。"}]


# --------------------------------------------------------------------------- the request mix


@dataclass(frozen=True)
class Request:
    """One call of the mix and what its response must look like."""

    kind: str  # in_scope | out_of_scope | traditional | score_question | followup | score | score_error
    endpoint: str  # "/ask" | "/score"
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        shown = self.args[0] if self.args else json.dumps(self.kwargs, ensure_ascii=False)
        return f"{self.endpoint} {self.kind} {shown}"


MIX: tuple[Request, ...] = (
    Request("in_scope", "/ask", ("售后服务认证属于哪类认证？",)),
    Request("out_of_scope", "/ask", ("认证费用是多少钱？",)),
    Request("score", "/score", kwargs={"total": 88}, expect={"grade": "三星级", "score": 88, "points_to_next": 2}),
    Request("traditional", "/ask", ("證書有效期幾年？每年要監督嗎？",)),
    Request("in_scope", "/ask", ("我们是贸易公司，能申请吗？",)),
    Request("score_question", "/ask", ("得了88分能评几星？离四星差几分？",),
            expect={"grade": "三星级", "points_to_next": 2}),
    Request("out_of_scope", "/ask", ("今天天气怎么样？",)),
    Request("score", "/score", kwargs={"earned": 76, "applicable_total": 80, "special_deductions": 0, "bonus": 0},
            expect={"grade": "五星级", "score": 95}),
    Request("followup", "/ask", ("那每年要监督吗？", _HISTORY)),
    Request("traditional", "/ask", ("售後服務認證屬於哪類認證？",)),
    Request("score_question", "/ask", ("实际得分76分，涉及项分值80分，是几星？",), expect={"grade": "五星级"}),
    Request("score_error", "/score", kwargs={"total": 120}, expect={"error": "0 到 100"}),
    Request("in_scope", "/ask", ("证书有效期几年？每年要监督吗？",)),
)


# --------------------------------------------------------------------------- checks


def check_ask(record: Any, kind: str, expect: dict | None = None) -> list[str]:
    """Problems with one ``/ask`` record (empty when it is well-formed and of the expected kind)."""
    expect = expect or {}
    if not isinstance(record, dict):
        return [f"/ask returned {type(record).__name__}, not a dict"]
    problems = []
    if "error" in record:
        problems.append(f"/ask returned an error: {record['error']}")
    missing = ASK_KEYS - set(record)
    if missing:
        problems.append(f"/ask record lacks {sorted(missing)}")
        return problems
    answer = record["answer"]
    if not isinstance(answer, str) or not answer.strip():
        problems.append("empty answer")
        answer = str(answer)
    if "Traceback" in answer:
        problems.append("answer contains a Traceback")
    if not isinstance(record["abstained"], bool):
        problems.append("abstained is not a bool")
    if not isinstance(record["latency_ms"], (int, float)) or record["latency_ms"] < 0:
        problems.append(f"bad latency_ms {record['latency_ms']!r}")
    if not isinstance(record["mode"], str) or not record["mode"]:
        problems.append("no mode")
    if not isinstance(record["notices"], list):
        problems.append("notices is not a list")
    citations = record["citations"]
    if not isinstance(citations, list):
        return problems + ["citations is not a list"]
    for i, c in enumerate(citations, start=1):
        if not isinstance(c, dict) or set(c) != CITATION_KEYS:
            problems.append(f"citation {i} has keys {sorted(c) if isinstance(c, dict) else c!r}")
        elif c["n"] != i or not str(c["text"]).strip() or not str(c["title"]).strip():
            problems.append(f"citation {i} is malformed (n={c['n']!r})")
    numbers = {c.get("n") for c in citations if isinstance(c, dict)}
    dangling = sorted({int(n) for n in _MARKER.findall(answer)} - numbers)
    if dangling:
        problems.append(f"markers {dangling} do not resolve to a citation")
    tools = record["tool_calls"]
    if not isinstance(tools, list):
        return problems + ["tool_calls is not a list"]
    if kind in ("in_scope", "traditional", "followup"):
        if record["abstained"] or not citations or "[1]" not in answer or tools:
            problems.append(f"expected a cited answer, got abstained={record['abstained']} "
                            f"citations={len(citations)} tools={len(tools)}")
    elif kind == "out_of_scope":
        if not record["abstained"] or citations or REFUSAL not in answer:
            problems.append(f"expected a refusal, got abstained={record['abstained']} citations={len(citations)}")
    elif kind == "score_question":
        if record["abstained"] or len(tools) != 1 or tools[0].get("name") != "calculate_grade":
            problems.append(f"expected one calculate_grade call, got {[t.get('name') for t in tools]}")
        else:
            result = tools[0].get("result") or {}
            for key, value in expect.items():
                if result.get(key) != value:
                    problems.append(f"tool result {key}={result.get(key)!r}, expected {value!r}")
            if result.get("grade") and result["grade"] not in answer:
                problems.append("the answer does not state the grade")
            if not citations:
                problems.append("score answer without citations")
    return problems


def check_score(result: Any, expect: dict) -> list[str]:
    """Problems with one ``/score`` result."""
    if not isinstance(result, dict):
        return [f"/score returned {type(result).__name__}, not a dict"]
    if "error" in expect:
        error = result.get("error")
        if not isinstance(error, str) or expect["error"] not in error:
            return [f"expected an error containing {expect['error']!r}, got {result!r:.200}"]
        return ["error message contains a Traceback"] if "Traceback" in error else []
    if "error" in result:
        return [f"/score returned an error: {result['error']}"]
    return [f"{key}={result.get(key)!r}, expected {value!r}" for key, value in expect.items()
            if result.get(key) != value]


def check(request: Request, response: Any) -> list[str]:
    if request.endpoint == "/ask":
        return check_ask(response, request.kind, request.expect)
    return check_score(response, request.expect)


def comparable(request: Request, response: Any) -> Any:
    """The deterministic part of a response (timings vary from call to call)."""
    if request.endpoint == "/ask" and isinstance(response, dict):
        return {k: v for k, v in response.items() if k != "latency_ms"}
    return response


# --------------------------------------------------------------------------- app process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(data_dir: Path, embedding_model: str | None = "hashing", extra: dict[str, str] | None = None
            ) -> dict[str, str]:
    """The app's environment: offline, embedded Chroma; ``embedding_model=None`` keeps the
    environment's own KBA_EMBEDDING_MODEL (or the default); ``extra`` is added last (e.g. a
    Chroma server's KBA_CHROMA_HOST / KBA_CHROMA_PORT, see bench/server_kill.py)."""
    env = dict(os.environ, KBA_DATA_DIR=str(data_dir),
               GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1",
               TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1")
    if embedding_model is not None:
        env["KBA_EMBEDDING_MODEL"] = embedding_model
    for key in ("KBA_LLM_MODEL", "KBA_LLM_BASE_URL", "KBA_CHROMA_HOST", "KBA_RERANKER_MODEL"):
        env.pop(key, None)  # the offline path, embedded Chroma
    env.update(extra or {})
    return env


def build_kb(data_dir: Path, embedding_model: str = "hashing", timeout: float = 600,
             extra_env: dict[str, str] | None = None) -> str:
    """Ingest corpus/ into ``data_dir`` (incremental: an unchanged KB is reused); returns the summary."""
    proc = subprocess.run([sys.executable, "-m", "assistant", "ingest", "--no-progress", "--data-dir", str(data_dir)],
                          cwd=REPO, env=app_env(data_dir, embedding_model, extra_env), capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"ingest failed (exit {proc.returncode}): {(proc.stderr or proc.stdout).strip()[-500:]}")
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


@dataclass
class App:
    proc: subprocess.Popen
    url: str
    log_path: Path
    start_seconds: float

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


def start_app(data_dir: Path, port: int | None = None, embedding_model: str | None = "hashing",
              timeout: float = 180, log_path: Path | None = None, poll: float = 0.1,
              extra_env: dict[str, str] | None = None) -> App:
    """``python app.py`` on 127.0.0.1; returns once ``GET /`` answers 200 (raises when it exits)."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/"
    if log_path is None:
        log_path = Path(tempfile.mkstemp(prefix="kba-load-app-", suffix=".log")[1])
    log = log_path.open("wb")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--host", "127.0.0.1", "--port", str(port),
                             "--data-dir", str(data_dir)], cwd=REPO, env=app_env(data_dir, embedding_model, extra_env),
                            stdout=log, stderr=subprocess.STDOUT)
    log.close()
    app = App(proc, url, log_path, 0.0)
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with code {proc.returncode}: {app.log().strip()[-800:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    app.start_seconds = time.perf_counter() - started
                    return app
        except OSError:
            pass
        if time.perf_counter() - started > timeout:
            stop_app(app)
            raise RuntimeError(f"app.py did not serve {url} within {timeout:.0f} s: {app.log().strip()[-800:]}")
        time.sleep(poll)


def stop_app(app: App) -> None:
    if app.proc.poll() is None:
        app.proc.terminate()
        try:
            app.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.proc.kill()
            app.proc.wait()


def make_client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


# --------------------------------------------------------------------------- the load


@dataclass
class Sample:
    endpoint: str
    kind: str
    seconds: float  # client-observed wall time of the call
    server_ms: float | None  # /ask: the answer's own latency_ms
    ok: bool


@dataclass
class LoadResult:
    url: str
    clients: int
    seconds: float  # requested duration
    duration: float = 0.0  # from the common start to the last response
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    mode: str = ""

    @property
    def requests(self) -> int:
        return len(self.samples)


def call(client, request: Request, timeout: float) -> Any:
    """One prediction with a deadline (``Client.predict`` itself waits forever)."""
    return client.submit(*request.args, api_name=request.endpoint, **request.kwargs).result(timeout=timeout)


def baseline(url: str, mix: tuple[Request, ...] = MIX, timeout: float = 60) -> tuple[dict[int, Any], list[str]]:
    """Each request of the mix once, from one client, before any load: (responses, problems)."""
    client = make_client(url)
    responses: dict[int, Any] = {}
    problems: list[str] = []
    try:
        for i, request in enumerate(mix):
            response = call(client, request, timeout)
            responses[i] = comparable(request, response)
            problems += [f"baseline {request.label}: {p}" for p in check(request, response)]
    finally:
        client.close()
    return responses, problems


def run_load(url: str, clients: int = 20, seconds: float = 60.0, mix: tuple[Request, ...] = MIX,
             timeout: float = 60.0, expected: dict[int, Any] | None = None,
             on_progress: Callable[[str], None] | None = None, processes: int = 1) -> LoadResult:
    """``clients`` threads, one ``gradio_client.Client`` each, calling the mix for ``seconds``.

    ``expected`` (from ``baseline``) maps a mix index to the response a single client got; any
    different response under load is an error. With ``processes`` > 1 the clients are spread over
    that many worker processes (threads in each) that start together: one Python process running
    many gradio_client clients is bound by its own GIL long before the server is.
    """
    processes = max(1, min(processes, clients))
    if processes == 1:
        return _run_threads(url, clients, seconds, mix, timeout, expected, on_progress)
    import multiprocessing as mp

    ctx = mp.get_context("spawn")  # no fork of a process that has threads
    go = ctx.Barrier(processes + 1, timeout=timeout + 180)
    queue = ctx.Queue()
    shares = [clients // processes + (1 if n < clients % processes else 0) for n in range(processes)]
    firsts = [sum(shares[:n]) for n in range(processes)]
    workers = [ctx.Process(target=_process_main, args=(url, share, seconds, mix, timeout, expected, first, go, queue),
                           name=f"load-proc-{n}", daemon=True) for n, (share, first) in enumerate(zip(shares, firsts))]
    for w in workers:
        w.start()
    result = LoadResult(url, clients, seconds)
    try:
        go.wait()
        started = time.perf_counter()
    except threading.BrokenBarrierError:
        started = time.perf_counter()
        result.errors.append("the worker processes did not all connect in time")
    if on_progress:
        on_progress(f"{clients} clients in {processes} processes connected; running for {seconds:g} s …")
    modes = set()
    for _ in workers:
        try:
            part: LoadResult = queue.get(timeout=seconds + timeout + 240)
        except Exception:
            result.errors.append("a worker process sent no result")
            continue
        result.samples += part.samples
        result.errors += part.errors
        modes.update(filter(None, part.mode.split(" | ")))
    result.duration = time.perf_counter() - started
    for w in workers:
        w.join(30)
        if w.exitcode not in (0, None) and not w.is_alive():
            result.errors.append(f"{w.name} exited with code {w.exitcode}")
    result.mode = " | ".join(sorted(modes))
    return result


def _process_main(url, clients, seconds, mix, timeout, expected, first, go, queue) -> None:
    """One worker process: its clients connect, then every process starts at the same moment."""
    try:
        part = _run_threads(url, clients, seconds, mix, timeout, expected, None, first=first, sync=go.wait)
    except Exception as exc:  # reported, never lost
        part = LoadResult(url, clients, seconds, errors=[f"worker process: {type(exc).__name__}: {exc}"])
    queue.put(part)


def _run_threads(url: str, clients: int, seconds: float, mix: tuple[Request, ...], timeout: float,
                 expected: dict[int, Any] | None, on_progress: Callable[[str], None] | None,
                 first: int = 0, sync: Callable[[], None] | None = None) -> LoadResult:
    result = LoadResult(url, clients, seconds)
    lock = threading.Lock()
    connected = threading.Barrier(clients + 1, timeout=timeout + 120)
    go = threading.Event()
    modes: set[str] = set()

    def error(message: str) -> None:
        with lock:
            result.errors.append(message)

    def worker(index: int) -> None:
        try:
            client = make_client(url)
        except Exception as exc:  # counted, and the barrier still releases the others
            error(f"client {index}: could not connect: {type(exc).__name__}: {exc}")
            _wait(connected)
            return
        samples: list[Sample] = []
        try:
            if not _wait(connected):
                error(f"client {index}: gave up waiting for the other clients to connect")
                return
            go.wait()
            deadline = time.perf_counter() + seconds  # every client starts together
            i = index % len(mix)  # and elsewhere in the mix
            while time.perf_counter() < deadline:
                request = mix[i]
                t0 = time.perf_counter()
                server_ms = None
                try:
                    response = call(client, request, timeout)
                    problems = check(request, response)
                    if expected is not None and i in expected and comparable(request, response) != expected[i]:
                        problems.append("response differs from the single-client baseline")
                    if request.endpoint == "/ask" and isinstance(response, dict):
                        server_ms = response.get("latency_ms")
                        if response.get("mode"):
                            modes.add(response["mode"])
                except Exception as exc:
                    problems = [f"{type(exc).__name__}: {str(exc)[:300]}"]
                elapsed = time.perf_counter() - t0
                samples.append(Sample(request.endpoint, request.kind, elapsed, server_ms, not problems))
                for p in problems:
                    error(f"client {index} {request.label}: {p}")
                i = (i + 1) % len(mix)
        finally:
            with lock:
                result.samples.extend(samples)
            client.close()

    threads = [threading.Thread(target=worker, args=(n,), name=f"load-{n}", daemon=True)
               for n in range(first, first + clients)]
    for t in threads:
        t.start()
    _wait(connected)  # every client connected (or failed)
    if sync is not None:
        try:
            sync()  # the other processes' clients are connected too
        except Exception as exc:
            error(f"start barrier: {type(exc).__name__}: {exc}")
    started = time.perf_counter()  # before any client can start its clock
    go.set()
    if on_progress:
        on_progress(f"{clients} clients connected; running for {seconds:g} s …")
    for t in threads:
        t.join(seconds + timeout + 30)
        if t.is_alive():
            error(f"{t.name} did not finish")
    result.duration = time.perf_counter() - started
    result.mode = " | ".join(sorted(modes))
    return result


def _wait(barrier: threading.Barrier) -> bool:
    try:
        barrier.wait()
        return True
    except threading.BrokenBarrierError:
        return False


# --------------------------------------------------------------------------- figures


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in [0, 1]); nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))]


def summarise(result: LoadResult, max_errors: int = 5) -> dict[str, Any]:
    """The figures as a JSON-ready dict."""
    def stats(samples: list[Sample]) -> dict[str, Any]:
        ms = [s.seconds * 1e3 for s in samples]
        server = [s.server_ms for s in samples if s.server_ms is not None]
        out = {
            "requests": len(samples),
            "errors": sum(not s.ok for s in samples),
            "throughput_rps": round(len(samples) / result.duration, 2) if result.duration else 0.0,
            **{f"p{int(q * 100)}_ms": round(percentile(ms, q), 1) for q in (0.5, 0.95, 0.99)},
            "max_ms": round(max(ms), 1) if ms else math.nan,
        }
        if server:
            out["server_p50_ms"] = round(percentile(server, 0.5), 1)
            out["server_p95_ms"] = round(percentile(server, 0.95), 1)
        return out

    endpoints = sorted({s.endpoint for s in result.samples})
    kinds = sorted({s.kind for s in result.samples})
    return {
        "url": result.url,
        "mode": result.mode,
        "clients": result.clients,
        "seconds": result.seconds,
        "duration_s": round(result.duration, 2),
        "requests": result.requests,
        "errors": len(result.errors),
        "error_samples": result.errors[:max_errors],
        "throughput_rps": round(result.requests / result.duration, 2) if result.duration else 0.0,
        "endpoints": {e: stats([s for s in result.samples if s.endpoint == e]) for e in endpoints},
        "kinds": {k: stats([s for s in result.samples if s.kind == k]) for k in kinds},
        "all": stats(result.samples),
    }


def format_table(summary: dict[str, Any]) -> str:
    head = (f"{'':16}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
            f"{'max ms':>9}{'server p50/p95 ms':>20}")

    def row(name: str, s: dict[str, Any]) -> str:
        server = (f"{s['server_p50_ms']:.1f} / {s['server_p95_ms']:.1f}" if "server_p50_ms" in s else "")
        return (f"{name:16}{s['requests']:>9}{s['errors']:>8}{s['throughput_rps']:>8.1f}{s['p50_ms']:>9.1f}"
                f"{s['p95_ms']:>9.1f}{s['p99_ms']:>9.1f}{s['max_ms']:>9.1f}{server:>20}")

    lines = [
        f"load test: {summary['clients']} clients"
        + (f" in {summary['processes']} processes" if summary.get("processes", 1) > 1 else "")
        + f", {summary['duration_s']:.1f} s (asked {summary['seconds']:g} s), {summary['url']}",
        f"mode: {summary['mode'] or '?'}",
        f"requests: {summary['requests']}, errors: {summary['errors']}, "
        f"throughput: {summary['throughput_rps']:.1f} req/s",
        "",
        head,
        *(row(name, s) for name, s in summary["endpoints"].items()),
        row("all", summary["all"]),
        "",
        "by kind:",
        *(row("  " + name, s) for name, s in summary["kinds"].items()),
    ]
    cpu = summary.get("cpu")
    if cpu:
        server = (f"server {cpu['server_cores']:.2f} cores ({cpu['server_ms_per_request']:.1f} ms CPU per request), "
                  if cpu.get("server_cores") is not None else "")
        lines += ["", f"CPU during the load: {server}clients {cpu['client_cores']:.2f} cores "
                      f"({cpu['client_ms_per_request']:.1f} ms per request); {os.cpu_count()} CPUs"]
    if summary["errors"]:
        lines += ["", f"first {len(summary['error_samples'])} of {summary['errors']} errors:",
                  *(f"  - {e}" for e in summary["error_samples"])]
    return "\n".join(lines)


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def own_cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the client side of the test)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def cpu_figures(server_s: float | None, client_s: float, duration: float, requests: int) -> dict[str, Any]:
    out: dict[str, Any] = {"client_cores": round(client_s / duration, 2) if duration else None,
                           "client_ms_per_request": round(client_s / requests * 1e3, 1) if requests else None}
    if server_s is not None:
        out["server_cores"] = round(server_s / duration, 2) if duration else None
        out["server_ms_per_request"] = round(server_s / requests * 1e3, 1) if requests else None
    return out


def traceback_errors(log: str) -> list[str]:
    """Server log lines that show a traceback (a handler that raised)."""
    return [f"server log: {line.strip()[:300]}" for line in log.splitlines() if "Traceback" in line]


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    p.add_argument("--seconds", type=float, default=60.0, help="duration of the load (default 60)")
    p.add_argument("--data-dir", help="knowledge base to use (built from corpus/ if needed; default a temp dir)")
    p.add_argument("--port", type=int, help="port for the app (default: a free one)")
    p.add_argument("--embedding-model", default=os.environ.get("KBA_EMBEDDING_MODEL", "hashing"),
                   help="KBA_EMBEDDING_MODEL for ingest and app (default hashing)")
    p.add_argument("--processes", type=int, default=1,
                   help="spread the clients over this many client processes (default 1: threads in one process)")
    p.add_argument("--timeout", type=float, default=60.0, help="per-request timeout in seconds")
    p.add_argument("--json", dest="json_path", metavar="FILE", help="also write the figures as JSON")
    args = p.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0:
        p.error("--clients must be ≥ 1 and --seconds > 0")

    with tempfile.TemporaryDirectory(prefix="kba-load-") as tmp:
        data_dir = Path(args.data_dir) if args.data_dir else Path(tmp) / "data"
        print(f"knowledge base: {data_dir}", flush=True)
        try:
            print(f"  {build_kb(data_dir, args.embedding_model)}", flush=True)
            app = start_app(data_dir, args.port, args.embedding_model, log_path=Path(tmp) / "app.log")
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"cannot start the app: {exc}", file=sys.stderr)
            return 2
        try:
            print(f"app: {app.url} (ready after {app.start_seconds:.1f} s)", flush=True)
            try:
                expected, problems = baseline(app.url, timeout=args.timeout)
            except Exception as exc:  # the app answers its page but not the API
                print(f"the single-client baseline failed: {type(exc).__name__}: {exc}", file=sys.stderr)
                return 1
            server_cpu, client_cpu = process_cpu_seconds(app.proc.pid), own_cpu_seconds()
            result = run_load(app.url, args.clients, args.seconds, timeout=args.timeout, expected=expected,
                              on_progress=lambda m: print(m, flush=True), processes=args.processes)
            server_after = process_cpu_seconds(app.proc.pid)
            server_cpu = None if server_cpu is None or server_after is None else server_after - server_cpu
            client_cpu = own_cpu_seconds() - client_cpu
            result.errors[:0] = problems
            result.errors += traceback_errors(app.log())
            if app.proc.poll() is not None:
                result.errors.append(f"app.py exited during the run with code {app.proc.returncode}")
        finally:
            stop_app(app)
    summary = summarise(result)
    summary["processes"] = args.processes
    summary["cpu"] = cpu_figures(server_cpu, client_cpu, result.duration, result.requests)
    print(format_table(summary))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
