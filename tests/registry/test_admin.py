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
