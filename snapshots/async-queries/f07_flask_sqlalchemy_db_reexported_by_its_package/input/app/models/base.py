from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
Column = db.Column
