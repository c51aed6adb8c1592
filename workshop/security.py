"""Tokens, join codes, input checks and a rate limit for untrusted participants."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import unicodedata
from collections import defaultdict, deque

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from a projector
CODE_LENGTH = 6
NAME_MAX = 40


class WorkshopError(Exception):
    """A refused request (expired code, bad token, locked round...): one line, shown to the user.

    ``key`` names a label in the workshop catalogue; ``values`` fill its placeholders.
    """

    def __init__(self, key: str, **values) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def new_token() -> str:
    """A fresh secret token (URL-safe, 128 bits)."""
    return secrets.token_urlsafe(16)


def token_hash(token: str) -> str:
    """SHA-256 of a token: the only form the database keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_code() -> str:
    """A short join code of unambiguous characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(text: str) -> str:
    """A typed join code in canonical form (upper case, no spaces); refused when malformed."""
    code = "".join(str(text or "").split()).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise WorkshopError("err.code_format")
    return code


def clean_name(text: str) -> str:
    """A team name: trimmed, printable, 1-40 characters."""
    name = " ".join(str(text or "").split())
    if not name or len(name) > NAME_MAX:
        raise WorkshopError("err.name_length", max=NAME_MAX)
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise WorkshopError("err.name_chars")
    return name


class RateLimit:
    """At most ``limit`` events per ``window_s`` seconds per key (sliding window, thread-safe)."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self.events: dict[str, deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Record an event for ``key``; False (and not recorded) when over the limit."""
        now = time.monotonic() if now is None else now
        with self.lock:
            q = self.events[key]
            while q and q[0] <= now - self.window_s:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            return True
