"""Moved: API authentication is the core facility `hetao.core.api_auth.PermissionSessionAuth`, and each endpoint
names its own permission. This alias only keeps old imports working; new code imports from core."""

from hetao.core.api_auth import PermissionSessionAuth

__all__ = ["PermissionSessionAuth"]
