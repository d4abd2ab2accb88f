from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "mokatebat.surveys"
    verbose_name = "نظرسنجی"
