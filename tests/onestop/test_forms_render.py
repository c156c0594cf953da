"""Forms as people see them (issue 8, item 17): repeatable groups, the "(optional)" marker, and every document a
service asks applicants to have ready is asked for by a field."""

import inspect
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.core.management import call_command
from django.utils import translation

from hetao.accounts import forms as account_forms
from hetao.onestop import services
from hetao.onestop.models import Application, Service

pytestmark = pytest.mark.django_db

SEED_DIR = Path(services.__file__).resolve().parent / "services_seed"
SEEDS = sorted(SEED_DIR.glob("*.json"))
OPTIONAL = {"en": "optional", "zh-hans": "选填", "zh-hant": "選填"}  # the word, whatever brackets surround it
# Identity documents are asked for by their number (checked, and kept encrypted by accounts), never as a copy.
IDENTITY_TYPES = {"hkid", "mainland_id"}


@pytest.fixture(autouse=True)
def seeded_services(db):
    call_command("import_services", stdout=io.StringIO())


@pytest.fixture
def youth_draft(member_user) -> Application:
    return services.application_start(actor=member_user, service=Service.objects.get(code="youth-base-admission"))


class Node:
    """Just enough of a DOM to ask a page structural questions (no parser package is installed)."""

    def __init__(self, tag: str, attrs: dict, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def __getitem__(self, name):
        return self.attrs[name]

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def has_attr(self, name) -> bool:
        return name in self.attrs

    def text(self) -> str:
        return " ".join("".join(c if isinstance(c, str) else " " + c.text() + " " for c in self.children).split())

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find_all(self, tag=None, cls=None, **attrs) -> list["Node"]:
        return [n for n in self.walk() if (tag is None or n.tag == tag)
                and (cls is None or cls in (n.get("class") or "").split())
                and all(n.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def find(self, tag=None, cls=None, **attrs) -> "Node | None":
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    @property
    def legend(self) -> "Node":
        return next(c for c in self.children if isinstance(c, Node) and c.tag == "legend")


class Builder(HTMLParser):
    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "area", "base", "col", "wbr"}

    def __init__(self):
        super().__init__()
        self.root = self.current = Node("#root", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def soup(response) -> Node:
    builder = Builder()
    builder.feed(response.content.decode())
    return builder.root


def label_text(label) -> str:
    return label.text()


# ── Repeatable groups ────────────────────────────────────────────────────────────────────────────────


def test_a_repeatable_group_is_a_fieldset_with_numbered_rows_and_its_own_controls(client, youth_draft):
    client.force_login(youth_draft.applicant)
    page = soup(client.get(f"/en/applications/{youth_draft.pk}/page/0/"))
    group = page.find("fieldset", id="group-members")
    assert group.legend.text() == "Team members"
    rows = group.find_all("fieldset", cls="repeatable-row")
    assert [row.legend.text() for row in rows] == ["Member 1"]
    # Add and rows count live inside the group, not under another field.
    assert group.find("button", name="add_row", value="members") is not None
    assert group.find("input", name="members__rows")["value"] == "1"
    assert len(page.find_all("button", name="add_row")) == 1
    # Required sub-fields are not marked optional; they are announced as required.
    for name in ("members__0__member", "members__0__region"):
        label = group.find("label", for_=f"id_{name}")
        assert "optional" not in label_text(label), label
        assert group.find(id=f"id_{name}")["aria-required"] == "true"
    # Fields outside the group keep their own marking.
    assert "optional" not in label_text(page.find("label", for_="id_team_name"))


def test_add_and_remove_rows_keep_what_was_typed(client, youth_draft):
    client.force_login(youth_draft.applicant)
    url = f"/en/applications/{youth_draft.pk}/page/0/"
    typed = {"team_name": "Qubit Crew", "members__rows": "1", "members__0__member": "Ka Yan",
             "members__0__region": "hong_kong", "idea": "Quantum sensing"}
    response = client.post(url, {**typed, "add_row": "members"})
    assert response.status_code == 200  # not checked yet: no errors for the empty new row
    page = soup(response)
    assert not page.find_all(cls="is-invalid")
    rows = page.find("fieldset", id="group-members").find_all("fieldset", cls="repeatable-row")
    assert [row.legend.text() for row in rows] == ["Member 1", "Member 2"]
    assert page.find(id="id_members__0__member")["value"] == "Ka Yan"
    assert page.find(id="id_team_name")["value"] == "Qubit Crew"
    assert page.find(id="id_members__1__member").has_attr("autofocus")
    assert len(page.find("fieldset", id="group-members").find_all("button", name="remove_row")) == 2
    # Remove the first member: the second becomes Member 1.
    two = {**typed, "members__rows": "2", "members__1__member": "Siu Ming", "members__1__region": "mainland"}
    page = soup(client.post(url, {**two, "remove_row": "members:0"}))
    assert page.find("input", name="members__rows")["value"] == "1"
    assert page.find(id="id_members__0__member")["value"] == "Siu Ming"
    assert page.find(id="id_members__1__member") is None
    youth_draft.refresh_from_db()
    assert "members" not in youth_draft.data  # adding and removing rows saves nothing by itself


def test_a_used_row_needs_its_required_sub_fields(client, youth_draft):
    client.force_login(youth_draft.applicant)
    response = client.post(f"/en/applications/{youth_draft.pk}/page/0/", {
        "team_name": "Qubit Crew", "members__rows": "2", "members__0__member": "Ka Yan", "idea": "Sensing"})
    assert response.status_code == 400
    page = soup(response)
    assert page.find(id="id_members__0__region")["aria-invalid"] == "true"
    assert page.find(id="id_members__1__member").get("aria-invalid") is None  # an untouched row is left out


@pytest.mark.parametrize("rows", ["x", "1e3", "-1", "99999999999999999999999"])
def test_a_tampered_row_count_is_a_bad_request(client, youth_draft, rows):
    client.force_login(youth_draft.applicant)
    response = client.post(f"/en/applications/{youth_draft.pk}/page/0/", {"members__rows": rows})
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["members:x", "members:", "members:99999999999999999999"])
def test_a_tampered_remove_is_a_bad_request(client, youth_draft, value):
    client.force_login(youth_draft.applicant)
    response = client.post(f"/en/applications/{youth_draft.pk}/page/0/", {"members__rows": "1", "remove_row": value})
    assert response.status_code == 400


# ── "(optional)": decided in one place, never doubled ────────────────────────────────────────────────


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_no_label_says_optional_twice(client, youth_draft, language):
    marker = OPTIONAL[language]
    pages = [client.get(f"/{language}/accounts/signup/")]
    client.force_login(youth_draft.applicant)
    pages += [client.get(f"/{language}/account/profile/"),
              client.get(f"/{language}/applications/{youth_draft.pk}/page/0/"),
              client.get(f"/{language}/applications/{youth_draft.pk}/page/1/")]
    seen = 0
    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        for label in soup(response).find_all("label"):
            count = label.text().count(marker)
            assert count <= 1, (response.request["PATH_INFO"], label.text())
            seen += count
    assert seen  # the marker is there at all (sign-up's mobile number, the profile, …)


def test_form_labels_never_carry_the_optional_marker():
    """The class: a label with its own "(optional)" doubles the marker form_fields.html adds."""
    words = re.compile(r"optional|选填|選填|可选|可選", re.IGNORECASE)
    classes = [c for _n, c in inspect.getmembers(account_forms, inspect.isclass)
               if issubclass(c, forms.BaseForm) and c.__module__ == account_forms.__name__]
    assert classes
    for language in ("en", "zh-hans", "zh-hant"):
        with translation.override(language):
            for form_class in classes:
                try:
                    form = form_class()
                except TypeError:  # needs arguments: its declared fields are enough
                    fields = form_class.base_fields
                else:
                    fields = form.fields
                for name, field in fields.items():
                    assert not words.search(str(field.label or "")), (form_class.__name__, name, field.label)


# ── Materials ↔ fields ───────────────────────────────────────────────────────────────────────────────


def fields_of(definition: dict) -> dict[str, dict]:
    return {f["id"]: f for page in definition["pages"] for f in page["fields"]}


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_every_document_to_have_ready_is_asked_for_by_a_field(path):
    definition = json.loads(path.read_text(encoding="utf-8"))["definition"]
    fields = fields_of(definition)
    asked = set()
    for material in definition.get("materials", []):
        named = material.get("fields") or []
        assert named, f"{path.stem}: “{material['en']}” is listed but no field asks for it"
        for field_id in named:
            assert field_id in fields, f"{path.stem}: “{material['en']}” names unknown field {field_id}"
            assert fields[field_id]["type"] in {"file"} | IDENTITY_TYPES, (path.stem, field_id)
        asked.update(named)
    uploads = {fid for fid, f in fields.items() if f["type"] == "file"}
    assert uploads <= asked, f"{path.stem}: uploads not listed under “Have ready”: {uploads - asked}"


def test_the_youth_base_asks_for_the_business_plan():
    service = Service.objects.get(code="youth-base-admission")
    plan = fields_of(service.current_version.definition)["business_plan"]
    assert plan["type"] == "file" and plan["required"]
