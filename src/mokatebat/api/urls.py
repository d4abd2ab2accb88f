"""/api/v1/ (REST + OpenAPI) and /open311/v2/ (GeoReport v2). Unknown addresses under either answer
in that interface's own error shape, never with the HTML 404 page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import open311
from . import views as v
from .errors import not_found

urlpatterns = [
    path("api/v1/agencies/", v.AgencyList.as_view(), name="api-agencies"),
    path("api/v1/agencies/<slug:code>/", v.AgencyDetail.as_view(), name="api-agency"),
    path("api/v1/services/", v.ServiceList.as_view(), name="api-services"),
    path("api/v1/services/<str:code>/", v.ServiceDetail.as_view(), name="api-service"),
    path("api/v1/services/<str:code>/requests/", v.ServiceRequestSubmit.as_view(), name="api-service-request"),
    path("api/v1/items/", v.SubmitItem.as_view(), name="api-submit"),
    path("api/v1/track/", v.Track.as_view(), name="api-track"),
    path("api/v1/client/items/", v.ClientItems.as_view(), name="api-client-items"),
    path("api/v1/client/items/<uuid:public_id>/", v.ClientItemDetail.as_view(), name="api-client-item"),
    path(
        "api/v1/client/items/<uuid:public_id>/attachments/<uuid:attachment_id>/",
        v.ClientAttachment.as_view(),
        name="api-client-attachment",
    ),
    path("api/v1/client/items/<uuid:public_id>/register/", v.ClientRegister.as_view(), name="api-client-register"),
    path("api/v1/client/items/<uuid:public_id>/refer/", v.ClientRefer.as_view(), name="api-client-refer"),
    path("api/v1/client/items/<uuid:public_id>/actions/", v.ClientAction.as_view(), name="api-client-action"),
    path("api/v1/client/items/<uuid:public_id>/responses/", v.ClientResponse.as_view(), name="api-client-response"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", not_found),
    re_path(r"^open311/v2/discovery\.(?P<fmt>json|xml)$", open311.discovery, name="open311-discovery"),
    re_path(r"^open311/v2/services\.(?P<fmt>json|xml)$", open311.services, name="open311-services"),
    re_path(
        r"^open311/v2/services/(?P<code>[\w.-]+)\.(?P<fmt>json|xml)$",
        open311.service_definition,
        name="open311-service",
    ),
    re_path(r"^open311/v2/requests\.(?P<fmt>json|xml)$", open311.requests_view, name="open311-requests"),
    re_path(
        r"^open311/v2/requests/(?P<request_id>\w+)\.(?P<fmt>json|xml)$",
        open311.request_detail,
        name="open311-request",
    ),
    re_path(r"^open311/v2/tokens/(?P<token>\w+)\.(?P<fmt>json|xml)$", open311.token_detail, name="open311-token"),
    re_path(r"^open311/", open311.not_found),
]
