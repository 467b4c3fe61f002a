"""Answer service: units of work (database writes and their commits)."""

from ee.extensions import db
from ee.models import Answer


class AnswerService:
    """Units of work for answer: each method writes and commits."""

    @staticmethod
    def create_answer(text):
        answer = Answer(text=text)
        db.session.add(answer)
        db.session.commit()
        return answer
