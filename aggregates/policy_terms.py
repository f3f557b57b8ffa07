"""The terms of a policy item: its topics, statuses, the checks its fields must pass, and the
targeting rule (which enterprises it concerns)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from urllib.parse import urlsplit

from aggregates.errors import InvalidValueError
from aggregates.values import Category, parse_region_prefix


class PolicyStatus(StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


TOPICS = (
    "fiscal_tax",
    "finance",
    "social_security",
    "employment",
    "innovation",
    "digitalization",
    "market",
    "other",
)
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 1, 1)


def check_topics(topics: Iterable[str]) -> list[str]:
    """One or more known topics, each once, in the order given."""
    chosen = list(dict.fromkeys(topics))
    if not chosen or any(t not in TOPICS for t in chosen):
        raise InvalidValueError(
            f"topics must be one or more of {', '.join(TOPICS)}",
            f"主题须为以下一项或多项：{'、'.join(TOPICS)}",
            field="topics",
        )
    return chosen


def check_regions(regions: Iterable[str]) -> list[str]:
    """Region codes or prefixes (2, 4 or 6 digits); empty targets everywhere."""
    return list(dict.fromkeys(parse_region_prefix(r, "regions") for r in regions))


def check_industries(industries: Iterable[str]) -> list[str]:
    """GB/T 4754 division codes; empty targets every industry."""
    return list(dict.fromkeys(Category.parse(i, "industries").code for i in industries))


def check_validity(effective_from: date | None, effective_until: date | None) -> None:
    for name, value in [("effective_from", effective_from), ("effective_until", effective_until)]:
        if value is not None and not EARLIEST <= value < LATEST:
            raise InvalidValueError(
                f"{name} must lie between 2000-01-01 and 2099-12-31",
                "日期须在 2000-01-01 至 2099-12-31 之间",
                field=name,
            )
    if effective_from and effective_until and effective_until < effective_from:
        raise InvalidValueError(
            "effective_until must not be before effective_from",
            "失效日期不得早于生效日期",
            field="effective_until",
        )


def check_url(url: str | None) -> None:
    if url is None:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        raise InvalidValueError(
            "url must be an http(s) link to the official text",
            "链接须为指向原文的 http(s) 地址",
            field="url",
        )


def targets(regions: list[str], industries: list[str], region: str, industry: str | None) -> bool:
    """Whether a policy with this targeting concerns an enterprise of this region and industry:
    its regions are empty or one is a prefix of the enterprise's region, and its industries
    are empty or hold the enterprise's industry."""
    in_region = not regions or any(region.startswith(r) for r in regions)
    return in_region and (not industries or industry in industries)


def in_force(
    status: str, effective_from: date | None, effective_until: date | None, today: date
) -> bool:
    return (
        status == PolicyStatus.PUBLISHED
        and (effective_from is None or effective_from <= today)
        and (effective_until is None or today <= effective_until)
    )
