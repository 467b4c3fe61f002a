import logging
import time


def ping(host):
    try:
        return time.monotonic() - host.ping()
    except:
        return None


def close(conn):
    try:
        conn.close()
    except:
        pass
