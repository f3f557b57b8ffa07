"""Each caller's last write position, kept for read-your-writes (marketplace.own_writes)."""

from __future__ import annotations

import contextvars

from marketplace.own_writes import OwnWrites, caller_key, writer


def noted(writes: OwnWrites, key: str | None, position: int) -> None:
    """Note `position` as the request of caller `key` would (in its own context)."""

    def save() -> None:
        writer.set(key)
        writes.note(position)

    contextvars.copy_context().run(save)


def test_a_caller_gets_its_own_last_write_and_no_one_elses() -> None:
    writes = OwnWrites()
    alice, bob = caller_key("token-a"), caller_key("token-b")
    noted(writes, alice, 7)
    noted(writes, alice, 5)  # an older save finishing late never moves it back
    assert writes.last(alice) == 7
    assert writes.last(bob) == 0
    assert writes.last(None) == 0


def test_saves_without_a_caller_are_kept_for_no_one() -> None:
    writes = OwnWrites()
    noted(writes, None, 9)  # anonymous requests, the deadline scheduler
    writes.note(10)  # no request at all
    assert writes.last(caller_key("anyone")) == 0


def test_the_least_recently_written_callers_are_dropped_first() -> None:
    writes = OwnWrites(capacity=2)
    noted(writes, "a", 1)
    noted(writes, "b", 2)
    noted(writes, "a", 3)
    noted(writes, "c", 4)
    assert (writes.last("a"), writes.last("b"), writes.last("c")) == (3, 0, 4)


def test_tokens_are_not_kept_as_they_are() -> None:
    assert caller_key("secret-token") != "secret-token"
    assert caller_key("secret-token") == caller_key("secret-token")
