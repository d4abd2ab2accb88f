from django.apps import AppConfig


class CountersConfig(AppConfig):
    name = "mokatebat.counters"
    verbose_name = "دفاتر پیشخوان"
