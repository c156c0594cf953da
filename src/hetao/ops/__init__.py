"""Running the park: readiness, the one scheduler, heartbeats, backup and restore, and `make serve`."""
