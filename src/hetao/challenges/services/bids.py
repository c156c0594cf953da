"""Services of the challenges app: bids."""
