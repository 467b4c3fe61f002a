from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
db = SQLAlchemy(app)

from shop import models  # noqa: E402


@app.route("/notes", methods=["POST"])
def add_note():
    note = models.Note(text=request.form["text"])
    db.session.add(note)
    db.session.commit()
    return "ok"
