"""The citizen's survey page at /s/<token> (no login; one tap saves the overall rating) and the
managers' results at /staff/surveys/."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mokatebat.core.http import client_ip, rate_limited_response
from mokatebat.core.jalali import format_jalali_date
from mokatebat.core.ratelimit import exceeded
from mokatebat.counters.forms import ReportForm as PeriodForm
from mokatebat.organization.access import staff_required

from . import workflow as sw
from .auth import get_survey_by_token, result_agencies
from .forms import MoreForm
from .models import Question, Survey
from .results import survey_results

RATE_PER_CLIENT = getattr(settings, "SURVEY_RATE_PER_CLIENT", "120/h")
SCALE = [(5, _("عالی")), (4, _("خوب")), (3, _("متوسط")), (2, _("ضعیف")), (1, _("خیلی ضعیف"))]


def _limited(request: HttpRequest) -> bool:
    return exceeded(request, [("survey", client_ip(request), RATE_PER_CLIENT)])


def _questions(survey: Survey) -> list[Question]:
    if survey.question_set is None:
        return []
    return list(survey.question_set.questions.filter(is_active=True))


@never_cache
@require_GET
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    if _limited(request):
        return rate_limited_response(request)
    survey = get_survey_by_token(token)
    form = MoreForm(questions=_questions(survey)) if survey.rating and not survey.completed_at else None
    return render(request, "surveys/survey.html", {"survey": survey, "form": form, "scale": SCALE})


@require_POST
def survey_rate(request: HttpRequest, token: str) -> HttpResponse:
    if _limited(request):
        return rate_limited_response(request)
    survey = get_survey_by_token(token)
    try:
        sw.survey_rate(survey=survey, rating=int(request.POST.get("rating", "0") or 0))
    except (ValueError, sw.SurveyError) as error:
        message = getattr(error, "message", "")
        return render(request, "surveys/survey.html", {"survey": survey, "scale": SCALE, "error": message}, status=400)
    return redirect("survey", token=token)


@require_http_methods(["POST"])
def survey_more(request: HttpRequest, token: str) -> HttpResponse:
    if _limited(request):
        return rate_limited_response(request)
    survey = get_survey_by_token(token)
    form = MoreForm(request.POST, questions=_questions(survey))
    if form.is_valid():
        try:
            sw.survey_complete(survey=survey, ratings=form.ratings(), comment=form.cleaned_data["comment"])
        except sw.SurveyError as error:
            form.add_error(None, error.message)
        else:
            return redirect("survey", token=token)
    context = {"survey": survey, "form": form, "scale": SCALE}
    return render(request, "surveys/survey.html", context, status=400)


@staff_required
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    agencies = result_agencies(request)
    form = PeriodForm(request.GET or None)
    first, last = form.period()
    if not form.is_bound:
        form = PeriodForm(initial={"date_from": format_jalali_date(first), "date_to": format_jalali_date(last)})
    context = {"form": form, "results": survey_results(agencies, first, last), "agencies": agencies}
    return render(request, "surveys/results.html", context, status=400 if form.errors else 200)
