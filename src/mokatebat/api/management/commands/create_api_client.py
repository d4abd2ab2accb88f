"""Register a client system of an agency and print its token (the only time it is shown)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mokatebat.api.models import Scope
from mokatebat.api.workflow import client_create
from mokatebat.organization.models import Organization


class Command(BaseCommand):
    help = "Create an API client system for an agency; prints its bearer token once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("agency", help="the agency's code")
        parser.add_argument("name", help="the client system's name")
        parser.add_argument(
            "--scope", action="append", choices=Scope.values, dest="scopes", help="repeat for several scopes"
        )
        parser.add_argument("--rate", default="600/h", help="request budget, e.g. 600/h")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Organization.objects.agencies().filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"no active agency with code {options['agency']!r}")
        scopes = options["scopes"] or [Scope.ITEMS_READ]
        client, token = client_create(agency=agency, name=options["name"], scopes=scopes, rate_limit=options["rate"])
        self.stdout.write(f"client {client.public_id} ({', '.join(client.scopes)})")
        self.stdout.write(f"token (store it now, it is not kept): {token}")
