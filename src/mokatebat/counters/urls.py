"""Mounted at /counter/. Names start with ``counter-``; none of these pages is public."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="counter-home"),
    path("letters/new/", views.letter_new, name="counter-letter-new"),
    path("lookup/", views.lookup, name="counter-lookup"),
    path("report/", views.report, name="counter-report"),
    path("items/<uuid:public_id>/", views.item_detail, name="counter-item"),
    path("items/<uuid:public_id>/receipt/", views.receipt, name="counter-receipt"),
    path("items/<uuid:public_id>/receipt/pdf/", views.receipt_pdf, name="counter-receipt-pdf"),
    path("items/<uuid:public_id>/hand-over/", views.hand_over, name="counter-hand-over"),
    path(
        "items/<uuid:public_id>/responses/<uuid:response_id>/print/",
        views.response_print,
        name="counter-response-print",
    ),
]
