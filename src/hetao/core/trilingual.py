"""Content held in English, Simplified and Traditional Chinese.

A translatable field `name` is three columns: `name_en`, `name_zh_hans`, `name_zh_hant`. When an editor
fills only one Chinese script, `fill_chinese_scripts()` derives the other with OpenCC; reading `obj.name`
gives the text in the active language, falling back to the other script and then to English. Templates show
such a field with `{% trilingual obj "name" %}` (hetao.core.templatetags.trilingual), which marks a fallback
with its `lang` attribute so that screen readers and fonts treat it as the language it is.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hetao.core.chinese import to_simplified, to_traditional

LANGUAGE_SUFFIXES = {"en": "en", "zh-hans": "zh_hans", "zh-hant": "zh_hant"}
FALLBACKS = {"en": ("en", "zh_hant", "zh_hans"), "zh_hans": ("zh_hans", "zh_hant", "en"),
             "zh_hant": ("zh_hant", "zh_hans", "en")}


def active_suffix() -> str:
    return LANGUAGE_SUFFIXES.get((get_language() or "en").lower(), "en")


# BCP 47 tags of the three columns, for the `lang` attribute of text shown in another language than the page's.
LANGUAGE_TAGS = {"en": "en", "zh_hans": "zh-Hans", "zh_hant": "zh-Hant"}


def localised_with_language(obj: object, field: str, suffix: str | None = None) -> tuple[str, str]:
    """(text, column suffix it came from): the text in `suffix` (default: the active language) or its fallback."""
    wanted = suffix or active_suffix()
    for candidate in FALLBACKS[wanted]:
        value = getattr(obj, f"{field}_{candidate}", "")
        if value:
            return value, candidate
    return "", wanted


def localised(obj: object, field: str, suffix: str | None = None) -> str:
    return localised_with_language(obj, field, suffix)[0]


def fill_chinese_scripts(obj: object, field: str) -> None:
    """Derive the missing Chinese script of `field` from the one the editor gave."""
    hans, hant = f"{field}_zh_hans", f"{field}_zh_hant"
    if getattr(obj, hans) and not getattr(obj, hant):
        setattr(obj, hant, to_traditional(getattr(obj, hans)))
    elif getattr(obj, hant) and not getattr(obj, hans):
        setattr(obj, hans, to_simplified(getattr(obj, hant)))


def trilingual_fields(obj: models.Model | type[models.Model]) -> list[str]:
    """Base names of the translatable fields declared on a model instance or class."""
    return [f.name[: -len("_zh_hans")] for f in obj._meta.get_fields() if f.name.endswith("_zh_hans")]


class TrilingualModel(models.Model):
    """Base for models with translatable fields; derives the missing Chinese script on clean()."""

    class Meta:
        abstract = True

    def fill_translations(self) -> None:
        for field in trilingual_fields(self):
            fill_chinese_scripts(self, field)

    def clean(self) -> None:
        super().clean()
        self.fill_translations()


class NamedModel(TrilingualModel):
    name_en = models.CharField(_("name (English)"), max_length=255)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=255, blank=True)
    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def other_names(self) -> list[tuple[str, str]]:
        """The record's names other than the one shown in the active language, with their BCP 47 tags."""
        shown = self.name
        names = [(self.name_en, "en"), (self.name_zh_hans, "zh-Hans"), (self.name_zh_hant, "zh-Hant")]
        return [(text, tag) for text, tag in names if text and text != shown]


class TitledModel(TrilingualModel):
    title_en = models.CharField(_("title (English)"), max_length=500)
    title_zh_hans = models.CharField(_("title (Simplified Chinese)"), max_length=500, blank=True)
    title_zh_hant = models.CharField(_("title (Traditional Chinese)"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localised(self, "title")


class DescribedModel(models.Model):
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh_hans = models.TextField(_("description (Simplified Chinese)"), blank=True)
    description_zh_hant = models.TextField(_("description (Traditional Chinese)"), blank=True)

    class Meta:
        abstract = True

    @property
    def description(self) -> str:
        return localised(self, "description")
