def add_member(session, username, team, user):
    """Add ``username`` to ``team``, as the member ``user`` asked."""
    session.info.setdefault("added", []).append((username, team, user))
