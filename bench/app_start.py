"""How long after ``python app.py`` is the page served? Median of N runs on the shipped corpus.

    python bench/app_start.py [--runs 5] [--data-dir DIR]

The knowledge base is built first (not timed), so the runs measure a normal start: import,
load the Assistant, build the UI, serve ``GET /`` with HTTP 200. The embedder is whatever the
environment configures (``KBA_EMBEDDING_MODEL``; the default falls back to the offline hashing
embedder when the model is not on disk). Target: median ≤ 8 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TARGET_S = 8.0

from bench import load  # noqa: E402  (bench/ is a plain directory next to the packages)


def time_start(data_dir: Path, timeout: float = 120.0) -> float:
    """Seconds from ``python app.py`` to ``GET /`` answering 200 (the embedder the environment sets)."""
    app = load.start_app(data_dir, embedding_model=None, timeout=timeout, poll=0.05)
    try:
        return app.start_seconds
    finally:
        load.stop_app(app)
        app.log_path.unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", help="knowledge base to start on (default: a temp dir built from corpus/)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kba-bench-") as tmp:
        data_dir = Path(args.data_dir) if args.data_dir else Path(tmp) / "data"
        env = dict(os.environ, KBA_DATA_DIR=str(data_dir))
        subprocess.run([sys.executable, "-m", "assistant", "ingest", "--no-progress"], cwd=REPO, env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times = []
        for i in range(args.runs):
            seconds = time_start(data_dir)
            times.append(seconds)
            print(f"run {i + 1}: {seconds:.2f} s", flush=True)
    median = statistics.median(times)
    print(f"median of {len(times)}: {median:.2f} s (min {min(times):.2f}, max {max(times):.2f}); "
          f"target ≤ {TARGET_S:.0f} s: {'OK' if median <= TARGET_S else 'TOO SLOW'}")
    return 0 if median <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
