from django.http import HttpRequest


def inbox(request: HttpRequest) -> dict[str, int]:
    """The unread count in the header: one indexed COUNT for signed-in users, nothing for visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": user.notifications.filter(read_at__isnull=True).count()}
