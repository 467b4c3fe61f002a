"""Internals of the ``async-queries`` codemod (not a codemod itself: the leading ``_`` hides it)."""
