from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "mokatebat.inquiries"
    verbose_name = "استعلام‌ها"
