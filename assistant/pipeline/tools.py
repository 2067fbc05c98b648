"""Tools the assistant can call, as plain functions plus their LangChain wrappers.

Each tool has one plain function (used by the CLI and the offline path) and a
``make_*_tool()`` factory that wraps it as a LangChain ``StructuredTool`` for the LLM path.
pydantic and langchain are imported only inside the factories, so the CLI stays fast.
"""

from __future__ import annotations

from typing import Any, Mapping

from assistant.domain.grades import RULE

# --------------------------------------------------------------------------- calculate_grade

CALCULATE_GRADE_NAME = "calculate_grade"
CALCULATE_GRADE_DESCRIPTION = (
    f"按 GB/T 27922-2011 售后服务认证规则精确计算得分和等级（{RULE}），"
    "并给出距下一等级还差几分。三种输入任选其一：total（百分制总分）；earned + applicable_total"
    "（实际得分和涉及项分值，删减后）；rows（评分表逐项）。特别扣分项每个扣1分，特别加分项最多计1个（加1分）。"
    " / Exact GB/T 27922 after-sales certification score and grade. Give exactly one of: total "
    "(0-100 score), earned + applicable_total (points after exclusions), or rows (score sheet). "
    "Use it whenever the user states their own score; do not use it for questions about thresholds."
)
_ARG_KEYS = ("total", "earned", "applicable_total", "rows", "special_deductions", "bonus")


def run_calculate_grade(args: Mapping[str, Any]) -> dict[str, Any]:
    """The one code path behind the CLI, the LLM tool and the offline recogniser.

    Returns the result dict, or ``{"error": "<one Chinese line>"}`` for bad input, so an LLM
    (or a chat UI) can show the problem instead of crashing.
    """
    from assistant.domain.scoring import calculate
    from assistant.errors import ScoringError

    if not isinstance(args, Mapping):
        return {"error": "参数必须是一个对象（total / earned+applicable_total / rows 等）"}
    unknown = sorted(set(args) - set(_ARG_KEYS))
    if unknown:
        return {"error": f"未知参数：{'、'.join(unknown)}；可用参数：{'、'.join(_ARG_KEYS)}"}
    kwargs = {k: _plain(v) for k, v in args.items() if v is not None}
    try:
        return calculate(**kwargs).to_dict()
    except ScoringError as exc:
        return {"error": str(exc)}


def _plain(value: Any) -> Any:
    """pydantic models (the tool's row objects) -> dicts without unset fields."""
    if hasattr(value, "model_dump"):
        return value.model_dump(exclude_none=True)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def calculate_grade_schema() -> type:
    """The pydantic v2 args schema for ``calculate_grade`` (built lazily)."""
    from pydantic import BaseModel, ConfigDict, Field

    class ScoreRow(BaseModel):
        """评分表中的一条指标 / one indicator row of the score sheet."""

        model_config = ConfigDict(extra="forbid")
        name: str = Field(description="指标名称，如 组织架构 / indicator name")
        max: float = Field(description="该指标满分（分值），来自认证机构评分表 / max points of the indicator")
        earned: float | None = Field(None, description="该指标实际得分 / points earned (or give deduction)")
        deduction: float | None = Field(None, description="该指标扣分 / points deducted (alternative to earned)")
        excluded: bool = Field(False, description="是否删减（不适用，不计入涉及项分值）/ excluded as not applicable")
        sampled: int | None = Field(None, description="抽样数，按不符合比例扣分 / number of samples checked")
        nonconforming: int | None = Field(None, description="不符合样本数 / non-conforming samples")

    class CalculateGradeArgs(BaseModel):
        """calculate_grade 的参数：total、earned+applicable_total、rows 三选一。"""

        total: float | None = Field(
            None, description="百分制总分（0-100，特别扣分/加分之前）/ 100-point score before special items"
        )
        earned: float | None = Field(
            None, description="实际得分（删减后各涉及项得分之和）/ actual points earned; needs applicable_total"
        )
        applicable_total: float | None = Field(
            None, description="涉及项分值（未删减指标的分值之和）/ sum of max points of applicable indicators"
        )
        rows: list[ScoreRow] | None = Field(None, description="评分表逐项 / full score sheet, one object per indicator")
        special_deductions: int = Field(
            0, description="特别扣分项个数，每个扣1分 / number of special deduction items (-1 point each)"
        )
        bonus: int = Field(0, description="特别加分项个数，最多计1个 / special bonus items (+1, at most one counts)")

    return CalculateGradeArgs


def make_scoring_tool():
    """The ``calculate_grade`` LangChain StructuredTool; errors come back as text, never raised."""
    import json

    from langchain_core.tools import StructuredTool

    def _validation_error(exc: Exception) -> str:
        errors = getattr(exc, "errors", lambda: [])()
        parts = [
            f"{'.'.join(map(str, e.get('loc', ())))} 格式不对（收到 {e.get('input')!r}：{e.get('msg')}）"
            for e in errors
        ] or [str(exc).splitlines()[0]]
        return json.dumps({"error": "参数 " + "；".join(parts)}, ensure_ascii=False)

    return StructuredTool.from_function(
        func=lambda **kwargs: run_calculate_grade(kwargs),
        name=CALCULATE_GRADE_NAME,
        description=CALCULATE_GRADE_DESCRIPTION,
        args_schema=calculate_grade_schema(),
        handle_validation_error=_validation_error,
    )


# --------------------------------------------------------------------------- search_knowledge_base

SEARCH_TOOL_NAME = "search_knowledge_base"
SEARCH_TOOL_DESCRIPTION = (
    "检索售后服务认证知识库（GB/T 27922-2011、常见问题、法规），返回带编号 [n] 的资料段落；"
    "回答时用这些编号标注引用。可选 doc_type：standard / faq / regulation。"
    " / Search the knowledge base; returns numbered passages to cite as [n]."
)


def make_search_tool(search, register):
    """The knowledge-base search tool.

    ``search(query, doc_type) -> list[Hit]`` runs the hybrid retrieval; ``register(hits)``
    numbers the passages for this turn (numbers stay stable across several searches) and
    returns ``[(n, hit)]``, so the answer's [n] markers can be checked afterwards.
    """
    from langchain_core.tools import StructuredTool

    def search_knowledge_base(query: str, doc_type: str | None = None) -> str:
        numbered = register(search(query, doc_type or None))
        if not numbered:
            return "没有检索到相关资料。"
        return "\n\n".join(f"[{n}] {h.meta.get('title', '')}｜{h.locator}\n{h.text}" for n, h in numbered)

    return StructuredTool.from_function(search_knowledge_base, name=SEARCH_TOOL_NAME,
                                        description=SEARCH_TOOL_DESCRIPTION)
