"""The challenges API: panel."""

from ninja import Router

router = Router(tags=["challenges"])
