"""What an organization is and the checks its registration makes, beside `organization.py`
(which re-exports these names): kinds, the key by credit code, who starts verified, the
errors of unverified and suspended organizations, service categories."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from aggregates.errors import ForbiddenError, InvalidValueError
from aggregates.service_categories import parse_service_categories

ORGANIZATION_NAMESPACE = uuid5(NAMESPACE_URL, "urn:sme-marketplace:organization")


class OrganizationKind(StrEnum):
    ENTERPRISE = "enterprise"
    BANK = "bank"
    PROVIDER = "provider"  # 服务机构: a professional service organization
    OPERATOR = "operator"
    AUDITOR = "auditor"


class NotVerifiedError(ForbiddenError):
    """The organization may read, but acts only once an operator has verified it (403)."""

    code = "not_verified"


class SuspendedError(ForbiddenError):
    """A suspended organization may sign in and read, but not write (403 `suspended`)."""

    code = "suspended"


def organization_id(credit_code: str) -> UUID:
    """Organizations are keyed by credit code, so registering one twice is a version conflict."""
    return uuid5(ORGANIZATION_NAMESPACE, credit_code)


# Kinds that an operator checks before they may act, whatever the settings say.
CHECKED_KINDS = frozenset({OrganizationKind.BANK, OrganizationKind.PROVIDER})


def starts_verified(kind: str, verified: bool | None) -> bool:
    """As registered; when not said, every kind but banks and providers (checked first)."""
    return verified if verified is not None else kind not in CHECKED_KINDS


def check_service_categories(kind: str, categories: Sequence[str]) -> tuple[str, ...]:
    """Providers name 1 to 12 distinct service categories; other kinds name none."""
    if kind == OrganizationKind.PROVIDER:
        return parse_service_categories(categories, "service_categories")
    if categories:
        raise InvalidValueError(
            "only service providers have service categories",
            "只有服务机构可以填写服务类别",
            field="service_categories",
        )
    return ()
