"""Demo services of the e-service desk: full cards and forms for every agency of the demo network.

Idempotent: a service that exists already (by agency and code) is left as it is, so this also runs
on a database loaded before the service desk existed.
"""

from __future__ import annotations

from typing import Any

from mokatebat.organization.models import Organization, Unit, User

from . import workflow as sw
from .models import Service

COMPLAINT_PROCEDURE = (
    "در صورت نارضایتی از روند یا نتیجه، از طریق «ارسال نامه» در همین سامانه یا تلفن ۱۹۰ (سامانه پاسخگویی "
    "وزارت بهداشت) شکایت کنید؛ کد رهگیری درخواست را ذکر کنید. پاسخ شکایت حداکثر ظرف ۱۰ روز کاری داده می‌شود."
)

SERVICES: tuple[dict[str, Any], ...] = (
    {
        "agency": "moh",
        "owner": "moh.service",
        "code": "clinic-license",
        "unit": "اداره نظارت بر مؤسسات پزشکی و داروخانه‌ها",
        "card": {
            "title": "صدور مجوز تأسیس مطب",
            "keywords": ["مجوز مطب", "پروانه مطب", "پروانه تأسیس مطب", "جواز مطب", "مطب پزشک"],
            "category": "مجوزها و پروانه‌ها",
            "description": (
                "صدور پروانه تأسیس مطب برای پزشکان عمومی و متخصص دارای پروانه اشتغال به کار پزشکی معتبر. "
                "پس از بررسی مدارک و بازدید کارشناس از محل، پروانه به صورت الکترونیکی صادر می‌شود."
            ),
            "steps": [
                "ثبت درخواست و بارگذاری مدارک در میز خدمت الکترونیکی",
                "بررسی مدارک در اداره نظارت بر مؤسسات پزشکی",
                "بازدید کارشناس از محل مطب",
                "صدور پروانه تأسیس و ارسال پیامک آماده بودن آن",
            ],
            "required_documents": [
                "تصویر پروانه اشتغال به کار پزشکی",
                "سند مالکیت یا اجاره‌نامه رسمی محل مطب",
                "گواهی عدم سوء پیشینه",
            ],
            "laws": [
                {"title": "قانون مربوط به مقررات امور پزشکی و دارویی", "url": "https://rc.majlis.ir/fa/law/show/97051"},
                {"title": "آیین‌نامه تأسیس مطب", "url": "https://treatment.sbmu.ac.ir/"},
            ],
            "faq": [
                {
                    "question": "آیا بازدید حضوری لازم است؟",
                    "answer": "بله، کارشناس یک بار پیش از صدور پروانه از مطب بازدید می‌کند.",
                },
                {"question": "پروانه چه مدت اعتبار دارد؟", "answer": "پنج سال؛ تمدید آن نیز از همین سامانه است."},
            ],
            "expected_duration": "۱۵ روز کاری",
            "fees": "۲٬۵۰۰٬۰۰۰ ریال، پرداخت الکترونیکی پس از تأیید مدارک",
            "complaint_procedure": COMPLAINT_PROCEDURE,
            "responsible_title": "رئیس اداره نظارت بر مؤسسات پزشکی و داروخانه‌ها",
            "channels": ["online", "counter_office"],
            "appointment_required": False,
            "is_published": True,
        },
        "fields": [
            {"type": "text", "label": "نام مطب", "required": True},
            {"type": "choice", "label": "نوع مطب", "required": True, "options": ["عمومی", "تخصصی", "فوق تخصصی"]},
            {
                "type": "text",
                "label": "رشته تخصصی",
                "required": True,
                "show_if": {"field": "f2", "value": "تخصصی"},
                "help_text": "مطابق پروانه اشتغال",
            },
            {"type": "national_id", "label": "کد ملی پزشک", "required": True},
            {"type": "text", "label": "شماره نظام پزشکی", "required": True},
            {
                "type": "jalali_date",
                "label": "تاریخ صدور پروانه اشتغال",
                "required": True,
                "help_text": "مانند ۱۴۰۰/۰۶/۳۱",
            },
            {"type": "number", "label": "مساحت مطب (متر مربع)", "required": True},
            {"type": "postal_code", "label": "کد پستی مطب", "required": True},
            {"type": "long_text", "label": "نشانی کامل مطب", "required": True},
            {
                "type": "file",
                "label": "پروانه اشتغال به کار",
                "required": True,
                "max_mb": 2,
                "file_types": ["pdf", "jpg", "png"],
            },
            {"type": "file", "label": "سند یا اجاره‌نامه محل", "required": True, "max_mb": 5, "file_types": ["pdf"]},
        ],
    },
    {
        "agency": "moh",
        "owner": "moh.service",
        "code": "treatment-complaint",
        "unit": "اداره کل امور بیمارستانی و تعالی خدمات بالینی",
        "card": {
            "title": "ثبت شکایت از واحدهای درمانی",
            "category": "شکایات",
            "description": "رسیدگی به شکایت از بیمارستان‌ها، درمانگاه‌ها و مطب‌ها در موارد مالی، رفتاری یا درمانی.",
            "steps": [
                "ثبت شکایت و بارگذاری مستندات",
                "بررسی اولیه در اداره کل امور بیمارستانی",
                "استعلام از واحد درمانی و در صورت نیاز بازرسی",
                "اعلام نتیجه به شاکی",
            ],
            "required_documents": [
                "تصویر صورتحساب یا قبض پرداخت (برای شکایت مالی)",
                "گزارش یا نسخه پزشکی (در صورت وجود)",
            ],
            "laws": [{"title": "منشور حقوق بیمار در ایران", "url": "https://www.behdasht.gov.ir/"}],
            "faq": [
                {
                    "question": "آیا نام من به واحد درمانی گفته می‌شود؟",
                    "answer": "فقط در صورت نیاز به رسیدگی و با رعایت محرمانگی.",
                }
            ],
            "expected_duration": "۲۰ روز کاری",
            "fees": "رایگان",
            "complaint_procedure": COMPLAINT_PROCEDURE,
            "responsible_title": "مدیر کل امور بیمارستانی و تعالی خدمات بالینی",
            "channels": ["online", "counter_office", "in_person"],
            "appointment_required": False,
            "is_published": True,
        },
        "fields": [
            {"type": "text", "label": "نام واحد درمانی", "required": True},
            {"type": "choice", "label": "نوع شکایت", "required": True, "options": ["مالی", "رفتاری", "درمانی"]},
            {
                "type": "number",
                "label": "مبلغ دریافت‌شده (ریال)",
                "required": True,
                "show_if": {"field": "f2", "value": "مالی"},
            },
            {"type": "jalali_date", "label": "تاریخ مراجعه", "required": True},
            {"type": "long_text", "label": "شرح شکایت", "required": True},
            {
                "type": "file",
                "label": "صورتحساب یا مستندات",
                "required": False,
                "max_mb": 5,
                "file_types": ["pdf", "jpg", "png"],
            },
        ],
    },
    {
        "agency": "moh",
        "owner": "moh.service",
        "code": "special-disease-card",
        "unit": "اداره بیماری‌های خاص و صعب‌العلاج",
        "card": {
            "title": "صدور کارت بیماران خاص و صعب‌العلاج",
            "category": "مجوزها و پروانه‌ها",
            "description": (
                "صدور کارت شناسایی بیماران خاص (هموفیلی، تالاسمی، دیالیز، ام‌اس و پیوند) برای دریافت خدمات حمایتی."
            ),
            "steps": [
                "ثبت درخواست",
                "بررسی پرونده پزشکی",
                "مراجعه حضوری برای عکس و تأیید هویت در نوبت تعیین‌شده",
                "صدور کارت",
            ],
            "required_documents": ["خلاصه پرونده پزشکی با تأیید پزشک متخصص", "عکس ۳×۴"],
            "laws": [],
            "faq": [{"question": "چرا مراجعه حضوری لازم است؟", "answer": "برای تأیید هویت و ثبت عکس روی کارت."}],
            "expected_duration": "۷ روز کاری",
            "fees": "رایگان",
            "complaint_procedure": COMPLAINT_PROCEDURE,
            "responsible_title": "رئیس اداره بیماری‌های خاص و صعب‌العلاج",
            "channels": ["online", "in_person"],
            "appointment_required": True,
            "is_published": True,
        },
        "fields": [
            {"type": "national_id", "label": "کد ملی بیمار", "required": True},
            {
                "type": "choice",
                "label": "نوع بیماری",
                "required": True,
                "options": ["هموفیلی", "تالاسمی", "دیالیز", "ام‌اس", "پیوند"],
            },
            {"type": "mobile", "label": "تلفن همراه همراه بیمار (اختیاری)", "required": False},
            {"type": "file", "label": "خلاصه پرونده پزشکی", "required": True, "max_mb": 5, "file_types": ["pdf"]},
        ],
    },
    {
        "agency": "hormozgan",
        "owner": "hormozgan.admin",
        "code": "ngo-license",
        "unit": "اداره کل امور اجتماعی و فرهنگی",
        "card": {
            "title": "صدور پروانه فعالیت سازمان‌های مردم‌نهاد استانی",
            "category": "مجوزها و پروانه‌ها",
            "description": "صدور پروانه فعالیت برای سازمان‌های مردم‌نهاد (سمن) با حوزه فعالیت استانی در هرمزگان.",
            "steps": ["ثبت درخواست و اساسنامه", "بررسی در کمیته استانی", "استعلام صلاحیت هیئت مؤسس", "صدور پروانه"],
            "required_documents": ["اساسنامه امضاشده", "فهرست هیئت مؤسس با کد ملی", "صورت‌جلسه مجمع مؤسس"],
            "laws": [{"title": "آیین‌نامه اجرایی تأسیس و فعالیت سازمان‌های مردم‌نهاد", "url": "https://qavanin.ir/"}],
            "faq": [{"question": "حداقل تعداد مؤسسان چند نفر است؟", "answer": "پنج نفر."}],
            "expected_duration": "۳۰ روز کاری",
            "fees": "رایگان",
            "complaint_procedure": "شکایت از طریق «ارسال نامه» به استانداری هرمزگان با ذکر کد رهگیری.",
            "responsible_title": "مدیر کل امور اجتماعی و فرهنگی",
            "channels": ["online", "counter_office"],
            "appointment_required": False,
            "is_published": True,
        },
        "fields": [
            {"type": "text", "label": "نام سازمان مردم‌نهاد", "required": True},
            {
                "type": "choice",
                "label": "حوزه فعالیت",
                "required": True,
                "options": ["محیط زیست", "آسیب‌های اجتماعی", "فرهنگی", "خیریه"],
            },
            {"type": "legal_id", "label": "شناسه ملی (در صورت ثبت پیشین)", "required": False},
            {"type": "postal_code", "label": "کد پستی دفتر", "required": True},
            {"type": "file", "label": "اساسنامه", "required": True, "max_mb": 5, "file_types": ["pdf"]},
        ],
    },
    {
        "agency": "hormozgan",
        "owner": "hormozgan.admin",
        "code": "document-verification",
        "unit": "",
        "card": {
            "title": "استعلام اصالت مدارک صادره از استانداری",
            "category": "استعلام‌ها",
            "description": "تأیید اصالت نامه‌ها و گواهی‌های صادرشده از استانداری هرمزگان برای ارائه به دستگاه‌های دیگر.",
            "steps": ["ثبت درخواست با شماره و تاریخ مدرک", "بررسی در دبیرخانه", "صدور پاسخ استعلام"],
            "required_documents": ["تصویر مدرک"],
            "laws": [],
            "faq": [],
            "expected_duration": "۳ روز کاری",
            "fees": "رایگان",
            "complaint_procedure": "شکایت از طریق «ارسال نامه» به استانداری هرمزگان با ذکر کد رهگیری.",
            "responsible_title": "رئیس دبیرخانه استانداری",
            "channels": ["online"],
            "appointment_required": False,
            "is_published": True,
        },
        "fields": [
            {"type": "text", "label": "شماره مدرک", "required": True},
            {"type": "jalali_date", "label": "تاریخ مدرک", "required": True},
            {"type": "file", "label": "تصویر مدرک", "required": True, "max_mb": 2, "file_types": ["pdf", "jpg", "png"]},
        ],
    },
    {
        "agency": "hz-edu",
        "owner": "hz-edu.service",
        "code": "enrolment-certificate",
        "unit": "معاونت آموزش متوسطه",
        "card": {
            "title": "صدور گواهی اشتغال به تحصیل دانش‌آموز",
            "keywords": ["گواهی تحصیلی", "گواهی اشتغال به تحصیل", "نامه مدرسه", "معافیت تحصیلی"],
            "category": "گواهی‌ها",
            "description": (
                "گواهی اشتغال به تحصیل دانش‌آموزان مدارس استان هرمزگان برای ارائه به نظام وظیفه، بیمه، "
                "بانک یا سفارت. خروجی: گواهی الکترونیکی با شماره و کد استعلام که هر دستگاهی اصالت آن را "
                "در صفحه بررسی اصالت می‌بیند."
            ),
            "steps": [
                "ثبت درخواست با کد ملی دانش‌آموز و نام مدرسه",
                "تأیید اشتغال به تحصیل از سامانه دانش‌آموزی",
                "صدور گواهی الکترونیکی و پیامک آماده بودن آن",
            ],
            "required_documents": ["تصویر کارت ملی یا شناسنامه دانش‌آموز"],
            "laws": [{"title": "آیین‌نامه اجرایی مدارس", "url": "https://qavanin.ir/"}],
            "faq": [
                {"question": "گواهی برای چه مدتی معتبر است؟", "answer": "تا پایان همان سال تحصیلی."},
                {"question": "آیا باید به مدرسه مراجعه کنم؟", "answer": "خیر؛ گواهی الکترونیکی صادر می‌شود."},
            ],
            "expected_duration": "۲ روز کاری",
            "fees": "رایگان",
            "complaint_procedure": (
                "شکایت از طریق «ارسال نامه» به اداره کل آموزش و پرورش هرمزگان (اداره ارزیابی عملکرد و "
                "پاسخگویی به شکایات) با ذکر کد رهگیری؛ پاسخ ظرف ۷ روز کاری."
            ),
            "responsible_title": "معاون آموزش متوسطه",
            "channels": ["online", "counter_office"],
            "appointment_required": False,
            "is_published": True,
        },
        "fields": [
            {"type": "national_id", "label": "کد ملی دانش‌آموز", "required": True},
            {"type": "text", "label": "نام مدرسه", "required": True},
            {"type": "choice", "label": "پایه تحصیلی", "required": True, "options": ["دهم", "یازدهم", "دوازدهم"]},
            {
                "type": "choice",
                "label": "مرجع ارائه گواهی",
                "required": True,
                "options": ["نظام وظیفه", "بیمه", "بانک", "سفارت", "سایر"],
            },
        ],
    },
    {
        "agency": "hz-edu",
        "owner": "hz-edu.service",
        "code": "school-transfer",
        "unit": "معاونت آموزش ابتدایی",
        "card": {
            "title": "درخواست انتقال دانش‌آموز ابتدایی به مدرسه دیگر",
            "keywords": ["جابه‌جایی مدرسه", "تغییر مدرسه", "انتقالی دانش‌آموز"],
            "category": "ثبت‌نام و انتقال",
            "description": (
                "درخواست انتقال دانش‌آموز دوره ابتدایی به مدرسه دیگری در همان شهر یا شهر دیگر استان، "
                "به دلیل تغییر محل سکونت یا موارد خاص. خروجی: متن تصمیم (موافقت با نام مدرسه مقصد، یا "
                "دلیل مخالفت) که در صفحه پیگیری و با پیامک اعلام می‌شود."
            ),
            "steps": [
                "ثبت درخواست با نشانی محل سکونت تازه",
                "بررسی ظرفیت مدرسه مقصد در اداره آموزش و پرورش منطقه",
                "اعلام تصمیم به ولی دانش‌آموز",
            ],
            "required_documents": ["اجاره‌نامه یا سند محل سکونت تازه"],
            "laws": [],
            "faq": [{"question": "در میانه سال هم می‌شود؟", "answer": "بله، اگر مدرسه مقصد ظرفیت داشته باشد."}],
            "expected_duration": "۵ روز کاری",
            "fees": "رایگان",
            "complaint_procedure": "شکایت از طریق «ارسال نامه» به اداره کل آموزش و پرورش هرمزگان با ذکر کد رهگیری.",
            "responsible_title": "معاون آموزش ابتدایی",
            "channels": ["online"],
            "appointment_required": False,
            "is_published": True,
        },
        "fields": [
            {"type": "national_id", "label": "کد ملی دانش‌آموز", "required": True},
            {"type": "text", "label": "مدرسه فعلی", "required": True},
            {"type": "text", "label": "مدرسه مقصد پیشنهادی", "required": False},
            {"type": "long_text", "label": "دلیل انتقال", "required": True},
            {"type": "postal_code", "label": "کد پستی محل سکونت تازه", "required": True},
        ],
    },
    {
        "agency": "hz-roads",
        "owner": "hz-roads.service",
        "code": "road-access-permit",
        "unit": "اداره نگهداری ابنیه و راه‌ها",
        "card": {
            "title": "صدور مجوز راه دسترسی به حریم راه‌های استان",
            "keywords": ["مجوز دسترسی", "مجوز حریم راه", "راه دسترسی", "مجوز ورودی جاده"],
            "category": "مجوزها و پروانه‌ها",
            "description": (
                "مجوز احداث راه دسترسی یا ورودی از املاک، پمپ بنزین، مجتمع خدماتی و واحدهای تولیدی به "
                "راه‌های اصلی و فرعی استان هرمزگان. خروجی: مجوز الکترونیکی با شماره و کد استعلام."
            ),
            "steps": [
                "ثبت درخواست با موقعیت ملک و نقشه",
                "بازدید کارشناس از محل",
                "بررسی در کمیسیون حریم راه",
                "صدور مجوز و پیامک آماده بودن آن",
            ],
            "required_documents": ["سند یا قولنامه ملک", "نقشه موقعیت (کروکی) ملک نسبت به راه"],
            "laws": [{"title": "قانون ایمنی راه‌ها و راه‌آهن", "url": "https://qavanin.ir/"}],
            "faq": [{"question": "بازدید چه زمانی است؟", "answer": "حداکثر ۵ روز کاری پس از ثبت درخواست."}],
            "expected_duration": "۲۰ روز کاری",
            "fees": "۱٬۵۰۰٬۰۰۰ ریال هزینه کارشناسی، پس از بازدید",
            "complaint_procedure": "شکایت از طریق «ارسال نامه» به اداره کل راه و شهرسازی هرمزگان با ذکر کد رهگیری.",
            "responsible_title": "رئیس اداره نگهداری ابنیه و راه‌ها",
            "channels": ["online", "counter_office"],
            "appointment_required": True,
            "is_published": True,
        },
        "fields": [
            {"type": "text", "label": "نام محور (راه)", "required": True},
            {
                "type": "text",
                "label": "کیلومتر محل",
                "required": True,
                "help_text": "مانند «کیلومتر ۲۳ بندرعباس–میناب»",
            },
            {
                "type": "choice",
                "label": "نوع کاربری",
                "required": True,
                "options": ["مسکونی", "کشاورزی", "صنعتی", "خدمات بین‌راهی"],
            },
            {
                "type": "file",
                "label": "کروکی موقعیت",
                "required": True,
                "max_mb": 5,
                "file_types": ["pdf", "jpg", "png"],
            },
        ],
    },
    {
        "agency": "hz-agri",
        "owner": "hz-agri.service",
        "code": "aquaculture-licence",
        "unit": "مدیریت امور شیلات و آبزیان",
        "card": {
            "title": "صدور پروانه بهره‌برداری مزرعه پرورش میگو و آبزیان",
            "keywords": ["پروانه پرورش میگو", "مجوز پرورش آبزیان", "مجوز شیلات", "مزرعه میگو"],
            "category": "مجوزها و پروانه‌ها",
            "description": (
                "پروانه بهره‌برداری برای مزارع پرورش میگو و ماهی در سواحل هرمزگان، پس از پایان ساخت و "
                "تأیید کارشناس شیلات. خروجی: پروانه الکترونیکی با شماره و کد استعلام."
            ),
            "steps": [
                "ثبت درخواست با شماره موافقت اصولی",
                "بازدید کارشناس شیلات از مزرعه",
                "صدور پروانه بهره‌برداری",
            ],
            "required_documents": ["موافقت اصولی", "تصویر مجوز محیط زیست"],
            "laws": [{"title": "قانون حفاظت و بهره‌برداری از منابع آبزی", "url": "https://qavanin.ir/"}],
            "faq": [{"question": "اعتبار پروانه چند سال است؟", "answer": "پنج سال، قابل تمدید."}],
            "expected_duration": "۱۵ روز کاری",
            "fees": "رایگان",
            "complaint_procedure": "شکایت از طریق «ارسال نامه» به سازمان جهاد کشاورزی هرمزگان با ذکر کد رهگیری.",
            "responsible_title": "مدیر امور شیلات و آبزیان",
            "channels": ["online", "counter_office"],
            "appointment_required": False,
            "is_published": True,
        },
        "fields": [
            {"type": "text", "label": "شماره موافقت اصولی", "required": True},
            {"type": "number", "label": "مساحت مزرعه (هکتار)", "required": True},
            {
                "type": "choice",
                "label": "نوع آبزی",
                "required": True,
                "options": ["میگو", "ماهی دریایی", "ماهی گرم‌آبی"],
            },
            {"type": "file", "label": "موافقت اصولی", "required": True, "max_mb": 5, "file_types": ["pdf"]},
        ],
    },
)


def load_demo() -> int:
    """Create the demo services that are missing; returns how many were created."""
    created = 0
    for spec in SERVICES:
        agency = Organization.objects.filter(code=spec["agency"]).first()
        owner = User.objects.filter(username=spec["owner"]).first()
        if agency is None or owner is None or Service.objects.filter(agency=agency, code=spec["code"]).exists():
            continue
        unit = Unit.objects.filter(organization=agency, name=spec["unit"]).first() if spec["unit"] else None
        service = sw.service_create(
            agency=agency, code=spec["code"], card={**spec["card"], "responsible_unit": unit}, actor=owner
        )
        for field in spec["fields"]:
            sw.form_field_save(service=service, spec=field)
        sw.form_publish(service=service, actor=owner)
        created += 1
    return created
