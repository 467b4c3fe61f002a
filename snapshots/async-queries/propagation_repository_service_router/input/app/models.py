class Job:
    pass
