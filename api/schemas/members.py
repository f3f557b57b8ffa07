"""Members of an organization."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Strict, Written

Role = Literal["admin", "member"]


class MemberCreate(Strict):
    name: str = Field(min_length=1, max_length=50)
    login: str = Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    password: str = Field(min_length=10, max_length=256)
    role: Role = "member"


class MemberUpdate(Strict):
    role: Role


class MemberPublic(BaseModel):
    id: str
    name: str
    login: str | None  # null: the first admin, who signs in with the credit code
    role: str
    disabled: bool


class MemberWritten(MemberPublic, Written):
    pass
