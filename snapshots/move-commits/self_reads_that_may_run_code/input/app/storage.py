class Storage:
    def close(self, page):
        return page
