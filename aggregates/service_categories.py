"""The twelve service categories of the service hall (Qingdao's catalogue), code → names."""

from __future__ import annotations

from collections.abc import Iterable

from aggregates.errors import InvalidValueError

MAX_SERVICE_CATEGORIES = 12

# code → (name_zh, name_en)
SERVICE_CATEGORIES: dict[str, tuple[str, str]] = {
    "government_affairs": ("政务", "Government affairs"),
    "financing": ("融资", "Financing"),
    "legal": ("法律", "Legal"),
    "management": ("管理", "Management"),
    "technology": ("技术", "Technology"),
    "human_resources": ("人力资源", "Human resources"),
    "training_startup": ("培训与创业", "Training and start-ups"),
    "testing_inspection": ("检验检测", "Testing and inspection"),
    "informatization": ("信息化", "Informatization"),
    "certification": ("认证认可", "Certification and accreditation"),
    "market_expansion": ("市场开拓", "Market expansion"),
    "business": ("商务", "Business"),
}


def parse_service_categories(codes: Iterable[object], field: str) -> tuple[str, ...]:
    """1 to 12 distinct known codes, in the order given."""
    given = list(codes)
    if not 1 <= len(given) <= MAX_SERVICE_CATEGORIES:
        raise InvalidValueError(
            "give 1 to 12 service categories", "须选择 1 至 12 个服务类别", field=field
        )
    known = [code for code in given if isinstance(code, str) and code in SERVICE_CATEGORIES]
    if len(known) != len(given):
        code = next(code for code in given if code not in known)
        raise InvalidValueError(
            f"unknown service category {code!r}", f"未知的服务类别 {code!r}", field=field
        )
    if len(set(known)) != len(known):
        raise InvalidValueError(
            "service categories must be distinct", "服务类别不能重复", field=field
        )
    return tuple(known)
