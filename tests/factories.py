"""Factories for registry records; valid by construction (identifiers carry correct check characters)."""

import datetime
from decimal import Decimal

import factory

from hetao.core.validators import uscc_check_character
from hetao.registry import models


def valid_uscc(n: int) -> str:
    body = f"91440304{n:09d}"
    return body + uscc_check_character(body)


class CleanFactory(factory.django.DjangoModelFactory):
    """Saves through full_clean(), as the services do, so derived fields (scripts, search text) are set."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.full_clean()
        obj.save()
        return obj


class KeyDirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.KeyDirection
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = "life-science"
    name_en = "Life science"


class OrganisationFactory(CleanFactory):
    class Meta:
        model = models.Organisation

    slug = factory.Sequence(lambda n: f"test-org-{n}")
    kind = models.OrganisationKind.ENTERPRISE
    name_en = factory.Sequence(lambda n: f"Test Enterprise {n}")
    name_zh_hans = factory.Sequence(lambda n: f"测试企业{n}")
    park = factory.LazyFunction(lambda: models.Park.objects.get(code="shenzhen"))
    uscc = factory.Sequence(lambda n: valid_uscc(900000 + n))

    @factory.post_generation
    def key_directions(obj, create, extracted, **kwargs):
        if create:
            obj.key_directions.set(extracted or [KeyDirectionFactory()])


class PersonFactory(CleanFactory):
    class Meta:
        model = models.Person

    name_en = factory.Sequence(lambda n: f"Test Person {n}")
    name_zh_hans = "测试人"
    region = models.Region.MAINLAND

    @factory.post_generation
    def affiliation(obj, create, extracted, **kwargs):
        if create:
            models.Affiliation.objects.create(person=obj, organisation=extracted or OrganisationFactory(),
                                              role="researcher", start_date=datetime.date(2024, 1, 1))


class ProjectFactory(CleanFactory):
    class Meta:
        model = models.Project

    code = factory.Sequence(lambda n: f"TEST-{n:05d}")
    title_en = factory.Sequence(lambda n: f"Test project {n}")
    lead_organisation = factory.SubFactory(OrganisationFactory)
    key_direction = factory.SubFactory(KeyDirectionFactory)
    start_date = datetime.date(2024, 1, 1)

    @factory.post_generation
    def partners(obj, create, extracted, **kwargs):
        if create:
            obj.partners.set(extracted or [OrganisationFactory()])


def unit_in_new_building(*, area=Decimal("100"), gfa=Decimal("1000")) -> models.Unit:
    park = models.Park.objects.get(code="shenzhen")
    n = models.Building.objects.count() + 1
    building = models.Building.objects.create(park=park, code=f"test-building-{n}", name_en=f"Test building {n}",
                                              gross_floor_area_m2=gfa)
    floor = models.Floor.objects.create(building=building, level=1)
    return models.Unit.objects.create(floor=floor, code="0101", area_m2=area, use=models.SpaceUse.LAB)


# ── Cross-app objects for the permission matrix and the query-count net (tests/test_permission_matrix.py,
# tests/test_query_counts.py). Small and explicit: each builds one thing through the app's services. ──────────

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_user(username: str, *, verified_email: bool = False, **extra):
    """A signed-up account with a name (some services need one) and, when asked, a verified email address."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    fields = {"first_name": "Test", "last_name": username.title(), **extra}
    user = get_user_model().objects.create_user(username, f"{username}@example.org", f"pw-{username}-123", **fields)
    if verified_email:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def seed_services(*codes: str) -> None:
    """Import some of the seeded park services (all of them with `import_services` is slower)."""
    from hetao.onestop.management.commands.import_services import SEED_DIR
    from hetao.onestop.models import Service
    from hetao.onestop.services import service_import_as_system

    for code in codes:
        if not Service.objects.filter(code=code).exists():
            service_import_as_system(data=(SEED_DIR / f"{code}.json").read_text(encoding="utf-8"))


def in_days(days: int) -> str:
    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def venue_answers(title: str = "Forum") -> list[dict]:
    """The two pages of the venue booking (facilities and security decide it in one step)."""
    return [{"title": title, "date": in_days(40), "guests": "80", "catering": "no"},
            {"contact_name": "Chan", "contact_email": "chan@example.org", "contact_mobile": "+85291234567"}]


def venue_application(user, *, pages: int = 2, submit: bool = True, title: str = "Forum"):
    """A venue booking by `user`: a draft with `pages` pages answered, or submitted."""
    from hetao.onestop import services
    from hetao.onestop.models import Service

    seed_services("venue-booking")
    application = services.application_start(actor=user, service=Service.objects.get(code="venue-booking"))
    for answers in venue_answers(title)[:pages]:
        services.application_save_page(actor=user, application=application, page_answers=answers)
    return services.application_submit(actor=user, application=application, consent=True) if submit else application


def filing_application(user, organisation, *, pages: int = 3, submit: bool = True):
    """A Kehuitong filing (research management, then finance with a second sign-off) by an admin of
    `organisation`; page 1 carries an uploaded grant letter."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hetao.accounts.models import Membership
    from hetao.onestop import services
    from hetao.onestop.models import Service

    seed_services("kehuitong-filing")
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": "admin"})
    application = services.application_start(actor=user, service=Service.objects.get(code="kehuitong-filing"),
                                             organisation=organisation)
    grant = SimpleUploadedFile("grant.pdf", PDF, content_type="application/pdf")
    pages_answers = [
        ({"org_name": organisation.name_en, "org_registered_in": "hong_kong"}, None),
        ({"project": "Quantum sensing", "amount": {"amount": "250000.00", "currency": "HKD"}, "payer": "HKU",
          "expected": in_days(30)}, {"grant_letter": (grant, None)}),
        ({"contact_name": "Chan", "contact_email": "chan@example.org", "contact_mobile": "+85291234567"}, None),
    ]
    for answers, files in pages_answers[:pages]:
        services.application_save_page(actor=user, application=application, page_answers=answers, files=files)
    return services.application_submit(actor=user, application=application, consent=True) if submit else application


def access_point(code: str = "test-point", *, kind: str = "gate", park: str = "shenzhen"):
    """An access point open to anyone (rule `anyone`), as a park gate."""
    from hetao.passes.models import AccessPoint, AccessRule

    point = AccessPoint(code=code, kind=kind, park=models.Park.objects.get(code=park), name_en=code.title())
    point.full_clean()
    point.save()
    AccessRule.objects.create(access_point=point, grant="anyone")
    return point


def community_event(*, capacity: int = 2, days: int = 7, title: str = "Robotics meetup"):
    from django.utils import timezone

    from hetao.community.models import Event

    starts = timezone.now() + datetime.timedelta(days=days)
    return Event.objects.create(title_en=title, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
                                location="Hong Kong Science Park", capacity=capacity)


def notification_for(*users, title: str = "Hello") -> None:
    from hetao.community.services import notify

    notify(users=users, kind="organisation", render=lambda: (title, "Text"), url="/account/")


def oidc_client(actor, *, confidential: bool = False, name: str = "Partner system"):
    """A partner system registered by `actor` (a head of the data department), as the partner-systems page does."""
    from hetao.accounts import clients

    application, _secret = clients.oidc_client_create(
        actor=actor, name=name, client_type="confidential" if confidential else "public",
        redirect_uris=["https://partner.example.org/callback"], post_logout_redirect_uris=[],
        allowed_scopes=["profile"], skip_authorization=False, contact_email="")
    return application
