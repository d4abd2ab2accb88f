"""Build the demo network once: agencies, unit trees, staff for every role, citizens and letters.

Every letter goes through ``correspondence.workflow``, so timelines, registration numbers and SMS
outbox rows are the real thing. Seeded, so two developers see the same people and the same letters
(tracking codes are cryptographically random by design and differ between databases).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import random
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mokatebat.api import demo as api_demo
from mokatebat.bookings.demo import load_demo as load_bookings_and_surveys_demo
from mokatebat.core.identifiers import generate_legal_id, generate_national_id
from mokatebat.core.jalali import TEHRAN
from mokatebat.core.tracking import format_tracking_code
from mokatebat.correspondence.deadlines import clock_of
from mokatebat.correspondence.models import Channel, Item, Kind, Resolution, Status, SubjectCategory
from mokatebat.correspondence.workflow import (
    RequesterDetails,
    action_record,
    item_close,
    item_refer,
    item_register,
    item_submit,
    response_issue,
)
from mokatebat.inquiries import demo as inquiries_demo
from mokatebat.notifications.models import OutboxMessage, SmsState
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.publicrelations import workflow as pr
from mokatebat.publicrelations.demo import load_demo as load_pr_demo
from mokatebat.publicrelations.models import FEEDBACK_KINDS
from mokatebat.reports.rollup import rebuild_days
from mokatebat.services import demo as services_demo

SEED = 1405
DEMO_PASSWORD = "demo-pass-1405"  # noqa: S105 - published on purpose: demo logins only, refused in production
ADMIN_USERNAME = "admin"
ITEM_COUNT = 240
HISTORY = datetime.timedelta(days=90)
# Idempotency keys of demo items start with this, so the demo's own rows can be found again.
DEMO_KEY_PREFIX = "demo:"
# Demo logins only: every demo user's TOTP secret is recomputable from the username, so a newcomer adds
# the printed key to an authenticator app once and it works on every freshly loaded demo database.
DEMO_TOTP_PEPPER = b"mokatebat-demo-totp-published-not-secret"
# Serialises two concurrent runs (e.g. two `make run` at once) on one database.
ADVISORY_LOCK_ID = 1405_0001


# --- The network --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    name: str
    kind: str = Unit.Kind.OFFICE
    children: tuple[UnitSpec, ...] = ()
    accepts_letters: bool = True


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    short_name: str
    city: str
    units: tuple[UnitSpec, ...] = ()
    parent: str = ""
    kind: str = Organization.Kind.AGENCY
    registration_format: str = "{year}/{number}"
    phone: str = ""
    address: str = ""


def _secretariat(name: str = "دبیرخانه") -> UnitSpec:
    return UnitSpec(name, Unit.Kind.SECRETARIAT, accepts_letters=False)


ORGANIZATIONS: tuple[OrgSpec, ...] = (
    OrgSpec(
        code="moh",
        name="وزارت بهداشت، درمان و آموزش پزشکی",
        short_name="وزارت بهداشت",
        city="تهران",
        phone="021-81455000",
        address="تهران، شهرک قدس، بلوار ایوانک، ستاد مرکزی وزارت بهداشت",
        units=(
            UnitSpec(
                "حوزه وزارتی",
                Unit.Kind.HEAD_OFFICE,
                (
                    _secretariat("دبیرخانه مرکزی"),
                    UnitSpec("اداره کل ارتباطات مردمی", Unit.Kind.PUBLIC_RELATIONS),
                    UnitSpec("مرکز روابط عمومی و اطلاع‌رسانی"),
                ),
            ),
            UnitSpec(
                "معاونت درمان",
                Unit.Kind.DEPUTY,
                (
                    UnitSpec(
                        "اداره کل نظارت و اعتباربخشی امور درمان",
                        Unit.Kind.DEPARTMENT,
                        (UnitSpec("اداره نظارت بر مؤسسات پزشکی و داروخانه‌ها"),),
                    ),
                    UnitSpec("اداره کل امور بیمارستانی و تعالی خدمات بالینی", Unit.Kind.DEPARTMENT),
                    UnitSpec("اداره بیماری‌های خاص و صعب‌العلاج"),
                ),
            ),
            UnitSpec(
                "معاونت بهداشت",
                Unit.Kind.DEPUTY,
                (
                    UnitSpec("مرکز مدیریت بیماری‌های واگیر", Unit.Kind.DEPARTMENT),
                    UnitSpec("مرکز سلامت محیط و کار", Unit.Kind.DEPARTMENT),
                    UnitSpec("دفتر توسعه شبکه و ارتقای سلامت", Unit.Kind.DEPARTMENT),
                ),
            ),
            UnitSpec(
                "معاونت توسعه مدیریت و منابع",
                Unit.Kind.DEPUTY,
                (
                    UnitSpec(
                        "اداره کل منابع انسانی",
                        Unit.Kind.DEPARTMENT,
                        (UnitSpec("اداره رفاه و امور کارکنان"),),
                    ),
                    UnitSpec("اداره کل امور مالی", Unit.Kind.DEPARTMENT),
                ),
            ),
        ),
    ),
    OrgSpec(
        code="hormozgan",
        name="استانداری هرمزگان",
        short_name="استانداری هرمزگان",
        city="بندرعباس",
        registration_format="ا.ه/{year}/{number}",
        phone="076-33331000",
        address="بندرعباس، بلوار امام خمینی، ساختمان استانداری",
        units=(
            UnitSpec(
                "حوزه استاندار",
                Unit.Kind.HEAD_OFFICE,
                (_secretariat(), UnitSpec("اداره کل ارتباطات مردمی", Unit.Kind.PUBLIC_RELATIONS)),
            ),
            UnitSpec(
                "معاونت سیاسی، امنیتی و اجتماعی",
                Unit.Kind.DEPUTY,
                (UnitSpec("اداره کل امور اجتماعی و فرهنگی", Unit.Kind.DEPARTMENT),),
            ),
            UnitSpec(
                "معاونت هماهنگی امور عمرانی",
                Unit.Kind.DEPUTY,
                (UnitSpec("اداره کل مدیریت بحران", Unit.Kind.DEPARTMENT),),
            ),
            UnitSpec("معاونت برنامه‌ریزی و توسعه", Unit.Kind.DEPUTY),
        ),
    ),
    OrgSpec(
        code="hz-edu",
        parent="hormozgan",
        name="اداره کل آموزش و پرورش استان هرمزگان",
        short_name="آموزش و پرورش هرمزگان",
        city="بندرعباس",
        registration_format="آ.پ/{year}/{number:05d}",
        phone="076-33559000",
        units=(
            _secretariat(),
            UnitSpec("معاونت آموزش ابتدایی", Unit.Kind.DEPUTY),
            UnitSpec("معاونت آموزش متوسطه", Unit.Kind.DEPUTY),
            UnitSpec("معاونت توسعه مدیریت و پشتیبانی", Unit.Kind.DEPUTY),
            UnitSpec("اداره ارزیابی عملکرد و پاسخگویی به شکایات"),
        ),
    ),
    OrgSpec(
        code="hz-roads",
        parent="hormozgan",
        name="اداره کل راه و شهرسازی استان هرمزگان",
        short_name="راه و شهرسازی هرمزگان",
        city="بندرعباس",
        phone="076-33665000",
        units=(
            _secretariat(),
            UnitSpec("معاونت مسکن و ساختمان", Unit.Kind.DEPUTY),
            UnitSpec("معاونت راه و ساختمان", Unit.Kind.DEPUTY, (UnitSpec("اداره نگهداری ابنیه و راه‌ها"),)),
            UnitSpec("اداره املاک و حقوقی"),
        ),
    ),
    OrgSpec(
        code="hz-agri",
        parent="hormozgan",
        name="سازمان جهاد کشاورزی استان هرمزگان",
        short_name="جهاد کشاورزی هرمزگان",
        city="بندرعباس",
        registration_format="ج.ک/{year}/{number}",
        phone="076-33337000",
        units=(
            _secretariat(),
            UnitSpec("معاونت بهبود تولیدات گیاهی", Unit.Kind.DEPUTY),
            UnitSpec("مدیریت امور دام"),
            UnitSpec("مدیریت امور شیلات و آبزیان"),
            UnitSpec("مدیریت آب و خاک"),
        ),
    ),
    OrgSpec(
        code="counter1",
        kind=Organization.Kind.COUNTER_OFFICE,
        name="دفتر پیشخوان دولت کد ۱۲۳۴ بندرعباس",
        short_name="پیشخوان ۱۲۳۴ بندرعباس",
        city="بندرعباس",
        phone="076-32221234",
        address="بندرعباس، خیابان سید جمال‌الدین اسدآبادی، نبش کوچه ۱۲",
    ),
    OrgSpec(
        code="counter2",
        kind=Organization.Kind.COUNTER_OFFICE,
        name="دفتر پیشخوان دولت روستای تازیان پایین",
        short_name="پیشخوان روستای تازیان",
        city="تازیان پایین",
        phone="076-33815000",
        address="بخش مرکزی بندرعباس، روستای تازیان پایین، جنب دهیاری",
    ),
)


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    organization: str
    role: str
    units: tuple[str, ...] = ()


_MOH_TREATMENT_UNITS = (
    "معاونت درمان",
    "اداره کل نظارت و اعتباربخشی امور درمان",
    "اداره نظارت بر مؤسسات پزشکی و داروخانه‌ها",
    "اداره کل امور بیمارستانی و تعالی خدمات بالینی",
    "اداره بیماری‌های خاص و صعب‌العلاج",
)
_MOH_HEALTH_UNITS = ("مرکز مدیریت بیماری‌های واگیر", "مرکز سلامت محیط و کار", "دفتر توسعه شبکه و ارتقای سلامت")

STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("moh.clerk", "زهرا", "محمدی", "moh", Role.SECRETARIAT_CLERK),
    StaffSpec("moh.pr", "مهدی", "کریمی", "moh", Role.PR_EXPERT),
    StaffSpec("moh.phone", "فاطمه", "احمدی", "moh", Role.PHONE_OPERATOR),
    StaffSpec("moh.unit", "علیرضا", "حسینی", "moh", Role.UNIT_STAFF, _MOH_TREATMENT_UNITS + _MOH_HEALTH_UNITS),
    StaffSpec("moh.manager", "دکتر سارا", "نوروزی", "moh", Role.UNIT_MANAGER, _MOH_TREATMENT_UNITS),
    StaffSpec("moh.head", "دکتر محمدرضا", "صادقی", "moh", Role.HEAD),
    StaffSpec("moh.deputy", "دکتر حمید", "رحیمی", "moh", Role.DEPUTY, ("معاونت درمان",)),
    StaffSpec("moh.service", "مریم", "جعفری", "moh", Role.SERVICE_OWNER),
    StaffSpec("moh.admin", "رضا", "موسوی", "moh", Role.AGENCY_ADMIN),
    StaffSpec("moh.auditor", "حسن", "اکبری", "moh", Role.AUDITOR),
    StaffSpec("hormozgan.head", "مهندس محمد", "آشوری", "hormozgan", Role.HEAD),
    StaffSpec("hormozgan.clerk", "لیلا", "دریانورد", "hormozgan", Role.SECRETARIAT_CLERK),
    StaffSpec("hormozgan.pr", "یاسر", "بندری", "hormozgan", Role.PR_EXPERT),
    StaffSpec("hormozgan.admin", "امین", "سلیمانی", "hormozgan", Role.AGENCY_ADMIN),
    StaffSpec("hz-edu.clerk", "نرگس", "قاسمی", "hz-edu", Role.SECRETARIAT_CLERK),
    StaffSpec(
        "hz-edu.unit",
        "عبدالله",
        "زارعی",
        "hz-edu",
        Role.UNIT_STAFF,
        (
            "معاونت آموزش ابتدایی",
            "معاونت آموزش متوسطه",
            "معاونت توسعه مدیریت و پشتیبانی",
            "اداره ارزیابی عملکرد و پاسخگویی به شکایات",
        ),
    ),
    StaffSpec("hz-roads.clerk", "سمیه", "کمالی", "hz-roads", Role.SECRETARIAT_CLERK),
    StaffSpec(
        "hz-roads.unit",
        "جاسم",
        "ملاحی",
        "hz-roads",
        Role.UNIT_STAFF,
        ("معاونت مسکن و ساختمان", "معاونت راه و ساختمان", "اداره نگهداری ابنیه و راه‌ها", "اداره املاک و حقوقی"),
    ),
    StaffSpec("hz-agri.clerk", "معصومه", "باقری", "hz-agri", Role.SECRETARIAT_CLERK),
    StaffSpec(
        "hz-agri.unit",
        "یوسف",
        "نخلی",
        "hz-agri",
        Role.UNIT_STAFF,
        ("معاونت بهبود تولیدات گیاهی", "مدیریت امور دام", "مدیریت امور شیلات و آبزیان", "مدیریت آب و خاک"),
    ),
    # Each provincial agency keeps its own e-service cards (services/demo.py).
    StaffSpec("hz-edu.service", "پروین", "انصاری", "hz-edu", Role.SERVICE_OWNER),
    StaffSpec("hz-roads.service", "عباس", "دهقانی", "hz-roads", Role.SERVICE_OWNER),
    StaffSpec("hz-agri.service", "شهلا", "میناب‌زاده", "hz-agri", Role.SERVICE_OWNER),
    StaffSpec("counter1.operator", "محسن", "عباسی", "counter1", Role.COUNTER_OPERATOR),
    StaffSpec("counter2.operator", "خدیجه", "رئیسی", "counter2", Role.COUNTER_OPERATOR),
)


# --- What citizens write -------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterSpec:
    kind: str
    subject: str
    body: str
    unit: str
    answer: str


LETTERS: dict[str, tuple[LetterSpec, ...]] = {
    "moh": (
        LetterSpec(
            Kind.COMPLAINT,
            "شکایت از نحوه برخورد کادر اورژانس بیمارستان",
            "پدر بیمارم را به اورژانس بیمارستان شهید محمدی بندرعباس بردم. بیش از چهار ساعت بدون ویزیت پزشک "
            "منتظر ماندیم و پرستار شیفت با لحنی نامناسب پاسخ داد. خواهشمند است موضوع بررسی و نتیجه اعلام شود.",
            "اداره کل نظارت و اعتباربخشی امور درمان",
            "شکایت جنابعالی در کمیته رسیدگی به شکایات دانشگاه علوم پزشکی هرمزگان بررسی شد. ضمن پوزش از پیش‌آمد، "
            "به سرپرستار شیفت تذکر کتبی داده شد و روند تریاژ اورژانس آن بیمارستان اصلاح گردید.",
        ),
        LetterSpec(
            Kind.REQUEST,
            "درخواست بازپرداخت هزینه داروهای بیماری خاص",
            "فرزندم مبتلا به تالاسمی ماژور است و در شش ماه گذشته بخشی از داروها را به علت کمبود در داروخانه‌های "
            "طرف قرارداد، به صورت آزاد خریداری کرده‌ام. تصویر نسخه‌ها و فاکتورها پیوست است.",
            "اداره بیماری‌های خاص و صعب‌العلاج",
            "درخواست شما بررسی شد. لطفاً اصل نسخه‌ها و فاکتورها را به واحد بیماری‌های خاص دانشگاه علوم پزشکی "
            "محل سکونت تحویل دهید؛ هزینه‌های تأییدشده ظرف سی روز به حساب شما واریز می‌شود.",
        ),
        LetterSpec(
            Kind.REPORT,
            "گزارش فروش داروی تاریخ‌گذشته در داروخانه",
            "روز گذشته از یک داروخانه در خیابان امام بندرعباس شربت آموکسی‌سیلین خریدم که تاریخ انقضای آن "
            "دو ماه پیش گذشته بود. نام و نشانی داروخانه و تصویر فاکتور پیوست است.",
            "اداره نظارت بر مؤسسات پزشکی و داروخانه‌ها",
            "از گزارش شما سپاسگزاریم. بازرسان از داروخانه مذکور بازدید کردند، داروهای تاریخ‌گذشته جمع‌آوری و "
            "پرونده تخلف برای رسیدگی به کمیسیون ماده ۱۱ ارسال شد.",
        ),
        LetterSpec(
            Kind.SUGGESTION,
            "پیشنهاد نوبت‌دهی اینترنتی برای درمانگاه‌های تخصصی",
            "برای گرفتن نوبت درمانگاه تخصصی باید ساعت شش صبح در صف بایستیم. پیشنهاد می‌کنم نوبت‌دهی درمانگاه‌ها "
            "به صورت اینترنتی و پیامکی انجام شود تا بیماران سالمند سرگردان نشوند.",
            "اداره کل امور بیمارستانی و تعالی خدمات بالینی",
            "پیشنهاد ارزشمند شما در شورای تعالی خدمات بالینی مطرح شد. سامانه نوبت‌دهی اینترنتی درمانگاه‌های "
            "تخصصی تا پایان سال در بیمارستان‌های آموزشی استان راه‌اندازی می‌شود.",
        ),
        LetterSpec(
            Kind.REQUEST,
            "درخواست استقرار پزشک خانواده در خانه بهداشت روستا",
            "خانه بهداشت روستای ما بیش از یک سال است پزشک ثابت ندارد و اهالی برای هر ویزیت ساده باید تا "
            "شهرستان بروند. خواهشمند است برای استقرار پزشک خانواده اقدام فرمایید.",
            "دفتر توسعه شبکه و ارتقای سلامت",
            "درخواست شما در برنامه پزشک خانواده روستایی ثبت شد. از ابتدای ماه آینده پزشک طرح، سه روز در هفته در "
            "خانه بهداشت روستای شما حضور خواهد داشت.",
        ),
        LetterSpec(
            Kind.COMPLAINT,
            "شکایت از کیفیت آب آشامیدنی محله",
            "چند هفته است آب لوله‌کشی محله ما بو و رنگ نامطبوع دارد و چند نفر از همسایگان دچار اسهال شده‌اند. "
            "تقاضای نمونه‌برداری و رسیدگی فوری دارم.",
            "مرکز سلامت محیط و کار",
            "کارشناسان بهداشت محیط از شبکه آب محله نمونه‌برداری کردند. کلر باقیمانده کمتر از حد استاندارد بود که "
            "با هماهنگی شرکت آبفا اصلاح شد و نمونه‌برداری تا دو هفته ادامه دارد.",
        ),
        LetterSpec(
            Kind.CRITICISM,
            "انتقاد از طولانی بودن صف پذیرش مرکز خدمات جامع سلامت",
            "در مرکز خدمات جامع سلامت محله فقط یک نفر در پذیرش کار می‌کند و مادران با نوزاد باید ساعت‌ها منتظر "
            "بمانند. لطفاً برای ساماندهی پذیرش چاره‌ای بیندیشید.",
            "دفتر توسعه شبکه و ارتقای سلامت",
            "انتقاد شما بجا بود. یک نیروی پذیرش دیگر به آن مرکز اختصاص یافت و نوبت واکسیناسیون نوزادان از این پس "
            "به صورت تلفنی نیز داده می‌شود.",
        ),
        LetterSpec(
            Kind.REQUEST,
            "درخواست انتقال محل خدمت پرستار به استان هرمزگان",
            "اینجانب پرستار رسمی بیمارستان امام خمینی تهران هستم و به علت بیماری مادرم که در بندرعباس ساکن است، "
            "تقاضای انتقال به یکی از بیمارستان‌های دانشگاه علوم پزشکی هرمزگان را دارم.",
            "اداره کل منابع انسانی",
            "درخواست انتقال شما در کمیته انتقالات بررسی شد و با موافقت دانشگاه مقصد، حکم انتقال شما از ابتدای "
            "ماه آینده صادر می‌شود.",
        ),
        LetterSpec(
            Kind.MEETING_REQUEST,
            "درخواست ملاقات مردمی با وزیر",
            "پرونده درمانی همسرم بیش از یک سال است میان بیمه و بیمارستان بلاتکلیف مانده است. تقاضا دارم در "
            "ملاقات مردمی فرصتی برای طرح موضوع به اینجانب داده شود.",
            "اداره کل ارتباطات مردمی",
            "درخواست ملاقات شما بررسی شد. با توجه به موضوع، پرونده به معاونت درمان ارجاع شد و کارشناس مسئول "
            "ظرف یک هفته برای پیگیری با شما تماس می‌گیرد.",
        ),
        LetterSpec(
            Kind.LETTER,
            "پیگیری پرداخت معوقات کارانه پزشکان طرح",
            "کارانه هفت ماه گذشته پزشکان طرح مرکز بهداشت شهرستان میناب پرداخت نشده است. خواهشمند است دستور "
            "پیگیری و پرداخت صادر فرمایید.",
            "اداره کل امور مالی",
            "اعتبار معوقات کارانه پزشکان طرح تخصیص یافت و مبالغ تا پایان ماه جاری به حساب ایشان واریز می‌شود.",
        ),
    ),
    "hormozgan": (
        LetterSpec(
            Kind.MEETING_REQUEST,
            "درخواست ملاقات مردمی با استاندار",
            "از طرف اهالی روستا درخواست داریم در دیدار مردمی استاندار، مشکل قطعی مکرر آب و برق روستا را "
            "حضوری مطرح کنیم.",
            "اداره کل ارتباطات مردمی",
            "درخواست شما در فهرست دیدار مردمی روز پنجشنبه آینده ساعت ۹ صبح قرار گرفت. لطفاً با کارت ملی در "
            "ساختمان استانداری حضور یابید.",
        ),
        LetterSpec(
            Kind.COMPLAINT,
            "شکایت از تأخیر در پرداخت خسارت سیل",
            "با وجود گذشت هشت ماه از سیل بهمن‌ماه و تکمیل پرونده در بخشداری، هنوز خسارت منزل مسکونی ما پرداخت نشده است.",
            "اداره کل مدیریت بحران",
            "پرونده شما در کارگروه جبران خسارت بررسی شد و مبلغ خسارت از محل اعتبارات ماده ۱۰ قانون مدیریت بحران "
            "ظرف دو هفته پرداخت می‌شود.",
        ),
        LetterSpec(
            Kind.REQUEST,
            "درخواست آسفالت راه روستایی",
            "راه خاکی روستای ما به جاده اصلی حدود شش کیلومتر است و در فصل بارندگی رفت‌وآمد دانش‌آموزان و بیماران "
            "ممکن نیست. تقاضای آسفالت این مسیر را داریم.",
            "معاونت هماهنگی امور عمرانی",
            "آسفالت مسیر روستای شما در برنامه راه‌های روستایی سال آینده استان قرار گرفت و عملیات زیرسازی پس از "
            "تخصیص اعتبار آغاز می‌شود.",
        ),
        LetterSpec(
            Kind.REPORT,
            "گزارش تخلف در توزیع بسته‌های حمایتی",
            "در توزیع بسته‌های حمایتی ماه گذشته در محله ما، بخشی از بسته‌ها به افراد غیرمستحق داده شد و چند "
            "خانواده نیازمند محروم ماندند.",
            "اداره کل امور اجتماعی و فرهنگی",
            "گزارش شما بررسی شد. فهرست دریافت‌کنندگان بازبینی و توزیع بسته‌ها در آن محله به کمیته امداد واگذار "
            "شد؛ خانواده‌های جامانده در نوبت بعد بسته دریافت می‌کنند.",
        ),
        LetterSpec(
            Kind.SUGGESTION,
            "پیشنهاد ایجاد بازارچه مرزی در بندر لنگه",
            "با توجه به ظرفیت تجارت دریایی بندر لنگه، پیشنهاد می‌شود بازارچه مرزی برای اشتغال جوانان منطقه ایجاد شود.",
            "معاونت برنامه‌ریزی و توسعه",
            "پیشنهاد شما در کارگروه توسعه تجارت مرزی استان مطرح و مطالعه امکان‌سنجی آن به دانشگاه هرمزگان سپرده شد.",
        ),
    ),
    "hz-edu": (
        LetterSpec(
            Kind.REQUEST,
            "درخواست انتقال دانش‌آموز به مدرسه نزدیک محل سکونت",
            "به علت تغییر محل سکونت، درخواست انتقال پرونده فرزندم (پایه چهارم ابتدایی) به دبستان نزدیک منزل "
            "جدید را دارم.",
            "معاونت آموزش ابتدایی",
            "با انتقال پرونده تحصیلی فرزندتان موافقت شد. لطفاً برای تکمیل ثبت‌نام به دبستان مقصد مراجعه فرمایید.",
        ),
        LetterSpec(
            Kind.COMPLAINT,
            "شکایت از دریافت وجه اجباری در مدرسه دولتی",
            "مدیر دبیرستان دولتی محل تحصیل فرزندم ثبت‌نام را منوط به پرداخت کمک اجباری کرده است.",
            "اداره ارزیابی عملکرد و پاسخگویی به شکایات",
            "موضوع بررسی و دریافت وجه اجباری تأیید شد. مبلغ دریافتی باید به شما مسترد شود و به مدیر مدرسه "
            "تذکر کتبی داده شد.",
        ),
        LetterSpec(
            Kind.REQUEST,
            "درخواست صدور المثنی مدرک دیپلم",
            "اصل مدرک دیپلم اینجانب (رشته ریاضی فیزیک، سال ۱۳۹۵) مفقود شده است. تقاضای صدور المثنی دارم.",
            "معاونت آموزش متوسطه",
            "درخواست شما ثبت شد. المثنی مدرک پس از انتشار آگهی فقدان و پرداخت هزینه قانونی صادر و از طریق "
            "دفتر پیشخوان به شما تحویل می‌شود.",
        ),
        LetterSpec(
            Kind.CRITICISM,
            "انتقاد از نبود سیستم سرمایشی در کلاس‌های مدرسه",
            "در گرمای بالای چهل درجه، کولرهای مدرسه روستای ما خراب است و دانش‌آموزان در کلاس‌ها بی‌حال می‌شوند.",
            "معاونت توسعه مدیریت و پشتیبانی",
            "سه دستگاه کولر گازی برای مدرسه شما تخصیص یافت و پیش از شروع ماه آینده نصب می‌شود.",
        ),
        LetterSpec(
            Kind.LETTER,
            "درخواست احتساب سنوات خدمت حق‌التدریسی",
            "اینجانب هشت سال به صورت حق‌التدریس در مدارس شهرستان جاسک تدریس کرده‌ام و تقاضای احتساب این "
            "سنوات در سابقه خدمت را دارم.",
            "معاونت توسعه مدیریت و پشتیبانی",
            "سوابق تدریس شما استعلام و هفت سال و چهار ماه آن قابل احتساب تشخیص داده شد. حکم کارگزینی اصلاحی "
            "صادر می‌شود.",
        ),
    ),
    "hz-roads": (
        LetterSpec(
            Kind.REQUEST,
            "استعلام وضعیت واحد طرح نهضت ملی مسکن",
            "اینجانب در طرح نهضت ملی مسکن شهر بندرعباس ثبت‌نام کرده و آورده اولیه را واریز کرده‌ام. تقاضای اعلام "
            "وضعیت پروژه و زمان تحویل واحد را دارم.",
            "معاونت مسکن و ساختمان",
            "پروژه شما در مرحله نازک‌کاری است و پیشرفت فیزیکی آن ۶۵ درصد است. زمان تقریبی تحویل، پایان سال آینده است.",
        ),
        LetterSpec(
            Kind.COMPLAINT,
            "شکایت از تأخیر در تحویل واحد مسکونی",
            "طبق قرارداد، واحد ما باید شش ماه پیش تحویل می‌شد اما پروژه تقریباً متوقف است.",
            "معاونت مسکن و ساختمان",
            "پیمانکار پروژه ملزم به افزایش نیروی کار شد و جلسه پیگیری هفتگی با حضور نماینده متقاضیان برگزار می‌شود.",
        ),
        LetterSpec(
            Kind.REPORT,
            "گزارش خرابی گاردریل جاده بندرعباس به سیرجان",
            "در کیلومتر ۴۵ جاده بندرعباس به سیرجان، حدود سی متر از گاردریل بر اثر تصادف تخریب شده و خطر "
            "سقوط خودرو به دره وجود دارد.",
            "اداره نگهداری ابنیه و راه‌ها",
            "از گزارش شما سپاسگزاریم. گاردریل آسیب‌دیده در همان هفته ترمیم و علائم هشداردهنده نصب شد.",
        ),
        LetterSpec(
            Kind.REQUEST,
            "درخواست تفکیک و صدور سند زمین واگذاری",
            "زمین مسکونی واگذارشده به اینجانب در طرح آماده‌سازی سال ۱۳۹۸ هنوز سند تفکیکی ندارد.",
            "اداره املاک و حقوقی",
            "نقشه تفکیکی زمین شما تأیید و پرونده برای صدور سند به اداره ثبت اسناد و املاک ارسال شد.",
        ),
        LetterSpec(
            Kind.SUGGESTION,
            "پیشنهاد احداث پل عابر پیاده",
            "عبور دانش‌آموزان از عرض بلوار امام خمینی بندرعباس در مقابل مدرسه بسیار خطرناک است. پیشنهاد احداث "
            "پل عابر پیاده دارم.",
            "معاونت راه و ساختمان",
            "پیشنهاد شما برای بررسی فنی به شورای ترافیک استان ارسال و در فهرست اولویت‌های سال آینده قرار گرفت.",
        ),
    ),
    "hz-agri": (
        LetterSpec(
            Kind.REQUEST,
            "درخواست مجوز پرورش میگو",
            "اینجانب مالک زمینی در حاشیه خور تیاب هستم و تقاضای صدور موافقت اصولی برای احداث مزرعه پرورش میگو را دارم.",
            "مدیریت امور شیلات و آبزیان",
            "درخواست شما در کمیته فنی شیلات بررسی شد. موافقت اصولی پس از ارائه طرح توجیهی و استعلام محیط زیست "
            "صادر می‌شود.",
        ),
        LetterSpec(
            Kind.REQUEST,
            "درخواست تسهیلات آبیاری تحت فشار نخلستان",
            "برای اجرای سامانه آبیاری قطره‌ای در نخلستان پنج هکتاری خود در شهرستان رودان تقاضای تسهیلات دارم.",
            "مدیریت آب و خاک",
            "طرح شما تأیید و برای دریافت تسهیلات با یارانه دولتی به بانک کشاورزی معرفی شدید.",
        ),
        LetterSpec(
            Kind.COMPLAINT,
            "شکایت از تأخیر در پرداخت بهای گندم تحویلی",
            "گندم تولیدی خود را سه ماه پیش به مرکز خرید تحویل داده‌ام اما بهای آن هنوز پرداخت نشده است.",
            "معاونت بهبود تولیدات گیاهی",
            "بهای گندم تحویلی شما از سوی شرکت بازرگانی دولتی پرداخت و به حساب شما واریز شد.",
        ),
        LetterSpec(
            Kind.REPORT,
            "گزارش تلفات دام در روستا",
            "در دو هفته گذشته بیش از بیست رأس بز در روستای ما با علائم تب و اسهال تلف شده‌اند.",
            "مدیریت امور دام",
            "دامپزشکان از روستا بازدید کردند؛ بیماری آنتروتوکسمی تشخیص داده شد و واکسیناسیون همه دام‌های روستا "
            "انجام شد.",
        ),
        LetterSpec(
            Kind.LETTER,
            "درخواست کارشناسی خسارت آفت کرم گلوگاه خرما",
            "آفت کرم گلوگاه به بیش از نیمی از نخل‌های باغ اینجانب خسارت زده است. تقاضای بازدید کارشناسی و "
            "معرفی به صندوق بیمه محصولات کشاورزی را دارم.",
            "معاونت بهبود تولیدات گیاهی",
            "کارشناس حفظ نباتات از باغ شما بازدید کرد و گزارش خسارت برای پرداخت غرامت به صندوق بیمه ارسال شد.",
        ),
    ),
}

AGENCY_WEIGHTS = {"moh": 45, "hormozgan": 15, "hz-edu": 15, "hz-roads": 13, "hz-agri": 12}
CHANNEL_WEIGHTS = {
    Channel.ONLINE: 45,
    Channel.COUNTER_OFFICE: 20,
    Channel.IN_PERSON: 15,
    Channel.PHONE: 10,
    Channel.POST: 10,
}

INSTRUCTIONS = (
    "جهت بررسی و اقدام لازم.",
    "لطفاً پس از بررسی، پاسخ مستقیم به متقاضی صادر و رونوشت آن به دبیرخانه ارسال شود.",
    "با قید فوریت رسیدگی شود.",
    "جهت بررسی کارشناسی و اعلام نظر ظرف ده روز کاری.",
    "سوابق متقاضی پیوست است؛ جهت اقدام مقتضی.",
)
INTERNAL_ACTIONS = (
    "سوابق پرونده از بایگانی درخواست شد.",
    "موضوع در جلسه هفتگی واحد مطرح و کارشناس مسئول تعیین شد.",
    "از واحد حقوقی استعلام شد.",
    "با متقاضی تماس گرفته شد؛ پاسخ نداد. دوباره تماس گرفته می‌شود.",
)
PUBLIC_ACTIONS = (
    "مدارک شما بررسی شد و موضوع در دست پیگیری است.",
    "با شما تماس تلفنی گرفته شد و توضیحات لازم ارائه گردید.",
    "کارشناس واحد برای بازدید میدانی اعزام شد.",
    "استعلام لازم از دستگاه مربوط انجام شد و منتظر پاسخ آن هستیم.",
)
CLOSINGS_WITHOUT_ANSWER = (
    (Resolution.OUT_OF_SCOPE, "موضوع در حیطه وظایف این دستگاه نیست؛ راهنمایی لازم به متقاضی ارائه شد."),
    (Resolution.DUPLICATE, "نامه تکراری است و پیش‌تر با کد رهگیری دیگری رسیدگی شده است."),
    (Resolution.NO_ACTION_NEEDED, "با سپاس از نظر شما؛ موضوع ثبت شد و نیازی به اقدام بیشتر نداشت."),
    (Resolution.FORWARDED, "موضوع برای رسیدگی به دستگاه ذی‌ربط فرستاده شد."),
)


# --- Citizens ------------------------------------------------------------------------------------

FIRST_NAMES = (
    "محمد", "علی", "حسین", "رضا", "مهدی", "امیر", "جواد", "عباس", "سعید", "احمد", "یوسف", "عبدالرحمن",
    "فاطمه", "زهرا", "مریم", "معصومه", "سکینه", "نرگس", "لیلا", "سمیرا", "آمنه", "خدیجه", "شهلا", "پریسا",
)  # fmt: skip
LAST_NAMES = (
    "رحمانی", "بلوچی", "جاسمی", "میناب‌زاده", "کشاورز", "دهقانی", "انصاری", "ذاکری", "حیدری", "سالاری",
    "قشمی", "لاری", "بستکی", "فلاحی", "صیادی", "ناخدا", "شریفی", "کمالی", "توکلی", "زارعی",
)  # fmt: skip
CITIES = ("بندرعباس", "میناب", "قشم", "بندر لنگه", "رودان", "جاسک", "بستک", "حاجی‌آباد", "پارسیان", "تهران")
STREETS = ("خیابان امام", "بلوار پاسداران", "کوچه شهید رجایی", "خیابان طالقانی", "محله گلشهر", "بلوار ساحلی")
MOBILE_PREFIXES = ("0912", "0913", "0917", "0919", "0901", "0935", "0936", "0938", "0939", "0990", "0991", "0921")
COMPANIES = (
    "شرکت کشتیرانی خلیج فارس پارس",
    "شرکت تعاونی صیادان بندر کنگ",
    "شرکت ساختمانی سازه‌گستر هرمز",
    "مؤسسه خیریه نیکوکاران میناب",
    "شرکت کشت و صنعت نخیلات رودان",
    "شرکت داروسازی دریا دارو جنوب",
)

NATURAL_PEOPLE = 40


@dataclass(frozen=True)
class Citizen:
    full_name: str
    national_id: str
    mobile: str
    city: str
    email: str = ""
    address: str = ""
    legal_name: str = ""
    legal_national_id: str = ""

    def details(self) -> RequesterDetails:
        return RequesterDetails(
            kind="legal" if self.legal_national_id else "natural",
            full_name=self.full_name,
            national_id=self.national_id,
            mobile=self.mobile,
            email=self.email,
            address=self.address,
            legal_name=self.legal_name,
            legal_national_id=self.legal_national_id,
        )


def make_citizens(rng: random.Random) -> list[Citizen]:
    """40 natural persons, then one representative for each company (legal person)."""
    names = rng.sample([(first, last) for first in FIRST_NAMES for last in LAST_NAMES], NATURAL_PEOPLE + len(COMPANIES))
    people = [_citizen(rng, f"{first} {last}", index) for index, (first, last) in enumerate(names)]
    natural, representatives = people[:NATURAL_PEOPLE], people[NATURAL_PEOPLE:]
    companies = [
        Citizen(
            full_name=person.full_name,
            national_id=person.national_id,
            mobile=person.mobile,
            city=person.city,
            address=person.address,
            legal_name=company,
            legal_national_id=generate_legal_id(rng),
        )
        for person, company in zip(representatives, COMPANIES, strict=True)
    ]
    return natural + companies


def _citizen(rng: random.Random, full_name: str, index: int) -> Citizen:
    city = rng.choice(CITIES)
    mobile = rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(7))
    has_email = rng.random() < 0.3
    return Citizen(
        full_name=full_name,
        national_id=generate_national_id(rng),
        mobile=mobile,
        city=city,
        email=f"citizen{index + 1}@example.ir" if has_email else "",
        address=f"{city}، {rng.choice(STREETS)}، پلاک {rng.randint(1, 240)}" if rng.random() < 0.6 else "",
    )


# --- Plans: everything random is decided first, so the order of writes cannot change the data ----


@dataclass
class ItemPlan:
    agency: str
    letter: LetterSpec
    citizen: Citizen
    channel: str
    counter_office: str
    addressed: bool
    submitted_at: datetime.datetime
    target: str
    steps: list[float] = field(default_factory=list)  # fractions of the time between submission and now
    copy_unit: bool = False
    instruction: str = ""
    deadline_days: int = 10
    actions: list[tuple[str, bool]] = field(default_factory=list)
    closing: tuple[str, str] | None = None


def _target_state(rng: random.Random, age_days: float, channel: str) -> str:
    weights: dict[str, float]
    if age_days < 2:
        weights = {Status.SUBMITTED: 5, Status.REGISTERED: 2, Status.REFERRED: 1}
    elif age_days < 10:
        weights = {Status.SUBMITTED: 1, Status.REGISTERED: 2, Status.REFERRED: 4, Status.ANSWERED: 2, Status.CLOSED: 1}
    else:
        weights = {
            Status.SUBMITTED: 0.3,
            Status.REGISTERED: 0.5,
            Status.REFERRED: 2,
            Status.ANSWERED: 3,
            Status.CLOSED: 4,
        }
    if channel in (Channel.IN_PERSON, Channel.POST):
        # R4: letters handed in or posted are registered by staff on the spot.
        weights.pop(Status.SUBMITTED)
    states, values = zip(*weights.items(), strict=True)
    return str(rng.choices(states, values)[0])


def plan_items(rng: random.Random, citizens: list[Citizen], now: datetime.datetime) -> list[ItemPlan]:
    agencies, agency_weights = zip(*AGENCY_WEIGHTS.items(), strict=True)
    channels, channel_weights = zip(*CHANNEL_WEIGHTS.items(), strict=True)
    plans = []
    for _ in range(ITEM_COUNT):
        agency = rng.choices(agencies, agency_weights)[0]
        letter = rng.choice(LETTERS[agency])
        channel = str(rng.choices(channels, channel_weights)[0])
        if letter.kind == Kind.MEETING_REQUEST and channel == Channel.POST:
            channel = Channel.PHONE
        submitted_at = now - HISTORY * rng.random() ** 1.3  # a little busier recently
        plan = ItemPlan(
            agency=agency,
            letter=letter,
            citizen=rng.choice(citizens),
            channel=channel,
            counter_office=rng.choice(("counter1", "counter1", "counter2"))
            if channel == Channel.COUNTER_OFFICE
            else "",
            addressed=rng.random() < 0.35,
            submitted_at=submitted_at,
            target=_target_state(rng, (now - submitted_at).total_seconds() / 86400, channel),
        )
        _plan_steps(rng, plan)
        plans.append(plan)
    return sorted(plans, key=lambda plan: plan.submitted_at)


def _plan_steps(rng: random.Random, plan: ItemPlan) -> None:
    plan.steps = sorted(rng.uniform(0.02, 0.9) for _ in range(2))
    plan.instruction = rng.choice(INSTRUCTIONS)
    plan.deadline_days = rng.randint(7, 20)
    plan.copy_unit = rng.random() < 0.3
    plan.actions = [
        (rng.choice(PUBLIC_ACTIONS), True) if rng.random() < 0.5 else (rng.choice(INTERNAL_ACTIONS), False)
        for _ in range(rng.randint(0, 2))
    ]
    if plan.target == Status.CLOSED and rng.random() < 0.3:
        resolution, note = rng.choice(CLOSINGS_WITHOUT_ANSWER)
        plan.closing = (str(resolution), note)


# --- Writing ------------------------------------------------------------------------------------


@dataclass
class Network:
    organizations: dict[str, Organization]
    units: dict[tuple[str, str], Unit]
    users: dict[str, User]

    def actor(self, agency: str, role: str) -> User:
        return self.users.get(f"{agency}.{role}") or self.users[f"{agency}.clerk"]

    def letter_units(self, agency: str) -> list[Unit]:
        return [unit for (code, _name), unit in self.units.items() if code == agency and unit.accepts_letters]


def build_network() -> Network:
    organizations: dict[str, Organization] = {}
    units: dict[tuple[str, str], Unit] = {}
    for spec in ORGANIZATIONS:
        organization = Organization.objects.create(
            kind=spec.kind,
            name=spec.name,
            short_name=spec.short_name,
            code=spec.code,
            parent=organizations.get(spec.parent),
            province="هرمزگان" if spec.city != "تهران" else "تهران",
            city=spec.city,
            address=spec.address,
            phone=spec.phone,
            registration_format=spec.registration_format,
        )
        organizations[spec.code] = organization
        _create_units(organization, None, spec.units, units)
    return Network(organizations=organizations, units=units, users=_create_staff(organizations, units))


def _create_units(
    organization: Organization, parent: Unit | None, specs: tuple[UnitSpec, ...], into: dict[tuple[str, str], Unit]
) -> None:
    for spec in specs:
        unit = Unit.objects.create(
            organization=organization,
            parent=parent,
            kind=spec.kind,
            name=spec.name,
            accepts_letters=spec.accepts_letters,
        )
        into[(organization.code, spec.name)] = unit
        _create_units(organization, unit, spec.children, into)


def _create_staff(organizations: dict[str, Organization], units: dict[tuple[str, str], Unit]) -> dict[str, User]:
    # One hash for everyone: the demo password is the same, and hashing 25 times would be most of the run.
    password = make_password(DEMO_PASSWORD)
    users = {}
    for spec in STAFF:
        user = User.objects.create(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@demo.mokatebat.ir",
            password=password,
        )
        membership = Membership.objects.create(user=user, organization=organizations[spec.organization], role=spec.role)
        membership.units.set([units[(spec.organization, name)] for name in spec.units])
        users[spec.username] = user
    User.objects.create(
        username=ADMIN_USERNAME,
        first_name="مدیر",
        last_name="شبکه",
        email="admin@demo.mokatebat.ir",
        password=password,
        is_staff=True,
        is_superuser=True,
    )
    return users


def create_item(network: Network, plan: ItemPlan, index: int, now: datetime.datetime) -> Item:
    """Walk one letter through the real workflow up to its planned state."""
    agency = network.organizations[plan.agency]
    main_unit = network.units[(plan.agency, plan.letter.unit)]
    creator = _creator(network, plan)
    item, _created = item_submit(
        agency=agency,
        unit=main_unit if plan.addressed else None,
        kind=plan.letter.kind,
        channel=plan.channel,
        subject=plan.letter.subject,
        body=f"با سلام و احترام،\n{plan.letter.body}\n\nبا تشکر،\n{plan.citizen.full_name}\n{plan.citizen.city}",
        requester=plan.citizen.details(),
        idempotency_key=f"{DEMO_KEY_PREFIX}{index:04d}",
        created_by=creator,
        counter_office=network.organizations.get(plan.counter_office),
        at=plan.submitted_at,
    )
    if plan.target == Status.SUBMITTED:
        return item
    registered_at = plan.submitted_at + (now - plan.submitted_at) * plan.steps[0] / 4
    expert = network.users.get(f"{plan.agency}.pr")
    if plan.letter.kind in FEEDBACK_KINDS and expert is not None:
        return _through_pr_desk(network, plan, item, expert, main_unit, registered_at, now)
    clerk = network.actor(plan.agency, "clerk")
    item = item_register(item=item, actor=clerk, at=registered_at)
    if plan.target == Status.REGISTERED:
        return item
    if plan.closing is not None and plan.target == Status.CLOSED:
        resolution, note = plan.closing
        closed_at = registered_at + datetime.timedelta(hours=2)
        return item_close(item=item, actor=clerk, resolution=Resolution(resolution), note=note, at=closed_at)
    answered_at = registered_at + (now - registered_at) * plan.steps[1]
    _refer_and_act(network, plan, item, main_unit, registered_at, answered_at)
    if plan.target == Status.REFERRED:
        return item
    responder = network.actor(plan.agency, "unit")
    response_issue(item=item, actor=responder, body=_answer_text(plan), at=answered_at)
    if plan.target == Status.CLOSED:
        closed_at = answered_at + datetime.timedelta(hours=1)
        note = "پاسخ صادر و به متقاضی ابلاغ شد."
        item_close(item=item, actor=clerk, resolution=Resolution.ANSWERED, note=note, at=closed_at)
    return item


def _through_pr_desk(
    network: Network,
    plan: ItemPlan,
    item: Item,
    expert: User,
    unit: Unit,
    decided_at: datetime.datetime,
    now: datetime.datetime,
) -> Item:
    """A suggestion, criticism, complaint or report is the PR desk's (R19): it thanks the citizen, or
    refers an anonymised copy to the unit, hears back from it and answers the citizen itself."""
    if plan.target == Status.REGISTERED:
        return item_register(item=item, actor=expert, at=decided_at)  # registered, decision pending
    if plan.closing is not None and plan.target == Status.CLOSED:
        return pr.pr_close_no_action(item=item, actor=expert, at=decided_at)
    identity = pr.requester_identity(item)
    pr.pr_refer_anonymised(
        item=item,
        actor=expert,
        unit=unit,
        subject=pr.redact(item.subject, identity),
        body=pr.redact(item.body, identity),
        instruction="بررسی و گزارش اقدام به ارتباطات مردمی",
        deadline=_within_answer_date(
            item, decided_at.astimezone(TEHRAN).date() + datetime.timedelta(days=plan.deadline_days)
        ),
        at=decided_at,
    )
    item.refresh_from_db()
    if plan.target == Status.REFERRED:
        return item
    answered_at = decided_at + (now - decided_at) * plan.steps[1]
    referral = item.referrals.get(is_active=True)
    report = "موضوع بررسی و اقدام لازم انجام شد."
    pr.unit_answer_to_pr(referral=referral, actor=network.actor(plan.agency, "unit"), text=report, at=answered_at)
    item.refresh_from_db()
    pr.pr_answer_citizen(item=item, actor=expert, body=_answer_text(plan), at=answered_at + datetime.timedelta(hours=1))
    if plan.target == Status.CLOSED:
        closed_at = answered_at + datetime.timedelta(hours=2)
        return item_close(item=item, actor=expert, resolution=Resolution.ANSWERED, note="", at=closed_at)
    return item


def _within_answer_date(item: Item, deadline: datetime.date) -> datetime.date:
    """A unit's deadline never passes the item's answer date (the workflow refuses it)."""
    return min(deadline, clock_of(item).answer_by)


def _creator(network: Network, plan: ItemPlan) -> User | None:
    if plan.channel == Channel.COUNTER_OFFICE:
        return network.users[f"{plan.counter_office}.operator"]
    if plan.channel == Channel.PHONE:
        return network.actor(plan.agency, "phone")
    if plan.channel in (Channel.IN_PERSON, Channel.POST):
        return network.actor(plan.agency, "pr" if plan.letter.kind == Kind.MEETING_REQUEST else "clerk")
    return None


def _refer_and_act(
    network: Network,
    plan: ItemPlan,
    item: Item,
    unit: Unit,
    registered_at: datetime.datetime,
    answered_at: datetime.datetime,
) -> None:
    copies = []
    if plan.copy_unit:
        others = [other for other in network.letter_units(plan.agency) if other.pk != unit.pk]
        copies = [unit.parent if unit.parent is not None and unit.parent.accepts_letters else others[0]]
    deadline = _within_answer_date(
        item, registered_at.astimezone(TEHRAN).date() + datetime.timedelta(days=plan.deadline_days)
    )
    item_refer(
        item=item,
        actor=network.actor(plan.agency, "clerk"),
        unit=unit,
        instruction=plan.instruction,
        deadline=deadline,
        copies=copies,
        at=registered_at + datetime.timedelta(minutes=30),
    )
    # Actions fall evenly between the referral and the answer (or now, for open referrals).
    step = (answered_at - registered_at) / (len(plan.actions) + 1)
    for number, (text, public) in enumerate(plan.actions, start=1):
        at = registered_at + step * number
        action_record(item=item, actor=network.actor(plan.agency, "unit"), text=text, public=public, at=at)


def _answer_text(plan: ItemPlan) -> str:
    title = "جناب آقای / سرکار خانم" if not plan.citizen.legal_name else "مدیرعامل محترم"
    addressee = plan.citizen.legal_name or plan.citizen.full_name
    return (
        f"{title} {addressee}\nبا سلام و احترام،\n"
        f"بازگشت به نامه شما با موضوع «{plan.letter.subject}»، به استحضار می‌رساند: {plan.letter.answer}\n"
        "در صورت نیاز به پیگیری بیشتر، با کد رهگیری همین نامه از طریق سامانه یا دفاتر پیشخوان دولت اقدام فرمایید."
    )


# Each agency's own subject taxonomy, which its secretariat uses to classify letters.
SUBJECT_CATEGORIES = {
    "moh": ["درمان و بیمارستان‌ها", "دارو و تجهیزات پزشکی", "بهداشت عمومی", "بیمه و هزینه‌های درمان", "امور کارکنان"],
    "hormozgan": ["عمران شهری و روستایی", "ملاقات با استاندار", "امور اجتماعی", "شکایت از دستگاه‌ها"],
}


def build_subject_categories(network: Network) -> None:
    for code, names in SUBJECT_CATEGORIES.items():
        agency = network.organizations[code]
        for name in names:
            SubjectCategory.objects.create(agency=agency, name=name)


def build_demo_data(now: datetime.datetime) -> int:
    """Everything, in one go. Returns the number of letters created."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo content, nothing secret
    network = build_network()
    build_subject_categories(network)
    citizens = make_citizens(rng)
    plans = plan_items(rng, citizens, now)
    for index, plan in enumerate(plans):
        create_item(network, plan, index, now)
    # These SMS describe the past: the worker must not send hundreds of stale messages on first start.
    # By id list: inside one fresh transaction (a test) the tables have no statistics yet, and the
    # planner's nested loop for the join took minutes.
    demo_items = list(Item.objects.filter(idempotency_key__startswith=DEMO_KEY_PREFIX).values_list("id", flat=True))
    OutboxMessage.objects.filter(item_id__in=demo_items).update(
        state=SmsState.SENT, attempts=1, provider="demo", sent_at=F("created_at")
    )
    return len(plans)


