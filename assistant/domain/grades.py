"""The GB/T 27922 grade table, the one source every part uses (scoring, charts, score text, follow-ups).

Pure data: labels with their inclusive lower bounds (exact ``Fraction``), best first.
"""

from __future__ import annotations

from fractions import Fraction

FULL_MARKS = Fraction(100)

#: (label, inclusive lower bound), best first.
GRADES: tuple[tuple[str, Fraction], ...] = (
    ("五星级", Fraction(95)),
    ("四星级", Fraction(90)),
    ("三星级", Fraction(80)),
    ("达标", Fraction(70)),
    ("不通过", Fraction(0)),
)
#: label -> its inclusive lower bound ("四星级" -> 90)
GRADE_FLOOR: dict[str, Fraction] = dict(GRADES)
FAIL_GRADE = GRADES[-1][0]
TOP_GRADE = GRADES[0][0]
PASSING_GRADES = tuple(label for label, _ in reversed(GRADES[:-1]))  # 达标 … 五星级
STAR_GRADES = tuple(label for label in PASSING_GRADES if label.endswith("星级"))
PASS_MARK = GRADES[-2][1]
#: short names a question may use for a grade ("达标级", "三星")
GRADE_ALIASES: dict[str, tuple[str, ...]] = {
    label: ((label + "级",) if not label.endswith("级") and label != FAIL_GRADE else
            (label[:-1],) if label.endswith("星级") else ())
    for label, _ in GRADES
}
#: (lower, upper, label) from worst to best, for charts
GRADE_BANDS: tuple[tuple[int, int, str], ...] = tuple(
    (int(lo), int(GRADES[i - 1][1]) if i else int(FULL_MARKS), label)
    for i, (label, lo) in reversed(list(enumerate(GRADES)))
)
#: the rule in one line: 不通过<70≤达标<80≤三星级<90≤四星级<95≤五星级
RULE = FAIL_GRADE + "".join(f"<{int(lo)}≤{label}" for label, lo in reversed(GRADES[:-1]))
#: the thresholds shown as axis ticks
TICKS: tuple[int, ...] = (0, *(int(lo) for _, lo in reversed(GRADES[:-1])), int(FULL_MARKS))
