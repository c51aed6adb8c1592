"""Shared pieces of the workshop pages: the store, rate limits, errors, the join QR code."""

from __future__ import annotations

import io
import os
import socket

import segno
import streamlit as st

from workshop.security import RateLimit, WorkshopError
from workshop.store.db import open_db
from workshop.store.repo import Store

URL_ENV = "PARK_TWIN_WORKSHOP_URL"  # the address participants open (set by `park-twin workshop`)
MOVES = RateLimit(limit=20, window_s=60)   # per team: a move every 3 s on average is plenty in class
ACTIONS = RateLimit(limit=60, window_s=60)  # per team or facilitator: other writes
JOINS = RateLimit(limit=60, window_s=60)    # per join code (and creates, server-wide)


@st.cache_resource
def store() -> Store:
    """The store on the database of this server (URL from the environment; see workshop.store.db)."""
    return Store(open_db())


def limited(limit: RateLimit, key: str) -> None:
    """Refuse the request when ``key`` is over its rate."""
    if not limit.allow(key):
        raise WorkshopError("err.rate")


def join_url() -> str:
    """The address participants open: from the launcher, else this machine's LAN address."""
    if os.environ.get(URL_ENV):
        return os.environ[URL_ENV]
    port = st.get_option("server.port")
    try:  # the LAN address the default route would use; a UDP connect sends nothing
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("10.255.255.255", 1))
            host = sock.getsockname()[0]
    except OSError:
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes (made here, offline)."""
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=6, border=2)
    return buf.getvalue()
