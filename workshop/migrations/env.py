"""Alembic environment of the workshop store: runs on the connection the store hands over."""

from alembic import context

from workshop.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` command line: a URL in the config
    from sqlalchemy import create_engine

    with create_engine(config.get_main_option("sqlalchemy.url")).connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
