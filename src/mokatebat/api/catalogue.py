"""The service catalogue as the API and Open311 show it: the ONE place that decides what a "service" is.

Two sorts of service, one code space:
- **correspondence**: every active agency takes letters of each kind (letter, request, complaint…),
  coded ``<agency>.<kind>`` (``moh.complaint``); the requester writes a subject and a text.
- **e-service**: each published service card of the e-service desk (R5), coded
  ``<agency>.service.<card code>`` (``moh.service.clinic-license``); the requester fills the
  card's published form (R6), whose fields the API and Open311 describe field for field.

Agency and card codes are slugs (no dots), so a code splits unambiguously.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mokatebat.correspondence.models import Kind
from mokatebat.organization.models import Organization
from mokatebat.services.models import FieldType, Service, ServiceCardVersion

# Kinds citizens may file from outside; a meeting request needs the PR desk's own intake.
OFFERED_KINDS = [Kind.LETTER, Kind.REQUEST, Kind.COMPLAINT, Kind.CRITICISM, Kind.SUGGESTION, Kind.REPORT]
OFFERED_KIND_CODES = frozenset(kind.value for kind in OFFERED_KINDS)
E_SERVICE_MARK = "service"


class ServiceType(models.TextChoices):
    CORRESPONDENCE = "correspondence", gettext_lazy("مکاتبه (موضوع و متن نامه)")
    E_SERVICE = "e_service", gettext_lazy("خدمت الکترونیکی (فرم خدمت)")


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    description: str
    agency: Organization
    kind: str
    keywords: tuple[str, ...] = ()
    service: Service | None = field(default=None, compare=False)

    @property
    def type(self) -> str:
        return ServiceType.E_SERVICE if self.service is not None else ServiceType.CORRESPONDENCE

    @property
    def group(self) -> str:
        return self.agency.name

    @property
    def card(self) -> ServiceCardVersion | None:
        return self.service.published_version if self.service is not None else None

    @property
    def category(self) -> str:
        return self.card.category if self.card is not None else ""

    @property
    def fields(self) -> list[dict[str, Any]]:
        """The published form's field specs, in order (empty for correspondence and form-less cards)."""
        if self.service is None or self.service.form_version is None:
            return []
        return list(self.service.form_version.fields)

    @property
    def needs_documents(self) -> bool:
        """A required document can only be uploaded (web page, REST multipart), never sent by Open311."""
        return any(spec["type"] == FieldType.FILE and spec.get("required") for spec in self.fields)

    @property
    def page_path(self) -> str:
        """Where a person reads the whole service card and fills the form on the web."""
        if self.service is None:
            return reverse("letter-new")
        return reverse("service-card", kwargs={"agency_code": self.agency.code, "code": self.service.code})


def _kind_entry(agency: Organization, kind: Kind) -> CatalogueEntry:
    agency_name = agency.short_name or agency.name
    return CatalogueEntry(
        code=f"{agency.code}.{kind.value}",
        name=f"{kind.label} به {agency_name}",
        description=_("ثبت %(kind)s برای %(agency)s؛ کد رهگیری با پیامک فرستاده می‌شود.")
        % {"kind": kind.label, "agency": agency.name},
        agency=agency,
        kind=kind.value,
        keywords=(str(kind.label), agency_name),
    )


def _service_entry(service: Service) -> CatalogueEntry:
    card = service.published_version
    assert card is not None  # only published services reach here
    agency = service.agency
    return CatalogueEntry(
        code=f"{agency.code}.{E_SERVICE_MARK}.{service.code}",
        name=card.title,
        description=card.description,
        agency=agency,
        kind=Kind.REQUEST,
        keywords=(card.category, agency.short_name or agency.name),
        service=service,
    )


def _published_services() -> models.QuerySet[Service]:
    return Service.objects.published().select_related("agency", "published_version__responsible_unit", "form_version")


def services(agency: Organization | None = None) -> list[CatalogueEntry]:
    """Every service on the network (two queries whatever its size): per agency, its letter kinds,
    then its published e-services by title."""
    agencies = Organization.objects.agencies().order_by("name")
    published = _published_services().order_by("published_version__title")
    if agency is not None:
        agencies = agencies.filter(pk=agency.pk)
        published = published.filter(agency=agency)
    by_agency: dict[int, list[Service]] = {}
    for service in published:
        by_agency.setdefault(service.agency_id, []).append(service)
    entries: list[CatalogueEntry] = []
    for each in agencies:
        entries += [_kind_entry(each, kind) for kind in OFFERED_KINDS]
        entries += [_service_entry(service) for service in by_agency.get(each.pk, [])]
    return entries


def _split(code: str) -> tuple[str, str, str]:
    """(agency code, kind, card code): one of the last two is empty."""
    agency_code, _dot, rest = code.partition(".")
    mark, _dot, card_code = rest.partition(".")
    if mark == E_SERVICE_MARK and card_code:
        return agency_code, "", card_code
    return agency_code, rest, ""


def get_service(code: str) -> CatalogueEntry | None:
    agency_code, kind, card_code = _split(code)
    if card_code:
        service = _published_services().filter(agency__code=agency_code, code=card_code).first()
        return _service_entry(service) if service is not None else None
    if kind not in OFFERED_KIND_CODES:
        return None
    agency = Organization.objects.agencies().filter(code=agency_code).first()
    return _kind_entry(agency, Kind(kind)) if agency is not None else None


def names_for(codes: Iterable[str]) -> dict[str, str]:
    """The names of the given codes (at most two queries, however many codes): for listings."""
    kinds: dict[str, list[str]] = {}
    cards: dict[str, list[str]] = {}
    for code in set(codes):
        agency_code, kind, card_code = _split(code)
        if card_code:
            cards.setdefault(agency_code, []).append(card_code)
        elif kind in OFFERED_KIND_CODES:
            kinds.setdefault(agency_code, []).append(kind)
    names: dict[str, str] = {}
    if kinds:
        for agency in Organization.objects.agencies().filter(code__in=kinds):
            for kind in kinds[agency.code]:
                entry = _kind_entry(agency, Kind(kind))
                names[entry.code] = entry.name
    if cards:
        query = models.Q()
        for agency_code, card_codes in cards.items():
            query |= models.Q(agency__code=agency_code, code__in=card_codes)
        for service in _published_services().filter(query):
            entry = _service_entry(service)
            names[entry.code] = entry.name
    return names
