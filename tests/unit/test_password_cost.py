"""The application hashes passwords at argon2-cffi's production cost (RFC 9106's second
recommended profile), whatever the test session does to save time (tests/conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys

from argon2 import PasswordHasher


def test_the_application_hashes_at_the_production_cost() -> None:
    # A fresh interpreter: this session's hashers are the cheap ones of tests/conftest.py.
    script = (
        "import json\n"
        "from marketplace.stores import members, security\n"
        "print(json.dumps([[h.time_cost, h.memory_cost, h.parallelism, h.type.name]"
        " for h in (security._hasher, members._hasher)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    production = PasswordHasher()
    expected = [production.time_cost, production.memory_cost, production.parallelism, "ID"]
    assert json.loads(done.stdout) == [expected, expected]
    assert production.memory_cost >= 65536 and production.time_cost >= 3
