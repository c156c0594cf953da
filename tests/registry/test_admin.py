import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from hetao.audit.models import AuditEvent
from hetao.registry.models import Organisation
from tests.conftest import with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-root-12345")
    client.force_login(with_mfa(user))
    return client


BACK_OFFICE = [m for m in admin.site._registry
               if m._meta.app_label in ("registry", "audit", "accounts", "community", "onestop")]


@pytest.mark.parametrize("model", BACK_OFFICE, ids=lambda m: m._meta.model_name)
def test_every_back_office_list_and_form_opens(admin_client, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    obj = model.objects.order_by("pk").first()
    if obj is not None:
        assert admin_client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200


def test_admin_edit_derives_traditional_and_is_audited(admin_client):
    org = Organisation.objects.get(slug="xtalpi")
    url = reverse("admin:registry_organisation_change", args=[org.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"name_zh_hans": "晶泰科技控股集团", "name_zh_hant": "", "parent": "", "park": org.park_id,
                 "key_directions": [d.pk for d in org.key_directions.all()], "description_en": org.description_en})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    org.refresh_from_db()
    assert org.name_zh_hant == "晶泰科技控股集團"
    assert AuditEvent.objects.filter(action="registry.organisation.update", target_id=str(org.pk)).exists()


def test_admin_refuses_bad_uscc(admin_client):
    url = reverse("admin:registry_organisation_add")
    response = admin_client.post(url, {"slug": "bad", "kind": "enterprise", "name_en": "Bad", "origin": "mainland",
                                       "uscc": "91350100M000100Y44"})
    assert response.status_code == 200
    assert "check character" in response.content.decode()
    assert not Organisation.objects.filter(slug="bad").exists()


# ── Every admin write goes through the registry services ────────────────────────────────────────────────

def _change_data(client, url: str) -> dict:
    """The change form's current values, as the browser would post them back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    return data


def _inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_admin_add_with_inline_rows_writes_through_the_services(admin_client):
    from hetao.registry.models import Building, Floor, Park

    park = Park.objects.get(code="shenzhen")
    data = {"code": "admin-tower", "name_en": "Admin Tower", "name_zh_hans": "管理大楼", "park": park.pk,
            "gross_floor_area_m2": "2000", **_inline("floors", [{"level": 0}, {"level": 1}])}
    response = admin_client.post(reverse("admin:registry_building_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    building = Building.objects.get(code="admin-tower")
    assert building.name_zh_hant == "管理大樓"  # full_clean() ran
    assert Floor.objects.filter(building=building).count() == 2
    assert AuditEvent.objects.filter(action="registry.building.create", target_id=str(building.pk)).exists()
    assert AuditEvent.objects.filter(action="registry.floor.create").count() == 2


def test_admin_many_to_many_change_is_saved_and_audited_by_the_service(admin_client):
    from hetao.registry.models import KeyDirection

    org = Organisation.objects.get(slug="xtalpi")
    url = reverse("admin:registry_organisation_change", args=[org.pk])
    extra = KeyDirection.objects.exclude(pk__in=org.key_directions.all()).first()
    before = sorted(org.key_directions.values_list("pk", flat=True))
    data = _change_data(admin_client, url)
    data.update({"key_directions": [*before, extra.pk], "parent": "", "park": org.park_id or ""})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert extra in org.key_directions.all()
    event = AuditEvent.objects.get(action="registry.organisation.update", target_id=str(org.pk))
    assert event.changes["key_directions"] == [[str(pk) for pk in before],
                                               [str(pk) for pk in sorted([*before, extra.pk])]]
    assert event.actor.username == "root"


def test_admin_delete_goes_through_the_service_and_is_audited(admin_client):
    from hetao.registry.models import Port

    port = Port.objects.create(zone=Port.objects.first().zone, code="admin-port", name_en="Admin Port")
    response = admin_client.post(reverse("admin:registry_port_delete", args=[port.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Port.objects.filter(pk=port.pk).exists()
    assert AuditEvent.objects.filter(action="registry.port.delete", target_id=str(port.pk)).exists()


def test_admin_refuses_a_building_smaller_than_its_units_on_the_form(admin_client):
    from decimal import Decimal

    from tests.factories import unit_in_new_building

    unit = unit_in_new_building(area=Decimal("800"), gfa=Decimal("1000"))
    building = unit.floor.building
    url = reverse("admin:registry_building_change", args=[building.pk])
    data = {**_change_data(admin_client, url), "professional_park": "", "gross_floor_area_m2": "500",
            **_inline("floors", [{"id": unit.floor.pk, "building": building.pk, "level": 1}], initial=1)}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "gross_floor_area_m2" in response.context["adminform"].form.errors
    building.refresh_from_db()
    assert building.gross_floor_area_m2 == Decimal("1000")
    assert not AuditEvent.objects.filter(action="registry.building.update").exists()


def test_admin_refuses_a_unit_beyond_its_building(admin_client):
    from decimal import Decimal

    from hetao.registry.models import Unit
    from tests.factories import unit_in_new_building

    unit = unit_in_new_building(area=Decimal("900"), gfa=Decimal("1000"))
    response = admin_client.post(reverse("admin:registry_unit_add"), {
        "floor": unit.floor.pk, "code": "0102", "area_m2": "200", "use": "office"})
    assert response.status_code == 200
    assert "area_m2" in response.context["adminform"].form.errors
    assert Unit.objects.filter(floor=unit.floor).count() == 1


@pytest.fixture
def outsider_with_model_permissions(client):
    """Staff of a department the registry rule does not name, given Django's model permissions on the registry:
    the admin offers them the pages to read, never to write."""
    from django.contrib.auth.models import Permission

    from tests.conftest import staff_in

    user = staff_in("talent-officer", "talent_services")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="registry"))
    client.force_login(user)
    return client


def test_admin_writes_need_the_registry_rule_not_only_a_model_permission(outsider_with_model_permissions):
    client = outsider_with_model_permissions
    org = Organisation.objects.get(slug="xtalpi")
    url = reverse("admin:registry_organisation_change", args=[org.pk])
    assert client.get(url).status_code == 200  # may read
    response = client.post(url, {"slug": org.slug, "kind": org.kind, "name_en": "Renamed", "origin": org.origin})
    assert response.status_code == 403
    assert client.get(reverse("admin:registry_organisation_add")).status_code == 403
    assert client.post(reverse("admin:registry_organisation_delete", args=[org.pk]), {"post": "yes"}).status_code == 403
    org.refresh_from_db()
    assert org.name_en != "Renamed"
    assert not AuditEvent.objects.filter(action__startswith="registry.").exists()


def test_a_data_officer_with_model_permissions_writes_through_the_admin(client, staff_user):
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.set(Permission.objects.filter(content_type__app_label="registry"))
    client.force_login(staff_user)
    org = Organisation.objects.get(slug="xtalpi")
    url = reverse("admin:registry_organisation_change", args=[org.pk])
    data = {**_change_data(client, url), "parent": "", "park": org.park_id or "", "name_en": "XtalPi Renamed"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AuditEvent.objects.filter(action="registry.organisation.update", actor=staff_user).exists()


# ── Working-day overrides: the admin's change goes through the service too ────────────────────────────

def test_workday_override_change_in_the_admin_is_a_service_update(client, django_capture_on_commit_callbacks):
    import datetime

    from hetao.workdays.models import WorkdayOverride
    from tests.conftest import staff_in

    officer = staff_in("calendar", "data")
    client.force_login(officer)
    override = WorkdayOverride.objects.create(day=datetime.date(2025, 2, 8), calendar="mainland", working=False)
    url = reverse("admin:workdays_workdayoverride_change", args=[override.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"day": "2025-02-08", "calendar": "mainland", "working": "on", "note": "Adjusted"})
    assert response.status_code == 302
    override.refresh_from_db()
    assert override.working and override.note == "Adjusted" and override.updated_by == officer
    assert AuditEvent.objects.filter(action="workdays.override.update", target_id=str(override.pk)).exists()
