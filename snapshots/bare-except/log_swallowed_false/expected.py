def discard(cache, key):
    try:
        del cache[key]
    except Exception:
        pass
