"""Operations on the workshop store; each one is a short transaction and returns plain data.

Participants reach their team only through its token; the facilitator reaches a session
only through the facilitator token. Writes check the round state (an open round takes
moves, predictions and plans; a locked or revealed one does not).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from workshop.security import WorkshopError, clean_code, clean_name, new_code, new_token, token_hash
from workshop.store.models import ROUND_STATES, Move, Plan, Prediction, Session, Snapshot, Team

CODE_HOURS = 12  # a join code lasts one workshop day


def now_utc() -> datetime:
    """Current UTC time without tzinfo (the columns store naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class TeamRef:
    """What a participant's page needs about its team and session."""

    team_id: int
    name: str
    role: str | None
    session_id: int
    code: str
    activity: str
    round_no: int
    round_state: str


def _dump(value: dict) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class Store:
    """The workshop's operations on a database (see :func:`workshop.store.db.open_db`)."""

    def __init__(self, factory: sessionmaker) -> None:
        self.factory = factory

    # -- facilitator -------------------------------------------------------------------
    def create_session(self, activity: str, lang: str, hours: float = CODE_HOURS) -> tuple[str, str]:
        """A new session; returns (join code, facilitator token)."""
        token = new_token()
        for _ in range(10):  # a code clash among live sessions is rare; draw again
            code = new_code()
            try:
                with self.factory.begin() as db:
                    db.add(Session(code=code, activity=activity, lang=lang, facilitator_hash=token_hash(token),
                                   created_at=now_utc(), expires_at=now_utc() + timedelta(hours=hours),
                                   round_no=1, round_state="open"))
                return code, token
            except IntegrityError:
                continue
        raise WorkshopError("err.code_clash")

    def facilitated(self, token: str) -> Session:
        """The session the facilitator token opens (refused when unknown)."""
        with self.factory() as db:
            s = db.scalar(select(Session).where(Session.facilitator_hash == token_hash(token or "")))
        if s is None:
            raise WorkshopError("err.facilitator_token")
        return s

    def set_round(self, token: str, state: str | None = None, next_round: bool = False,
                  timer_min: float | None = None) -> Session:
        """Lock, reveal or reopen the round, start the next one, or (re)start its timer."""
        s = self.facilitated(token)
        values: dict = {}
        if state is not None:
            if state not in ROUND_STATES:
                raise WorkshopError("err.round_state")
            values["round_state"] = state
        if next_round:
            values.update(round_no=s.round_no + 1, round_state="open", timer_end=None)
        if timer_min is not None:
            values["timer_end"] = now_utc() + timedelta(minutes=max(0.0, min(timer_min, 240.0)))
        with self.factory.begin() as db:
            db.execute(update(Session).where(Session.id == s.id).values(**values))
        return self.facilitated(token)

    def teams(self, session_id: int) -> list[Team]:
        """Teams of a session in joining order."""
        with self.factory() as db:
            return list(db.scalars(select(Team).where(Team.session_id == session_id).order_by(Team.id)))

    def plans(self, session_id: int, round_no: int) -> list[tuple[Team, dict, dict]]:
        """Submitted plans of a round: (team, controls, outcome)."""
        with self.factory() as db:
            rows = db.execute(select(Team, Plan).join(Plan, Plan.team_id == Team.id)
                              .where(Team.session_id == session_id, Plan.round_no == round_no).order_by(Team.id))
            return [(t, json.loads(p.controls_json), json.loads(p.outcome_json)) for t, p in rows]

    def predictions(self, session_id: int, round_no: int) -> list[tuple[Team, str, float]]:
        """Predictions of a round: (team, step, value)."""
        with self.factory() as db:
            rows = db.execute(select(Team, Prediction).join(Prediction, Prediction.team_id == Team.id)
                              .where(Team.session_id == session_id, Prediction.round_no == round_no))
            return [(t, p.step, p.value) for t, p in rows]

    # -- participants ------------------------------------------------------------------
    def open_session(self, code: str) -> Session:
        """The live session of a join code (refused when unknown or expired)."""
        with self.factory() as db:
            s = db.scalar(select(Session).where(Session.code == clean_code(code)))
        if s is None:
            raise WorkshopError("err.code_unknown")
        if s.expires_at <= now_utc():
            raise WorkshopError("err.code_expired")
        return s

    def join(self, code: str, name: str, role: str | None = None) -> str:
        """Add a team to a live session; returns the team's token."""
        s = self.open_session(code)
        token = new_token()
        try:
            with self.factory.begin() as db:
                db.add(Team(session_id=s.id, name=clean_name(name), role=role, token_hash=token_hash(token),
                            created_at=now_utc()))
        except IntegrityError:
            raise WorkshopError("err.name_taken") from None
        return token

    def team(self, token: str) -> TeamRef:
        """The team a token opens, with its session's round (refused when unknown or expired)."""
        with self.factory() as db:
            row = db.execute(select(Team, Session).join(Session, Team.session_id == Session.id)
                             .where(Team.token_hash == token_hash(token or ""))).first()
        if row is None:
            raise WorkshopError("err.team_token")
        t, s = row
        if s.expires_at <= now_utc():
            raise WorkshopError("err.code_expired")
        return TeamRef(t.id, t.name, t.role, s.id, s.code, s.activity, s.round_no, s.round_state)

    def _open_team(self, token: str) -> TeamRef:
        ref = self.team(token)
        if ref.round_state != "open":
            raise WorkshopError("err.round_closed")
        return ref

    def predict(self, token: str, step: str, value: float) -> None:
        """Record a prediction; the first one of a step counts (it cannot be changed after)."""
        ref = self._open_team(token)
        try:
            with self.factory.begin() as db:
                db.add(Prediction(team_id=ref.team_id, round_no=ref.round_no, step=step[:64], value=float(value),
                                  created_at=now_utc()))
        except IntegrityError:
            raise WorkshopError("err.predicted") from None

    def prediction(self, token: str, step: str) -> float | None:
        """This team's prediction of a step in the current round (None before it predicted)."""
        ref = self.team(token)
        with self.factory() as db:
            return db.scalar(select(Prediction.value).where(
                Prediction.team_id == ref.team_id, Prediction.round_no == ref.round_no, Prediction.step == step))

    def move(self, token: str, controls: dict, outcome: dict) -> None:
        """Record a move: the controls after it and their outcome."""
        ref = self._open_team(token)
        with self.factory.begin() as db:
            db.add(Move(team_id=ref.team_id, round_no=ref.round_no, controls_json=_dump(controls),
                        outcome_json=_dump(outcome), undone=False, created_at=now_utc()))

    def current(self, token: str) -> tuple[dict, dict] | None:
        """The team's latest move of the round that is not undone: (controls, outcome)."""
        ref = self.team(token)
        with self.factory() as db:
            m = db.scalar(select(Move).where(Move.team_id == ref.team_id, Move.round_no == ref.round_no,
                                             Move.undone.is_(False)).order_by(Move.id.desc()).limit(1))
        return None if m is None else (json.loads(m.controls_json), json.loads(m.outcome_json))

    def undo(self, token: str) -> None:
        """Mark the latest live move of the round undone (the one before it becomes current)."""
        ref = self._open_team(token)
        with self.factory.begin() as db:
            last = db.scalar(select(Move.id).where(Move.team_id == ref.team_id, Move.round_no == ref.round_no,
                                                   Move.undone.is_(False)).order_by(Move.id.desc()).limit(1))
            if last is not None:
                db.execute(update(Move).where(Move.id == last).values(undone=True))

    def snapshot(self, token: str, name: str) -> None:
        """Keep the current state under a name (replacing a snapshot of that name)."""
        ref = self.team(token)
        state = self.current(token)
        if state is None:
            raise WorkshopError("err.nothing_to_keep")
        name = clean_name(name)
        with self.factory.begin() as db:
            db.execute(delete(Snapshot).where(Snapshot.team_id == ref.team_id, Snapshot.name == name))
            db.add(Snapshot(team_id=ref.team_id, name=name, controls_json=_dump(state[0]),
                            outcome_json=_dump(state[1]), created_at=now_utc()))

    def snapshots(self, token: str) -> list[tuple[str, dict, dict]]:
        """The team's snapshots, oldest first: (name, controls, outcome)."""
        ref = self.team(token)
        with self.factory() as db:
            rows = db.scalars(select(Snapshot).where(Snapshot.team_id == ref.team_id).order_by(Snapshot.id))
            return [(s.name, json.loads(s.controls_json), json.loads(s.outcome_json)) for s in rows]

    def submit(self, token: str) -> None:
        """Submit the current state as the team's plan of the round (a later submission replaces it)."""
        ref = self._open_team(token)
        state = self.current(token)
        if state is None:
            raise WorkshopError("err.nothing_to_submit")
        with self.factory.begin() as db:
            db.execute(delete(Plan).where(Plan.team_id == ref.team_id, Plan.round_no == ref.round_no))
            db.add(Plan(team_id=ref.team_id, round_no=ref.round_no, controls_json=_dump(state[0]),
                        outcome_json=_dump(state[1]), submitted_at=now_utc()))

    def set_role(self, token: str, role: str) -> None:
        """Pick the team's role once (role play); later picks are refused."""
        ref = self.team(token)
        if ref.role is not None:
            raise WorkshopError("err.role")
        with self.factory.begin() as db:
            db.execute(update(Team).where(Team.id == ref.team_id).values(role=role[:40]))
