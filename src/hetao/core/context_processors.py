from django.conf import settings


def site(request) -> dict:
    return {"LANGUAGE_CHOICES": settings.LANGUAGES}
