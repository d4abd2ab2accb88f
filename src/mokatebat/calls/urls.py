"""Mounted at /staff/calls/. Names start with ``call-``; none of these pages is public."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="call-home"),
    path("letters/new/", views.letter_new, name="call-letter-new"),
    path("lookup/", views.lookup, name="call-lookup"),
    path("items/<uuid:public_id>/", views.item_detail, name="call-item"),
]
