"""Open data: the public statistics as JSON under /api/v1/stats/ (aggregates only)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mokatebat.api.views import PublicView, _errors
from mokatebat.organization.models import Organization

from .stats import agency_stats, network_stats

SUPPRESSED = 'Aggregates over the last twelve Jalali months. Any count from 1 to 4 is "<5".'


class NetworkStats(PublicView):
    @extend_schema(
        tags=["public"],
        operation_id="stats_network",
        summary="Public statistics of the whole network and each agency's headline figures",
        description=SUPPRESSED,
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return Response(network_stats())


class AgencyStats(PublicView):
    @extend_schema(
        tags=["public"],
        operation_id="stats_agency",
        summary="Public statistics of one agency",
        description=SUPPRESSED,
        responses={200: OpenApiTypes.OBJECT, **_errors(404)},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(agency_stats(get_object_or_404(Organization.objects.agencies(), code=code)))
