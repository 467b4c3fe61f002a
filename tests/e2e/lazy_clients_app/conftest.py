"""The fixture application carries its own test suite; the e2e test runs it in a copy."""

collect_ignore_glob = ["*"]
