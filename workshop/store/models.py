"""SQLAlchemy models of a workshop: sessions, teams, predictions, moves, snapshots, plans.

Controls and outcomes are stored as JSON text (a few hundred bytes): they are read whole
and never queried inside. Tokens are stored as SHA-256 hashes only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROUND_STATES = ("open", "locked", "revealed")


class Base(DeclarativeBase):
    """Declarative base of the workshop tables."""


class Session(Base):
    """One workshop run by a facilitator on one activity (lesson, challenge or role play)."""

    __tablename__ = "ws_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True, index=True)
    activity: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(4), default="zh")
    facilitator_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    round_no: Mapped[int] = mapped_column(Integer, default=1)
    round_state: Mapped[str] = mapped_column(String(12), default="open")
    timer_end: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    teams: Mapped[list[Team]] = relationship(back_populates="session", cascade="all, delete-orphan")


class Team(Base):
    """A team in a session; its token (hashed) brings a reloaded browser back to its state."""

    __tablename__ = "ws_team"
    __table_args__ = (UniqueConstraint("session_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("ws_session.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    session: Mapped[Session] = relationship(back_populates="teams")


class Prediction(Base):
    """A team's prediction of a lesson step's answer, entered before the answer shows."""

    __tablename__ = "ws_prediction"
    __table_args__ = (UniqueConstraint("team_id", "round_no", "step"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("ws_team.id", ondelete="CASCADE"), index=True)
    round_no: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Move(Base):
    """One control move: the whole set of control values after it, and its outcome."""

    __tablename__ = "ws_move"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("ws_team.id", ondelete="CASCADE"), index=True)
    round_no: Mapped[int] = mapped_column(Integer)
    controls_json: Mapped[str] = mapped_column(Text)
    outcome_json: Mapped[str] = mapped_column(Text, default="{}")
    undone: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Snapshot(Base):
    """A named state a team keeps to compare side by side."""

    __tablename__ = "ws_snapshot"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("ws_team.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    controls_json: Mapped[str] = mapped_column(Text)
    outcome_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Plan(Base):
    """A team's submitted plan for a round (the latest submission counts)."""

    __tablename__ = "ws_plan"
    __table_args__ = (UniqueConstraint("team_id", "round_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("ws_team.id", ondelete="CASCADE"), index=True)
    round_no: Mapped[int] = mapped_column(Integer)
    controls_json: Mapped[str] = mapped_column(Text)
    outcome_json: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
