import logging

log = logging.getLogger("worker.jobs")


def drain(queue):
    done = []
    for job in queue:
        try:
            job.run()
        except:
            continue
        done.append(job)
    return done
