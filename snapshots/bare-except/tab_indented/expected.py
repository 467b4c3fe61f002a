import logging

logger = logging.getLogger(__name__)


def read_first_line(path):
	try:
		with open(path) as handle:
			return handle.readline()
	except Exception:
		logger.exception("Suppressed exception")


class Reader:
	def close(self):
		try:
			self.handle.close()
		except BaseException:
			self.handle = None
			raise
