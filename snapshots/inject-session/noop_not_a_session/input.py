class Cache:
    def __init__(self):
        self.store = None

    def lookup(self, key):
        return self.store.get(key)


cache = Cache()
