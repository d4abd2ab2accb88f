from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "mokatebat.organization"
    verbose_name = _("سازمان‌ها و کارکنان")
