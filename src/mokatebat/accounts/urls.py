"""Mounted at /account/. Names start with ``account-``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="account-home"),
    path("sign-in/", views.sign_in, name="account-sign-in"),
    path("sign-in/code/", views.code, name="account-code"),
    path("sign-out/", views.sign_out, name="account-sign-out"),
    path("items/<uuid:public_id>/", views.item_detail, name="account-item"),
    path("items/<uuid:public_id>/reply/", views.item_reply, name="account-item-reply"),
    path(
        "items/<uuid:public_id>/responses/<uuid:response_id>/pdf/",
        views.response_pdf,
        name="account-response-pdf",
    ),
]
