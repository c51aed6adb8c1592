"""``park-twin workshop``: serve the workshop app (Streamlit) on this machine's network.

::

    park-twin workshop [--db URL] [--port N] [--host H] [--data DIR]

Registered through the ``park_twin.commands`` entry point; ``twin`` never imports it.
The database schema is upgraded to the newest migration before the server starts.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from workshop.store.db import DB_ENV, open_db

HELP = "serve the teaching workshop (sessions, lessons, challenges, role play, class view)"
APP = Path(__file__).resolve().parent / "app.py"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``workshop`` command to a ``park-twin`` subparser set."""
    parser = sub.add_parser("workshop", help=HELP, description=HELP)
    parser.add_argument("--db", metavar="URL", help="database URL, e.g. postgresql://user:pw@host/db "
                        "(default: a SQLite file in --data)")
    parser.add_argument("--data", metavar="DIR", default="workshop-data", help="folder of the SQLite file")
    parser.add_argument("--port", type=int, default=8502)
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on (0.0.0.0: the local network)")
    parser.set_defaults(handler=workshop_command)
    return parser


def workshop_command(args: argparse.Namespace) -> int:
    """Upgrade the store and run the Streamlit server in the foreground (Ctrl+C stops it)."""
    if args.db:
        url = args.db
    else:
        folder = Path(args.data).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'workshop.sqlite'}"
    env = {**os.environ, DB_ENV: url}
    try:  # migrate now: a bad URL fails here with one line, not in the browser
        open_db(url)
    except Exception as exc:  # noqa: BLE001 - any driver error becomes one line and exit 2
        print(f"workshop store {url.split('@')[-1]}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    print(f"workshop store: {url.split('@')[-1]}")
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.port", str(args.port), "--server.address", args.host,
           "--server.maxUploadSize", "1", "--server.enableXsrfProtection", "true"]
    return subprocess.call(cmd, env=env)
