from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "mokatebat.correspondence"
    verbose_name = _("مکاتبات")
