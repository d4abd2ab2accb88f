"""Public booking pages under /appointments/, staff pages under /staff/appointments/."""

from django.urls import path

from . import views

urlpatterns = [
    path("appointments/", views.agencies, name="booking-agencies"),
    path("appointments/verify/", views.verify, name="booking-verify"),
    path("appointments/manage/", views.manage, name="booking-manage"),
    path("appointments/booking/", views.booking_detail, name="booking-detail"),
    path("appointments/booking/cancel/", views.booking_cancel, name="booking-cancel"),
    path("appointments/booking/reschedule/", views.booking_reschedule, name="booking-reschedule"),
    path("appointments/calendars/<uuid:public_id>/", views.calendar_slots, name="booking-slots"),
    path("appointments/calendars/<uuid:public_id>/book/", views.book, name="booking-book"),
    path("appointments/agencies/<slug:agency_code>/", views.agency_calendars, name="booking-calendars"),
    path("staff/appointments/", views.staff_overview, name="staff-bookings"),
    path("staff/appointments/calendars/<uuid:public_id>/", views.staff_day, name="staff-booking-day"),
    path("staff/appointments/bookings/<uuid:public_id>/mark/", views.staff_mark, name="staff-booking-mark"),
    path(
        "staff/appointments/bookings/<uuid:public_id>/cancel/", views.staff_booking_cancel, name="staff-booking-cancel"
    ),
    path("staff/appointments/bookings/<uuid:public_id>/move/", views.staff_booking_move, name="staff-booking-move"),
    path("staff/appointments/calendars/", views.staff_calendars, name="staff-calendars"),
    path("staff/appointments/calendars/new/", views.staff_calendar_new, name="staff-calendar-new"),
    path("staff/appointments/calendars/<uuid:public_id>/edit/", views.staff_calendar_edit, name="staff-calendar-edit"),
    path("staff/appointments/agencies/<slug:agency_code>/holidays/", views.staff_holidays, name="staff-holidays"),
    path(
        "staff/appointments/agencies/<slug:agency_code>/holidays/remove/",
        views.staff_holiday_remove,
        name="staff-holiday-remove",
    ),
]
