import threading

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


def export(session, export_id):
    session.get(Export, export_id).done = True
    session.commit()


@app.post("/exports/<int:export_id>")
def start_export(export_id):
    threading.Thread(target=export, args=(db.session, export_id)).start()
    return {}
