import logging

log = logging.getLogger(__name__)


def write(log, line):
    try:
        log.write(line)
    except Exception:
        pass


def flush(stream):
    try:
        stream.flush()
    except Exception:
        log.exception("Suppressed exception")
