# Copyright 2026 The Notes Authors.
# SPDX-License-Identifier: Apache-2.0

"""Note service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Note


class NoteService:
    """Units of work for note: each method writes and commits."""

    @staticmethod
    def create_note(text):
        note = Note(text=text)
        db.session.add(note)
        db.session.commit()
        return note
