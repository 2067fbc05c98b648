"""Question -> answer: hybrid retrieval, rerank, extractive answer, tools, LLM agent, LangChain adapters."""
