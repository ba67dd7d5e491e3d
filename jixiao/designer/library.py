"""The designer's template library: the forms HR may start a new form from, each under
its Chinese name. The demo company's forms (jixiao/demo/schemes/: the eight
department managers' monthly forms, the 扣分制 points sheet of 生产部, the staff
monthly and 360 forms, the 3PL service contract), the specification's examples and an
R&D annual form (jixiao/designer/forms/).

A template opens in the designer as data: the document's comments (the demo files'
notes are written for developers, in English) never reach HR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jixiao.scoring.source import parse_text

DEMO = Path(__file__).resolve().parent.parent / "demo" / "schemes"
FORMS = Path(__file__).resolve().parent / "forms"

# key (what the start page links to), the document, the name HR sees
LIBRARY: tuple[tuple[str, Path, str], ...] = (
    ("fin-manager", DEMO / "fin-manager.scheme.yaml", "财务部经理月度考核表"),
    ("hr-manager", DEMO / "hr-manager.scheme.yaml", "人力资源部经理月度考核表"),
    ("adm-manager", DEMO / "adm-manager.scheme.yaml", "行政部经理月度考核表"),
    ("mkt-manager", DEMO / "mkt-manager.scheme.yaml", "营销部经理月度考核表"),
    ("prd-manager", DEMO / "prd-manager.scheme.yaml", "生产部经理月度考核表"),
    ("eng-manager", DEMO / "eng-manager.scheme.yaml", "技术工程部经理月度考核表"),
    ("qa-manager", DEMO / "qa-manager.scheme.yaml", "质量保障部经理月度考核表"),
    ("pur-manager", DEMO / "pur-manager.scheme.yaml", "采购部经理月度考核表"),
    (
        "prd-manager-points",
        DEMO / "prd-manager-points.scheme.yaml",
        "生产部经理月度考核表（扣分制，从 100 分扣起）",
    ),
    ("staff-monthly", DEMO / "staff-monthly.scheme.yaml", "员工月度考核表"),
    ("staff-360", DEMO / "staff-360.scheme.yaml", "员工年度综合考评（360 度）"),
    ("rd-annual", FORMS / "rd-annual.scheme.yaml", "技术研发人员年度考核表"),
    ("warehouse-3pl", DEMO / "warehouse-3pl.scheme.yaml", "仓储服务商月度 KPI 考核（服务合同）"),
    (
        "spec-fin-manager",
        FORMS / "spec-fin-manager.scheme.yaml",
        "财务部经理月度考核表（规范示例）",
    ),
    ("spec-staff-monthly", FORMS / "spec-staff-monthly.scheme.yaml", "员工月度考核表（规范示例）"),
    ("spec-staff-360", FORMS / "spec-staff-360.scheme.yaml", "员工年度综合考评（规范示例）"),
    ("spec-staff-annual", FORMS / "spec-staff-annual.scheme.yaml", "员工年度考核表（规范示例）"),
    (
        "spec-warehouse-3pl",
        FORMS / "spec-warehouse-3pl.scheme.yaml",
        "仓储服务商月度 KPI 考核（规范示例）",
    ),
)
_PATHS = {key: path for key, path, _name in LIBRARY}


def templates() -> list[tuple[str, str]]:
    """The library as the start page lists it: (key, the form's Chinese name)."""
    return [(key, name) for key, _path, name in LIBRARY]


def template_data(key: str) -> Any | None:
    """A template's document as data (its comments left behind); None for no such key."""
    path = _PATHS.get(key)
    if path is None:
        return None
    return parse_text(path.read_text(encoding="utf-8"), kind="scheme").data
