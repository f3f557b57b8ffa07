"""`python -m marketplace.audit.verifier`: the offline verifier of an exported audit bundle.

The verifier itself is `marketplace.audit.verify.verifier` (its docstring tells the bundle
layout, the checks and their exit codes); this entry point keeps the auditors' command.
"""

from __future__ import annotations

from marketplace.audit.verify.verifier import main

if __name__ == "__main__":
    raise SystemExit(main())
