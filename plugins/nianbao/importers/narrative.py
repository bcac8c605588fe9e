"""Paragraphs to the narrative Markdown (preamble, sections 一、五、六), plus what the text says about
the report: title, unit, year, statistics period and contact details."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .document import Para
from .recognize import Note

SECTION = re.compile(r"^([一二三四五六])\s*[、.．]\s*(\S.{0,40})$")
LEGACY_SECTION = re.compile(r"^([一二三四五六七八九十])\s*[、.．]\s*(\S.{0,40})$")  # 2018 and before: up to 9 parts
SUBHEAD = re.compile(r"^[(（][一二三四五六七八九十]+[)）]\s*\S.{0,38}$")
NUMBERED = re.compile(r"^\d{1,2}\s*[.．、]\s*\S.{0,58}$")
POINTS = re.compile(r"(?:^|(?<=[。；;]))\s*([一二三四五六七八九十]+是)")
TITLE = re.compile(r"^(?P<name>.{2,60}?)(?P<year>\d{4})\s*年度?政府信息公开(?:工作)?年度?报告")
PERIOD = re.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:起)?\s*至\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CONTACT = {
    "address": r"地\s*址",
    "postcode": r"邮\s*编|邮政编码",
    "phone": r"电\s*话|联系电话",
    "fax": r"传\s*真",
    "email": r"电子(?:邮)?箱|电子邮件|邮\s*箱|E-?mail",
}


@dataclass
class Narrative:
    title: str | None = None
    unit_name: str | None = None
    year: int | None = None
    preamble: list[str] = field(default_factory=list)
    sections: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # ordinal -> (heading, paragraphs)
    period: tuple[dt.date, dt.date] | None = None
    contact: dict[str, str] = field(default_factory=dict)
    office: str | None = None


def _is_subheading(text: str) -> bool:
    return bool(SUBHEAD.match(text) or NUMBERED.match(text)) and not text.rstrip().endswith(("。", "；", ";"))


def parse(paras: list[Para], notes: list[Note], section: re.Pattern = SECTION) -> Narrative:
    n = Narrative()
    current: str | None = None
    for p in paras:
        text = p.text.strip()
        if not text:
            continue
        if n.title is None:
            m = TITLE.search(re.sub(r"\s+", "", text))
            if m and len(text) < 80:
                n.title, n.unit_name, n.year = re.sub(r"\s+", "", m[0]), m["name"], int(m["year"])
                continue
        m = section.match(text)
        if m and not text.endswith("。"):
            current = m[1]
            if current in n.sections:
                notes.append(Note(f"正文“{text}”", f"第二次出现{current}、部分，内容并入前一处"))
            else:
                n.sections[current] = (f"{m[1]}、{m[2].strip()}", [])
            continue
        if current is None:
            n.preamble.append(text)
        else:
            n.sections[current][1].append(text)
    if n.title is None:
        notes.append(Note("标题", "没有找到“××××年政府信息公开工作年度报告”标题"))
    pre = "".join(n.preamble)
    m = PERIOD.search(pre)
    if m:
        try:
            n.period = (dt.date(int(m[1]), int(m[2]), int(m[3])), dt.date(int(m[4]), int(m[5]), int(m[6])))
        except ValueError:
            notes.append(Note("前言", f"统计期限“{m[0]}”不是有效日期"))
    for key, label in CONTACT.items():
        cm = re.search(rf"(?:{label})\s*[:：]\s*([^；;，,）)\s]+)", pre)
        if cm:
            n.contact[key] = cm[1].strip()
    om = re.search(r"请与(.{2,40}?(?:办公室|办|科|股|中心))联系", pre)
    if om:
        n.office = om[1]
    return n


def _points(text: str) -> list[str] | None:
    """A paragraph that numbers its points (一是…；二是…) as list items, text unchanged."""
    starts = [m.start(1) for m in POINTS.finditer(text)]
    if len(starts) < 2 or not text[starts[0] :].startswith("一是"):
        return None
    head = text[: starts[0]].strip()
    items = [text[a:b].strip() for a, b in zip(starts, starts[1:] + [len(text)])]
    return ([head] if head else []) + items


def section_markdown(paragraphs: list[str]) -> str:
    out: list[str] = []
    pending_list: list[str] = []

    def flush():
        if pending_list:
            out.extend([f"- {item}" for item in pending_list] + [""])
            pending_list.clear()

    for text in paragraphs:
        if _is_subheading(text):
            flush()
            out += [f"### {text}", ""]
            continue
        pts = _points(text)
        if pts:
            flush()
            lead = pts[0] if not pts[0].startswith("一是") else None
            if lead:
                out += [lead, ""]
                pts = pts[1:]
            out.extend([f"- {item}" for item in pts] + [""])
            continue
        if re.match(r"^[一二三四五六七八九十]+是", text):
            pending_list.append(text)
            continue
        flush()
        out += [_escape(text), ""]
    flush()
    return "\n".join(out).strip("\n")


def _escape(text: str) -> str:
    """Text that Markdown would read as markup at the start of a line is escaped."""
    if re.match(r"^(#|>|[-*+]\s|\d+[.)]\s)", text):
        return "\\" + text
    return text


def to_markdown(n: Narrative, source: str, notes: list[Note], legacy: bool = False) -> str:
    """The narrative file; ``legacy`` (2018 and before): every part as the report has it, in its order."""
    if legacy:
        parts = [f"<!-- 由 nianbao import 从 {source} 导入。2018 年度及以前没有统一格式：各部分照原报告。 -->", ""]
        if n.preamble:
            parts += [section_markdown(n.preamble), ""]
        for heading, paras in n.sections.values():
            parts += [f"## {heading}", ""]
            body = section_markdown(paras)
            if body:
                parts += [body, ""]
        return "\n".join(parts).rstrip("\n") + "\n"
    parts = [f"<!-- 由 nianbao import 从 {source} 导入。二、三、四部分由数据文件生成。 -->", ""]
    if n.preamble:
        parts += [section_markdown(n.preamble), ""]
    for ordinal in "一二三四五六":
        if ordinal not in n.sections:
            if ordinal in "一五六":
                notes.append(Note("正文", f"没有找到“{ordinal}、”部分"))
            continue
        heading, paras = n.sections[ordinal]
        if ordinal in "二三四":
            text = [p for p in paras if p.strip()]
            if text:
                notes.append(Note(f"正文“{heading}”", f"表格之外的文字未导入（此部分由统计表生成）：{'；'.join(t[:40] for t in text)}"))
            continue
        parts += [f"## {heading}", ""]
        body = section_markdown(paras)
        if body:
            parts += [body, ""]
    return "\n".join(parts).rstrip("\n") + "\n"
