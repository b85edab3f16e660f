"""碳达峰任务台账 — the core: model, database, importers, services, CLI. No Qt here."""

__version__ = "0.1.0"
