"""Answer -> output: the JSON record and the plain text the CLI, the web API and the eval share,
and every text said about a score (the answer's sentences, the calculator's summary)."""

from __future__ import annotations

import html
import re
from fractions import Fraction
from typing import Any

from assistant.domain.grades import GRADE_FLOOR, TOP_GRADE
from assistant.domain.scoring import FAIL_NOTE, STAR_TIMING_NOTE

#: the citation fields of an output record (the eval keeps ``passage`` instead of ``source``)
CITATION_FIELDS = ("n", "source", "title", "locator", "text")


def citation_record(citation, fields: tuple[str, ...] = CITATION_FIELDS) -> dict[str, Any]:
    return {name: getattr(citation, name) for name in fields}


def tool_call_record(call) -> dict[str, Any]:
    return {"name": call.name, "args": call.args, "result": call.result}


def batch_record(item_id, question, answer) -> dict:
    """One output line of the batch interface (the documented, stable shape)."""
    return {
        "id": item_id,
        "question": question,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "citations": [citation_record(c) for c in answer.citations],
        "tool_calls": [tool_call_record(t) for t in answer.tool_calls],
        "latency_ms": round(answer.timings.get("total_ms", 0.0), 2),
    }


def format_answer(answer) -> str:
    lines = [answer.answer]
    if answer.citations:
        lines.append("\n引用：")
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.title}｜{c.locator}\n    {c.text.strip()}")
    for n in answer.notices:
        lines.append(f"（{notice_words(n)}）")
    return "\n".join(lines)


# --------------------------------------------------------------------------- words for users

#: the refusal topics of resources/scope.yaml, as a user reads them ("超出知识库范围：认证费用")
TOPIC_WORDS = {
    "fraud": "弄虚作假或规避评审",
    "writing_tasks": "代写、翻译或编程",
    "other_certifications": "其他认证或标准",
    "fees": "认证费用",
    "durations": "办理周期",
    "contacts": "联系方式",
    "certificate_admin": "证书补办、转让与查询",
    "finance_tax": "贷款、税收与补贴",
    "people_admin": "评审员与从业人员资格",
    "indicator_weights": "指标的官方分值",
    "later_clauses": "标准的其他条款",
    "mark_design": "认证标志设计",
    "statistics": "获证企业统计",
    "revision_details": "标准修订细节",
    "other_countries": "国外认证制度",
    "sanbao_specifics": "三包的具体规定",
    "law_and_advertising": "其他法律问题",
    "service_time_rules": "服务时限规定",
}
_SCOPE_PREFIX = "超出知识库范围："

#: document types (ingest.model.DOC_TYPES) as a user reads them
DOC_TYPE_WORDS = {"standard": "标准", "faq": "常见问题", "regulation": "法规", "guide": "指南", "web": "网页"}
_ASCII_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def notice_words(note: str) -> str:
    """A notice as a user reads it: an internal topic key becomes its Chinese words."""
    note = str(note or "")
    if note.startswith(_SCOPE_PREFIX):
        key = note[len(_SCOPE_PREFIX):].strip()
        if _ASCII_KEY.fullmatch(key):
            return _SCOPE_PREFIX + TOPIC_WORDS.get(key, "知识库未收录的主题")
    return note


# a field name in parentheses after its Chinese name: "涉及项分值(applicable_total)"
_FIELD_NAME = re.compile(r"\s*[（(](?:[a-z_]+)(?:\s*[/、,，]\s*[a-z_]+)*[)）]")


def plain_error(text: str) -> str:
    """An error message without the internal field names a program would use."""
    return _FIELD_NAME.sub("", str(text or ""))


def mode_words(mode: str) -> str:
    """The assistant's mode in words a salesperson understands (the technical line goes in a tooltip)."""
    if str(mode or "").startswith("LLM"):
        return "智能模式：由大模型依据知识库原文作答，每句注明出处"
    return "离线模式：答案直接摘自知识库原文"


def mode_detail(mode: str) -> str:
    """The technical part of ``Assistant.mode`` ("BM25 + 内置哈希嵌入，抽取式回答"), to follow
    ``mode_words`` without repeating the mode's name."""
    text = str(mode or "")
    m = re.fullmatch(r"[^（]*模式（(.*)）", text)
    return m.group(1) if m else text


MODE_WHY = ("为什么答案是原文摘录？离线模式不调用大模型，回答逐句摘自知识库中的文件，"
            "每句都标有出处编号，点击编号可查看原文。")


# --------------------------------------------------------------------------- score text


