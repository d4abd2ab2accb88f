"""The app's URLs plus two reference views, for the benchmark only (DJANGO_ROOT_URLCONF=bench.benchurls).

Never used by the real app: `bench/run.py` selects it through the environment of the server it starts.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path

from mokatebat.correspondence.models import Item
from mokatebat.urls import handler400, handler403, handler404, handler500


def minimal(request: HttpRequest) -> HttpResponse:
    """The floor: the full middleware stack, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


def one_select(request: HttpRequest) -> HttpResponse:
    """One indexed SELECT (the unique tracking-code index), no template."""
    status = Item.objects.filter(tracking_code=request.GET.get("code", "")).values_list("status", flat=True).first()
    if status is None:
        raise Http404
    return HttpResponse(status.encode(), content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/select/", one_select),
    path("", include("mokatebat.urls")),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
