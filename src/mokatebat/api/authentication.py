"""Bearer tokens of client systems, their scopes and their rate limits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from mokatebat.core.http import client_ip
from mokatebat.core.ratelimit import exceeded, parse_rate

from .models import ClientSystem, hash_token

if TYPE_CHECKING:
    from rest_framework.views import APIView


def client_for_token(token: str) -> ClientSystem | None:
    """One indexed lookup by the token's hash; an inactive client or agency is no client at all."""
    if not token:
        return None
    return ClientSystem.objects.active().select_related("agency", "user").filter(token_hash=hash_token(token)).first()


class ClientTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``. No session, so no CSRF: a browser cannot send it by itself."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ClientSystem] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed()
        try:
            token = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed() from error
        client = client_for_token(token)
        if client is None or not client.user.is_active:
            raise exceptions.AuthenticationFailed()
        return client.user, client

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def request_client(request: Request) -> ClientSystem:
    client = request.auth
    assert isinstance(client, ClientSystem)  # HasScope ran first
    return client


class HasScope(permissions.BasePermission):
    """The view's ``required_scope`` must be one the client system was given."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        client = request.auth
        if not isinstance(client, ClientSystem):
            raise exceptions.NotAuthenticated()
        scope = view.get_required_scope() if hasattr(view, "get_required_scope") else view.required_scope
        return client.has_scope(scope)


class _CounterThrottle(throttling.BaseThrottle):
    """DRF throttling on the project's rate limiter (one statement, no cache table)."""

    def checks(self, request: Request) -> list[tuple[str, str, str]]:
        raise NotImplementedError

    def allow_request(self, request: Request, view: APIView) -> bool:
        checks = self.checks(request)
        self.duration = max((parse_rate(rate)[1] for _g, _v, rate in checks), default=0)
        return not exceeded(request._request, checks)

    def wait(self) -> float | None:
        return float(self.duration) or None


class ClientRateThrottle(_CounterThrottle):
    """Each client system has its own budget (``ClientSystem.rate_limit``)."""

    def checks(self, request: Request) -> list[tuple[str, str, str]]:
        client = request.auth
        return [("api-client", str(client.pk), client.rate_limit)] if isinstance(client, ClientSystem) else []


class PublicSubmitThrottle(_CounterThrottle):
    """Public writes (a new item) per client address: the budget of the web form, not of a robot."""

    def checks(self, request: Request) -> list[tuple[str, str, str]]:
        if request.method != "POST":
            return []
        return [("api-public-submit", client_ip(request._request), str(settings.API_PUBLIC_SUBMIT_RATE))]
