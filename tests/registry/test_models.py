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


# ── Services: who may write, and the system path ─────────────────────────────────────────────────────

def test_services_refuse_whoever_may_not_change_the_registry_and_write_nothing(member_user):
    from django.core.exceptions import PermissionDenied

    from hetao.audit.models import AuditEvent
    from tests.conftest import staff_in

    unit = unit_in_new_building()
    outsiders = [None, member_user, staff_in("talent", "talent_services")]
    for actor in outsiders:
        with pytest.raises(PermissionDenied):
            services.organisation_create(actor=actor, slug="refused", kind="enterprise", name_en="Refused")
        with pytest.raises(PermissionDenied):
            services.organisation_update(actor=actor, organisation=Organisation.objects.get(slug="hkust"),
                                         name_en="Renamed")
        with pytest.raises(PermissionDenied):
            services.person_create(actor=actor, name_en="Refused Person")
        with pytest.raises(PermissionDenied):
            services.lease_create(actor=actor, unit=unit, organisation=OrganisationFactory(),
                                  start_date=D(2030, 1, 1), end_date=D(2031, 1, 1))
        with pytest.raises(PermissionDenied):
            services.unit_create(actor=actor, floor=unit.floor, code="0199", area_m2=Decimal("1"), use="lab")
        with pytest.raises(PermissionDenied):
            services.record_delete(actor=actor, record=unit)
    assert not Organisation.objects.filter(slug="refused").exists()
    assert Organisation.objects.get(slug="hkust").name_en != "Renamed"
    assert not Lease.objects.filter(unit=unit).exists() and unit.floor.units.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="registry.").exists()


def test_enterprise_services_officers_write_as_today():
    from tests.conftest import staff_in

    officer = staff_in("enterprise", "enterprise_services")
    person = services.person_create(actor=officer, name_en="Allowed Person")
    assert person.pk


def test_a_system_write_says_so_and_is_recorded_as_system(staff_user):
    from hetao.audit.models import AuditEvent

    person = services.person_create(actor=None, system=True, name_en="Imported Person", name_zh_hans="导入")
    event = AuditEvent.objects.get(action="registry.person.create", target_id=str(person.pk))
    assert event.actor is None and event.actor_label == "system"
    with pytest.raises(ValueError, match="system"):
        services.person_create(actor=staff_user, system=True, name_en="Both")


def test_an_update_writes_only_the_changed_columns(staff_user):
    from django.test.utils import CaptureQueriesContext

    org = OrganisationFactory()
    with CaptureQueriesContext(connection) as ctx:
        services.organisation_update(actor=staff_user, organisation=org, website="https://example.org/")
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "registry_organisation"')]
    assert len(updates) == 1
    assert '"website"' in updates[0] and '"name_en"' not in updates[0] and '"uscc"' not in updates[0]


def test_a_change_with_nothing_changed_writes_no_row(staff_user):
    from django.test.utils import CaptureQueriesContext

    org = OrganisationFactory()
    with CaptureQueriesContext(connection) as ctx:
        services.organisation_update(actor=staff_user, organisation=org, name_en=org.name_en)
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('UPDATE "registry_organisation"')]


# ── Services: a building's units never exceed its gross floor area ──────────────────────────────────

def test_unit_create_checks_the_building_area_and_is_audited(staff_user):
    from hetao.audit.models import AuditEvent

    unit = unit_in_new_building(area=Decimal("600"), gfa=Decimal("1000"))
    added = services.unit_create(actor=staff_user, floor=unit.floor, code="0102", area_m2=Decimal("400"), use="office")
    assert AuditEvent.objects.filter(action="registry.unit.create", target_id=str(added.pk)).exists()
    with pytest.raises(ValidationError) as info:
        services.unit_create(actor=staff_user, floor=unit.floor, code="0103", area_m2=Decimal("0.01"), use="office")
    assert info.value.error_dict["area_m2"][0].code == "unit_over_building_area"
    assert unit.floor.units.count() == 2


def test_a_unit_cannot_grow_past_its_building(staff_user):
    unit = unit_in_new_building(area=Decimal("600"), gfa=Decimal("1000"))
    unit.area_m2 = Decimal("1000.01")
    with pytest.raises(ValidationError):
        services.record_save(actor=staff_user, record=unit)
    unit.refresh_from_db()
    assert unit.area_m2 == Decimal("600")


def test_a_building_cannot_shrink_below_its_units(staff_user):
    unit = unit_in_new_building(area=Decimal("600"), gfa=Decimal("1000"))
    building = unit.floor.building
    building.gross_floor_area_m2 = Decimal("599")
    with pytest.raises(ValidationError) as info:
        services.record_save(actor=staff_user, record=building)
    assert "gross_floor_area_m2" in info.value.message_dict
    building.gross_floor_area_m2 = Decimal("600")
    services.record_save(actor=staff_user, record=building)
    building.refresh_from_db()
    assert building.gross_floor_area_m2 == Decimal("600")


def test_a_floor_cannot_move_into_a_building_its_units_do_not_fit(staff_user):
    big = unit_in_new_building(area=Decimal("600"), gfa=Decimal("1000"))
    small = unit_in_new_building(area=Decimal("500"), gfa=Decimal("1000"))
    floor = big.floor
    floor.building, floor.level = small.floor.building, 2
    with pytest.raises(ValidationError) as info:
        services.record_save(actor=staff_user, record=floor)
    assert "building" in info.value.message_dict
    floor.refresh_from_db()
    assert floor.building == big.floor.building
