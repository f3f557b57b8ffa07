"""Verifiable audit log: RFC 6962 Merkle tree, leaf records, signed checkpoints, verifier.

The modules here import only the standard library, `rfc8785` and `cryptography` (and each
other), so the offline verifier runs on an auditor's machine with nothing else installed.
This file deliberately imports nothing: `python -m marketplace.audit.verifier` must not find
the verifier already imported.
"""
