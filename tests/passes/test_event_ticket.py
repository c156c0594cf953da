"""The event page shows the ticket through passes' `{% event_ticket %}` tag (community does not import passes)."""

import datetime

import pytest
from django.utils import timezone

from hetao.community.models import Event, Registration
from hetao.passes import keys, services
from hetao.passes.models import AccessPoint
from hetao.registry.models import Park

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key_dir(settings, tmp_path):
    settings.HETAO_PASS_KEY_DIR = tmp_path / "passes"
    keys.create(settings.HETAO_PASS_KEY_DIR, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1))
    services._key_cache.clear()


def test_event_page_shows_the_ticket_of_a_confirmed_registration(client, member_user):
    start = timezone.now() + datetime.timedelta(minutes=30)
    event = Event(title_en="Forum", starts_at=start, ends_at=start + datetime.timedelta(hours=2), location="Hall",
                  capacity=10)
    event.full_clean()
    event.save()
    entrance = AccessPoint(code="ticket-hall", kind="event", park=Park.objects.get(code="shenzhen"),
                           name_en="Hall", event=event)
    entrance.full_clean()
    entrance.save()
    registration = Registration.objects.create(event=event, user=member_user, status="confirmed")
    client.force_login(member_user)
    ticket = client.get(f"/en/events/{event.pk}/").context["ticket"]
    assert ticket["qr"].startswith("data:image/svg+xml")
    assert services.scan(access_point=entrance, text=ticket["code"]).ok
    registration.status = "waitlisted"
    registration.save()
    page = client.get(f"/en/events/{event.pk}/")
    assert page.context["ticket"] is None and "data:image/svg+xml" not in page.content.decode()
