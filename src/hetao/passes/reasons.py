from django.utils.translation import gettext_lazy as _

# Every reason a checkpoint gives, in the reader's language.
REASON_TEXT = {
    "": _("Allowed"),
    "malformed": _("Not a park code, or damaged"),
    "too_large": _("Too long to be a park code"),
    "unknown_key": _("Signed with a key the park does not know"),
    "key_not_valid": _("Signed with a key that is not valid now"),
    "bad_signature": _("Signature does not match: the code was altered or forged"),
    "wrong_zone": _("A code of another zone"),
    "expired": _("Expired: ask for the code to be shown again"),
    "not_yet_valid": _("Not valid yet"),
    "revoked": _("Revoked"),
    "replayed": _("Already used at this gate"),
    "not_for_this_gate": _("Not valid at this gate"),
    "not_allowed_here": _("Not allowed here"),
    "outside_hours": _("Outside the allowed hours"),
}
BAD_REQUEST = {"malformed", "too_large"}
