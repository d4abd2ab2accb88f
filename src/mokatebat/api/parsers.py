"""JSON bodies through the input edge: deep nesting, NUL and lone surrogates are a 400 in the API's
error shape (``parse_error``), never a ``RecursionError`` or an encoding error rendered as a 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from mokatebat.core.edge import MAX_JSON_DEPTH, BadInput, check_json_value


class RefusedJSON(ParseError):
    """Parsed, but refused at the edge; its Persian detail is shown as the error message."""


class EdgeJSONParser(JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
            return check_json_value(data)
        except (RecursionError, BadInput) as error:
            raise RefusedJSON(
                _("بدنه JSON پذیرفته نشد: تودرتوی بیش از %(depth)s سطح، نویسه NUL یا نویسه نیمه‌جفت (surrogate) ندارد.")
                % {"depth": MAX_JSON_DEPTH}
            ) from error
