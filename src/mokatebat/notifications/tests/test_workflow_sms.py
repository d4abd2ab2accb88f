"""Every step the citizen can see sends exactly one SMS, once, with the right Persian text; internal
steps send none. The real workflow, the real worker and a real (fake) HTTP gateway."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings

from mokatebat.correspondence.models import Resolution
from mokatebat.correspondence.workflow import (
    action_record,
    item_close,
    item_refer,
    item_register,
    response_issue,
)
from mokatebat.notifications import worker
from mokatebat.notifications.models import OutboxMessage, SmsState

# 25 March 2025, 11:30 in Tehran: 5 Farvardin 1404.
A_DAY_IN_FARVARDIN = datetime.datetime(2025, 3, 25, 8, 0, tzinfo=datetime.UTC)


def _send_and_collect(gateway) -> list[str]:
    """Run the worker and return the texts that reached the gateway during this run."""
    before = len(gateway.phone)
    worker.run_once()
    return gateway.texts()[before:]


@pytest.mark.django_db(transaction=True)
def test_each_public_step_sends_one_sms_once_and_internal_steps_send_none(submit, clerk, unit, kavenegar):
    agency = "وزارت بهداشت"

    with time_machine.travel(A_DAY_IN_FARVARDIN):
        item = submit()
        code = item.tracking_code
        # The link leads to the item: the tracking page with the code filled in.
        site = f"{settings.PUBLIC_SITE_URL}/track/?code={code}"
        assert _send_and_collect(kavenegar) == [
            f"{agency}: نامه شما دریافت شد. کد رهگیری: {code}. پیگیری با کد ملی و کد رهگیری در {site}"
        ]

        item = item_register(item=item, actor=clerk)
        assert _send_and_collect(kavenegar) == [
            f"{agency}: نامه شما با شماره {item.registration_number} در تاریخ 1404/01/05 ثبت شد. کد رهگیری: {code}"
        ]

    item_refer(item=item, actor=clerk, unit=unit, instruction="بررسی و گزارش فوری")
    assert _send_and_collect(kavenegar) == [
        f"{agency}: نامه شما با کد رهگیری {code} برای رسیدگی به «اداره کل نظارت بر درمان» ارجاع شد."
    ]

    action_record(item=item, actor=clerk, text="یادداشت داخلی کارشناس", public=False)
    assert _send_and_collect(kavenegar) == [], "an internal action is not announced"

    action_record(item=item, actor=clerk, text="پرونده از بیمارستان استعلام شد.", public=True)
    assert _send_and_collect(kavenegar) == [
        f"{agency}: اقدام تازه\u200cای روی نامه شما با کد رهگیری {code} ثبت شد. جزئیات در {site}"
    ]

    response_issue(item=item, actor=clerk, body="پرونده بررسی و اصلاح شد.")
    answer, survey = sorted(_send_and_collect(kavenegar), key=lambda text: "/s/" in text)
    assert answer == f"{agency}: پاسخ نامه شما با کد رهگیری {code} صادر شد. متن پاسخ در {site}"
    assert survey.startswith(f"{agency}: از رسیدگی به درخواست {code} چقدر راضی بودید؟")  # R11, once per item

    item_close(item=item, actor=clerk, resolution=Resolution.ANSWERED)
    assert _send_and_collect(kavenegar) == [
        f"{agency}: رسیدگی به نامه شما با کد رهگیری {code} پایان یافت. نتیجه: پاسخ داده شد"
    ]

    assert _send_and_collect(kavenegar) == [], "running the worker again sends nothing more"
    messages = OutboxMessage.objects.filter(item=item)
    assert messages.count() == 7  # six steps and the survey invitation
    assert set(messages.values_list("state", flat=True)) == {SmsState.SENT}
    assert {sent.mobile for sent in kavenegar.phone} == {"09121234567"}
    assert sorted(kavenegar.phone_counts().values()) == [1] * 7, "each message reached the phone once"


@pytest.mark.django_db(transaction=True)
def test_repeating_a_step_does_not_queue_a_second_sms(submit, clerk, kavenegar):
    item = submit()
    item_register(item=item, actor=clerk)
    item_register(item=item, actor=clerk)
    item_close(item=item, actor=clerk, resolution=Resolution.DUPLICATE)
    item_close(item=item, actor=clerk, resolution=Resolution.DUPLICATE)

    worker.run_once()

    templates = OutboxMessage.objects.filter(item=item).order_by("id").values_list("template", flat=True)
    assert list(templates) == ["item_submitted", "item_registered", "item_closed"]
    assert len(kavenegar.sends()) == 3
