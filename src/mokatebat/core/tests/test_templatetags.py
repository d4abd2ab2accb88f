"""Template filters render stored values for Persian readers, autoescaped."""

from datetime import UTC, date, datetime

import django
from django.conf import settings
from django.template import Context, Engine

if not settings.configured:
    settings.configure()
    django.setup()

ENGINE = Engine(libraries={"persian": "mokatebat.core.templatetags.persian"})


def render(source: str, **context: object) -> str:
    template = ENGINE.from_string("{% load persian %}" + source)
    return template.render(Context(context))


def test_fa_digits_shows_persian_digits() -> None:
    assert render("{{ n|fa_digits }}", n=1405) == "۱۴۰۵"


def test_jdate_shows_a_jalali_date_and_nothing_for_none() -> None:
    assert render("{{ d|jdate }}", d=date(2026, 11, 23)) == "۱۴۰۵/۰۹/۰۲"
    assert render("{{ d|jdate }}", d=None) == ""


def test_jdatetime_shows_jalali_date_and_tehran_time() -> None:
    moment = datetime(2026, 11, 23, 10, 35, tzinfo=UTC)
    assert render("{{ t|jdatetime }}", t=moment) == "۱۴۰۵/۰۹/۰۲ ساعت ۱۴:۰۵"
    assert render("{{ t|jdatetime }}", t=None) == ""


def test_tracking_code_is_grouped_in_persian_digits() -> None:
    assert render("{{ c|tracking_code }}", c="1234567890123") == "۱۲۳۴-۵۶۷۸-۹۰۱۲-۳"


def test_filter_output_is_still_autoescaped() -> None:
    assert render("{{ v|fa_digits }}", v="<b>1</b>") == "&lt;b&gt;۱&lt;/b&gt;"
