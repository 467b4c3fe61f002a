"""Api service: units of work (database writes and their commits)."""


class ApiService:
    """Units of work for api: an earlier run spelled the class this way."""

    @staticmethod
    def ping():
        return 1
