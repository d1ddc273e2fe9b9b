"""Alembic's entry point for the register: migrations run on the connection slacalc passes in
``config.attributes["connection"]`` (see ``slacalc.claims.store``), never from an ini file."""

from alembic import context

from slacalc.claims.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
