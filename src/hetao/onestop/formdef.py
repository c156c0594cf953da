"""Forms as data: a service version's pages of fields become Django forms, and answers become JSON.

A field is a dict: {"id", "type", "label": {en, zh_hans, zh_hant}, "help", "required", "max_length",
"min", "max", "choices": [{"value", "label"}], "currency", "prefill", "show_if": {"field", "equals"},
"fields" (of a group), "max_items"}. Types: text, long_text, number, money, date, date_range, choice,
multi_choice, yes_no, email, phone, hkid, mainland_id, uscc, file, group.

The same functions validate the browser's pages, the check-your-answers page and the API, so every
channel rejects the same things with the same messages.
"""

import datetime
from decimal import Decimal
from typing import Any, TypedDict

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from hetao.core.trilingual import active_suffix
from hetao.core.validators import normalise_hkid, normalise_mobile, validate_hkid, validate_mainland_id, validate_uscc

FIELD_TYPES = {"text", "long_text", "number", "money", "date", "date_range", "choice", "multi_choice", "yes_no",
               "email", "phone", "hkid", "mainland_id", "uscc", "file", "group"}
CURRENCIES = [("CNY", "CNY"), ("HKD", "HKD")]
MAX_GROUP_ITEMS = 20


def text(value: dict | str | None) -> str:
    """A trilingual text in the active language (falls back to the other script, then English)."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    order = {"en": ("en", "zh_hant", "zh_hans"), "zh_hans": ("zh_hans", "zh_hant", "en"),
             "zh_hant": ("zh_hant", "zh_hans", "en")}[active_suffix()]
    return next((value[k] for k in order if value.get(k)), "")


# ── Checking a definition (staff write these; an import must not break the catalogue) ────────────────


def check_definition(definition: dict) -> list[str]:
    """Problems in a service definition, in plain words; empty when it is usable."""
    problems = []
    pages = definition.get("pages")
    if not isinstance(pages, list) or not pages:
        return ["The form needs at least one page."]
    seen: set[str | None] = set()  # a field without an id counts as seen (its own problem is reported)
    for p, page in enumerate(pages, 1):
        for field in page.get("fields", []):
            problems += _check_field(field, f"page {p}", seen)
    for field in (f for page in pages for f in page.get("fields", [])):
        condition = field.get("show_if")
        if condition and condition.get("field") not in seen:
            problems.append(f"Field {field.get('id')}: show_if refers to unknown field {condition.get('field')}.")
    steps = definition.get("steps")
    if not isinstance(steps, list) or not steps:
        problems.append("The service needs at least one approval step.")
    for s, step in enumerate(steps or [], 1):
        if not step.get("id") or not step.get("department"):
            problems.append(f"Step {s} needs an id and a department.")
    return problems


def _check_field(field: dict, where: str, seen: set[str | None]) -> list[str]:
    problems = []
    fid, kind = field.get("id"), field.get("type")
    if not fid or not str(fid).replace("_", "").isalnum():
        problems.append(f"A field on {where} needs an id of letters, digits and underscores.")
    elif fid in seen:
        problems.append(f"Field id {fid} is used twice.")
    seen.add(fid)
    if kind not in FIELD_TYPES:
        problems.append(f"Field {fid}: unknown type {kind}.")
    if kind in ("choice", "multi_choice") and not field.get("choices"):
        problems.append(f"Field {fid}: a choice needs choices.")
    if kind == "group":
        inner: set[str | None] = set()
        for sub in field.get("fields", []):
            if sub.get("type") in ("group", "file"):
                problems.append(f"Field {fid}: a group cannot hold a {sub.get('type')}.")
            problems += _check_field(sub, f"group {fid}", inner)
    return problems


# ── Conditions ───────────────────────────────────────────────────────────────────────────────────────


def is_shown(field: dict, answers: dict) -> bool:
    condition = field.get("show_if")
    if not condition:
        return True
    value = answers.get(condition["field"])
    wanted = condition.get("equals")
    return wanted in value if isinstance(value, list) else value == wanted


# ── Django fields for one field spec ─────────────────────────────────────────────────────────────────


def _choices(field: dict) -> list[tuple[str, str]]:
    return [(c["value"], text(c["label"])) for c in field.get("choices", [])]


def _validator_field(validator, normaliser=None):
    class Field(forms.CharField):
        def clean(self, value):
            value = super().clean(value)
            if value:
                validator(value)
                return normaliser(value) if normaliser else value.strip().upper()
            return value

    return Field


MobileField = _validator_field(normalise_mobile, normalise_mobile)


class _Common(TypedDict):
    """The arguments every Django field of a spec takes."""

    label: str
    help_text: str
    required: bool


class _Limits(TypedDict):
    min_value: Decimal | None
    max_value: Decimal | None


def django_fields(field: dict, *, required: bool, locker: list | None = None) -> dict[str, forms.Field]:
    """The form fields (by name) that collect one spec's answer."""
    fid, kind = field["id"], field["type"]
    common: _Common = {"label": text(field.get("label")), "help_text": text(field.get("help")),
                       "required": required}
    if kind == "text":
        return {fid: forms.CharField(max_length=field.get("max_length", 200), **common)}
    if kind == "long_text":
        return {fid: forms.CharField(max_length=field.get("max_length", 4000), widget=forms.Textarea({"rows": 4}),
                                     **common)}
    if kind in ("number", "money"):
        limits: _Limits = {"min_value": Decimal(str(field["min"])) if "min" in field else None,
                           "max_value": Decimal(str(field["max"])) if "max" in field else None}
        if kind == "number":
            return {fid: forms.DecimalField(max_digits=14, decimal_places=2, **limits, **common)}
        currency = field.get("currency", "any")
        currency_field = forms.ChoiceField(choices=CURRENCIES if currency == "any" else [(currency, currency)],
                                           label=_("Currency"), required=required, initial=currency)
        return {f"{fid}__amount": forms.DecimalField(max_digits=14, decimal_places=2, **limits, **common),
                f"{fid}__currency": currency_field}
    if kind == "date":
        return {fid: forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)}
    if kind == "date_range":
        start: _Common = {**common, "label": _("%(label)s: from") % {"label": common["label"]}}
        end: _Common = {**common, "label": _("%(label)s: to") % {"label": common["label"]}, "help_text": ""}
        return {f"{fid}__start": forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **start),
                f"{fid}__end": forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **end)}
    if kind == "choice":
        return {fid: forms.ChoiceField(choices=[("", "—"), *_choices(field)], **common)}
    if kind == "multi_choice":
        return {fid: forms.MultipleChoiceField(choices=_choices(field), widget=forms.CheckboxSelectMultiple,
                                               **common)}
    if kind == "yes_no":
        return {fid: forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect,
                                       **common)}
    if kind == "email":
        return {fid: forms.EmailField(**common)}
    if kind == "phone":
        return {fid: MobileField(max_length=24, **common)}
    if kind == "hkid":
        return {fid: _validator_field(validate_hkid, normalise_hkid)(max_length=14, **common)}
    if kind == "mainland_id":
        return {fid: _validator_field(validate_mainland_id)(max_length=18, **common)}
    if kind == "uscc":
        return {fid: _validator_field(validate_uscc)(max_length=24, **common)}
    if kind == "file":
        offered = [("", _("— upload a new file —"))] + [(str(d.pk), str(d)) for d in (locker or [])]
        return {f"{fid}__existing": forms.ChoiceField(choices=offered, required=False,
                                                      label=_("Use a document from my locker")),
                f"{fid}__upload": forms.FileField(required=False, label=common["label"],
                                                  help_text=common["help_text"])}
    raise ValueError(kind)


