"""Service layer: units of work moved out of the route layer."""
