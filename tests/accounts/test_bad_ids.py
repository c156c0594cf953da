"""Ids read from a form are parsed by hetao.core.params.int_param: a malformed or overflowing one is a 400,
never a 500, and nothing changes."""

import pytest

from hetao.accounts import services
from hetao.accounts.models import IdentityDocument
from hetao.core.validators import hkid_check_digit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "0x1", str(2**63), str(10**30)])
def test_deleting_an_identity_document_with_a_bad_id_is_a_400(client, member_user, value):
    document = services.identity_document_add(actor=member_user, kind="hkid",
                                              number=f"A123456({hkid_check_digit('A', '123456')})")
    client.force_login(member_user)
    response = client.post("/en/account/documents/", {"delete": value})
    assert response.status_code == 400
    assert IdentityDocument.objects.filter(pk=document.pk).exists()


def test_deleting_an_identity_document_by_its_id_still_works(client, member_user):
    document = services.identity_document_add(actor=member_user, kind="hkid",
                                              number=f"A123456({hkid_check_digit('A', '123456')})")
    client.force_login(member_user)
    assert client.post("/en/account/documents/", {"delete": str(document.pk)}).status_code == 302
    assert not IdentityDocument.objects.filter(pk=document.pk).exists()
    assert client.post("/en/account/documents/", {"delete": str(document.pk)}).status_code == 404