# ── A page as a form ─────────────────────────────────────────────────────────────────────────────────


class PageForm(forms.Form):
    """The fields of one page whose conditions hold for the current answers."""

    def __init__(self, page: dict, *, answers: dict, locker=None, rows: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.page = page
        self.locker = list(locker or [])
        self.rows = rows or {}
        on_page = {f["id"] for f in page.get("fields", [])}
        if self.is_bound:  # conditions follow what is being sent now, not only what was saved before
            data = self.data  # a QueryDict from a browser; a plain dict from the API (one value per name)
            controllers = [f for f in page.get("fields", []) if f["type"] in ("choice", "multi_choice", "yes_no")]
            live = {f["id"]: data.getlist(f["id"]) if isinstance(data, MultiValueDict) and f["type"] == "multi_choice"
                    else data.get(f["id"]) for f in controllers}
            self.answers = {**answers, **{k: v for k, v in live.items() if v not in (None, "")}}
            self.specs = [f for f in page.get("fields", []) if is_shown(f, self.answers)]
        else:  # show fields whose condition is decided on this same page; the page script hides them
            self.answers = answers
            self.specs = [f for f in page.get("fields", [])
                          if is_shown(f, answers) or (f.get("show_if") or {}).get("field") in on_page]
        for spec in self.specs:
            if spec["type"] == "group":
                count = self.rows.get(spec["id"], max(1, _saved_rows(answers.get(spec["id"]))))
                for n in range(min(count, spec.get("max_items", MAX_GROUP_ITEMS))):
                    for sub in spec.get("fields", []):
                        # Row fields are checked in clean(): an untouched extra row is simply left out.
                        self.fields.update(django_fields({**sub, "id": f"{spec['id']}__{n}__{sub['id']}"},
                                                         required=False))
            else:
                self.fields.update(django_fields(spec, required=spec.get("required", False)
                                                 and spec["type"] != "file", locker=self.locker))
        for spec in self.specs:
            condition = spec.get("show_if")
            if condition and condition.get("field") in on_page:
                for name, fld in self.fields.items():
                    if name == spec["id"] or name.startswith(f"{spec['id']}__"):
                        fld.widget.attrs.update({"data-show-if": condition["field"],
                                                 "data-show-value": condition.get("equals", "")})

    def clean(self):
        cleaned = super().clean()
        for spec in self.specs:
            fid = spec["id"]
            if spec["type"] == "group":
                for n in range(self.rows.get(fid, 1)):
                    row = {sub["id"]: _answer(sub, f"{fid}__{n}__{sub['id']}", cleaned)
                           for sub in spec.get("fields", [])}
                    if any(value not in EMPTY for value in row.values()):
                        for sub in spec.get("fields", []):
                            if sub.get("required") and row[sub["id"]] in EMPTY:
                                self.add_error(_first_name(sub, f"{fid}__{n}__{sub['id']}"),
                                               _("This field is required."))
            if spec["type"] == "date_range":
                start, end = cleaned.get(f"{fid}__start"), cleaned.get(f"{fid}__end")
                if start and end and end < start:
                    self.add_error(f"{fid}__end", _("The end date must not be before the start date."))
            if spec["type"] == "file" and spec.get("required"):
                has_new = bool(cleaned.get(f"{fid}__upload"))
                has_old = bool(cleaned.get(f"{fid}__existing")) or bool(self.answers.get(fid))
                if not (has_new or has_old):
                    self.add_error(f"{fid}__upload", _("Upload this document or choose one from your locker."))
        return cleaned

    def answers_from_cleaned(self) -> dict:
        """The page's answers as JSON-ready values (files are resolved by the caller)."""
        return {spec["id"]: _answer(spec, spec["id"], self.cleaned_data, self.rows,
                                    _saved_rows(self.answers.get(spec["id"])))
                for spec in self.specs if spec["type"] != "file"}


EMPTY: tuple[None, str, list[Any]] = (None, "", [])


def _saved_rows(value) -> int:
    return len(value) if isinstance(value, list) else 0


def _first_name(spec: dict, name: str) -> str:
    """The form field that carries a message about the whole answer (compound answers have several)."""
    return {"money": f"{name}__amount", "date_range": f"{name}__start"}.get(spec["type"], name)


def _json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _answer(spec: dict, name: str, data: dict, rows: dict | None = None, saved_rows: int = 0):
    """The JSON answer of one spec from a form's cleaned data, where the spec's form fields are named `name…`."""
    kind = spec["type"]
    if kind == "group":
        answer = []
        for n in range((rows or {}).get(spec["id"], max(1, saved_rows))):
            row = {sub["id"]: _answer(sub, f"{name}__{n}__{sub['id']}", data) for sub in spec.get("fields", [])}
            if any(v not in EMPTY for v in row.values()):
                answer.append(row)
        return answer
    if kind == "money":
        amount = data.get(f"{name}__amount")
        return {"amount": str(amount), "currency": data.get(f"{name}__currency")} if amount is not None else None
    if kind == "date_range":
        start, end = data.get(f"{name}__start"), data.get(f"{name}__end")
        return {"start": _json(start), "end": _json(end)} if start or end else None
    return _json(data.get(name))


def _form_data(spec: dict, name: str, value, data: dict) -> None:
    """Put one JSON answer into POST-style form data under the spec's form field names (`name…`)."""
    kind = spec["type"]
    if value in EMPTY or kind == "file":
        return
    if kind == "money":
        data[f"{name}__amount"], data[f"{name}__currency"] = value.get("amount"), value.get("currency")
    elif kind == "date_range":
        data[f"{name}__start"], data[f"{name}__end"] = value.get("start"), value.get("end")
    elif kind == "group":
        subs = {sub["id"]: sub for sub in spec.get("fields", [])}
        for n, row in enumerate(value):
            for key, item in row.items():
                _form_data(subs[key], f"{name}__{n}__{key}", item, data)
    else:
        data[name] = value


def form_data_from_answers(page: dict, answers: dict) -> dict:
    """The POST-style data a page form would have been given for these answers (to re-validate them).
    An answer of the wrong JSON type (`shape_error`) is left out, as if it had not been given."""
    data: dict = {}
    for spec in page.get("fields", []):
        value = answers.get(spec["id"])
        if spec["type"] != "file" and shape_error(spec, value) is None:
            _form_data(spec, spec["id"], value, data)
    return data


# ── Answers sent as JSON (the API, the demo, and every save through application_save_page) ───────────

TEXT_TYPES = {"text", "long_text", "date", "choice", "yes_no", "email", "phone", "hkid", "mainland_id", "uscc"}


def _is_number(value) -> bool:
    return isinstance(value, int | float | str) and not isinstance(value, bool)


def shape_error(spec: dict, value) -> str | None:
    """Why a JSON value cannot be an answer to this field at all (its JSON type), or None. `null` clears any
    answer. The page form never sees such values (a browser sends strings), so they are refused before it."""
    kind = spec["type"]
    if value is None:
        return None
    if kind in TEXT_TYPES:
        ok = isinstance(value, str)
        message = _("Send this answer as a string.")
    elif kind == "number":
        ok = _is_number(value)
        message = _("Send this answer as a number.")
    elif kind == "multi_choice":
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        message = _("Send this answer as a list of the chosen values.")
    elif kind == "money":
        ok = (isinstance(value, dict) and set(value) <= {"amount", "currency"}
              and (value.get("amount") is None or _is_number(value["amount"]))
              and (value.get("currency") is None or isinstance(value["currency"], str)))
        message = _("Send this answer as an object with “amount” and “currency”.")
    elif kind == "date_range":
        ok = (isinstance(value, dict) and set(value) <= {"start", "end"}
              and all(item is None or isinstance(item, str) for item in value.values()))
        message = _("Send this answer as an object with “start” and “end” dates.")
    elif kind == "group":
        subs = {sub["id"]: sub for sub in spec.get("fields", [])}
        limit = spec.get("max_items", MAX_GROUP_ITEMS)
        ok = (isinstance(value, list) and len(value) <= limit and all(
            isinstance(row, dict) and set(row) <= set(subs)
            and all(shape_error(subs[key], item) is None for key, item in row.items()) for row in value))
        message = _("Send this answer as a list of at most %(count)d rows, each an object of the group’s "
                    "fields.") % {"count": limit}
    else:  # a file is uploaded, never sent as JSON
        ok, message = False, _("Upload files on the application’s page.")
    return None if ok else message


def clean_answers(definition: dict, answers: dict, *, saved: dict | None = None) -> tuple[dict, dict]:
    """Check answers to some of the form's fields (JSON, by field id) exactly as the page form checks them.

    Returns `(cleaned, errors)`. `cleaned` holds what the page form would store for the fields sent, and only
    for those shown given the saved answers updated with these: an answer to a field hidden by a condition is
    dropped. `errors` holds messages by form field name (`budget__amount`, `team__0__name`; unknown fields
    under `__all__`), for the fields sent only, so a draft can be saved a few answers at a time. A file
    answer may be sent back unchanged (as read); files themselves are uploaded on the application's page.
    """
    saved = saved or {}
    pages = definition.get("pages", [])
    specs = {f["id"]: f for page in pages for f in page.get("fields", [])}
    errors: dict[str, list[str]] = {}
    unknown = sorted(str(name) for name in answers if name not in specs)
    if unknown:
        errors["__all__"] = [_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)}]
    typed = {}
    for fid, value in answers.items():
        if fid not in specs or (specs[fid]["type"] == "file" and value == saved.get(fid)):
            continue
        problem = shape_error(specs[fid], value)
        if problem:
            errors[fid] = [problem]
        else:
            typed[fid] = value
    merged, cleaned = {**saved, **typed}, {}
    for page in pages:
        sent = [f for f in page.get("fields", []) if f["id"] in typed]
        if not sent:
            continue
        rows = {f["id"]: max(1, _saved_rows(merged.get(f["id"]))) for f in page.get("fields", [])
                if f["type"] == "group"}
        form = PageForm(page, answers=merged, data=form_data_from_answers({"fields": sent}, typed), rows=rows)
        form.is_valid()
        for name, messages in form.errors.items():
            if name.split("__")[0] in typed or name == "__all__":
                errors[name] = [str(m) for m in messages]
        cleaned.update({k: v for k, v in form.answers_from_cleaned().items() if k in typed})
    return cleaned, errors


