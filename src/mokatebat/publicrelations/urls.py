from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="pr-inbox"),
    path("items/<uuid:public_id>/", views.item_detail, name="pr-item"),
    path("items/<uuid:public_id>/classify/", views.item_classify, name="pr-item-classify"),
    path("items/<uuid:public_id>/no-action/", views.item_no_action, name="pr-item-no-action"),
    path("items/<uuid:public_id>/refer/", views.item_refer, name="pr-item-refer"),
    path(
        "items/<uuid:public_id>/attachments/<uuid:file_id>/preview/<int:page>/",
        views.attachment_preview,
        name="pr-attachment-preview",
    ),
    path("items/<uuid:public_id>/refer-again/", views.item_refer_again, name="pr-item-refer-again"),
    path("items/<uuid:public_id>/answer/", views.item_answer, name="pr-item-answer"),
    path("anonymised/<uuid:public_id>/", views.anonymised_detail, name="pr-anonymised"),
    path("anonymised/<uuid:public_id>/reveal/", views.anonymised_reveal, name="pr-anonymised-reveal"),
    path(
        "anonymised/<uuid:public_id>/files/<uuid:file_id>/",
        views.anonymised_attachment,
        name="pr-anonymised-attachment",
    ),
    path(
        "anonymised/<uuid:public_id>/referrals/<uuid:referral_id>/accept/",
        views.anonymised_accept,
        name="pr-anonymised-accept",
    ),
    path(
        "anonymised/<uuid:public_id>/referrals/<uuid:referral_id>/answer/",
        views.anonymised_answer,
        name="pr-anonymised-answer",
    ),
    path(
        "anonymised/<uuid:public_id>/referrals/<uuid:referral_id>/return/",
        views.anonymised_return,
        name="pr-anonymised-return",
    ),
    path("visits/new/", views.visit_new, name="pr-visit-new"),
    path("calls/new/", views.call_new, name="pr-call-new"),
    path("report/", views.guidance_report, name="pr-report"),
    path("settings/", views.settings_page, name="pr-settings"),
    path("meetings/", views.meetings, name="pr-meetings"),
    path("meetings/<uuid:public_id>/", views.meeting_detail, name="pr-meeting"),
    path("meetings/<uuid:public_id>/schedule/", views.meeting_schedule, name="pr-meeting-schedule"),
    path("meetings/<uuid:public_id>/reschedule/", views.meeting_reschedule, name="pr-meeting-reschedule"),
    path("meetings/<uuid:public_id>/cancel/", views.meeting_cancel, name="pr-meeting-cancel"),
    path("meetings/<uuid:public_id>/reject/", views.meeting_reject, name="pr-meeting-reject"),
    path("meetings/<uuid:public_id>/redirect/", views.meeting_redirect, name="pr-meeting-redirect"),
    path("meetings/<uuid:public_id>/outcome/", views.meeting_outcome, name="pr-meeting-outcome"),
]
