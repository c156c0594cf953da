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
