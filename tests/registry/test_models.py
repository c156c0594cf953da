import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from hetao.registry import services
from hetao.registry.models import Lease, Organisation, Person, Project
from tests.factories import OrganisationFactory, ProjectFactory, unit_in_new_building

pytestmark = pytest.mark.django_db

D = datetime.date


def test_one_chinese_script_given_the_other_is_derived():
    org = Organisation(slug="x", kind="enterprise", name_en="X", name_zh_hant="香港科技園深圳分園")
    org.full_clean()
    assert org.name_zh_hans == "香港科技园深圳分园"
    org = Organisation(slug="y", kind="enterprise", name_en="Y", name_zh_hans="深港科技创新合作区")
    org.full_clean()
    assert org.name_zh_hant == "深港科技創新合作區"


def test_a_given_script_is_never_overwritten():
    org = Organisation(slug="z", kind="enterprise", name_en="Z", name_zh_hans="港大", name_zh_hant="香港大學")
    org.full_clean()
    assert (org.name_zh_hans, org.name_zh_hant) == ("港大", "香港大學")


def test_names_follow_the_active_language():
    from django.utils import translation

    hkust = Organisation.objects.get(slug="hkust")
    with translation.override("zh-hant"):
        assert hkust.name == "香港科技大學"
    with translation.override("zh-hans"):
        assert hkust.name == "香港科技大学"
    with translation.override("en"):
        assert hkust.name == "The Hong Kong University of Science and Technology"


def test_person_romanisation_derived_from_region():
    p = Person(name_en="Chan Tai Man", name_zh_hant="陳大文", region="hong_kong")
    p.full_clean()
    assert p.romanisation == "Chan Tai Man"  # as Hong Kong writes it, never "can4 daai6 man4"
    assert p.name_zh_hans == "陈大文"


def test_overlapping_lease_is_refused_with_the_holder_named(staff_user):
    unit = unit_in_new_building()
    a, b = OrganisationFactory(), OrganisationFactory()
    services.lease_create(actor=staff_user, unit=unit, organisation=a, start_date=D(2025, 1, 1),
                          end_date=D(2027, 1, 1))
    with pytest.raises(ValidationError) as info:
        services.lease_create(actor=staff_user, unit=unit, organisation=b, start_date=D(2026, 6, 1),
                              end_date=D(2028, 1, 1))
    assert a.name_en in str(info.value)
    assert Lease.objects.filter(unit=unit).count() == 1
    # Back to back is fine: the end date is the first free day.
    services.lease_create(actor=staff_user, unit=unit, organisation=b, start_date=D(2027, 1, 1),
                          end_date=D(2028, 1, 1))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL's")
def test_database_refuses_overlap_even_without_clean():
    unit = unit_in_new_building()
    org = OrganisationFactory()
    Lease.objects.create(unit=unit, organisation=org, start_date=D(2025, 1, 1), end_date=D(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Lease.objects.create(unit=unit, organisation=org, start_date=D(2025, 6, 1), end_date=D(2026, 6, 1))


def test_units_cannot_exceed_their_building():
    unit = unit_in_new_building(area=Decimal("900"), gfa=Decimal("1000"))
    from hetao.registry.models import Unit

    extra = Unit(floor=unit.floor, code="0102", area_m2=Decimal("200"), use="office")
    with pytest.raises(ValidationError) as info:
        extra.full_clean()
    assert "1100" in str(info.value) and "area_m2" in info.value.message_dict


def test_project_cannot_end_before_it_starts_model_and_database():
    project = ProjectFactory.build(lead_organisation=OrganisationFactory(),
                                   key_direction=Project.objects.first().key_direction,
                                   start_date=D(2025, 1, 1), end_date=D(2024, 1, 1))
    with pytest.raises(ValidationError) as info:
        project.full_clean()
    assert "end_date" in info.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_organisation_cannot_be_its_own_ancestor():
    parent = Organisation.objects.get(slug="hkust")
    child = Organisation.objects.get(slug="hkust-sz-hk-institute")
    parent.parent = child
    with pytest.raises(ValidationError, match="ancestor"):
        parent.full_clean()


def test_duplicate_uscc_refused():
    existing = Organisation.objects.exclude(uscc="").first()
    dup = Organisation(slug="dup", kind="enterprise", name_en="Dup", uscc=existing.uscc)
    with pytest.raises(ValidationError) as info:
        dup.full_clean()
    assert "uscc" in str(info.value.message_dict).lower() or "__all__" in info.value.message_dict


def test_services_write_an_audit_record(staff_user):
    from hetao.audit.models import AuditEvent

    org = services.organisation_create(actor=staff_user, slug="audited", kind="enterprise", name_en="Audited Ltd",
                                       name_zh_hans="审计有限公司")
    event = AuditEvent.objects.get(target_type="registry.organisation", target_id=str(org.pk))
    assert event.action == "registry.organisation.create" and event.actor == staff_user
    services.organisation_update(actor=staff_user, organisation=org, name_en="Audited Limited")
    update = AuditEvent.objects.filter(action="registry.organisation.update").get()
    assert update.changes == {"name_en": ["Audited Ltd", "Audited Limited"]}
    with pytest.raises(ValueError):
        update.delete()
