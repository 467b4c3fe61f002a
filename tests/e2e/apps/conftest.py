"""The fixture applications carry their own test suites; the e2e tests run them in a copy."""

collect_ignore_glob = ["*"]
