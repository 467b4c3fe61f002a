import os
import shutil


def publish(build_dir, target):
    staging = target + ".partial"
    try:
        shutil.copytree(build_dir, staging)
        os.replace(staging, target)
    except:
        shutil.rmtree(staging, ignore_errors=True)
        raise
