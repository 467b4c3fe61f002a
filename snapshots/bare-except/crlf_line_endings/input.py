"""Written on Windows."""

import os


def remove(path):
    try:
        os.remove(path)
    except:
        pass


def size(path):
    try:
        return os.path.getsize(path)
    except:
        return -1
