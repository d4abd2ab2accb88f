from django.urls import path

from . import api, views

urlpatterns = [
    path("staff/dashboard/", views.agency_dashboard_page, name="agency-dashboard"),
    path("stats/", views.public_stats, name="public-stats"),
    path("stats/network.csv", views.public_stats_csv, name="public-stats-csv"),
    path("stats/<slug:code>/", views.public_agency_stats, name="public-agency-stats"),
    path("stats/<slug:code>.csv", views.public_stats_csv, name="public-agency-stats-csv"),
    path("api/v1/stats/", api.NetworkStats.as_view(), name="api-stats"),
    path("api/v1/stats/<slug:code>/", api.AgencyStats.as_view(), name="api-agency-stats"),
]
