"""The workshop's database: SQLAlchemy models, Alembic migrations, and the operations on them."""
