"""Profile service: units of work (database writes and their commits)."""

from app.extensions import db


class ProfileService:
    """Units of work for profile: each method writes and commits."""

    @staticmethod
    def edit_profile(form, profile):
        form.populate_obj(profile)
        profile.completed = True
        db.session.commit()