def _num(value) -> str:
    """A number as shown in an answer: 90.0 -> 90, 1.2 -> 1.2."""
    frac = Fraction(str(value))
    if frac.denominator == 1:
        return str(frac.numerator)
    return f"{float(frac):.2f}".rstrip("0").rstrip(".")


def score_text(result: dict, args: dict, marks: dict[str, str], reading=None) -> str:
    """Say the computed score, grade and gap. Every sentence states one rule and cites the
    passage that states it (``marks``: rule -> "[n]"); a rule the knowledge base does not state
    is still shown as a step of the calculation but says so, and nothing is said about a bonus
    nobody claimed."""
    roles = reading.roles() if reading is not None else {}
    listed = lambda role: roles[role] if isinstance(roles.get(role), list) else ([roles[role]] if role in roles else [])  # noqa: E731
    lines: list[str] = []

    def say(rule: str, sentence: str, optional: bool = False) -> None:
        if rule in marks:
            lines.append(f"{sentence}{marks[rule]}。")
        elif not optional:  # a step of the calculation: shown, and said to have no source here
            lines.append(f"{sentence}（知识库中没有找到这条规则的出处）。")

    parts = listed("part")
    if parts:  # arithmetic the user asked for, not a rule: no citation needed
        lines.append(f"按您给出的各部分得分相加：{' + '.join(_num(v) for v in parts)} = {_num(sum(Fraction(str(v)) for v in parts))} 分。")
    changes, told = listed("change"), listed("total")
    if changes and len(told) == 1:  # "上次82分，这次多了9分": arithmetic the user asked for
        said = "".join(f" {'+' if v >= 0 else '−'} {_num(abs(v))} 分" for v in changes)
        now = Fraction(str(told[0])) + sum(Fraction(str(v)) for v in changes)
        lines.append(f"按您说的之前得分加上变化：{_num(told[0])} 分{said} = {_num(now)} 分。")
    excluded = listed("excluded")
    if excluded and result.get("applicable_total") is not None:
        say("exclusion", f"删减的指标不计分，涉及项分值为 100 − {'−'.join(_num(v) for v in excluded)}"
                         f" = {_num(result['applicable_total'])} 分")
    qualitative = [v for v in listed("nonconformity") if v != "?"]
    if qualitative:
        say("qualitative", f"不符合的定性指标扣掉该指标的全部分值：{'、'.join(_num(v) + ' 分' for v in qualitative)}，"
                           f"共扣 {_num(sum(qualitative))} 分")
    for mx, sampled, bad in listed("sample"):
        say("sample", f"抽样指标按不符合样本的比例扣分：{_num(mx)} 分的指标抽查 {sampled} 份、{bad} 份不符合，"
                      f"扣 {_num(mx)}×{bad}/{sampled} = {_num(Fraction(str(mx)) * Fraction(bad, sampled))} 分")
    for role, word in (("lost", "扣"), ("extra_lost", "再扣")):
        for v in listed(role):
            say("qualitative", f"按所说的{word} {_num(v)} 分计入")
    if result.get("mode") in ("earned", "rows"):
        say("formula", f"按实际得分 {_num(result['earned_total'])} 分 ÷ 涉及项分值 {_num(result['applicable_total'])} 分"
                       f" × 100 折算，得分为 {_num(result['base_score'])} 分")
    if result.get("special_deductions"):
        n = result["special_deductions"]
        say("special", f"特别扣分项 {n} 个，每个扣 1 分，在折算后另行扣除，共扣 {n} 分")
    if args.get("bonus"):
        if result.get("bonus_requested", 0) > 1:
            say("bonus", f"特别加分项最多计 1 个：说了 {result['bonus_requested']} 个，只加 1 分")
        else:
            say("bonus", "特别加分项 1 个，加 1 分")
    grade_mark = marks.get("thresholds", "")
    # the grade with its own line ("三星级（80 分及以上）"): why this grade, said with it (a score
    # right on the line, and a fail, get their own sentence below)
    own_line = GRADE_FLOOR.get(result["grade"])
    on_line = own_line is not None and Fraction(str(result["score"])) == own_line
    line = f"（{_num(own_line)} 分及以上）" if own_line and not on_line else ""
    lines.append(f"最终得分 {_num(result['score'])} 分，等级为{result['grade']}{line}{grade_mark}。")
    if on_line:
        # "刚好80分算不算": a score right on a grade's line is asked whether the line counts
        lines.append(f"分数线含本数：{_num(own_line)} 分（含 {_num(own_line)} 分）即为{result['grade']}{grade_mark}。")
    if result.get("next_grade"):
        floor = GRADE_FLOOR.get(result["next_grade"])
        at = f"（{_num(floor)} 分）" if floor is not None else ""
        lines.append(f"距{result['next_grade']}{at}还差 {_num(result['points_to_next'])} 分{grade_mark}。")
    else:
        lines.append(f"已达到最高等级{TOP_GRADE}{grade_mark}。")
    for note in result.get("notes", []):
        if note.startswith(("计算结果", "显示分数")) or note == FAIL_NOTE:
            lines.append(f"{note.rstrip('。')}{grade_mark}。")
        elif note == STAR_TIMING_NOTE:
            say("star_timing", note.rstrip("。"), optional=True)
    if not grade_mark:
        lines.append("（知识库中没有找到等级门槛的出处，以上按 GB/T 27922 的评分规则计算。）")
    return "".join(lines)


