"""Which failures of a view are an outage (reconnect, never skip), which are transient (retry
a few times), and which are the event's own (record and skip at once)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from projections.failures import (
    ERROR_LIMIT,
    StoppingError,
    UndecodableEventError,
    describe,
    is_outage_error,
    is_transient,
)

OUTAGES = [
    psycopg.OperationalError("server closed the connection unexpectedly"),  # no SQLSTATE
    psycopg.InterfaceError("the connection is closed"),
    errors.AdminShutdown("terminating connection due to administrator command"),
    errors.ConnectionFailure("connection failure"),
    errors.DiskFull("could not extend file"),
    errors.OutOfMemory("out of memory"),
    errors.IoError("could not read block"),
    errors.InternalError_("internal error"),
    errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction"),
    errors.InsufficientPrivilege("permission denied for table organizations"),
    errors.UndefinedTable('relation "organizations" does not exist'),
    errors.UndefinedColumn('column "rejection_reason" does not exist'),
    StoppingError("stopping"),
]
TRANSIENT = [
    errors.SerializationFailure("could not serialize access"),
    errors.DeadlockDetected("deadlock detected"),
    errors.LockNotAvailable("canceling statement due to lock timeout"),
    errors.QueryCanceled("canceling statement due to statement timeout"),
]
THE_EVENTS_OWN = [
    errors.ProgramLimitExceeded("index row requires 24016 bytes"),  # an OperationalError
    psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
    errors.CharacterNotInRepertoire("invalid byte sequence"),
    errors.UniqueViolation("duplicate key value"),
    errors.NumericValueOutOfRange("numeric field overflow"),
    UndecodableEventError("JSONDecodeError: Expecting property name"),
    ValueError("a bug in a fold"),
    KeyError("missing"),
]


@pytest.mark.parametrize("error", OUTAGES, ids=lambda e: type(e).__name__)
def test_outages_are_never_the_events_fault(error: Exception) -> None:
    assert is_outage_error(error)


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__)
def test_transient_failures_are_retried_not_outages(error: Exception) -> None:
    assert is_transient(error) and not is_outage_error(error)


@pytest.mark.parametrize("error", THE_EVENTS_OWN, ids=lambda e: type(e).__name__)
def test_other_failures_are_the_events_own_and_not_retried(error: Exception) -> None:
    assert not is_outage_error(error) and not is_transient(error)


def test_an_error_is_described_as_storable_bounded_text() -> None:
    text = describe(ValueError("evil\x00name\x1b[31m\ud800 " + "x" * 5000))
    assert text.startswith("ValueError: evilname[31m? x")
    assert len(text) == ERROR_LIMIT
    text.encode("utf-8")  # no lone surrogate left
