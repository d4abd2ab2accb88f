"""The app's URLs plus three reference views, for the benchmark only (DJANGO_ROOT_URLCONF=bench.benchurls).

Never used by the real app: `bench/run.py` selects it through the environment of the server it starts.
"""

from __future__ import annotations

from django.db import connection, transaction
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


# Made by bench/run.py before the server starts; not a model, so the app never sees it.
INSERT_TABLE = "bench_insert"


def insert_commit(request: HttpRequest) -> HttpResponse:
    """The write floor: BEGIN, one INSERT of a letter-sized row, COMMIT; no template."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {INSERT_TABLE} (body, created_at) VALUES (%s, now()) RETURNING id",  # noqa: S608
            [request.GET.get("body", "")],
        )
        row_id = cursor.fetchone()[0]
    return HttpResponse(str(row_id).encode(), content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/select/", one_select),
    path("bench/insert/", insert_commit),
    path("", include("mokatebat.urls")),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
