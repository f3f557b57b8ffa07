"""Statements that run inside the transaction that inserts events (see `stores.recorder`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg.sql import Composable

SideEffect = tuple[Composable | str, Sequence[Any]]
