from flask import Blueprint, redirect, request

from app.extensions import db
from app.models import Course, Lesson

bp = Blueprint("courses", __name__)


@bp.post("/courses")
def create_course():
    course = Course(title=request.form["title"])
    db.session.add(course)
    db.session.flush()
    if request.form.get("with_intro"):
        db.session.add(Lesson(course_id=course.id, title="Introduction"))
        db.session.commit()
    return redirect(f"/courses/{course.id}")
