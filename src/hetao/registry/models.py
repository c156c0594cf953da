"""The registry: one golden record per park, building, organisation, person, project and output.

Every department reads these records instead of keeping its own copy. Names are trilingual (see
hetao.core.trilingual); `search_text` holds every name, alias and identifier in one normalised form so
that a search in any script finds the record (see `SearchableModel`).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hetao.core.chinese import romanise_name, strip_tone_numbers
from hetao.core.trilingual import DescribedModel, NamedModel, TitledModel
from hetao.core.validators import (
    normalise_pct,
    normalise_uscc,
    validate_hk_br,
    validate_orcid,
    validate_pct,
    validate_uscc,
)

from . import search_text as searching


class Region(models.TextChoices):
    MAINLAND = "mainland", _("Mainland China")
    HONG_KONG = "hong_kong", _("Hong Kong")
    MACAO = "macao", _("Macao")
    TAIWAN = "taiwan", _("Taiwan")
    ABROAD = "abroad", _("Abroad")


CANTONESE_REGIONS = {Region.HONG_KONG, Region.MACAO}


class SearchableModel(models.Model):
    """A record found by any of its names, aliases or identifiers, in any script."""

    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        abstract = True

    def search_terms(self) -> list[str]:
        """Names, aliases, identifiers and romanisations (not descriptions): see registry/search_text.py."""
        model = str(self._meta.model_name)
        normal_forms = searching.NORMAL_FORMS.get(model)
        return [*searching.TERMS[model](self), *(normal_forms(self) if normal_forms else [])]

    def refresh_search_text(self) -> None:
        self.search_text = searching.search_text(self)


# ── Zone, parks, ports ─────────────────────────────────────────────────────────────────────────────


class Zone(NamedModel):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")


class Park(NamedModel, DescribedModel):
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="parks", verbose_name=_("zone"))
    code = models.SlugField(_("code"), max_length=32, unique=True)
    region = models.CharField(_("jurisdiction"), max_length=16, choices=Region.choices)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["code"]

    def get_absolute_url(self) -> str:
        return reverse("registry:park", kwargs={"code": self.code})


class Port(NamedModel):
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="ports", verbose_name=_("zone"))
    code = models.SlugField(_("code"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("land port")
        verbose_name_plural = _("land ports")
        ordering = ["code"]


class KeyDirection(NamedModel):
    """A research direction of the zone; the three principal ones are life, information, material science."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    is_principal = models.BooleanField(_("one of the three key directions"), default=False)

    class Meta:
        verbose_name = _("key direction")
        verbose_name_plural = _("key directions")
        ordering = ["-is_principal", "code"]


# ── Space ──────────────────────────────────────────────────────────────────────────────────────────


