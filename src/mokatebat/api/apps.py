from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mokatebat.api"
    verbose_name = "رابط‌های برنامه‌نویسی"

    def ready(self) -> None:
        from . import schema  # noqa: F401 - registers the token scheme with drf-spectacular
