"""Small database helpers shared by the apps."""

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def save_clean(obj: M) -> M:
    """Validate with full_clean() (which also derives the other Chinese script) and save; returns obj."""
    obj.full_clean()
    obj.save()
    return obj
