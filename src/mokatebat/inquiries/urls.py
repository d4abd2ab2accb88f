"""Mounted at /staff/inquiries/. Names start with ``inquiry-``; none of these pages is public."""

from django.urls import path

from . import views

urlpatterns = [
    path("items/<uuid:public_id>/ask/", views.ask, name="inquiry-ask"),
    path("items/<uuid:public_id>/<uuid:inquiry_id>/retry/", views.retry, name="inquiry-retry"),
    path("items/<uuid:public_id>/<uuid:inquiry_id>/cancel/", views.cancel, name="inquiry-cancel"),
    path("received/", views.received, name="inquiry-received"),
    path("received/<uuid:inquiry_id>/", views.received_detail, name="inquiry-received-detail"),
    path("types/", views.types, name="inquiry-types"),
    path("types/<uuid:type_id>/", views.type_edit, name="inquiry-type-edit"),
]
