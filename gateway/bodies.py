"""Reading a GraphQL request from HTTP, before strawberry sees any of it.

Every way a request can be malformed ends here as one `RequestRefused` (a 4xx with a coded
JSON body, answered by gateway/edge_view.py) instead of an exception escaping as a 500 that
drops the keep-alive connection: bytes that are not UTF-8, lone surrogates, nesting or numbers
no parser should chase, a top level that is not an object, and every broken multipart shape.

JSON is decoded by orjson: strict UTF-8 (no lone surrogates, no BOM), a nesting limit of its
own, and numbers too long for a float refused rather than parsed digit by digit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request

from gateway.requests import BodyTooLarge
from schema.codes import TopLevelCode

MAX_JSON_DEPTH = 32  # variables nest inputs a few levels; copying deep ones recurses
# Room above the 6 photos a report takes, so that a seventh gets the payload's clear error.
MAX_FILES = 12
MAX_FORM_FIELDS = 2 + MAX_FILES
MAX_FORM_PART_BYTES = 64 * 1024
MAX_MAP_PATHS = 4 * MAX_FILES
JSON_TYPES = ("application/json",)
MULTIPART = "multipart/form-data"


class RequestRefused(Exception):
    """A request the gateway will not run: its status, code and a message for the client."""

    def __init__(
        self,
        message: str,
        code: TopLevelCode = TopLevelCode.BAD_REQUEST,
        status: int = 400,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.headers = dict(headers or {})


@dataclass(frozen=True, slots=True)
class RawRequest:
    """The fields of a GraphQL request, their types checked, before persisted lookups."""

    query: str | None
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None
    document_id: str | None
    files: dict[str, UploadFile] = field(default_factory=dict)


def decode_json(raw: str | bytes, what: str) -> Any:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        if "surrogate" not in error.msg:
            raise RequestRefused(f"{what} is not valid JSON in UTF-8: {error.msg}.") from error
        value = _with_lone_surrogates(raw, what)
    if _depth_over(value, MAX_JSON_DEPTH):
        raise RequestRefused(f"{what} nests deeper than {MAX_JSON_DEPTH} levels.")
    return value


def _with_lone_surrogates(raw: str | bytes, what: str) -> Any:
    """A lone surrogate escape (`"\\ud800"`) is valid JSON that orjson refuses. In a value it
    is the domain's to refuse with INVALID_INPUT (models/inputs.py), like any other bad text;
    in a name it is a malformed request. The standard library reads such a body instead,
    refusing what orjson would (bad UTF-8, huge numbers, deep nesting) as a 400 too."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text, object_pairs_hook=_object_without_odd_names)
    except RequestRefused:
        raise
    except (ValueError, RecursionError) as error:
        raise RequestRefused(f"{what} is not valid JSON in UTF-8.") from error


def _object_without_odd_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if any(has_lone_surrogate(name) for name, _ in pairs):
        raise RequestRefused("A name in the request holds a lone surrogate, which is no text.")
    return dict(pairs)


