from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from mokatebat.correspondence import views as letters
from mokatebat.notifications import views as sms

admin.site.site_header = _("مدیریت سامانه مکاتبات")
admin.site.site_title = _("مکاتبات")
admin.site.index_title = _("مدیریت")

urlpatterns = [
    path("", letters.home, name="home"),
    path("letters/new/", letters.letter_new, name="letter-new"),
    path("letters/receipt/<uuid:public_id>/", letters.letter_receipt, name="letter-receipt"),
    path("letters/units/", letters.unit_options, name="unit-options"),
    path("track/", letters.track, name="track"),
    path("track/<uuid:public_id>/", letters.track_result, name="track-result"),
    path("staff/login/", auth_views.LoginView.as_view(template_name="staff/login.html"), name="staff-login"),
    path("staff/logout/", auth_views.LogoutView.as_view(), name="staff-logout"),
    path("staff/", sms.staff_home, name="staff-home"),
    path("staff/sms/", sms.outbox, name="sms-outbox"),
    path("sms/delivery/", sms.delivery_report, name="sms-delivery-report"),
    path("i18n/setlang/", set_language, name="set-language"),
    path("admin/", admin.site.urls),
]

handler400 = "mokatebat.core.views.bad_request"
handler403 = "mokatebat.core.views.permission_denied"
handler404 = "mokatebat.core.views.page_not_found"
handler500 = "mokatebat.core.views.server_error"
