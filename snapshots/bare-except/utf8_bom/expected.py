"""Ünïcode module with a byte order mark."""


def greet(name):
    try:
        return "héllo " + name
    except Exception:
        return "héllo"
