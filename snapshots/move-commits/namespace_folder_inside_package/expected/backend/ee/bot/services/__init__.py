"""Service layer: units of work (database writes and their commits)."""
