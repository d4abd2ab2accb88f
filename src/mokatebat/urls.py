from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language
from django_otp.admin import OTPAdminSite

from mokatebat.core import health
from mokatebat.core import views as core_views
from mokatebat.core.metrics import metrics_view
from mokatebat.correspondence import deadline_views, documents
from mokatebat.correspondence import staff_views as staff
from mokatebat.correspondence import views as letters
from mokatebat.notifications import views as sms
from mokatebat.organization import views_auth as staff_auth
from mokatebat.reports import views as reports

# The admin asks for the second factor too: a password alone never opens it.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = _("مدیریت سامانه مکاتبات")
admin.site.site_title = _("مکاتبات")
admin.site.index_title = _("مدیریت")

urlpatterns = [
    path("", letters.home, name="home"),
    path("letters/new/", letters.letter_new, name="letter-new"),
    path("letters/receipt/<uuid:public_id>/", letters.letter_receipt, name="letter-receipt"),
    path("letters/confirm-mobile/", letters.letter_confirm_mobile, name="letter-confirm-mobile"),
    path("letters/units/", letters.unit_options, name="unit-options"),
    path("track/", letters.track, name="track"),
    path("track/<uuid:public_id>/", letters.track_result, name="track-result"),
    path("track/<uuid:public_id>/reply/", letters.track_reply, name="track-reply"),
    path("track/<uuid:public_id>/responses/<uuid:response_id>/pdf/", documents.response_pdf, name="response-pdf"),
    path("verify/", documents.verify_start, name="verify"),
    path("verify/<slug:code>/", documents.verify_response, name="verify-response"),
    path("staff/login/", staff_auth.login_password, name="staff-login"),
    path("staff/logout/", auth_views.LogoutView.as_view(next_page="staff-login"), name="staff-logout"),
    path("staff/login/code/", staff_auth.login_code, name="staff-login-code"),
    path("staff/login/setup/", staff_auth.otp_setup, name="staff-otp-setup"),
    path("staff/account/recovery-codes/", staff_auth.recovery_codes_new, name="staff-recovery-codes"),
    path("staff/", reports.staff_home, name="staff-home"),
    path("staff/sms/", sms.outbox, name="sms-outbox"),
    path("staff/inbox/", staff.secretariat_inbox, name="secretariat-inbox"),
    path("staff/units/", staff.unit_inbox, name="unit-inbox"),
    path("staff/overdue/", deadline_views.overdue_list, name="staff-overdue"),
    path("staff/notices/", deadline_views.notices, name="staff-notices"),
    path("staff/notices/read/", deadline_views.notices_read, name="staff-notices-read"),
    path("staff/received/new/", staff.received_letter_new, name="received-letter-new"),
    path("staff/categories/", staff.categories, name="staff-categories"),
    path("staff/items/<uuid:public_id>/", staff.item_detail, name="staff-item"),
    path("staff/items/<uuid:public_id>/receipt/", staff.item_receipt, name="staff-item-receipt"),
    path(
        "staff/items/<uuid:public_id>/responses/<uuid:response_id>/pdf/",
        staff.response_pdf,
        name="staff-response-pdf",
    ),
    path(
        "staff/items/<uuid:public_id>/attachments/<uuid:attachment_id>/",
        staff.attachment_download,
        name="staff-attachment",
    ),
    path("staff/items/<uuid:public_id>/register/", staff.item_register, name="staff-item-register"),
    path("staff/items/<uuid:public_id>/classify/", staff.item_classify, name="staff-item-classify"),
    path("staff/items/<uuid:public_id>/refer/", staff.item_refer, name="staff-item-refer"),
    path("staff/items/<uuid:public_id>/reject/", staff.item_reject, name="staff-item-reject"),
    path("staff/items/<uuid:public_id>/forward/", staff.item_forward, name="staff-item-forward"),
    path("staff/items/<uuid:public_id>/close/", staff.item_close, name="staff-item-close"),
    path("staff/items/<uuid:public_id>/actions/", staff.action_add, name="staff-item-action"),
    path("staff/items/<uuid:public_id>/info-request/", staff.info_request, name="staff-item-info-request"),
    path("staff/items/<uuid:public_id>/extend/", staff.deadline_extend, name="staff-item-extend"),
    path("staff/items/<uuid:public_id>/drafts/", staff.draft_save, name="staff-draft-save"),
    path("staff/items/<uuid:public_id>/drafts/<uuid:draft_id>/sign/", staff.draft_sign, name="staff-draft-sign"),
    path(
        "staff/items/<uuid:public_id>/drafts/<uuid:draft_id>/send-back/",
        staff.draft_send_back,
        name="staff-draft-send-back",
    ),
    path("staff/items/<uuid:public_id>/bundle/", staff.bundle_create, name="staff-bundle-create"),
    path("staff/bundles/<uuid:public_id>/", staff.bundle_detail, name="staff-bundle"),
    path("staff/referrals/<uuid:referral_id>/accept/", staff.referral_accept, name="staff-referral-accept"),
    path("staff/referrals/<uuid:referral_id>/return/", staff.referral_return, name="staff-referral-return"),
    path("staff/referrals/<uuid:referral_id>/rerefer/", staff.referral_rerefer, name="staff-referral-rerefer"),
    path(
        "staff/referrals/<uuid:referral_id>/to-secretariat/",
        staff.referral_to_secretariat,
        name="staff-referral-to-secretariat",
    ),
    path("counter/", include("mokatebat.counters.urls")),
    path("account/", include("mokatebat.accounts.urls")),
    path("staff/calls/", include("mokatebat.calls.urls")),
    path("", include("mokatebat.services.urls")),
    path("staff/inquiries/", include("mokatebat.inquiries.urls")),
    path("", include("mokatebat.reports.urls")),
    path("", include("mokatebat.api.urls")),
    path("staff/pr/", include("mokatebat.publicrelations.urls")),
    path("", include("mokatebat.bookings.urls")),
    path("", include("mokatebat.surveys.urls")),
    path("sms/delivery/", sms.delivery_report, name="sms-delivery-report"),
    path("i18n/setlang/", set_language, name="set-language"),
    path("manifest.webmanifest", core_views.manifest, name="manifest"),
    path("sw.js", core_views.service_worker, name="service-worker"),
    path("offline/", core_views.offline, name="offline"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]

handler400 = "mokatebat.core.views.bad_request"
handler403 = "mokatebat.core.views.permission_denied"
handler404 = "mokatebat.core.views.page_not_found"
handler500 = "mokatebat.core.views.server_error"
