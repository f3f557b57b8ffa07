"""The portable offline verifier of an exported audit bundle and what it needs: the Merkle tree,
leaf records, signed-note checkpoints, the bundle format, trusted keys and stored heads.

These modules import only the standard library, `rfc8785` and `cryptography` (and each
other), so the verifier runs on an auditor's machine with nothing else installed
(`tests/unit/test_verifier.py` checks it). This file imports nothing.
Entry point: `python -m marketplace.audit.verifier`.
"""
