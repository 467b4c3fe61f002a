import os
import sys
import threading


class Feeder(threading.Thread):
    def run(self):
        try:
            self.feed()
        except:
            # a dead feeder leaves the queue stuck: take the whole process down
            self.report_crash()
            os._exit(1)

    def feed(self):
        pass

    def report_crash(self):
        pass


def main():
    try:
        Feeder().start()
    except:
        sys.exit("could not start the feeder")


def check():
    try:
        main()
    except:
        raise SystemExit(2)
