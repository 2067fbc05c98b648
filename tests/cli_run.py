"""Run the CLI for a test: in this process (fast) or in a subprocess, with the hashing embedder."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def cli(args, settings, monkeypatch=None, capsys=None, timeout=300):
    """The CLI in this process when given pytest's monkeypatch and capsys (fast), else in a
    subprocess; returns an object with returncode, stdout, stderr either way."""
    import os
    from types import SimpleNamespace

    if monkeypatch is not None:
        from assistant.cli import main

        monkeypatch.setenv("KBA_EMBEDDING_MODEL", "hashing")
        monkeypatch.setenv("KBA_DATA_DIR", str(settings.data_dir))
        capsys.readouterr()
        rc = main(list(args))
        out = capsys.readouterr()
        return SimpleNamespace(returncode=rc, stdout=out.out, stderr=out.err)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KBA_", "OPENAI_"))}
    env.update({"KBA_EMBEDDING_MODEL": "hashing", "KBA_DATA_DIR": str(settings.data_dir), "HF_HUB_OFFLINE": "1"})
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)
