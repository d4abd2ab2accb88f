"""The service catalogue as the API and Open311 show it: the ONE place that decides what a "service" is.

Until the service catalogue app lands, every active agency offers one service per kind of item
(letter, request, complaint…), coded ``<agency code>.<kind>``. Switching to the real catalogue means
changing only this module: ``services``, ``get_service`` and ``CatalogueEntry`` keep their shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from mokatebat.correspondence.models import Kind
from mokatebat.organization.models import Organization

# Kinds citizens may file from outside; a meeting request needs the PR desk's own intake.
OFFERED_KINDS = [Kind.LETTER, Kind.REQUEST, Kind.COMPLAINT, Kind.CRITICISM, Kind.SUGGESTION, Kind.REPORT]


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    description: str
    agency: Organization
    kind: str
    keywords: tuple[str, ...] = ()

    @property
    def group(self) -> str:
        return self.agency.name


def _entry(agency: Organization, kind: Kind) -> CatalogueEntry:
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


def services(agency: Organization | None = None) -> list[CatalogueEntry]:
    agencies = Organization.objects.agencies().order_by("name")
    if agency is not None:
        agencies = agencies.filter(pk=agency.pk)
    return [_entry(a, kind) for a in agencies for kind in OFFERED_KINDS]


def get_service(code: str) -> CatalogueEntry | None:
    agency_code, _dot, kind = code.rpartition(".")
    if kind not in {k.value for k in OFFERED_KINDS}:
        return None
    agency = Organization.objects.agencies().filter(code=agency_code).first()
    return _entry(agency, Kind(kind)) if agency is not None else None
