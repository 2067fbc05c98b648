"""Server-kill run: the app in Chroma server mode under concurrent load while the server is killed
and restarted: ``python bench/server_kill.py [--clients 20] [--seconds 60] [--down-at 20] [--down-for 10]``.

A real ``chroma run`` server on a free loopback port holds the knowledge base; ``app.py`` serves
from it; ``bench/load.py``'s clients call ``/ask`` and ``/score``. At ``--down-at`` seconds the
server is killed (SIGKILL) and ``--down-for`` seconds later restarted on the same port and path.
Every response is classified: correct (same as the single-client baseline), the clear Chinese
store error (``无法连接 Chroma 服务器…``) or anything else (a failure). After the run one client
must get the baseline answers again. Exit code 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import load  # noqa: E402

CLEAR = "无法连接 Chroma 服务器"


def start_chroma(db: Path, port: int, timeout: float = 60) -> subprocess.Popen:
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(db), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited with code {proc.returncode}")
        try:
            with opener.open(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("chroma run did not answer a heartbeat")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--down-at", type=float, default=20.0, help="seconds into the load when the server is killed")
    p.add_argument("--down-for", type=float, default=10.0, help="seconds before it is restarted")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--json", dest="json_path", metavar="FILE")
    args = p.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="kba-kill-") as tmp:
        tmp = Path(tmp)
        port = load.free_port()
        server_env = {"KBA_CHROMA_HOST": "127.0.0.1", "KBA_CHROMA_PORT": str(port)}
        server = start_chroma(tmp / "db", port)
        app = None
        try:
            print(f"chroma server on 127.0.0.1:{port}; {load.build_kb(tmp / 'data', extra_env=server_env)}",
                  flush=True)
            app = load.start_app(tmp / "data", log_path=tmp / "app.log", extra_env=server_env)
            expected, problems = load.baseline(app.url, timeout=args.timeout)
            if problems:
                print("baseline problems:", problems[:3], file=sys.stderr)
                return 1
            box: dict = {}
            runner = threading.Thread(target=lambda: box.update(result=load.run_load(
                app.url, args.clients, args.seconds, timeout=args.timeout, expected=expected)))
            runner.start()
            time.sleep(args.down_at + 3)  # the clients take a moment to connect
            server.kill()
            server.wait()
            killed = time.monotonic()
            print(f"server killed at ~{args.down_at:g} s", flush=True)
            time.sleep(args.down_for)
            server = start_chroma(tmp / "db", port)
            print(f"server back after {time.monotonic() - killed:.1f} s", flush=True)
            runner.join()
            result = box["result"]
            after, after_problems = load.baseline(app.url, timeout=args.timeout)
            recovered = not after_problems and after == expected
            tracebacks = load.traceback_errors(app.log())
            alive = app.proc.poll() is None
        finally:
            if app is not None:
                load.stop_app(app)
            server.kill()
            server.wait()
    # a response carrying the clear error also lacks the answer fields and differs from the
    # baseline (more lines for the same response): count responses, not lines
    clear = [e for e in result.errors if CLEAR in e]
    correct = sum(s.ok for s in result.samples)
    other = result.requests - correct - len(clear)
    summary = {
        "clients": args.clients, "seconds": args.seconds, "requests": result.requests,
        "correct": correct, "clear_store_errors": len(clear), "other_failures": other,
        "error_examples": sorted({e.split(": ", 1)[-1][:160] for e in result.errors})[:5],
        "recovered_after_restart": recovered, "app_tracebacks": len(tracebacks), "app_alive": alive,
        "down_for_s": args.down_for,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if other == 0 and recovered and alive and not tracebacks else 1


if __name__ == "__main__":
    sys.exit(main())
