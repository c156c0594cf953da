"""The challenges API: calls."""

from ninja import Router

router = Router(tags=["challenges"])