def item_text(item, lost, marks: dict[str, str]) -> str:
    """The loss of one indicator asked by its own numbers (``score_intent.read_item``), computed
    by ``scoring.item_loss``: the number first, then the rule it follows, cited (a rule the
    knowledge base does not state is said to have no source here). Written without spaces
    around the numbers ("扣1分"), the way a user quotes it."""
    def cited(rule: str) -> str:
        return marks.get(rule, "（知识库中没有找到这条规则的出处）")

    if item.points is None:
        share = Fraction(item.bad, item.sampled)
        return (f"扣这一项分值的{_num(share * 100)}%：抽样指标按不符合样本的比例扣分，抽查{item.sampled}个、"
                f"{item.bad}个不符合，比例为{item.bad}/{item.sampled}＝{_num(share * 100)}%{cited('sample')}。"
                f"扣的分数＝该指标的分值×{item.bad}/{item.sampled}；告诉我这一项的分值，我可以算出具体扣几分。")
    mx = Fraction(str(item.points))
    if item.sampled is None:
        text = (f"这一项扣{_num(lost)}分，得0分：不符合的定性指标扣掉该指标的全部分值{cited('qualitative')}。")
        if "sample" in marks:
            text += f"如果这一项是要抽查多个同类样本的指标，则按不符合样本所占的比例扣分{marks['sample']}。"
        return text
    return (f"这一项扣{_num(lost)}分，得{_num(mx - lost)}分：抽样指标按不符合样本的比例扣分，"
            f"{_num(mx)}分的指标抽查{item.sampled}个、{item.bad}个不符合，"
            f"扣{_num(mx)}×{item.bad}/{item.sampled}={_num(lost)}分{cited('sample')}。")


def confirm_text(reading, marks: dict[str, str]) -> str:
    """A score question whose numbers are unclear: what was understood, what is unclear, and
    a request to confirm -- nothing is computed."""
    lines = ["我先确认一下对这些数字的理解，暂不计算："]
    lines += [f"- {line}" for line in reading.understood()] or ["- （没有读到可用的得分）"]
    problems = reading.problems or ["还没有读到实际得分或扣分"]
    lines.append("需要确认：" + "；".join(problems) + "。")
    lines.append("请确认每个数字的含义（例如“实得81分，删减了10分”或“实得81分，涉及项分值90分”）后再问我。")
    if "formula" in marks:
        lines.append(f"得分的算法是：实际得分 ÷ 涉及项分值 × 100，再计入特别扣分项和特别加分项{marks['formula']}。")
    return "\n".join(lines)


def esc(value: Any) -> str:
    """Text -> HTML-safe text (``&``, ``<``, ``>`` and quotes)."""
    return html.escape("" if value is None else str(value), quote=True)


def score_summary(result: dict) -> str:
    """Markdown summary of a result dict (every dynamic text escaped)."""
    if "error" in result:
        return f"⚠️ 无法计算：{esc(plain_error(result['error']))}"
    lines = [f"### 最终得分 {result['score']:.2f} 分 · {esc(result['grade'])}"]
    if result.get("score_exact") and "/" in str(result["score_exact"]):
        lines.append(f"精确值 {esc(result['score_exact'])}（等级按精确值评定）")
    if result.get("next_grade"):
        lines.append(f"距 **{esc(result['next_grade'])}** 还差 **{esc(ui_num(result['points_to_next']))}** 分。")
    else:
        lines.append(f"已达到最高等级 **{TOP_GRADE}**。")
    notes = result.get("notes") or []
    if notes:
        lines.append("\n".join(f"- {esc(n)}" for n in notes))
    return "\n\n".join(lines)


def ui_num(value: Any) -> str:
    """A number as the calculator shows it: 90.0 -> 90, 85.333 -> 85.33."""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)
