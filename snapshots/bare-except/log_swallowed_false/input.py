def discard(cache, key):
    try:
        del cache[key]
    except:
        pass
