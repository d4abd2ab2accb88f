"""Satisfaction surveys (نظرسنجی, R11): one survey per delivered item, opened by a short secret link.

An invitation (``Survey``) is made when the answer is issued or the item closed (see ``workflow.py``);
the one-to-one link to the item is the database's guarantee of one answer per item.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.organization.models import Organization, Unit


def new_survey_token() -> str:
    """72 random bits in 12 URL-safe characters: short in an SMS, not guessable."""
    return secrets.token_urlsafe(9)


class QuestionSet(models.Model):
    """The optional questions after the overall rating. No agency: the network's default set."""

    agency = models.OneToOneField(
        Organization,
        verbose_name=_("دستگاه"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_question_set",
        help_text=_("خالی یعنی پرسش‌های پیش‌فرض همه دستگاه‌ها"),
    )
    title = models.CharField(_("عنوان"), max_length=200)

    class Meta:
        verbose_name = _("مجموعه پرسش‌های نظرسنجی")
        verbose_name_plural = _("مجموعه‌های پرسش نظرسنجی")
        constraints = [
            models.UniqueConstraint(fields=["agency"], name="one_question_set_per_agency", nulls_distinct=False)
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="questions")
    text = models.CharField(_("پرسش"), max_length=300)
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("پرسش")
        verbose_name_plural = _("پرسش‌ها")
        ordering = ["question_set", "order", "id"]

    def __str__(self) -> str:
        return self.text


class SurveyQuerySet(models.QuerySet["Survey"]):
    def answered(self) -> SurveyQuerySet:
        return self.filter(rating__isnull=False)


class Survey(models.Model):
    """The invitation and, once the citizen taps, their answer. Copies what the results group by,
    as it was when the service was delivered."""

    item = models.OneToOneField("correspondence.Item", on_delete=models.PROTECT, related_name="survey")
    token = models.CharField(max_length=24, unique=True, default=new_survey_token, editable=False)
    agency = models.ForeignKey(Organization, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("واحد"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("کارمند پاسخ‌دهنده"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("نوع"), max_length=20)
    # The service catalogue's code once items carry one; until then (blank) results group by item kind.
    service_code = models.CharField(_("کد خدمت"), max_length=60, blank=True)
    question_set = models.ForeignKey(QuestionSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField(default=timezone.now)
    rating = models.PositiveSmallIntegerField(_("رضایت کلی"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    comment = models.TextField(_("توضیح"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("نظرسنجی")
        verbose_name_plural = _("نظرسنجی‌ها")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["agency", "answered_at"], name="survey_agency_answered")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.rating or '-'}"


class QuestionAnswer(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="one_answer_per_question"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="answer_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.question_id}: {self.rating}"
