"""YAML loading that keeps where every value came from and guesses no types.

Files are *composed* (not constructed): each scalar stays text with its position and quote style,
so ``0``, ``"0"``, ``~`` and ``/`` remain distinguishable and every finding can name file, line
and column. Duplicate keys, which plain YAML loaders silently resolve, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from .issues import ERROR, Issue
from .model import Location

# The *base* loaders: no implicit tag resolution (nianbao reads every scalar's text itself), which
# also spares a Python-level resolver call per scalar. libyaml's composer when available.
_BASE = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq", yaml.MappingNode: "tag:yaml.org,2002:map"}


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    def resolve(self, kind, value, implicit):  # noqa: D102 - tags are never used
        return _TAGS[kind]

MappingNode, SequenceNode, ScalarNode = yaml.MappingNode, yaml.SequenceNode, yaml.ScalarNode
NULL_PLAIN = frozenset({"", "~", "null", "Null", "NULL"})  # YAML's null, when written plainly


@dataclass
class Doc:
    path: str  # as shown in messages (relative to the site root)
    root: yaml.Node | None


def loc(path: str, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


def is_null(node: yaml.Node) -> bool:
    """A YAML null written plainly (``~``, ``null`` or nothing), not a quoted string."""
    return isinstance(node, ScalarNode) and not node.style and node.value in NULL_PLAIN


def scalar_text(node: yaml.Node) -> str | None:
    """The scalar as written; None for a plain null."""
    if is_null(node):
        return None
    return node.value


def compose_text(text: str, path: str) -> tuple[Doc, list[Issue]]:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 0)
        what = " ".join(x for x in (e.context, e.problem) if x)
        return Doc(path, None), [Issue("L-YAML", ERROR, f"YAML 语法错误：{what}", where)]
    except yaml.YAMLError as e:
        return Doc(path, None), [Issue("L-YAML", ERROR, f"YAML 语法错误：{e}", Location(path, 0))]
    return Doc(path, root), []


def compose_file(fs_path, path: str) -> tuple[Doc, list[Issue]]:
    try:
        with open(fs_path, "rb") as f:
            data = f.read()
    except OSError as e:
        return Doc(path, None), [Issue("L-READ", ERROR, f"无法读取文件：{e.strerror}", Location(path, 0))]
    return compose_bytes(data, path)


def compose_bytes(data: bytes, path: str) -> tuple[Doc, list[Issue]]:
    """A file's content (from disk, or an earlier version from git) as a YAML node tree."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return Doc(path, None), [
            Issue("L-ENCODING", ERROR, "文件不是 UTF-8 编码，请另存为 UTF-8", Location(path, line))
        ]
    return compose_text(text, path)


def mapping(node: yaml.Node, path: str, what: str, issues: list[Issue]) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
    """A mapping's entries by key text, reporting duplicate and non-text keys. None if not a mapping."""
    if not isinstance(node, MappingNode):
        issues.append(Issue("L-TYPE", ERROR, f"{what}应为键值映射（key: value）", loc(path, node)))
        return None
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for k, v in node.value:
        if not isinstance(k, ScalarNode):
            issues.append(Issue("L-TYPE", ERROR, f"{what}的键应为文字", loc(path, k)))
            continue
        if k.value in out:
            first = out[k.value][0].start_mark.line + 1
            issues.append(
                Issue("L-DUPKEY", ERROR, f"{what}中键“{k.value}”重复（第 {first} 行已出现），后者会覆盖前者", loc(path, k))
            )
            continue
        out[k.value] = (k, v)
    return out


def check_keys(
    entries: dict[str, tuple[yaml.Node, yaml.Node]], allowed, path: str, what: str, issues: list[Issue]
) -> None:
    allowed = list(allowed)
    for key, (k, _v) in entries.items():
        if key not in allowed:
            issues.append(
                Issue("L-UNKNOWN-KEY", ERROR, f"{what}中有未知的键“{key}”，可用的键：{'、'.join(allowed)}", loc(path, k))
            )
