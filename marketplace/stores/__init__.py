"""What is stored beside the event log, each in its own tables.

- `recorder.MarketRecorder`: the event store's recorder (`side_effects` run in its transaction);
- `security`: credentials, sessions and tokens; `password_work`: the bound on argon2 work;
- `personal_data`: the contact vault (encrypted contact details, erasable per organization);
- `idempotency`: Idempotency-Key answers; `budgets`: per-client request budgets;
- `database`: connections for all of these, and schema migration.
"""
