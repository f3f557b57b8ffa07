"""Crypto-shredding keeps the audit log whole: after an organization's contact data is erased
(its key deleted, a `ContactErased` event appended), the log verifies online and an exported
bundle verifies offline, and the sealed contact in the registration event stays unreadable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from cli import main as cli
from marketplace.audit import online
from marketplace.audit.verify.bundle import Exit
from marketplace.bootstrap import Services
from tests.integration.audit_support import (
    ORIGIN,
    build_history,
    dba,
    events,
    fresh_database,
    services_on,
    sign,
)
from tests.integration.test_audit_bundle import verify_offline
from tests.support import new_credit_code

CONTACT = {"name": "陈立新", "phone": "+86 532 6666 0000", "email": "chen@example.cn"}


@pytest.fixture
def log(
    pg_server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Services]]:
    with fresh_database(pg_server_url) as url, services_on(url, tmp_path / "data") as services:
        monkeypatch.setenv("MARKET_DATABASE_URL", url)
        monkeypatch.setenv("MARKET_AUDIT_ORIGIN", ORIGIN)
        build_history(services)
        yield url, services


def register_with_contact(services: Services) -> UUID:
    outcome = services.app.register_organization(
        kind="enterprise",
        name="青岛联系人测试有限公司",
        credit_code=new_credit_code(),
        region="370202",
        industry="C39",
        contact=CONTACT,
        password="correct horse battery",
    )
    org_id: UUID = outcome.aggregate.id
    return org_id


def test_the_log_verifies_online_and_offline_after_an_erasure(
    log: tuple[str, Services], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, services = log
    org_id = register_with_contact(services)
    sign(services)  # a head that covers the registration, before the erasure
    with dba(url) as conn:
        before = {row["notification_id"]: bytes(row["state"]) for row in events(conn)}
    organization = services.app.get_organization(org_id)
    assert services.vault.open(org_id, organization.sealed_contact) == CONTACT
    sealed = organization.sealed_contact

    outcome = services.app.erase_contact(org_id)
    assert outcome.position is not None
    assert services.vault.open(org_id, sealed) is None  # the key is gone for good
    with dba(url) as conn:
        after = {row["notification_id"]: bytes(row["state"]) for row in events(conn)}
        erased = conn.execute(
            "SELECT topic FROM marketplace_events WHERE notification_id = %s", (outcome.position,)
        ).fetchone()
    assert erased is not None and erased["topic"].endswith("Organization.ContactErased")
    assert {k: after[k] for k in before} == before, "no stored event changed"
    log_bytes = b"".join(after.values())
    for value in CONTACT.values():
        assert value.encode() not in log_bytes
    sign(services)

    with services.db.connection() as conn:
        result = online.verify(conn, services.signer.vkey)
    assert result.exit is Exit.OK, result.message
    data_dir = services.settings.data_dir
    assert cli.main(["audit", "verify", "--data-dir", str(data_dir)]) == Exit.OK
    assert capsys.readouterr().out.startswith("OK:")

    bundle = tmp_path / "bundle"
    assert cli.main(["audit", "export", str(bundle), "--data-dir", str(data_dir)]) == 0
    key = tmp_path / "trusted.key"
    key.write_text(services.signer.vkey + "\n")
    done = verify_offline(bundle, key, tmp_path / "auditor")
    assert done.returncode == Exit.OK, done.stderr
    assert done.stdout.startswith(f"OK: {len(after)} leaves"), done.stdout
