"""A deterministic generator of fictitious but valid reports: the sample county and the benchmark
corpus. Every table closes (T3-1…T3-5, T4-1…T4-3) and consecutive years chain (T3-6, T2-3, T2b-3).

Never used on real data; everything it writes is marked as fictitious by the caller.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from .datafile import render_data_file
from .formats import FormatDef, format_for_year
from .model import Cell, CellKind, Meta, Table, Unit


def _n(v) -> Cell:
    return Cell(CellKind.NUMBER, v)


@dataclass
class UnitState:
    """What a unit carries from one year into the next."""

    carried: list[int] = field(default_factory=lambda: [0] * 6)
    in_force: dict[str, int] = field(default_factory=lambda: {"regulations": 0, "normative_docs": 0})
    items: dict[str, int] = field(default_factory=dict)  # 2019 format: 上一年项目数量 by row


def _split(rng: random.Random, total: int, keys: list[str], weights: list[float]) -> dict[str, int]:
    out = dict.fromkeys(keys, 0)
    for _ in range(total):
        out[rng.choices(keys, weights)[0]] += 1
    return out


def random_tables(rng: random.Random, fmt: FormatDef, state: UnitState, scale: int = 1) -> dict[str, Table]:
    t3def = fmt.table("T3")
    parts = [c.key for c in t3def.columns if not c.total]
    leaves = [r.key for r in t3def.rows if r.leaf]
    weights = [12.0 if k == "granted" else 3.0 if k in ("partial", "unable_not_held") else 0.6 for k in leaves]
    rows: dict[str, dict[str, Cell]] = {r.key: {} for r in t3def.rows}
    new_carried = []
    for j, col in enumerate(parts):
        mean = (6 if col == "natural_person" else 0.6) * scale
        received = max(0, int(rng.gauss(mean, mean / 2))) if rng.random() < 0.85 else 0
        carried_in = state.carried[j]
        available = received + carried_in
        carried_out = rng.randint(0, min(2, available)) if available else 0
        handled = _split(rng, available - carried_out, leaves, weights)
        rows["new_received"][col] = _n(received)
        rows["carried_in"][col] = _n(carried_in)
        rows["carried_out"][col] = _n(carried_out)
        rows["result_total"][col] = _n(available - carried_out)
        for k in leaves:
            rows[k][col] = _n(handled[k])
        new_carried.append(carried_out)
    for r in t3def.rows:
        rows[r.key]["total"] = _n(sum(rows[r.key][c].value for c in parts))
    state.carried = new_carried
    t3 = Table("T3", rows)

    t4rows = {}
    for r in fmt.table("T4").rows:
        vals = [rng.choice([0, 0, 0, 0, 1, 1, 2]) for _ in range(4)]
        t4rows[r.key] = {k: _n(v) for k, v in zip(("upheld", "corrected", "other", "pending"), vals)}
        t4rows[r.key]["total"] = _n(sum(vals))
    t4 = Table("T4", t4rows)

    t2rows: dict[str, dict[str, Cell]] = {}
    if fmt.id == "2021":
        for key in ("regulations", "normative_docs"):
            issued = 0 if key == "regulations" else rng.randint(0, 4)
            repealed = 0 if key == "regulations" else rng.randint(0, min(2, state.in_force[key] + issued))
            state.in_force[key] += issued - repealed
            t2rows[key] = {"issued": _n(issued), "repealed": _n(repealed), "in_force": _n(state.in_force[key])}
        for key in ("admin_license", "admin_penalty", "admin_coercion"):
            t2rows[key] = {"decisions": _n(rng.randint(0, 40 * scale))}
        t2rows["admin_fees"] = {"fee_amount_wan": _n(Decimal(rng.randint(0, 5000)) / 100)}
    else:
        for key in ("regulations", "normative_docs"):
            made = 0 if key == "regulations" else rng.randint(0, 4)
            total = state.in_force[key] + made
            state.in_force[key] = total
            t2rows[key] = {"new_made": _n(made), "new_published": _n(made), "total_published": _n(total)}
        for key in ("admin_license", "other_external_services", "admin_penalty", "admin_coercion", "admin_fees"):
            prev = state.items.setdefault(key, rng.randint(0, 30))
            change = rng.randint(-2, 3) if prev > 2 else rng.randint(0, 3)
            state.items[key] = prev + change
            row = {"prev_year_items": _n(prev), "yoy_change": _n(change)}
            if key != "admin_fees":
                row["decisions"] = _n(rng.randint(0, 40 * scale))
            t2rows[key] = row
        t2rows["gov_central_procurement"] = {
            "procurement_items": _n(rng.randint(0, 5)),
            "procurement_amount": Cell(CellKind.NUMBER, Decimal(rng.randint(0, 900)) / 10, raw=None, unit_raw="万元"),
        }
    return {"T2": Table("T2", t2rows), "T3": t3, "T4": t4}


# ------------------------------------------------------------------------------------ narrative

_OPENINGS = ["坚持以人民为中心", "认真贯彻落实《中华人民共和国政府信息公开条例》", "围绕中心工作", "聚焦群众关切",
             "按照县委县政府的部署", "以标准化规范化为抓手", "紧扣年度政务公开工作要点"]
_TOPICS = ["乡村振兴", "安全生产", "环境保护", "社会救助", "教育医疗", "财政预决算", "重大项目建设", "惠农补贴",
           "养老服务", "就业创业", "农村人居环境整治", "防汛抗旱", "征地补偿", "文化体育", "食品药品安全", "殡葬改革"]
_CHANNELS = ["政府网站", "政务新媒体", "村务公开栏", "便民服务中心查阅点", "微信工作群", "广播", "新闻发布会"]
_VERBS = ["主动公开", "及时发布", "集中公开", "分类发布", "动态更新", "专题公开"]
_PROBLEMS = ["公开内容的深度和广度不够", "政策解读形式较为单一", "基层公开事项标准目录落实不够细",
             "依申请公开专业人员不足", "个别信息更新不及时", "回应群众关切的时效性有待提高", "公开平台栏目设置不够规范"]
_MEASURES = ["加强业务培训", "完善审核发布机制", "丰富解读形式，推出图解和音视频解读", "健全依申请公开工作台账",
             "开展公开栏目常态化自查", "强化考核评议和责任追究", "推进村（居）务公开与政务公开衔接"]


def narrative(rng: random.Random, unit: Unit, year: int, length: int = 1200) -> str:
    """Markdown narrative (preamble, 一、五、六) of roughly ``length`` characters, varied by year."""

    def para(target: int) -> str:
        out, n = [], 0
        while n < target:
            s = (
                f"{rng.choice(_OPENINGS)}，{unit.name}通过{rng.choice(_CHANNELS)}和{rng.choice(_CHANNELS)}"
                f"{rng.choice(_VERBS)}{rng.choice(_TOPICS)}、{rng.choice(_TOPICS)}等领域信息{rng.randint(3, 120)}条，"
                f"{rng.choice(['群众反映良好', '做到应公开尽公开', '确保信息准确及时', '方便群众查询'])}。"
            )
            out.append(s)
            n += len(s)
        return "".join(out)

    share = max(200, length // 6)
    return "\n".join(
        [
            f"本报告根据《中华人民共和国政府信息公开条例》编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
            f"如对本报告有疑问，请与{unit.full_name}联系。（本报告为虚构示例数据。）",
            "",
            "## 一、总体情况",
            "",
            f"{year}年，{unit.name}{rng.choice(_OPENINGS)}，扎实推进政务公开工作，建立健全工作考核、社会评议和责任追究制度。",
            "",
            "### （一）主动公开",
            "",
            para(share * 2),
            "",
            "### （二）依申请公开",
            "",
            para(share),
            "",
            "### （三）政府信息管理",
            "",
            para(share),
            "",
            "## 五、存在的主要问题及改进情况",
            "",
            f"一是{rng.choice(_PROBLEMS)}；二是{rng.choice(_PROBLEMS)}。下一步将{rng.choice(_MEASURES)}，{rng.choice(_MEASURES)}。",
            "",
            para(share // 2),
            "",
            "## 六、其他需要报告的事项",
            "",
            f"本年度未收取信息处理费。{para(share // 2)}",
            "",
        ]
    )


@dataclass
class Generated:
    unit: Unit
    year: int
    data: str
    content: str


def generate_report(
    rng: random.Random, unit: Unit, year: int, state: UnitState, published: dt.date | None = None,
    fmt: FormatDef | None = None, narrative_length: int = 1200, scale: int = 1,
) -> Generated:
    fmt = fmt or format_for_year(year)
    assert fmt is not None, year
    tables = random_tables(rng, fmt, state, scale)
    published = published or dt.date(year + 1, 1, rng.randint(10, 28))
    meta = Meta(
        title=f"{unit.full_name}{year}年政府信息公开工作年度报告",
        publisher=unit.full_name,
        index_no=f"SAMPLE-{unit.id}/{year + 1}01-{rng.randint(1, 99999):05d}",
        written_date=published - dt.timedelta(days=rng.randint(0, 5)),
        published_date=published,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
    )
    data = render_data_file(unit, unit.id, year, fmt, meta, tables, header_note="虚构示例数据（由 nianbao.synth 生成），不代表任何真实单位。")
    return Generated(unit, year, data, narrative(rng, unit, year, narrative_length))
