"""The OCDS 1.1 release package, as documented in the OpenAPI (releases follow the standard)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Publisher(BaseModel):
    name: str


class ReleasePackage(BaseModel):
    uri: str = Field(description="this page's address")
    version: str = Field(description='the OCDS version: "1.1"')
    publishedDate: str = Field(description="date of the newest release in the package")
    publisher: Publisher
    releases: list[dict[str, Any]] = Field(
        description="OCDS 1.1 releases; `ocid` = prefix + posting id, `id` = contract id-version;"
        " amounts and quantities are JSON numbers, as OCDS requires"
    )
    links: dict[str, str] | None = Field(default=None, description="`next`: the next page")
    next_after: int | None = Field(description="pass as `after` for the next page; null at end")