def without_hidden(definition: dict, answers: dict, *, before: dict | None = None) -> dict:
    """The answers minus those to fields that their conditions now hide. With `before` (the answers before a
    save), only the fields that the save hid are left out: an answer filled in ahead of its condition (prefill)
    stays until the condition is answered. Repeated, since a hidden field may be the condition of another."""
    specs = [f for page in definition.get("pages", []) for f in page.get("fields", [])]
    if before is not None:
        specs = [f for f in specs if is_shown(f, before)]
    answers = dict(answers)
    while hidden := [f["id"] for f in specs if f["id"] in answers and not is_shown(f, answers)]:
        for fid in hidden:
            del answers[fid]
    return answers


# Answers that identify the applicant: contact details, identity numbers, and what was filled in from the
# account or its registry person. An account's deletion removes them from the applications the office keeps.
PERSONAL_TYPES = {"email", "phone", "hkid", "mainland_id"}


def personal_field_ids(definition: dict) -> set[str]:
    return {f["id"] for page in definition.get("pages", []) for f in page.get("fields", [])
            if f["type"] in PERSONAL_TYPES or str(f.get("prefill", "")).startswith(("user.", "person."))}


def validate_all(definition: dict, answers: dict) -> dict[str, list[str]]:
    """Every problem with a complete set of answers, by field name; empty when the application can go."""
    errors: dict[str, list[str]] = {}
    for page in definition.get("pages", []):
        groups = {f["id"]: max(1, _saved_rows(answers.get(f["id"]))) for f in page.get("fields", [])
                  if f["type"] == "group"}
        form = PageForm(page, answers=answers, data=form_data_from_answers(page, answers), rows=groups)
        if not form.is_valid():
            for name, messages in form.errors.items():
                errors[name] = [str(m) for m in messages]
        for spec in form.specs:
            if spec["type"] == "file" and spec.get("required") and not answers.get(spec["id"]):
                errors[f"{spec['id']}__upload"] = [_("Upload this document or choose one from your locker.")]
    return errors


def visible_answers(definition: dict, answers: dict) -> list[tuple[dict, object]]:
    """(field spec, answer) for the check-your-answers page, in form order, hidden fields left out."""
    shown = []
    for page in definition.get("pages", []):
        for spec in page.get("fields", []):
            if is_shown(spec, answers):
                shown.append((spec, answers.get(spec["id"])))
    return shown


def check_eligibility(definition: dict, replies: dict) -> list[str]:
    """The eligibility questions answered in a way that rules the applicant out (their `fail_message`)."""
    failed = []
    for question in definition.get("eligibility", []):
        if replies.get(question["id"]) != question.get("pass_if", "yes"):
            failed.append(text(question.get("fail_message")) or text(question.get("question")))
    return failed


def raise_if_invalid(definition: dict, answers: dict) -> None:
    errors = validate_all(definition, answers)
    if errors:
        raise ValidationError({name: messages for name, messages in errors.items()})
