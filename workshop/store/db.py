"""Open the workshop database: SQLite file by default, any SQLAlchemy URL (PostgreSQL) on request.

Every open upgrades the schema to the newest Alembic revision shipped in
``workshop/migrations``, so a new version of the package migrates an old file in place.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import sessionmaker

DATA_ENV = "PARK_TWIN_WORKSHOP_DATA"  # folder of the default SQLite file
DB_ENV = "PARK_TWIN_WORKSHOP_DB"      # a database URL (overrides the folder)
DEFAULT_FOLDER = "workshop-data"
SQLITE_BUSY_MS = 10_000  # writers wait for each other instead of failing under load


def default_url() -> str:
    """The URL in ``PARK_TWIN_WORKSHOP_DB``, else a SQLite file in the data folder."""
    if os.environ.get(DB_ENV):
        return os.environ[DB_ENV]
    folder = Path(os.environ.get(DATA_ENV, DEFAULT_FOLDER)).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'workshop.sqlite'}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest shipped Alembic revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("workshop") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_db(url: str | None = None) -> sessionmaker:
    """A session factory on ``url`` (default :func:`default_url`), schema upgraded to head."""
    engine = make_engine(url or default_url())
    upgrade(engine)
    return sessionmaker(engine, expire_on_commit=False)
