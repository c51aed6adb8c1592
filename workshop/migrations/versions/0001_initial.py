"""Initial workshop tables: session, team, prediction, move, snapshot, plan.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _team_fk() -> sa.Column:
    return sa.Column("team_id", sa.Integer, sa.ForeignKey("ws_team.id", ondelete="CASCADE"), nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "ws_session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(12), nullable=False, unique=True, index=True),
        sa.Column("activity", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(4), nullable=False),
        sa.Column("facilitator_hash", sa.String(64), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("round_no", sa.Integer, nullable=False),
        sa.Column("round_state", sa.String(12), nullable=False),
        sa.Column("timer_end", sa.DateTime, nullable=True),
    )
    op.create_table(
        "ws_team",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("ws_session.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("role", sa.String(40), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("session_id", "name"),
    )
    op.create_table(
        "ws_prediction",
        sa.Column("id", sa.Integer, primary_key=True), _team_fk(),
        sa.Column("round_no", sa.Integer, nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("team_id", "round_no", "step"),
    )
    op.create_table(
        "ws_move",
        sa.Column("id", sa.Integer, primary_key=True), _team_fk(),
        sa.Column("round_no", sa.Integer, nullable=False),
        sa.Column("controls_json", sa.Text, nullable=False),
        sa.Column("outcome_json", sa.Text, nullable=False),
        sa.Column("undone", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "ws_snapshot",
        sa.Column("id", sa.Integer, primary_key=True), _team_fk(),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("controls_json", sa.Text, nullable=False),
        sa.Column("outcome_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "ws_plan",
        sa.Column("id", sa.Integer, primary_key=True), _team_fk(),
        sa.Column("round_no", sa.Integer, nullable=False),
        sa.Column("controls_json", sa.Text, nullable=False),
        sa.Column("outcome_json", sa.Text, nullable=False),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("team_id", "round_no"),
    )


def downgrade() -> None:
    for table in ("ws_plan", "ws_snapshot", "ws_move", "ws_prediction", "ws_team", "ws_session"):
        op.drop_table(table)