class ProfessionalPark(NamedModel):
    """A themed park within a park (专业园区), e.g. the Hong Kong Science Park Shenzhen branch."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="professional_parks",
                             verbose_name=_("park"))
    code = models.SlugField(_("code"), max_length=48, unique=True)

    class Meta:
        verbose_name = _("professional park")
        verbose_name_plural = _("professional parks")
        ordering = ["code"]


class Building(NamedModel):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("park"))
    professional_park = models.ForeignKey(
        ProfessionalPark, on_delete=models.SET_NULL, null=True, blank=True, related_name="buildings",
        verbose_name=_("professional park"),
    )
    code = models.SlugField(_("code"), max_length=48, unique=True)
    gross_floor_area_m2 = models.DecimalField(
        _("gross floor area (m²)"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(gross_floor_area_m2__gt=0), name="building_area_positive"),
        ]

    def clean(self) -> None:
        super().clean()
        professional_park = self.professional_park if self.professional_park_id else None
        if professional_park is not None and self.park_id and professional_park.park_id != self.park_id:
            raise ValidationError(
                {"professional_park": _("The professional park must be in the building's park.")}
            )


class Floor(models.Model):
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="floors",
                                 verbose_name=_("building"))
    level = models.SmallIntegerField(_("level"), help_text=_("0 is the ground floor; basements are negative."))

    class Meta:
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        ordering = ["building", "level"]
        constraints = [models.UniqueConstraint(fields=["building", "level"], name="floor_unique_level")]

    def __str__(self) -> str:
        return f"{self.building} · {self.level}F"


class SpaceUse(models.TextChoices):
    LAB = "lab", _("Laboratory")
    OFFICE = "office", _("Office")
    PILOT_PLANT = "pilot_plant", _("Pilot plant")
    PUBLIC = "public", _("Public space")


RESEARCH_SPACE_USES = (SpaceUse.LAB, SpaceUse.OFFICE, SpaceUse.PILOT_PLANT)


class Unit(models.Model):
    floor = models.ForeignKey(Floor, on_delete=models.CASCADE, related_name="units", verbose_name=_("floor"))
    code = models.CharField(_("unit number"), max_length=32)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    use = models.CharField(_("use"), max_length=16, choices=SpaceUse.choices)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["floor", "code"]
        constraints = [
            models.UniqueConstraint(fields=["floor", "code"], name="unit_unique_code_per_floor"),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="unit_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.floor} · {self.code}"

    def clean(self) -> None:
        super().clean()
        if not self.floor_id or self.area_m2 is None:
            return
        building = self.floor.building
        others = (
            Unit.objects.filter(floor__building=building).exclude(pk=self.pk).aggregate(s=Sum("area_m2"))["s"]
            or Decimal("0")
        )
        if others + self.area_m2 > building.gross_floor_area_m2:
            raise ValidationError({"area_m2": ValidationError(
                _("The units of %(building)s would cover %(total)s m², more than its gross floor area of "
                  "%(gfa)s m²."),
                code="unit_over_building_area",
                params={"building": building, "total": others + self.area_m2,
                        "gfa": building.gross_floor_area_m2},
            )})


# ── Organisations ──────────────────────────────────────────────────────────────────────────────────


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    UNIVERSITY_INSTITUTE = "university_institute", _("University institute")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    ENTERPRISE = "enterprise", _("Enterprise")
    FORTUNE_500_RD = "fortune500_rd", _("Fortune Global 500 R&D centre")
    RESEARCH_PLATFORM = "research_platform", _("National research platform")
    STANDARDS_ORG = "standards_org", _("Standards organisation")
    PILOT_PLATFORM = "pilot_platform", _("Pilot-scale platform")
    INCUBATOR = "incubator", _("Incubator / youth innovation base")
    PUBLIC_BODY = "public_body", _("Public body")
    FUND = "fund", _("Fund")


class Organisation(NamedModel, DescribedModel, SearchableModel):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent organisation"),
    )
    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations",
        verbose_name=_("park"), help_text=_("Empty when the organisation is outside the zone."),
    )
    origin = models.CharField(_("origin"), max_length=16, choices=Region.choices, default=Region.MAINLAND)
    key_directions = models.ManyToManyField(KeyDirection, blank=True, related_name="organisations",
                                            verbose_name=_("key directions"))
    aliases = models.TextField(_("aliases and abbreviations"), blank=True,
                               help_text=_("One per line, in any language, e.g. HKUST and 港科大."))
    uscc = models.CharField(_("Unified Social Credit Code"), max_length=18, blank=True,
                            validators=[validate_uscc])
    hk_br = models.CharField(_("Hong Kong Business Registration number"), max_length=12, blank=True,
                             validators=[validate_hk_br])
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en"]
        indexes = [models.Index(fields=["name_en"], name="organisation_by_name")]  # lists page in this order
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="organisation_unique_uscc"),
            models.UniqueConstraint(fields=["hk_br"], condition=~Q(hk_br=""), name="organisation_unique_hk_br"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="organisation_not_own_parent"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("registry:organisation", kwargs={"slug": self.slug})

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]

    def clean(self) -> None:
        self.uscc = normalise_uscc(self.uscc)
        self.hk_br = (self.hk_br or "").strip()
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("An organisation cannot be its own ancestor.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        self.refresh_search_text()


# ── People ─────────────────────────────────────────────────────────────────────────────────────────


class Person(NamedModel, SearchableModel):
    """A person of the park community. Identity document numbers never live here (they belong to accounts)."""

    romanisation = models.CharField(
        _("romanisation"), max_length=255, blank=True,
        help_text=_("As the person writes it in Latin letters: the Hong Kong spelling for Hong Kong and Macao "
                    "names (Chan Tai Man), Hanyu Pinyin without tones otherwise (Zhang Wei); derived when empty."),
    )
    region = models.CharField(_("region"), max_length=16, choices=Region.choices, default=Region.MAINLAND,
                              db_index=True)
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True, validators=[validate_orcid])
    public_role = models.CharField(_("public role"), max_length=255, blank=True,
                                   help_text=_("Shown for people named in public reports, e.g. a dean."))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_en", "id"]
        # The people directory pages in this order, all or one region at a time.
        indexes = [models.Index(fields=["name_en", "id"], name="person_by_name"),
                   models.Index(fields=["region", "name_en", "id"], name="person_by_region_name")]
        constraints = [
            models.UniqueConstraint(fields=["orcid"], condition=~Q(orcid=""), name="person_unique_orcid"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("registry:person", kwargs={"pk": self.pk})

    def fill_translations(self) -> None:
        super().fill_translations()
        # Shown as people write it: "Chan Tai Man", "Yu Dapeng", never Jyutping's "can4 daai6 man4".
        self.romanisation = strip_tone_numbers((self.romanisation or "").strip())
        if not self.romanisation and self.name_zh_hans:
            self.romanisation = romanise_name(self.name_zh_hans, cantonese=self.region in CANTONESE_REGIONS)

    def clean(self) -> None:
        self.orcid = (self.orcid or "").strip().upper()
        super().clean()
        self.refresh_search_text()


class AffiliationRole(models.TextChoices):
    RESEARCHER = "researcher", _("Researcher")
    PRINCIPAL_INVESTIGATOR = "pi", _("Principal investigator")
    DEAN = "dean", _("Dean / director")
    EXECUTIVE = "executive", _("Chief executive")
    ENGINEER = "engineer", _("Engineer")
    STUDENT = "student", _("Research student")
    OFFICIAL = "official", _("Public official")


class Affiliation(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations",
                               verbose_name=_("person"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="affiliations",
                                     verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=16, choices=AffiliationRole.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                                   name="affiliation_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.organisation}"

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("An affiliation cannot end before it starts.")})


# ── Leases (occupancy of units) ────────────────────────────────────────────────────────────────────


class Lease(models.Model):
    """An organisation's occupancy of a unit over [start_date, end_date); no two leases of a unit overlap.

    On PostgreSQL an exclusion constraint (migration 0002) decides races; `clean()` gives the message.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leases", verbose_name=_("unit"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="leases",
                                     verbose_name=_("organisation"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), help_text=_("The first day the unit is free again."))

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="lease_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.organisation} ({self.start_date} – {self.end_date})"

    def overlapping(self):
        return Lease.objects.filter(
            unit_id=self.unit_id, start_date__lt=self.end_date, end_date__gt=self.start_date
        ).exclude(pk=self.pk)

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": ValidationError(
                _("A lease must end after it starts."), code="lease_dates")})
        if self.unit_id and self.start_date and self.end_date:
            clash = self.overlapping().select_related("organisation").first()
            if clash:
                raise ValidationError(ValidationError(
                    _("This unit is already leased to %(org)s from %(start)s to %(end)s."),
                    code="lease_overlap",
                    params={"org": clash.organisation, "start": clash.start_date, "end": clash.end_date},
                ))


