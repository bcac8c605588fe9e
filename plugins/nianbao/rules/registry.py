"""Checks on the unit registry (data/units.yml): hierarchy and contact details."""

from __future__ import annotations

import re

from ..issues import ERROR, WARNING, Issue
from . import rule

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_CREDIT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


@rule("U-PARENT", ERROR, "上级单位存在于名录中且不成环", scope="unit")
def u_parent(site, unit):
    if unit.parent is None:
        return
    if unit.parent not in site.units:
        yield Issue("U-PARENT", ERROR, f"单位 {unit.id} 的上级单位“{unit.parent}”不在名录中", unit.where("parent"))
        return
    seen, p = {unit.id}, unit.parent
    while p is not None and p in site.units:
        if p in seen:
            yield Issue("U-PARENT", ERROR, f"单位 {unit.id} 的上级关系成环（经过 {p}）", unit.where("parent"))
            return
        seen.add(p)
        p = site.units[p].parent


@rule("U-POSTCODE", WARNING, "邮政编码为 6 位数字", scope="unit")
def u_postcode(site, unit):
    pc = unit.contact.postcode
    if pc is not None and not re.fullmatch(r"\d{6}", pc):
        yield Issue("U-POSTCODE", WARNING, f"单位 {unit.id} 的邮政编码“{pc}”不是 6 位数字", unit.where("contact.postcode"))


@rule("U-EMAIL", WARNING, "电子邮箱格式正确", scope="unit")
def u_email(site, unit):
    e = unit.contact.email
    if e is not None and not _EMAIL.match(e):
        yield Issue("U-EMAIL", WARNING, f"单位 {unit.id} 的电子邮箱“{e}”格式不正确", unit.where("contact.email"))


@rule("U-CREDIT", WARNING, "统一社会信用代码为 18 位", scope="unit")
def u_credit(site, unit):
    c = unit.credit_code
    if c is not None and not _CREDIT.match(c):
        yield Issue("U-CREDIT", WARNING, f"单位 {unit.id} 的统一社会信用代码“{c}”格式不正确（应为 18 位）", unit.where("credit_code"))
