from django.apps import AppConfig


class PublicRelationsConfig(AppConfig):
    name = "mokatebat.publicrelations"
    verbose_name = "ارتباطات مردمی"
