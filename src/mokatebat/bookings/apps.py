from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "mokatebat.bookings"
    verbose_name = "نوبت‌دهی"
