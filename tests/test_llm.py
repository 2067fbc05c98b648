"""LLM mode with LangChain fake chat models: tool calls, citation checks, fallback, streaming."""

import json

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

from assistant.core import Assistant
from assistant.pipeline.llm import LLMAgent, renumber, validate_citations


class ScriptedToolModel(GenericFakeChatModel):
    """GenericFakeChatModel that also streams tool calls and accepts bind_tools."""

    def bind_tools(self, tools, **kwargs):
        return self

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        msg = next(self.messages)
        if isinstance(msg, Exception):
            raise msg
        if msg.tool_calls:
            chunks = [{"name": c["name"], "args": json.dumps(c["args"], ensure_ascii=False),
                       "id": c["id"], "index": i} for i, c in enumerate(msg.tool_calls)]
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))
            return
        text = str(msg.content)
        for i in range(0, len(text), 4):
            yield ChatGenerationChunk(message=AIMessageChunk(content=text[i:i + 4]))


def call(name, args, cid="c1"):
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": cid}])


@pytest.fixture
def llm_assistant(corpus_kb):
    def make(*messages):
        a = Assistant(corpus_kb)
        a.llm = LLMAgent(a, ScriptedToolModel(messages=iter(messages)))
        return a
    return make


def test_search_then_cited_answer(llm_assistant):
    a = llm_assistant(call("search_knowledge_base", {"query": "证书有效期"}),
                      AIMessage(content="售后服务认证证书有效期一般为3年[1]。"))
    ans = a.ask("证书有效期几年？")
    assert not ans.abstained and ans.answer.endswith("[1]。")
    assert ans.citations and ans.citations[0].n == 1
    assert "3年" in ans.citations[0].text or "三年" in ans.citations[0].text
    assert ans.mode.startswith("LLM")


def test_unresolvable_marker_is_rejected_for_the_extractive_answer(llm_assistant):
    a = llm_assistant(AIMessage(content="证书有效期是五年[7]。"))
    ans = a.ask("证书有效期几年？")
    assert "五年" not in ans.answer
    assert any("离线抽取式" in n for n in ans.notices)
    assert ans.citations and all(c.text in ans.citations[i].text for i, c in enumerate(ans.citations))


def test_answer_without_markers_is_rejected(llm_assistant):
    a = llm_assistant(call("search_knowledge_base", {"query": "有效期"}),
                      AIMessage(content="大概三年吧。"))
    ans = a.ask("证书有效期几年？")
    assert ans.answer != "大概三年吧。" and any("离线抽取式" in n for n in ans.notices)


def test_scoring_tool_call_is_recorded(llm_assistant):
    a = llm_assistant(
        AIMessage(content="", tool_calls=[
            {"name": "calculate_grade", "args": {"total": 88}, "id": "g1"},
            {"name": "search_knowledge_base", "args": {"query": "三星级 80分"}, "id": "s1"},
        ]),
        AIMessage(content="88分属于三星级，距四星级还差2分[1]。"),
    )
    ans = a.ask("我们得了88分，能拿几星？")
    assert [t.name for t in ans.tool_calls] == ["calculate_grade"]
    result = ans.tool_calls[0].result
    assert result["grade"] == "三星级" and result["next_grade"] == "四星级" and result["points_to_next"] == 2
    assert ans.citations


def test_model_failure_falls_back(llm_assistant):
    a = llm_assistant(RuntimeError("connection refused"))
    ans = a.ask("证书有效期几年？")
    assert ans.citations and any("LLM 调用失败（连不上模型服务）" in n for n in ans.notices)
    assert not any("RuntimeError" in n for n in ans.notices)  # the class name goes to the log only


def test_failure_words_name_the_problem_not_the_class():
    from assistant.pipeline.llm import failure_words

    assert failure_words(TimeoutError("read timed out")) == "模型服务响应超时"
    assert failure_words(RuntimeError("Error code: 401 - invalid api key")) == "模型服务拒绝了密钥"
    assert failure_words(RuntimeError("Error code: 429 - rate limit")) == "模型服务限流或额度不足"
    assert failure_words(ValueError("something odd")) == "模型服务出错"


def test_llm_answer_trace_lists_the_passages_the_model_searched(llm_assistant):
    a = llm_assistant(call("search_knowledge_base", {"query": "证书有效期"}),
                      AIMessage(content="售后服务认证证书有效期一般为3年[1]。"))
    ans = a.ask("证书有效期几年？")
    assert ans.trace["route"] == "llm"
    assert ans.trace["passages"] and ans.trace["passages"][0]["rank"] == 1
    assert any("有效期" in p["matched"] for p in ans.trace["passages"])


def test_abstention_from_the_model(llm_assistant):
    a = llm_assistant(call("search_knowledge_base", {"query": "天气"}),
                      AIMessage(content="知识库中没有找到依据回答这个问题。"))
    ans = a.ask("明天天气怎么样？")
    assert ans.abstained and not ans.citations


def test_streaming_yields_growing_text_then_answer(llm_assistant):
    a = llm_assistant(call("search_knowledge_base", {"query": "证书有效期"}),
                      AIMessage(content="售后服务认证证书有效期一般为3年[1]。"))
    events = list(a.stream("证书有效期几年？"))
    texts, final = events[:-1], events[-1]
    assert len(texts) >= 3 and all(isinstance(t, str) for t in texts)
    assert texts[0] != texts[-2] and texts[-2].startswith(texts[0])
    assert final.citations and final.answer == texts[-1]


def test_validate_and_renumber_are_pure():
    assert validate_citations("甲[1]。乙[2]。", 2) == (True, [1, 2])
    assert validate_citations("甲[3]。", 2)[0] is False
    assert validate_citations("没有标注。", 2)[0] is False
    from assistant.types import Hit
    hits = [Hit(chunk_id=f"c{i}", text=f"t{i}", meta={"doc_id": "d", "title": "T"}) for i in range(3)]
    text, cites = renumber("甲[3]。乙[1]。丙[3]。", [1, 3], hits)
    assert text == "甲[1]。乙[2]。丙[1]。"
    assert [c.chunk_id for c in cites] == ["c2", "c0"]


def test_streaming_refuses_out_of_scope_without_calling_the_model(llm_assistant):
    a = llm_assistant(RuntimeError("the model must not be called"))
    events = list(a.stream("办售后服务认证要多少钱？"))
    final = events[-1]
    assert final.abstained and not final.citations and final.answer == events[-2]
    assert not any("LLM 调用失败" in n for n in final.notices)
    assert final.mode.startswith("LLM")


def test_the_model_is_given_the_askers_instructions(llm_assistant):
    """"一句话回答" is dropped before the search reads the question, and given back to a model,
    which can follow it."""
    a = llm_assistant(AIMessage(content="证书有效期3年[1]。"))
    seen = []
    real = a.llm._messages
    a.llm._messages = lambda question, history: seen.append(question) or real(question, history)
    a.ask("证书有效期几年？一句话回答")
    assert seen == ["证书有效期几年？（一句话回答）"]
