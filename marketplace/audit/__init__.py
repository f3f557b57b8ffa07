"""Verifiable audit log. `verify/`: the portable offline verifier (RFC 6962 Merkle tree, leaf
records, signed checkpoints, bundle format), importing only the standard library, `rfc8785`
and `cryptography`; the other modules here are the server side (tree store, signing,
export, online verification, audit queries, `market audit`).

This file deliberately imports nothing: `python -m marketplace.audit.verifier` must not find
the verifier already imported.
"""
