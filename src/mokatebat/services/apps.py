from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "mokatebat.services"
    verbose_name = "خدمات"
