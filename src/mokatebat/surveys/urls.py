"""The short survey link /s/<token> (what the SMS carries) and the results under /staff/surveys/."""

from django.urls import path

from . import views

urlpatterns = [
    path("s/<slug:token>", views.survey_page, name="survey"),
    path("survey/<slug:token>/rate/", views.survey_rate, name="survey-rate"),
    path("survey/<slug:token>/more/", views.survey_more, name="survey-more"),
    path("staff/surveys/", views.results, name="survey-results"),
]
