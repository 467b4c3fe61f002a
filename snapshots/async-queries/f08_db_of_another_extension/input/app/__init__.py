from alchemical.flask import Alchemical

# Another extension's `db`: its session is a plain SQLAlchemy session, and it has no
# `db.select`, whatever else the requirements pin.
db = Alchemical()
