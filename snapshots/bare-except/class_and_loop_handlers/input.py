import logging

logger = logging.getLogger(__name__)


class Importer:
    """Loads rows into the store."""

    def __init__(self, store):
        self.store = store
        self.failed = 0

    def load(self, rows):
        for row in rows:
            try:
                self.store.add(row)
            except:
                self.failed += 1
        while self.store.pending():
            try:
                self.store.flush()
            except:
                continue

    class Row:
        def parse(self, text):
            try:
                return text.split(",")
            except:
                return
