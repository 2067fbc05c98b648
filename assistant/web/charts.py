"""Charts for the calculator and the eval dashboard (matplotlib, drawn with a CJK font when one is installed).
"""

from __future__ import annotations

from assistant.domain.grades import GRADE_BANDS, TICKS

_CJK_FONT: list[str | None] = []

# where Debian's fonts-noto-cjk (installed by `make install` / .ci/run) and similar packages put
# their files; registered with matplotlib by file, so its font cache does not need rebuilding
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
FONT_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf",
              "NotoSerifCJK-Regular.ttc", "SourceHanSansSC-Regular.otf", "wqy-microhei.ttc", "wqy-zenhei.ttc",
              "DroidSansFallbackFull.ttf")
WANTED = ("Noto Sans CJK", "Noto Sans SC", "Noto Serif CJK", "Source Han", "WenQuanYi", "Droid Sans Fallback",
          "SimHei", "Microsoft YaHei", "PingFang", "Heiti", "AR PL")


def _register_cjk_files() -> None:
    from pathlib import Path

    from matplotlib import font_manager

    for base in FONT_DIRS:
        root = Path(base).expanduser()
        if not root.is_dir():
            continue
        for name in FONT_FILES:
            for path in root.rglob(name):
                try:
                    font_manager.fontManager.addfont(str(path))
                except Exception:  # noqa: BLE001 -- an unreadable font file: try the next
                    continue
                return


def cjk_font() -> str | None:
    """A font family matplotlib can draw Chinese with (an installed CJK font file is registered
    first), or None (then labels fall back to ASCII)."""
    if not _CJK_FONT:
        from matplotlib import font_manager

        def find() -> str | None:
            for w in WANTED:
                for font in font_manager.fontManager.ttflist:
                    if font.name.startswith(w):
                        return font.name
            return None

        found = find()
        if found is None:
            _register_cjk_files()
            found = find()
        _CJK_FONT.append(found)
    return _CJK_FONT[0]


_ASCII_GRADES = {"不通过": "Fail", "达标": "Pass", "三星级": "3★", "四星级": "4★", "五星级": "5★"}

#: the QA set's category keys (eval/qa.jsonl) as the chart labels them
CATEGORY_WORDS = {
    "certification_category": "认证类别", "eligibility_scope": "申请条件", "standard_content": "标准内容",
    "grades": "等级", "score_calculation": "评分计算", "process": "认证流程", "materials": "申请材料",
    "review_outlets": "评审与网点", "validity_surveillance": "有效期与监督", "benefits_policy": "作用与政策",
    "regulations": "法规", "traditional_chinese": "繁体提问", "colloquial_typo": "口语与错字",
    "followup": "追问", "out_of_scope": "超出范围",
}


def category_label(key: str) -> str:
    return CATEGORY_WORDS.get(key, key)


def _label(text: str) -> str:
    return text if cjk_font() else _ASCII_GRADES.get(text, text)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    font = cjk_font()
    if font:
        import matplotlib

        matplotlib.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        matplotlib.rcParams["axes.unicode_minus"] = False
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def grade_chart(score: float, grade: str = ""):
    """A bar from 0 to 100 with the grade bands (70/80/90/95) and a marker at ``score``."""
    fig = _figure(7.5, 1.9)
    ax = fig.add_subplot(1, 1, 1)
    colours = ("#e5e7eb", "#fde68a", "#bfdbfe", "#93c5fd", "#86efac")
    for (lo, hi, name), colour in zip(GRADE_BANDS, colours):
        ax.barh(0, hi - lo, left=lo, height=0.6, color=colour, edgecolor="white")
        ax.text((lo + hi) / 2, 0.42, _label(name), ha="center", va="bottom",
                fontsize=8, color="#374151")
    ax.axvline(score, color="#dc2626", linewidth=2.5)
    left = score > 20  # the label sits beside the marker, on the side with room
    ax.annotate(f"{score:g}" + (f" {_label(grade)}" if grade else ""), xy=(score, -0.32),
                xytext=(-5 if left else 5, 0), textcoords="offset points", ha="right" if left else "left",
                va="top", fontsize=9, color="#dc2626", fontweight="bold")
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.75, 0.85)
    ax.set_xticks(list(TICKS))
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return fig


def category_chart(per_category: dict[str, dict]):
    """Accuracy per category, ours (and the baseline when present) side by side."""
    fig = _figure(8, 3.2)
    ax = fig.add_subplot(1, 1, 1)
    cats = list(per_category)
    if not cats:
        ax.text(0.5, 0.5, "暂无数据" if cjk_font() else "-", ha="center", va="center")
        return fig
    labels = [category_label(c) if cjk_font() else (c if c.isascii() else f"C{i + 1}")
              for i, c in enumerate(cats)]
    ours = [(per_category[c].get("ours") or {}).get("accuracy") or 0.0 for c in cats]
    has_base = any(per_category[c].get("baseline") for c in cats)
    width = 0.38 if has_base else 0.6
    xs = list(range(len(cats)))
    ax.bar([x - (width / 2 if has_base else 0) for x in xs], ours, width=width, color="#2563eb",
           label="ours" if not cjk_font() else "本系统")
    if has_base:
        base = [((per_category[c].get("baseline") or {}).get("accuracy") or 0.0) for c in cats]
        ax.bar([x + width / 2 for x in xs], base, width=width, color="#9ca3af",
               label="baseline" if not cjk_font() else "基线")
    ax.set_xticks(xs)
    ax.set_xticklabels(labels, rotation=30 if len(cats) > 6 else 0, ha="right" if len(cats) > 6 else "center",
                       fontsize=8)
    ax.set_ylim(0, 1.2)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_ylabel("accuracy" if not cjk_font() else "正确率")
    ax.legend(fontsize=8, loc="upper right", ncol=2, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig
