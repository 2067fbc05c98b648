"""The README's generated parts: the settings table (from ``assistant.config.SETTINGS``) and the
architecture tree (every module, described by the first line of its docstring).

    python docs/readme_parts.py          # rewrite both parts of README.md in place
    python docs/readme_parts.py --check  # exit 1 when README.md differs (tests/test_docs.py does this)
"""

from __future__ import annotations

import ast
import dataclasses
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
# folders that hold no Python modules of their own (or whose files are not listed one by one)
FOLDERS = {
    "corpus": "our knowledge base: Markdown + YAML front matter (docs/corpus-format.md)",
    "assistant/resources": "word lists and patterns (YAML / text), read once through lang/resources.py (dictionary, synonyms, question, scope, rubric, score recogniser, ...)",
    "eval": "QA sets (*.jsonl), thresholds.json, BLIND.md; the modules below",
    "bench": "benchmarks that print figures (nothing asserted)",
    "docs": "corpus format, abstention notes; readme_parts.py generates these README parts",
    "tests": "one module per part, end-to-end and browser tests; test_layers.py, test_docs.py",
}
# the data's way: files -> ingest -> index -> pipeline -> core -> CLI, web, eval
ORDER = ["corpus", "ingest", "assistant", "assistant/lang", "assistant/domain", "assistant/index",
         "assistant/index/embedders", "assistant/pipeline", "assistant/upkeep", "assistant/cli", "assistant/web",
         "assistant/resources", "eval", "app.py", "bench", "docs", "tests"]
WIDTH = 32


def _first_line(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0].strip() if doc.strip() else ""


def modules(folder: str) -> list[Path]:
    return sorted(p for p in (REPO / folder).glob("*.py") if p.name != "__init__.py")


def architecture_tree() -> str:
    lines = ["```"]
    for entry in ORDER:
        path = REPO / entry
        if path.is_file():
            lines.append(f"{entry:<{WIDTH}}{_first_line(path)}".rstrip())
            continue
        depth = entry.count("/")
        label = "  " * depth + entry.rsplit("/", 1)[-1] + "/"
        init = path / "__init__.py"
        about = FOLDERS.get(entry) or (_first_line(init) if init.exists() else "")
        lines.append(f"{label:<{WIDTH}}{about}".rstrip())
        if entry in ("bench", "tests", "corpus", "docs"):
            continue
        for module in modules(entry):
            name = "  " * (depth + 1) + module.name
            lines.append(f"{name:<{WIDTH}}{_first_line(module)}".rstrip())
    lines.append("```")
    return "\n".join(lines)


def _default(setting, field) -> str:
    if setting.default:
        return setting.default
    value = field.default
    return "none" if value is None else f"`{value}`" if isinstance(value, str) else str(value)


def settings_table() -> str:
    sys.path.insert(0, str(REPO))
    from assistant.config import SETTINGS, Settings

    fields = {f.name: f for f in dataclasses.fields(Settings)}
    rows = ["| setting | environment variable | flag | default |", "|---|---|---|---|"]
    for s in SETTINGS:
        flag = " ".join(f"`{w}`" if w.startswith("--") else w for w in s.flag.split()) if s.flag else ""
        rows.append(f"| {s.help} | `{s.env}` | {flag} | {_default(s, fields[s.name])} |")
    return "\n".join(rows)


PARTS = {"settings": settings_table, "architecture": architecture_tree}


def render(text: str) -> str:
    for name, build in PARTS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no <!-- {name}:start --> ... <!-- {name}:end --> block")
        text = pattern.sub(lambda m: f"{m.group(1)}\n{build()}\n{m.group(2)}", text)
    return text


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    wanted = render(current)
    if "--check" in argv:
        if wanted != current:
            print("README.md is out of date: run python docs/readme_parts.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
