"""Services of the challenges app: panel."""
