from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "mokatebat.core"
    verbose_name = _("هسته")

    def ready(self) -> None:
        from . import gauges  # noqa: F401 - registers the project's Prometheus gauges
        from .roles import grant_after_migrate

        post_migrate.connect(grant_after_migrate, dispatch_uid="mokatebat-grant-app-role")
