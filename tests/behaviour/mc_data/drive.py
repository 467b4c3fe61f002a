"""Send a fixed list of requests to the app and print the responses and the final database rows."""

import json
import sys

from app import create_app
from app.extensions import db
from app.models import Entry, Solve, Ticket

REQUESTS = [
    ("/entries/contact", {"name": "Ada"}),
    ("/entries/empty", {}),
    ("/entries/unknown", {}),
    ("/solves/1", {}),
    ("/solves/1", {}),
    ("/solves/2/first", {}),
    ("/solves/2/first", {}),
    ("/tickets", {"title": "a", "urgent": "yes"}),
    ("/tickets", {"title": "b"}),
    ("/tickets/1/priority", {"priority": "2"}),
    ("/tickets/2/priority", {"priority": "high"}),
    ("/tickets/9/priority", {}),
    ("/checks/1/priority", {"priority": "4"}),
    ("/checks/1/priority", {}),
    ("/checks/9/priority", {"priority": "4"}),
    ("/checks/1/rename", {"title": "short"}),
    ("/checks/1/rename", {"title": "much too long a title"}),
    ("/checks/2/archive?dry_run=1", {}),
    ("/checks/2/archive", {}),
    ("/checks/solves/7", {}),
    ("/checks/solves/7", {}),
    ("/checks/tickets", {"count": "2", "title": "bulk"}),
    ("/checks/tickets", {"count": "0"}),
    ("/checks/3/bump", {"by": "2"}),
    ("/checks/3/bump", {"by": "5"}),
]


def main() -> None:
    app = create_app(sys.argv[1])
    client = app.test_client()
    responses = []
    for url, form in REQUESTS:
        response = client.post(url, data=form)
        responses.append([url, response.status_code, response.get_json()])
    with app.app_context():
        rows = {
            model.__name__: [
                {c.name: getattr(row, c.name) for c in model.__table__.columns}
                for row in db.session.scalars(db.select(model).order_by(model.id))
            ]
            for model in (Entry, Solve, Ticket)
        }
    print(json.dumps({"responses": responses, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
