"""What is stored beside the event log, each in its own tables.

- `recorder.MarketRecorder`: the event store's recorder (`side_effects` run in its transaction);
- `security`: credentials, sessions and tokens; `password_work`: the bound on argon2 work;
- `members`: members' passwords, and ending a disabled member's sessions;
- `personal_data`: the contact vault (encrypted contact details, erasable per organization);
- `idempotency`: Idempotency-Key answers; `in_flight`: keys claimed while their request runs;
- `budgets`: per-client request budgets; `policy_reads`: which policies an enterprise has read;
- `notification_reads`: which of its notifications an organization has read;
- `database`: connections for all of these, and schema migration.
"""
