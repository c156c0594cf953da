"""Identity documents: number validators, encrypted storage with a masked copy, one account per document,
the user's page, and the audited reveal for the few staff allowed to see a full number."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from hetao.accounts.models import IdentityDocument
from hetao.accounts.services import identity_document_add
from hetao.audit.models import AuditEvent
from hetao.core.crypto import decrypt
from hetao.core.validators import (
    hkid_check_digit,
    validate_hkid,
    validate_mainland_id,
    validate_passport_number,
    validate_residence_permit,
)
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db

User = get_user_model()

HKID = "A123456(3)"
HKID_MASKED = "A123***(3)"
# The documents page uses A123456(3) as its example, so pages are checked with another card.
CARD = f"Z683190({hkid_check_digit('Z', '683190')})"
CARD_MASKED = f"Z683***({CARD[-2]})"
WRONG = next(c for c in "0123456789A" if c != CARD[-2])
REVEAL = "security.iddoc_revealed"


def code_of(validator, value: str) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value.code


def mod11_2(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


# ── Validators ───────────────────────────────────────────────────────────────────────────────────────

def test_hkid_with_one_letter():
    validate_hkid(HKID)
    validate_hkid("a123456 (3)")  # lower case and spaces as people type them
    assert code_of(validate_hkid, "A123456(4)") == "hkid_checksum"
    assert code_of(validate_hkid, "A12345(3)") == "hkid_format"


def test_hkid_with_two_letters():
    check = hkid_check_digit("AB", "987654")
    validate_hkid(f"AB987654({check})")
    wrong = next(c for c in "0123456789A" if c != check)
    assert code_of(validate_hkid, f"AB987654({wrong})") == "hkid_checksum"
    assert code_of(validate_hkid, f"ABC987654({check})") == "hkid_format"


def test_mainland_id():
    validate_mainland_id("11010519491231002X")
    assert code_of(validate_mainland_id, "110105194912310021") == "id_checksum"
    assert code_of(validate_mainland_id, "110105199002300016") == "id_birth_date"  # 30 February
    assert code_of(validate_mainland_id, "810000199001011234") == "id_is_permit"
    assert code_of(validate_mainland_id, "1101051949123100") == "id_format"


def test_residence_permit():
    first17 = "810000" + "19900101" + "123"
    permit = first17 + mod11_2(first17)
    validate_residence_permit(permit)
    wrong = next(c for c in "0123456789X" if c != permit[-1])
    assert code_of(validate_residence_permit, first17 + wrong) == "id_checksum"
    other_prefix = "123456" + "19900101" + "123"
    assert code_of(validate_residence_permit, other_prefix + mod11_2(other_prefix)) == "permit_format"
    # A Mainland ID is not a residence permit.
    assert code_of(validate_residence_permit, "11010519491231002X") == "permit_format"


def test_passport_number():
    validate_passport_number("E12345678")
    assert code_of(validate_passport_number, "A1") == "passport_format"
    assert code_of(validate_passport_number, "E1234-5678") == "passport_format"


# ── Service ──────────────────────────────────────────────────────────────────────────────────────────

@pytest.fixture
def owner():
    return User.objects.create_user("owner", "owner@example.org", "pw-owner-123")


def test_the_number_is_stored_encrypted_and_masked(owner):
    document = identity_document_add(actor=owner, kind="hkid", number=HKID)
    document.refresh_from_db()
    assert "A123456" not in document.number_encrypted and "123456" not in document.number_encrypted
    assert decrypt(document.number_encrypted) == HKID
    assert document.number_masked == HKID_MASKED
    assert "123456" not in document.number_index
    event = AuditEvent.objects.get(action="security.iddoc_added")
    assert "123456" not in event.target_label and "123456" not in str(event.changes)


def test_the_number_is_normalised_before_it_is_stored(owner):
    document = identity_document_add(actor=owner, kind="hkid", number=" a123456 3 ")
    assert decrypt(document.number_encrypted) == HKID and document.number_masked == HKID_MASKED


def test_a_mainland_id_is_masked_in_the_middle(owner):
    document = identity_document_add(actor=owner, kind="mainland_id", number="11010519491231002x")
    assert document.number_masked == "1101**********002X"
    assert decrypt(document.number_encrypted) == "11010519491231002X"


@pytest.mark.parametrize("second_actor", ["same", "other"])
def test_the_same_document_cannot_be_added_twice(owner, second_actor):
    identity_document_add(actor=owner, kind="hkid", number=HKID)
    actor = owner if second_actor == "same" else User.objects.create_user("other", "other@example.org", "pw-o-12345")
    with pytest.raises(ValidationError) as excinfo:
        identity_document_add(actor=actor, kind="hkid", number="A123456 (3)")
    assert "number" in excinfo.value.message_dict
    assert IdentityDocument.objects.count() == 1


def test_a_passport_needs_a_three_letter_country(owner):
    for country in ("", "CN", "C1N"):
        with pytest.raises(ValidationError) as excinfo:
            identity_document_add(actor=owner, kind="passport", number="E12345678", country=country)
        assert set(excinfo.value.message_dict) == {"country"}
    assert not IdentityDocument.objects.exists()
    document = identity_document_add(actor=owner, kind="passport", number="E12345678", country="chn")
    assert document.country == "CHN" and document.number_masked == "******678"


def test_the_same_passport_number_from_two_countries_is_two_documents(owner):
    identity_document_add(actor=owner, kind="passport", number="E12345678", country="CHN")
    identity_document_add(actor=owner, kind="passport", number="E12345678", country="GBR")
    assert IdentityDocument.objects.count() == 2


# ── The user's page ──────────────────────────────────────────────────────────────────────────────────

def test_a_bad_hkid_on_the_page_is_refused_with_the_reason(client, owner):
    client.force_login(owner)
    response = client.post("/en/account/documents/", {"kind": "hkid", "number": CARD[:-2] + WRONG + ")"})
    assert response.status_code == 400
    assert "The check digit in brackets does not match this HKID number." in response.content.decode()
    assert not IdentityDocument.objects.exists()


def test_a_good_hkid_on_the_page_is_saved_and_shown_masked(client, owner):
    client.force_login(owner)
    response = client.post("/en/account/documents/", {"kind": "hkid", "number": CARD})
    assert response.status_code == 302 and response["Location"] == "/en/account/documents/"
    assert IdentityDocument.objects.get().user == owner
    page = client.get("/en/account/documents/")
    html = page.content.decode()
    assert page.status_code == 200
    assert CARD_MASKED in html
    assert CARD not in html and "683190" not in html


def test_a_duplicate_on_the_page_is_a_form_error(client, owner):
    identity_document_add(actor=User.objects.create_user("first", "first@example.org", "pw-f-12345"),
                          kind="hkid", number=CARD)
    client.force_login(owner)
    response = client.post("/en/account/documents/", {"kind": "hkid", "number": CARD})
    assert response.status_code == 400
    assert response.context["form"].errors["number"]
    assert not owner.identity_documents.exists()


def test_a_user_can_remove_only_their_own_document(client, owner):
    mine = identity_document_add(actor=owner, kind="hkid", number=CARD)
    other = User.objects.create_user("other", "other@example.org", "pw-o-12345")
    theirs = identity_document_add(actor=other, kind="passport", number="E12345678", country="CHN")
    client.force_login(owner)
    assert client.post("/en/account/documents/", {"delete": theirs.pk}).status_code == 404
    assert client.post("/en/account/documents/", {"delete": mine.pk}).status_code == 302
    assert list(IdentityDocument.objects.all()) == [theirs]


# ── Reveal ───────────────────────────────────────────────────────────────────────────────────────────

@pytest.fixture
def document(owner):
    return identity_document_add(actor=owner, kind="hkid", number=CARD)


def reveal_url(document) -> str:
    return f"/en/staff/documents/{document.pk}/reveal/"


@pytest.mark.parametrize("who", ["member", "talent-officer", "data-head"])
def test_others_may_not_reveal(client, document, who):
    user = {"member": lambda: User.objects.create_user("m", "m@example.org", "pw-m-12345"),
            "talent-officer": lambda: staff_in("to", "talent_services"),
            "data-head": lambda: staff_in("dh", "data", "head")}[who]()
    client.force_login(user)
    assert client.get(reveal_url(document)).status_code == 403
    response = client.post(reveal_url(document), {"reason": "Checking a visa application"})
    assert response.status_code == 403
    assert CARD not in response.content.decode()
    assert not AuditEvent.objects.filter(action=REVEAL).exists()


def test_anonymous_reveal_goes_to_sign_in(client, document):
    response = client.get(reveal_url(document))
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")


@pytest.mark.parametrize("department", ["talent_services", "facilities_security"])
def test_a_head_reveals_with_a_reason_and_it_is_audited(client, document, department):
    head = staff_in("th", department, "head")
    client.force_login(head)
    form = client.get(reveal_url(document))
    assert form.status_code == 200 and CARD not in form.content.decode()
    assert CARD_MASKED in form.content.decode()

    response = client.post(reveal_url(document), {"reason": "Checking a visa application"})
    assert response.status_code == 200
    assert CARD in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action=REVEAL)
    assert event.actor == head and event.target_id == str(document.pk)
    assert event.changes == {"owner": f"user:{document.user_id}", "reason": "Checking a visa application"}


def test_a_too_short_reason_reveals_nothing(client, document):
    client.force_login(staff_in("th", "talent_services", "head"))
    response = client.post(reveal_url(document), {"reason": " ok "})
    html = response.content.decode()
    assert "Say why you need to see the full number." in html
    assert CARD not in html
    assert response.context["number"] is None
    assert not AuditEvent.objects.filter(action=REVEAL).exists()
