from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "mokatebat.core"
    verbose_name = _("هسته")

    def ready(self) -> None:
        from . import gauges  # noqa: F401 - registers the project's Prometheus gauges
