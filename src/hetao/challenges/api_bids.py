"""The challenges API: bids."""

from ninja import Router

router = Router(tags=["challenges"])