# ── Research projects and outputs ──────────────────────────────────────────────────────────────────


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


class Project(TitledModel, DescribedModel, SearchableModel):
    code = models.CharField(_("project number"), max_length=32, unique=True)
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_projects",
                                          verbose_name=_("lead organisation"))
    partners = models.ManyToManyField(Organisation, blank=True, related_name="partner_projects",
                                      verbose_name=_("partner organisations"))
    key_direction = models.ForeignKey(KeyDirection, on_delete=models.PROTECT, related_name="projects",
                                      verbose_name=_("key direction"))
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices,
                              default=ProjectStatus.ACTIVE, db_index=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_hk_university_key_project = models.BooleanField(_("Hong Kong university key project"), default=False)

    class Meta:
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                                   name="project_ends_after_start"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("registry:project", kwargs={"code": self.code})

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": ValidationError(
                _("A project cannot end before it starts."), code="project_dates")})
        self.refresh_search_text()


class ProjectMember(models.Model):
    """A person's part in a research project (principal investigator, co-investigator, member), for a time.
    Conflicts of interest between experts and teams are computed from these (shared projects within 5 years)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members",
                                verbose_name=_("project"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="project_memberships",
                               verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        ordering = ["project", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="project_member_once")]

    def __str__(self) -> str:
        return f"{self.person} · {self.project}"


class Patent(TitledModel):
    pct_number = models.CharField(_("PCT application number"), max_length=20, unique=True,
                                  validators=[validate_pct])
    filing_date = models.DateField(_("international filing date"), db_index=True)
    applicants = models.ManyToManyField(Organisation, related_name="patents", verbose_name=_("applicants"))

    class Meta:
        verbose_name = _("PCT patent application")
        verbose_name_plural = _("PCT patent applications")
        ordering = ["-filing_date", "pct_number"]

    def clean(self) -> None:
        self.pct_number = normalise_pct(self.pct_number)
        super().clean()
        if self.filing_date and self.pct_number[6:10].isdigit() and int(self.pct_number[6:10]) != self.filing_date.year:
            raise ValidationError({"filing_date": _("The filing year must match the year in the PCT number.")})


class StandardOutputKind(models.TextChoices):
    STANDARD = "standard", _("Standard")
    WHITE_PAPER = "white_paper", _("White paper")
    CERTIFIED_PRODUCT = "certified_product", _("Product tested and certified")


class StandardOutput(TitledModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="standard_outputs",
        limit_choices_to={"kind": OrganisationKind.STANDARDS_ORG}, verbose_name=_("standards organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StandardOutputKind.choices, db_index=True)
    reference = models.CharField(_("reference"), max_length=64)
    released_on = models.DateField(_("released on"))

    class Meta:
        verbose_name = _("standards output")
        verbose_name_plural = _("standards outputs")
        ordering = ["-released_on"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="standard_output_unique_ref"),
        ]

    def clean(self) -> None:
        super().clean()
        if self.organisation_id and self.organisation.kind != OrganisationKind.STANDARDS_ORG:
            raise ValidationError({"organisation": _("Only a standards organisation releases standards outputs.")})


class StandardsMembership(models.Model):
    standards_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="standards_members",
        limit_choices_to={"kind": OrganisationKind.STANDARDS_ORG}, verbose_name=_("standards organisation"),
    )
    member = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="standards_memberships",
                               verbose_name=_("member"))
    joined_on = models.DateField(_("joined on"))

    class Meta:
        verbose_name = _("standards organisation membership")
        verbose_name_plural = _("standards organisation memberships")
        constraints = [
            models.UniqueConstraint(fields=["standards_organisation", "member"], name="standards_membership_unique"),
            models.CheckConstraint(condition=~Q(member=models.F("standards_organisation")),
                                   name="standards_membership_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.member} ∈ {self.standards_organisation}"
