"""Mounted at the site root by one include: public pages under /services/, owners' under /staff/services/."""

from django.urls import path

from . import views

urlpatterns = [
    path("services/", views.catalogue, name="service-catalogue"),
    path("services/receipt/<uuid:public_id>/", views.receipt, name="service-receipt"),
    path("services/<slug:agency_code>/<slug:code>/", views.card, name="service-card"),
    path("services/<slug:agency_code>/<slug:code>/request/", views.request_new, name="service-request"),
    path("staff/services/", views.staff_list, name="staff-services"),
    path("staff/services/new/", views.staff_new, name="staff-service-new"),
    path("staff/services/<uuid:public_id>/", views.staff_detail, name="staff-service"),
    path("staff/services/<uuid:public_id>/edit/", views.staff_edit, name="staff-service-edit"),
    path("staff/services/<uuid:public_id>/withdraw/", views.staff_withdraw, name="staff-service-withdraw"),
    path("staff/services/<uuid:public_id>/form/", views.staff_form, name="staff-service-form"),
    path("staff/services/<uuid:public_id>/form/preview/", views.staff_form_preview, name="staff-service-form-preview"),
    path("staff/services/<uuid:public_id>/form/publish/", views.staff_form_publish, name="staff-service-form-publish"),
    path("staff/services/<uuid:public_id>/form/<slug:key>/", views.staff_field_edit, name="staff-service-field"),
    path(
        "staff/services/<uuid:public_id>/form/<slug:key>/change/",
        views.staff_field_change,
        name="staff-service-field-change",
    ),
    path("staff/services/requests/<uuid:public_id>/deliver/", views.staff_deliver, name="staff-service-deliver"),
]