# --- The command --------------------------------------------------------------------------------


def demo_totp_key(username: str) -> str:
    """A fixed 20-byte TOTP secret (hex, as TOTPDevice stores it) for a demo username."""
    return hmac.new(DEMO_TOTP_PEPPER, username.encode(), hashlib.sha256).hexdigest()[:40]


def ensure_demo_authenticators() -> dict[str, TOTPDevice]:
    """Every demo login gets its fixed authenticator, also on databases loaded before there was one."""
    usernames = [spec.username for spec in STAFF] + [ADMIN_USERNAME]
    devices = {}
    for user in User.objects.filter(username__in=usernames):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name="demo authenticator", key=demo_totp_key(user.username), confirmed=True
            )
        devices[user.username] = device
    return devices


def demo_is_loaded() -> bool:
    return Organization.objects.filter(code=ORGANIZATIONS[0].code).exists()


class Command(BaseCommand):
    help = "Load the demo network (agencies, staff, citizens, letters) once. Refused unless DEMO_DATA is on."

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "DEMO_DATA", False) is not True:
            raise CommandError("Demo data is disabled here (settings.DEMO_DATA is not True): refusing to load it.")
        started = time.monotonic()
        created = 0
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_ID])
            if not demo_is_loaded():
                created = build_demo_data(timezone.now())
            services_demo.load_demo()  # the e-service desk (R5, R6, R8); idempotent
            inquiries_demo.load_demo()
            load_pr_demo(timezone.now())  # public relations (publicrelations app); idempotent
            devices = ensure_demo_authenticators()
            self.stdout.write(api_demo.load_demo())
            load_bookings_and_surveys_demo()
            rebuild_days(timezone.localdate() - datetime.timedelta(days=400), timezone.localdate())  # statistics
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"Demo network loaded: {created} letters in {time.monotonic() - started:.1f} s.")
            )
        else:
            self.stdout.write("Demo network already loaded; nothing changed.")
        self._print_logins(devices)
        self._print_samples()

    def _print_logins(self, devices: dict[str, TOTPDevice]) -> None:
        names = {spec.code: spec.short_name for spec in ORGANIZATIONS}
        rows = [(spec.username, spec.role, names[spec.organization]) for spec in STAFF]
        rows.append((ADMIN_USERNAME, "superuser", "/admin/"))
        self.stdout.write(f"\nDemo logins at /staff/login/ — password for all: {DEMO_PASSWORD}")
        self.stdout.write("Second step: add the user's TOTP secret to an authenticator app (time-based, 6 digits).")
        self.stdout.write(f"  {'username':<18} {'role':<18} {'TOTP secret (base32)':<33} organisation")
        for username, role, organization in rows:
            device = devices.get(username)
            secret = base64.b32encode(device.bin_key).decode() if device is not None else "-"
            self.stdout.write(f"  {username:<18} {role:<18} {secret:<33} {organization}")
        clerk = devices.get(STAFF[0].username)
        if clerk is not None:
            code = totp(clerk.bin_key, step=clerk.step, t0=clerk.t0, digits=clerk.digits, drift=clerk.drift)
            self.stdout.write(
                f"Current code for {STAFF[0].username}: {code:0{clerk.digits}d} (valid about 30 seconds, once)"
            )

    def _print_samples(self) -> None:
        self.stdout.write("\nTry the tracking page (/track/) with:")
        self.stdout.write(f"  {'national ID':<12} {'tracking code':<17} status")
        demo_items = Item.objects.filter(idempotency_key__startswith=DEMO_KEY_PREFIX).select_related("requester")
        for status in (Status.ANSWERED, Status.REFERRED, Status.CLOSED):
            item = demo_items.filter(status=status, requester__kind="natural").order_by("submitted_at").first()
            if item is not None:
                code = format_tracking_code(item.tracking_code)
                self.stdout.write(f"  {item.requester.national_id:<12} {code:<17} {status.label}")
