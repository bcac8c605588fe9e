"""Narrative safety: raw HTML in a narrative must not be able to run code on the portal.

A township's copy-paste from Word or a CMS can carry markup. Script-capable markup (script-like
tags, event-handler attributes, javascript:/vbscript: URLs) is refused; other raw HTML is reported
because the portal removes it when publishing (only what Markdown itself produces is kept).
"""

from __future__ import annotations

import re

from ..issues import ERROR, WARNING, Issue
from ..model import Location
from . import Context, rule

_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w:-]*)([^<>]*)>")
_DANGEROUS_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "link", "meta", "base",
                   "form", "input", "button", "textarea", "select", "svg", "math", "template", "noscript"}
_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.I)
_BAD_URL = re.compile(r"(?:javascript|vbscript|data)\s*:", re.I)
_MD_LINK = re.compile(r"\]\(\s*<?\s*(?:javascript|vbscript|data)\s*:", re.I)


def _lines(text: str):
    fence = False
    for n, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence:
            continue
        yield n, re.sub(r"`[^`]*`", "", re.sub(r"<!--.*?-->", "", line))


def raw_html_findings(text: str, path: str) -> list[Issue]:
    out = []
    for n, line in _lines(text):
        if _MD_LINK.search(line):
            out.append(Issue("C-HTML-UNSAFE", ERROR, "正文中的链接使用了 javascript:/vbscript:/data: 地址，可能执行代码，不予发布", Location(path, n, 1)))
        for m in _TAG.finditer(line):
            name, attrs = m[2].lower(), m[3]
            where = Location(path, n, m.start() + 1)
            if name in _DANGEROUS_TAGS or _HANDLER.search(attrs) or _BAD_URL.search(attrs):
                out.append(Issue("C-HTML-UNSAFE", ERROR, f"正文中的 HTML“{m[0][:60]}”可能执行代码，不予发布：请删除，或改用 Markdown", where))
            elif not m[1]:
                out.append(Issue("C-HTML", WARNING, f"正文中的 HTML 标记 <{name}> 在发布时会被清除（只保留文字）：请改用 Markdown", where))
    return out


@rule("C-HTML", WARNING, "正文不含原始 HTML（含可执行代码的 HTML 为错误 C-HTML-UNSAFE）")
def c_html(ctx: Context):
    n = ctx.report.narrative
    if n is None:
        return
    # the narrative file as the loader read it, so findings carry its line numbers
    yield from raw_html_findings(n.source, n.path)
