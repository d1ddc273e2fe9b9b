"""The first register: claims and their events.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from slacalc.claims.models import Money, UTCTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant", sa.String(200), nullable=False),
        sa.Column("account_id", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(200), nullable=False),
        sa.Column("contract_id", sa.String(200), nullable=False),
        sa.Column("contract_version", sa.String(200), nullable=False),
        sa.Column("contract_hash", sa.String(64), nullable=False),
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("period_start", UTCTime, nullable=False),
        sa.Column("period_end", UTCTime, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("created_at", UTCTime, nullable=False),
        sa.Column("created_zone", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
        sa.UniqueConstraint(
            "tenant",
            "account_id",
            "contract_id",
            "service",
            "period",
            name="uq_claims_tenant_account_id_contract_id_service_period",
        ),
    )
    op.create_table(
        "claim_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("claim_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("at", UTCTime, nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("on_date", sa.Date, nullable=True),
        sa.Column("amount", Money, nullable=True),
        sa.Column("ticket", sa.String(200), nullable=False),
        sa.Column("invoice", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claim_events"),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name="fk_claim_events_claim_id_claims",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint("claim_id", "seq", name="uq_claim_events_claim_id_seq"),
    )


def downgrade() -> None:
    op.drop_table("claim_events")
    op.drop_table("claims")
