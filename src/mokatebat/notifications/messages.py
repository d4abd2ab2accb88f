"""Every SMS the system sends, with the variables it declares. Texts are Persian; digits stay Latin
so a tracking code copies cleanly into any form."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SmsTemplate:
    text: Promise
    variables: frozenset[str]
    # One-time codes and one-tap links: staff never read them (the text is shown with ``hidden``
    # masked), and the worker blanks the stored text once the message is out of its hands.
    hidden: re.Pattern[str] | None = None

    @property
    def secret(self) -> bool:
        return self.hidden is not None


# What a staff page must not show: the digits of a one-time code, the token of a survey link.
CODE = re.compile(r"\d{4,}")
SURVEY_TOKEN = re.compile(r"(?<=/s/)[^\s/]+")
MASK = "••••"
SECRET_REMOVED = "[one-time code or link removed after sending]"  # noqa: S105 - a placeholder, not a secret


def _template(text: Promise, *variables: str, hidden: re.Pattern[str] | None = None) -> SmsTemplate:
    return SmsTemplate(text=text, variables=frozenset(variables), hidden=hidden)


def is_secret(template: str) -> bool:
    found = SMS_TEMPLATES.get(template)
    return found is not None and found.secret


def staff_text(template: str, body: str) -> str:
    """The text as staff may read it: a code or a one-tap link masked, the rest as sent."""
    if body == SECRET_REMOVED:
        return str(_("(متن پس از ارسال پاک شد: کد یا پیوند یک‌بارمصرف داشت)"))
    found = SMS_TEMPLATES.get(template)
    if found is None or found.hidden is None:
        return body
    return found.hidden.sub(MASK, body)


# GSM 03.38: the basic set costs one septet, the extension set two (escape + character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


def sms_segments(text: str) -> int:
    """How many parts the network bills for ``text``: GSM-7 (160 in one part, 153 per part after)
    when every character is in the GSM alphabet, otherwise UCS-2 (70, then 67 per part), counted
    in UTF-16 units as the handset does. Persian is always UCS-2."""
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        length = sum(2 if char in GSM7_EXTENSION else 1 for char in text)
        single, multi = 160, 153
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if length <= single:
        return 1
    return math.ceil(length / multi)


SMS_TEMPLATES: dict[str, SmsTemplate] = {
    "item_submitted": _template(
        _("{agency}: نامه شما دریافت شد. کد رهگیری: {tracking_code}. پیگیری با کد ملی و کد رهگیری در {site}"),
        "agency",
        "tracking_code",
        "site",
    ),
    "item_registered": _template(
        _("{agency}: نامه شما با شماره {registration_number} در تاریخ {date} ثبت شد. کد رهگیری: {tracking_code}"),
        "agency",
        "registration_number",
        "date",
        "tracking_code",
    ),
    "item_referred": _template(
        _("{agency}: نامه شما با کد رهگیری {tracking_code} برای رسیدگی به «{unit}» ارجاع شد."),
        "agency",
        "tracking_code",
        "unit",
    ),
    "action_recorded": _template(
        _("{agency}: اقدام تازه‌ای روی نامه شما با کد رهگیری {tracking_code} ثبت شد. جزئیات در {site}"),
        "agency",
        "tracking_code",
        "site",
    ),
    "info_requested": _template(
        _(
            "{agency}: برای رسیدگی به نامه با کد رهگیری {tracking_code} اطلاعات بیشتری لازم است. "
            "لطفاً در {site} پاسخ دهید."
        ),
        "agency",
        "tracking_code",
        "site",
    ),
    "item_rejected": _template(
        _("{agency}: نامه شما با کد رهگیری {tracking_code} در حیطه وظایف این دستگاه نیست. توضیح و مرجع صالح در {site}"),
        "agency",
        "tracking_code",
        "site",
    ),
    "item_forwarded": _template(
        _(
            "{agency}: نامه شما با کد رهگیری {tracking_code} برای رسیدگی به «{to_agency}» فرستاده شد. "
            "کد رهگیری تغییری نمی‌کند."
        ),
        "agency",
        "tracking_code",
        "to_agency",
    ),
    "response_issued": _template(
        _("{agency}: پاسخ نامه شما با کد رهگیری {tracking_code} صادر شد. متن پاسخ در {site}"),
        "agency",
        "tracking_code",
        "site",
    ),
    "deadline_extended": _template(
        _("{agency}: مهلت پاسخ به نامه شما با کد رهگیری {tracking_code} تمدید شد. تاریخ تازه پاسخ: {date}"),
        "agency",
        "tracking_code",
        "date",
    ),
    "service_request_deadline_extended": _template(
        _("{agency}: مهلت انجام درخواست «{service}» با کد رهگیری {tracking_code} تمدید شد. تاریخ تازه: {date}"),
        "agency",
        "service",
        "tracking_code",
        "date",
    ),
    "item_closed": _template(
        _("{agency}: رسیدگی به نامه شما با کد رهگیری {tracking_code} پایان یافت. نتیجه: {resolution}"),
        "agency",
        "tracking_code",
        "resolution",
    ),
    # A service request (services app, R5–R8) goes through the same steps, but the citizen asked for a
    # service, not wrote a letter: «درخواست», naming the service where the citizen needs to know which.
    "service_request_submitted": _template(
        _(
            "{agency}: درخواست خدمت «{service}» دریافت شد. کد رهگیری: {tracking_code}. "
            "پیگیری با کد ملی و کد رهگیری در {site}"
        ),
        "agency",
        "service",
        "tracking_code",
        "site",
    ),
    "service_request_registered": _template(
        _(
            "{agency}: درخواست خدمت «{service}» با شماره {registration_number} در تاریخ {date} ثبت شد. "
            "کد رهگیری: {tracking_code}"
        ),
        "agency",
        "service",
        "registration_number",
        "date",
        "tracking_code",
    ),
    "service_request_referred": _template(
        _("{agency}: درخواست شما با کد رهگیری {tracking_code} برای رسیدگی به «{unit}» ارجاع شد."),
        "agency",
        "tracking_code",
        "unit",
    ),
    "service_request_action_recorded": _template(
        _("{agency}: اقدام تازه‌ای روی درخواست شما با کد رهگیری {tracking_code} ثبت شد. جزئیات در {site}"),
        "agency",
        "tracking_code",
        "site",
    ),
    "service_request_info_requested": _template(
        _(
            "{agency}: برای رسیدگی به درخواست شما با کد رهگیری {tracking_code} اطلاعات یا مدرک بیشتری لازم است. "
            "لطفاً در {site} پاسخ دهید."
        ),
        "agency",
        "tracking_code",
        "site",
    ),
    "service_request_rejected": _template(
        _(
            "{agency}: درخواست شما با کد رهگیری {tracking_code} در حیطه وظایف این دستگاه نیست. "
            "توضیح و مرجع صالح در {site}"
        ),
        "agency",
        "tracking_code",
        "site",
    ),
    "service_request_forwarded": _template(
        _(
            "{agency}: درخواست شما با کد رهگیری {tracking_code} برای رسیدگی به «{to_agency}» فرستاده شد. "
            "کد رهگیری تغییری نمی‌کند."
        ),
        "agency",
        "tracking_code",
        "to_agency",
    ),
    "service_request_response_issued": _template(
        _("{agency}: نتیجه درخواست خدمت «{service}» با کد رهگیری {tracking_code} صادر شد. مشاهده و دریافت در {site}"),
        "agency",
        "service",
        "tracking_code",
        "site",
    ),
    "response_handed_over": _template(
        _("{agency}: پاسخ نامه شما در دفتر {office} تحویل شد. کد رهگیری: {tracking_code}"),
        "agency",
        "office",
        "tracking_code",
    ),
    "service_request_response_handed_over": _template(
        _("{agency}: نتیجه درخواست شما در دفتر {office} تحویل شد. کد رهگیری: {tracking_code}"),
        "agency",
        "office",
        "tracking_code",
    ),
    "service_request_closed": _template(
        _("{agency}: رسیدگی به درخواست شما با کد رهگیری {tracking_code} پایان یافت. نتیجه: {resolution}"),
        "agency",
        "tracking_code",
        "resolution",
    ),
    # Citizen account and contact centre (R12, R14).
    "submit_mobile_code": _template(
        _("کد تأیید شماره همراه برای ثبت نامه شما: {code}\nاین کد تا {minutes} دقیقه معتبر است. آن را به هیچ‌کس ندهید."),
        "code",
        "minutes",
        hidden=CODE,
    ),
    "account_sign_in_code": _template(
        _("کد ورود شما به سامانه مکاتبات: {code}\nاین کد تا {minutes} دقیقه معتبر است. آن را به هیچ‌کس ندهید."),
        "code",
        "minutes",
        hidden=CODE,
    ),
    # Public relations (publicrelations app, R19, R20)
    "pr_thanks": _template(_("{agency}: {message} کد رهگیری: {tracking_code}"), "agency", "message", "tracking_code"),
    "meeting_scheduled": _template(
        _("{agency}: ملاقات شما (کد رهگیری {tracking_code}) در تاریخ {date} ساعت {time} در {place} است."),
        "agency",
        "tracking_code",
        "date",
        "time",
        "place",
    ),
    "meeting_rescheduled": _template(
        _("{agency}: زمان ملاقات شما (کد رهگیری {tracking_code}) تغییر کرد: تاریخ {date} ساعت {time} در {place}."),
        "agency",
        "tracking_code",
        "date",
        "time",
        "place",
    ),
    "meeting_reminder": _template(
        _("{agency}: یادآوری ملاقات فردا، {date} ساعت {time} در {place}. کد رهگیری: {tracking_code}"),
        "agency",
        "tracking_code",
        "date",
        "time",
        "place",
    ),
    "meeting_cancelled": _template(
        _("{agency}: ملاقات شما (کد رهگیری {tracking_code}) لغو شد. {reason}"), "agency", "tracking_code", "reason"
    ),
    "meeting_rejected": _template(
        _("{agency}: درخواست ملاقات شما (کد رهگیری {tracking_code}) پذیرفته نشد. دلیل: {reason}"),
        "agency",
        "tracking_code",
        "reason",
    ),
    "meeting_no_action": _template(
        _("{agency}: ملاقات شما (کد رهگیری {tracking_code}) نیاز به اقدام بیشتری نداشت. با سپاس از مراجعه شما."),
        "agency",
        "tracking_code",
    ),
    # Appointments (R13) and satisfaction surveys (R11).
    "booking_code": _template(_("کد تأیید نوبت‌دهی: {code} — این کد را به کسی ندهید."), "code", hidden=CODE),
    "booking_confirmed": _template(
        _("{agency}: نوبت شما در «{calendar}» برای {when} ثبت شد. کد نوبت: {booking_code}. مشاهده یا لغو: {site}"),
        "agency",
        "calendar",
        "when",
        "booking_code",
        "site",
    ),
    "booking_rescheduled": _template(
        _("{agency}: نوبت {booking_code} در «{calendar}» به {when} تغییر کرد. مشاهده یا لغو: {site}"),
        "agency",
        "calendar",
        "when",
        "booking_code",
        "site",
    ),
    "booking_cancelled": _template(
        _("{agency}: نوبت {booking_code} در «{calendar}» برای {when} لغو شد."),
        "agency",
        "calendar",
        "when",
        "booking_code",
    ),
    # The agency cancelled or moved the booking (a closure, a burst pipe): the citizen reads why.
    "booking_cancelled_by_agency": _template(
        _(
            "{agency}: نوبت {booking_code} در «{calendar}» برای {when} از سوی دستگاه لغو شد. "
            "دلیل: {reason}. گرفتن نوبت تازه: {site}"
        ),
        "agency",
        "calendar",
        "when",
        "booking_code",
        "reason",
        "site",
    ),
    "booking_moved_by_agency": _template(
        _(
            "{agency}: نوبت {booking_code} در «{calendar}» از سوی دستگاه از {previous} به {when} منتقل شد. "
            "دلیل: {reason}. مشاهده، لغو یا تغییر: {site}"
        ),
        "agency",
        "calendar",
        "previous",
        "when",
        "booking_code",
        "reason",
        "site",
    ),
    "booking_reminder": _template(
        _("{agency}: یادآوری نوبت فردا {when} در «{calendar}»، {place}. کد نوبت: {booking_code}"),
        "agency",
        "calendar",
        "when",
        "place",
        "booking_code",
    ),
    "survey_invite": _template(
        _("{agency}: از رسیدگی به درخواست {tracking_code} چقدر راضی بودید؟ با یک لمس نظر دهید: {link}"),
        "agency",
        "tracking_code",
        "link",
        hidden=SURVEY_TOKEN,
    ),
}
