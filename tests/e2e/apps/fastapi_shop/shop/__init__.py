"""A small shop API: FastAPI + SQLAlchemy 2, a sync and an async session via Depends."""
