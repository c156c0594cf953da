"""Small database helpers shared by the apps."""


def save_clean(obj):
    """Validate with full_clean() (which also derives the other Chinese script) and save; returns obj."""
    obj.full_clean()
    obj.save()
    return obj
