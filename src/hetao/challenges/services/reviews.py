"""Services of the challenges app: reviews."""
