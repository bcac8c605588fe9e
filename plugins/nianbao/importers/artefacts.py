"""Word artefacts that are not content: removed from text, and every removal reported."""

from __future__ import annotations

import re

_PATTERNS = [
    (re.compile(r"\[bookmark:\s*[^\]]*\]"), "书签标记"),
    (re.compile(r"\{\s*(?:PAGE|NUMPAGES|HYPERLINK|TOC|REF|MERGEFIELD|SEQ|DATE)\b[^}]*\}"), "域代码"),
    (re.compile(r"[\u00a7\u000c\u200b\ufeff]"), "分节符、分页符或零宽字符"),
]


def strip_artefacts(text: str, dropped: list[str], where: str) -> str:
    for rx, what in _PATTERNS:
        found = rx.findall(text)
        if found:
            shown = "、".join(sorted({repr(f) if len(f) < 2 else f for f in found}))
            dropped.append(f"{where}：删除了{what} {shown}")
            text = rx.sub("", text)
    return text
