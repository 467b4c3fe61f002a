import logging

log = logging.getLogger("worker.jobs")


def drain(queue):
    done = []
    for job in queue:
        try:
            job.run()
        except Exception:
            log.exception("Suppressed exception")
            continue
        done.append(job)
    return done
