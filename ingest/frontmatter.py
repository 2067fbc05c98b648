"""Bounded YAML front matter: whatever a document contains, reading its header costs little.

``safe_load_bounded(text)`` refuses, with one Chinese line naming the limit, a header larger than
``MAX_FRONT_MATTER_BYTES``, one with more than ``MAX_ALIASES`` aliases or whose aliases would
expand to more than ``MAX_NODES`` values (a few hundred bytes of nested ``&a [*b, *b, …]`` can
otherwise become millions), a title longer than ``MAX_TITLE_CHARS`` and a ``conflicts_with``
list longer than ``MAX_CONFLICTS``. Object tags stay refused (``SafeLoader``).
"""

from __future__ import annotations

from typing import Any

MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_ALIASES = 100
MAX_NODES = 20_000
MAX_TITLE_CHARS = 200
MAX_CONFLICTS = 10


class FrontMatterError(ValueError):
    """The header is too large or malformed; the message is one Chinese line."""


def _expanded_size(root) -> int:
    """How many nodes the composed graph has once every alias is expanded, computed without
    expanding (a shared node is counted once per reference through a memo)."""
    from yaml.nodes import MappingNode, SequenceNode

    memo: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in memo:
            continue
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            memo[id(node)] = 1
            continue
        if done:
            memo[id(node)] = 1 + sum(memo.get(id(c), 1) for c in children)
            if memo[id(node)] > MAX_NODES:
                return memo[id(node)]
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in memo)
    return memo.get(id(root), 1)


def safe_load_bounded(text: str) -> Any:
    """``yaml.safe_load`` of a front matter block, within the limits above."""
    import yaml

    if len(text.encode("utf-8", "surrogatepass")) > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(f"YAML 头信息过大（超过 {MAX_FRONT_MATTER_BYTES // 1024} KB）")
    aliases = sum(1 for event in yaml.parse(text, Loader=yaml.SafeLoader)
                  if isinstance(event, yaml.AliasEvent))
    if aliases > MAX_ALIASES:
        raise FrontMatterError(f"YAML 头信息中的别名（*）过多（{aliases} 个，最多 {MAX_ALIASES} 个）")
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if aliases and _expanded_size(node) > MAX_NODES:
            raise FrontMatterError(f"YAML 头信息中的别名展开后过大（超过 {MAX_NODES} 个值），已拒绝导入")
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    if isinstance(data, dict):
        check_fields(data)
    return data


def check_fields(data: dict) -> None:
    title = data.get("title")
    if title is not None and len(str(title)) > MAX_TITLE_CHARS:
        raise FrontMatterError(f"title 过长（{len(str(title))} 字，最多 {MAX_TITLE_CHARS} 字）")
    conflicts = data.get("conflicts_with")
    if isinstance(conflicts, (list, tuple)) and len(conflicts) > MAX_CONFLICTS:
        raise FrontMatterError(f"conflicts_with 列出的文档过多（{len(conflicts)} 个，最多 {MAX_CONFLICTS} 个）")
    if isinstance(conflicts, str) and len(conflicts.split(",")) > MAX_CONFLICTS:
        raise FrontMatterError(f"conflicts_with 列出的文档过多（最多 {MAX_CONFLICTS} 个）")
    doc_id = data.get("id")
    if doc_id is not None and len(str(doc_id)) > MAX_TITLE_CHARS:
        raise FrontMatterError(f"id 过长（最多 {MAX_TITLE_CHARS} 个字符）")
