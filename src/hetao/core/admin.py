"""Back-office building blocks shared by the apps' admin modules."""

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdmin:
    """Shown, never changed from the back office (mixed into a ModelAdmin or an inline): the record is written
    only by its app's services, which check the permission and write the audit trail."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
