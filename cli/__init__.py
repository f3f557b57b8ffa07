"""The `market` command line, above `api/` and `marketplace/` (it starts both).

- `main`: the arguments (`build_parser`) and the entry point of the `market` script;
- `commands`: serve, project, rebuild, status, migrate, demo, accounts create
  (`market audit ...` is `marketplace.audit.cli`).

`python -m cli` runs it as `market` does.
"""
