"""YAML loading that keeps where every value came from and guesses no types.

Files are *composed* (not constructed): each scalar stays text with its position and quote style,
so ``0``, ``"0"``, ``~`` and ``/`` remain distinguishable and every finding can name file, line
and column. Duplicate keys, which plain YAML loaders silently resolve, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import re

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


# YAML's problems (as libyaml or PyYAML words them), said in Chinese for the people who edit data
# files by hand: the first pattern that matches. "{0}" is the character where the problem is.
# A problem not listed is shown as the YAML library words it.
_PROBLEMS = [
    (r"mapping values are not allowed", "这里不能再有“: ”。值里有冒号时请把整个值加上引号，如 \"10:30\""),
    (r"found a tab character|found character '\\t'|^tab$", "有制表符（Tab）：YAML 只能用空格缩进和分隔，请把 Tab 换成空格"),
    (r"expected key|expected <block end>|expected '-' indicator",
     "缩进不对，或多了字符：这一行与上面同一级的行缩进不同、上一行的值后面多了字符（如多余的“]”或引号后的文字）"),
    (r"expected ',' or '\]'", "方括号中的一行数字没有写完：缺少“,”或“]”"),
    (r"expected ',' or '\}'", "花括号中的映射没有写完：缺少“,”或“}”"),
    (r"expected node content", "方括号中有一项是空的（两个逗号之间没有值）；空白单元格请写 ~"),
    (r"unexpected end of stream", "文件意外结束：有引号或括号没有闭合"),
    (r"undefined alias", "“*”引用了没有定义的锚点；“*”作为文字时请加引号"),
    (r"duplicate anchor", "同一个锚点（&名称）定义了两次"),
    (r"cannot start any token", "值不能以“{0}”开头；作为文字时请加引号"),
    (r"could not find expected ':'", "缺少“:”：每一行应写成“键: 值”（冒号后有一个空格），或上一行的引号没有闭合"),
    (r"alphabetic or numeric character", "“&”或“*”后面应为名称；作为文字时请加引号"),
    (r"unknown escape character|hexdecimal number|hexadecimal number", "双引号中的反斜杠“\\”后面不是有效的转义；要写反斜杠本身时请改用单引号"),
]
_PROBLEM_PATTERNS = [(re.compile(p), m) for p, m in _PROBLEMS]
# what YAML 1.1 does not allow in a stream (its c-printable, inverted)
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _problem_zh(context: str | None, problem: str | None, char: str) -> str:
    said = f"{context or ''} {problem or ''}"
    if char == "\t" and "cannot start any token" in said:
        said = "tab"
    for pattern, message in _PROBLEM_PATTERNS:
        if pattern.search(said):
            return message.replace("{0}", char)
    return f"无法解析（YAML 的说明：{problem or context}）"


def compose_text(text: str, path: str) -> tuple[Doc, list[Issue]]:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 0)
        char = text[mark.index] if mark and 0 <= mark.index < len(text) else ""
        return Doc(path, None), [Issue("L-YAML", ERROR, f"YAML 语法错误：{_problem_zh(e.context, e.problem, char)}", where)]
    except yaml.reader.ReaderError as e:  # a character YAML does not allow (a control character pasted in)
        m = _NOT_PRINTABLE.search(text)  # (libyaml gives the position in bytes of UTF-8, PyYAML in characters)
        if m is None:  # pragma: no cover - the reader found one
            return Doc(path, None), [Issue("L-YAML", ERROR, f"YAML 语法错误：{e}", Location(path, 0))]
        line, column = text.count("\n", 0, m.start()) + 1, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        return Doc(path, None), [Issue("L-YAML", ERROR, f"有不允许出现的控制字符 U+{ord(m[0]):04X}（常见于从其他软件复制的文字），请删除",
                                       Location(path, line, column))]
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