def has_lone_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def _depth_over(value: Any, limit: int) -> bool:
    """Iterative, so that checking the depth cannot itself recurse too deep."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _object(value: Any, what: str) -> dict[str, Any]:
    if isinstance(value, list):
        raise RequestRefused("Batched requests are not supported: send one operation each.")
    if not isinstance(value, dict):
        raise RequestRefused(f"{what} must be a JSON object.")
    return value


def _optional(data: Mapping[str, Any], key: str, kind: type, described: str) -> Any:
    value = data.get(key)
    if value is not None and not isinstance(value, kind):
        raise RequestRefused(f"`{key}` must be {described} or null.")
    return value


def raw_request(data: Mapping[str, Any], files: dict[str, UploadFile] | None = None) -> RawRequest:
    for key in ("query", "operationName", "documentId"):
        if isinstance(data.get(key), str) and has_lone_surrogate(data[key]):
            raise RequestRefused(f"`{key}` holds a lone surrogate, which is no text.")
    return RawRequest(
        query=_optional(data, "query", str, "a string"),
        operation_name=_optional(data, "operationName", str, "a string"),
        variables=_optional(data, "variables", dict, "an object"),
        extensions=_optional(data, "extensions", dict, "an object"),
        document_id=_optional(data, "documentId", str, "a string"),
        files=files or {},
    )


def from_query_string(params: Mapping[str, str]) -> RawRequest:
    """GET: `variables` and `extensions` are JSON inside the query string."""
    data: dict[str, Any] = {
        key: params[key] for key in ("query", "operationName", "documentId") if key in params
    }
    for key in ("variables", "extensions"):
        if params.get(key):
            data[key] = decode_json(params[key], f"The `{key}` parameter")
    return raw_request(data)


def from_json_body(body: bytes) -> RawRequest:
    return raw_request(_object(decode_json(body, "The request body"), "The request body"))


async def from_multipart(request: Request) -> RawRequest:
    """The GraphQL multipart request spec: `operations`, then `map`, then the files."""
    try:
        form = await request.form(
            max_files=MAX_FILES, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FORM_PART_BYTES
        )
    except BodyTooLarge:
        raise  # answered 413 by RequestGuardMiddleware
    except Exception as error:  # python-multipart and Starlette raise several kinds
        raise RequestRefused(f"The multipart body could not be read: {error}") from error
    operations = _form_json(form.get("operations"), "operations")
    files_map = _form_json(form.get("map"), "map")
    data = _object(operations, "`operations`")
    files = _mapped_files(_object(files_map, "`map`"), form)
    for name, paths in files_map.items():
        for path in paths:
            _place(data, path, files[name])
    return raw_request(data, files)


def _form_json(value: Any, name: str) -> Any:
    if value is None:
        raise RequestRefused(f"The multipart body has no `{name}` field.")
    if not isinstance(value, str):
        raise RequestRefused(f"`{name}` must be a plain form field, not a file.")
    return decode_json(value, f"`{name}`")


def _mapped_files(files_map: dict[str, Any], form: Mapping[str, Any]) -> dict[str, UploadFile]:
    files: dict[str, UploadFile] = {}
    total = 0
    for name, paths in files_map.items():
        upload = form.get(name)
        if not isinstance(upload, UploadFile):
            raise RequestRefused(f"`map` names {name!r}, which is not a file in the body.")
        if not isinstance(paths, list) or not paths:
            raise RequestRefused(f"`map` must give a non-empty list of paths for {name!r}.")
        if not all(isinstance(path, str) for path in paths):
            raise RequestRefused("Every path in `map` must be a string.")
        total += len(paths)
        files[name] = upload
    if total > MAX_MAP_PATHS:
        raise RequestRefused(f"`map` holds more than {MAX_MAP_PATHS} paths.")
    return files


def _place(operations: dict[str, Any], path: str, upload: UploadFile) -> None:
    """Put a file where `path` (`variables.input.photos.0`) holds its null placeholder."""
    keys = path.split(".")
    if keys[0] != "variables" or len(keys) < 2:
        raise RequestRefused(f"The `map` path {path!r} must point into `variables`.")
    target: Any = operations
    for key in keys[:-1]:
        target = _step(target, key, path)
    last = keys[-1]
    if isinstance(target, list):
        index = _index(target, last, path)
        if target[index] is not None:
            raise RequestRefused(f"The `map` path {path!r} does not hold a null placeholder.")
        target[index] = upload
    elif isinstance(target, dict) and last in target and target[last] is None:
        target[last] = upload
    else:
        raise RequestRefused(f"The `map` path {path!r} does not hold a null placeholder.")


def _step(target: Any, key: str, path: str) -> Any:
    if isinstance(target, dict) and key in target:
        return target[key]
    if isinstance(target, list):
        return target[_index(target, key, path)]
    raise RequestRefused(f"The `map` path {path!r} leads nowhere in `operations`.")


def _index(target: list[Any], key: str, path: str) -> int:
    if not (key.isascii() and key.isdigit()) or int(key) >= len(target):
        raise RequestRefused(f"The `map` path {path!r} has an index out of range.")
    return int(key)


async def read_request(request: Request, multipart_enabled: bool = True) -> RawRequest:
    """The request's GraphQL fields, or RequestRefused saying what is wrong with them."""
    if request.method == "GET":
        return from_query_string(request.query_params)
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type in JSON_TYPES:
        return from_json_body(await request.body())
    if multipart_enabled and media_type == MULTIPART:
        return await from_multipart(request)
    raise RequestRefused(
        "Send GraphQL requests as application/json (or multipart/form-data for uploads).",
        status=415,
    )
