"""Services of the challenges app: calls."""
