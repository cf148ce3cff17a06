"""One shape for every error the HTTP edge answers itself: a GraphQL response in JSON.

`{"errors": [{"message": ..., "extensions": {"code": <schema/codes.py>, "requestId": ...}}]}`,
never cached, in the media type the client asked for, so that clients branch on the code and
never have to parse text/plain.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from starlette.responses import Response

from schema.codes import TopLevelCode
from schema.context import request_id

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
NO_STORE = "no-store"


def error_body(message: str, code: TopLevelCode) -> dict[str, object]:
    extensions = {"code": code.value, "requestId": request_id.get()}
    return {"errors": [{"message": message, "extensions": extensions}]}


def error_response(
    message: str,
    code: TopLevelCode,
    status: int,
    *,
    accept: str = "",
    headers: Mapping[str, str] | None = None,
) -> Response:
    media_type = GRAPHQL_RESPONSE_JSON if GRAPHQL_RESPONSE_JSON in accept else "application/json"
    return Response(
        orjson.dumps(error_body(message, code)),
        status_code=status,
        media_type=media_type,
        headers={"cache-control": NO_STORE, **(headers or {})},
    )
