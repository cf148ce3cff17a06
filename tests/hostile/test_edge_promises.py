"""What the README's Security section promises of the edge, against a real `gridpoints serve`:
CSRF prevention, media headers and re-encoding, caching, compression, CORS preflights,
metrics, and persisted documents."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import brotli  # type: ignore[import-untyped]
import orjson
import pytest
import websockets.sync.client
from PIL import Image

from gateway.persisted import DocumentCache, Manifest, sha256_hex
from gateway.services import quick_redis
from gateway.settings import Settings, SettingsError
from gateway.tokens import TokenService
from models.civic import Report
from models.people import User
from tests import factories
from tests.dbsetup import TEST_REDIS_URL
from tests.hostile.conftest import TRUSTED_QUERY
from tests.hostile.edge import (
    ALLOWED_ORIGIN,
    METRICS_TOKEN,
    PUBLIC_URL,
    SECRET,
    Answer,
    Connection,
    EdgeServer,
    assert_alive,
    error_codes,
)
from tests.images import image_bytes

JSON = {"content-type": "application/json"}
PREFLIGHT = {"apollo-require-preflight": "true"}
SUBMIT = (
    "mutation($input: SubmitReportInput!) { submitReport(input: $input) {"
    " report { photoUrls } errors { code field } } }"
)
REGISTER = (
    'mutation { register(input: {phone: "13912345678", password: "long-enough-pw",'
    ' displayName: "Mallory"}) { errors { code } } }'
)


@pytest.fixture
def conn(edge_server: EdgeServer) -> Iterator[Connection]:
    with edge_server.connect() as connection:
        yield connection


def _token(user_id: int) -> str:
    return TokenService(Settings(jwt_secret=SECRET)).issue_access_token(user_id)


def _multipart(operations: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> bytes:
    mapping = {name: [f"variables.input.photos.{i}"] for i, name in enumerate(files)}
    parts: list[tuple[str, bytes, str | None]] = [
        ("operations", orjson.dumps(operations), None),
        ("map", orjson.dumps(mapping), None),
    ]
    parts += [(name, data, filename) for name, (filename, data) in files.items()]
    out = bytearray()
    for name, content, filename in parts:
        out += b'--B\r\nContent-Disposition: form-data; name="' + name.encode() + b'"'
        if filename is not None:
            out += b'; filename="' + filename.encode() + b'"\r\nContent-Type: image/jpeg'
        out += b"\r\n\r\n" + content + b"\r\n"
    return bytes(out + b"--B--\r\n")


def _submit(conn: Connection, token: str, photos: list[bytes], **headers: str) -> Answer:
    operations = {
        "query": SUBMIT,
        "variables": {
            "input": {"category": "NOISE", "description": "Loud", "photos": [None] * len(photos)}
        },
    }
    files = {str(i): (f"p{i}.jpg", photo) for i, photo in enumerate(photos)}
    return conn.request(
        "POST",
        "/graphql",
        _multipart(operations, files),
        {
            "content-type": "multipart/form-data; boundary=B",
            "authorization": f"Bearer {token}",
            **headers,
        },
    )


# ---------------------------------------------------------------- CSRF


async def test_a_multipart_mutation_without_a_preflight_header_is_refused_and_writes_nothing(
    conn: Connection, edge_server: EdgeServer
) -> None:
    reporter = await factories.user(home_grid=await factories.grid())
    answer = _submit(conn, _token(reporter.user_id), [image_bytes("JPEG")])
    assert answer.status == 400 and error_codes(answer) == ["CSRF_PREVENTED"]
    assert await Report.all().count() == 0
    assert not edge_server.media.exists() or list(edge_server.media.iterdir()) == []
    assert_alive(conn)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "text/plain; charset=utf-8", None],
)
async def test_simple_posts_never_run_a_mutation(
    conn: Connection, content_type: str | None
) -> None:
    await factories.community()
    headers = {"content-type": content_type} if content_type else {}
    answer = conn.request("POST", "/graphql", orjson.dumps({"query": REGISTER}), headers)
    assert answer.status == 400 and error_codes(answer) == ["CSRF_PREVENTED"]
    assert await User.filter(phone="13912345678").count() == 0


async def test_with_the_header_the_upload_runs_and_photo_urls_are_absolute(
    conn: Connection, edge_server: EdgeServer
) -> None:
    reporter = await factories.user(home_grid=await factories.grid())
    answer = _submit(conn, _token(reporter.user_id), [image_bytes("JPEG")], **PREFLIGHT)
    payload = answer.json()["data"]["submitReport"]
    assert payload["errors"] == []
    (url,) = payload["report"]["photoUrls"]
    assert re.fullmatch(re.escape(PUBLIC_URL) + r"/media/[0-9a-f]{64}\.jpg", url)
    assert answer.headers["cache-control"] == "no-store"


# ---------------------------------------------------------------- media


def _gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 37.0, 12.5), 3: "E", 4: (104.0, 4.0, 1.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


async def test_served_photos_are_reencoded_without_location_and_never_sniffed(
    conn: Connection, edge_server: EdgeServer
) -> None:
    reporter = await factories.user(home_grid=await factories.grid())
    located = _gps_jpeg()
    assert Image.open(io.BytesIO(located)).getexif().get_ifd(0x8825)  # the GPS is there
    html_tail = (
        image_bytes("JPEG", seed=3) + b"<html><script>alert(document.cookie)</script></html>"
    )
    answer = _submit(conn, _token(reporter.user_id), [located, html_tail], **PREFLIGHT)
    urls = answer.json()["data"]["submitReport"]["report"]["photoUrls"]
    served = [conn.request("GET", url.removeprefix(PUBLIC_URL)) for url in urls]
    for photo in served:
        assert photo.status == 200 and photo.headers["content-type"] == "image/jpeg"
        assert photo.headers["x-content-type-options"] == "nosniff"
        assert photo.headers["content-security-policy"] == "default-src 'none'; sandbox"
        assert photo.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert b"<html" not in photo.body and b"<script" not in photo.body
        image = Image.open(io.BytesIO(photo.body))
        assert dict(image.getexif()) == {} and "exif" not in image.info
    assert Image.open(io.BytesIO(served[0].body)).size == (40, 30)


@pytest.mark.parametrize("path", ["/media/.upload-abc", "/media/page.html", "/media/x/../y.png"])
def test_only_content_addressed_media_are_served(conn: Connection, path: str) -> None:
    answer = conn.request("GET", path)
    assert answer.status == 404 and answer.headers["x-content-type-options"] == "nosniff"
    assert "immutable" not in answer.headers.get("cache-control", "")


# ---------------------------------------------------------------- caching and compression

LONG_NAME = "f" * 3000  # an error message that repeats it: a response worth compressing


def _big(conn: Connection, encoding: str | None) -> Answer:
    headers = {**JSON, **({"accept-encoding": encoding} if encoding is not None else {})}
    return conn.request(
        "POST", "/graphql", orjson.dumps({"query": "{ " + LONG_NAME + " }"}), headers
    )


def test_responses_are_brotli_or_gzip_as_accepted_and_identical(conn: Connection) -> None:
    plain = _big(conn, None)
    br = _big(conn, "gzip, deflate, br")
    gz = _big(conn, "gzip")
    refused_br = _big(conn, "br;q=0, gzip")
    assert "content-encoding" not in plain.headers and len(plain.body) > 3000
    assert br.headers["content-encoding"] == "br" and len(br.body) < len(plain.body) / 5
    assert gz.headers["content-encoding"] == "gzip"
    assert refused_br.headers["content-encoding"] == "gzip"
    assert brotli.decompress(br.body) == gzip.decompress(gz.body) == plain.body
    assert all("accept-encoding" in a.headers["vary"].lower() for a in (plain, br, gz))
    assert plain.headers["cache-control"] == "no-store"


def test_tiny_responses_are_not_compressed(conn: Connection) -> None:
    answer = conn.request(
        "POST", "/graphql", b'{"query":"{ me { id } }"}', {**JSON, "accept-encoding": "br, gzip"}
    )
    assert answer.json() == {"data": {"me": None}} and "content-encoding" not in answer.headers
    assert answer.headers["cache-control"] == "no-store"


def test_get_queries_are_not_cached_either(conn: Connection) -> None:
    answer = conn.request("GET", "/graphql?" + urlencode({"query": "{ me { id } }"}))
    assert (answer.status, answer.headers["cache-control"]) == (200, "no-store")


def test_websocket_messages_are_not_http_compressed(edge_server: EdgeServer) -> None:
    with websockets.sync.client.connect(
        f"ws://127.0.0.1:{edge_server.port}/graphql",
        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
        additional_headers={"accept-encoding": "gzip, br"},
        compression=None,
    ) as socket:
        socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(socket.recv(timeout=10)) == {"type": "connection_ack"}


# ---------------------------------------------------------------- CORS


def _preflight(conn: Connection, origin: str, headers: str) -> Answer:
    return conn.request(
        "OPTIONS",
        "/graphql",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": headers,
        },
    )


def test_a_preflight_from_an_allowed_origin_allows_what_clients_send(conn: Connection) -> None:
    sent = "authorization, content-type, apollo-require-preflight, x-request-id"
    answer = _preflight(conn, ALLOWED_ORIGIN, sent)
    assert answer.status == 200
    assert answer.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    allowed = {h.strip().lower() for h in answer.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "apollo-require-preflight", "x-request-id"} <= allowed
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in answer.headers
    assert_alive(conn)


def test_a_preflight_from_another_origin_is_refused(conn: Connection) -> None:
    answer = _preflight(conn, "https://evil.example", "content-type")
    assert answer.status == 400 and "access-control-allow-origin" not in answer.headers
    assert error_codes(answer) == ["BAD_REQUEST"]  # JSON like every other /graphql refusal
    disallowed_header = _preflight(conn, ALLOWED_ORIGIN, "x-something-else")
    assert disallowed_header.status == 400 and error_codes(disallowed_header) == ["BAD_REQUEST"]


def test_responses_to_an_allowed_origin_expose_the_request_id(conn: Connection) -> None:
    allowed = conn.request(
        "POST", "/graphql", b'{"query":"{ me { id } }"}', {**JSON, "origin": ALLOWED_ORIGIN}
    )
    other = conn.request(
        "POST", "/graphql", b'{"query":"{ me { id } }"}', {**JSON, "origin": "https://evil.example"}
    )
    assert allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "x-request-id" in allowed.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-origin" not in other.headers


# ---------------------------------------------------------------- metrics


def _metrics(conn: Connection, token: str | None) -> Answer:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return conn.request("GET", "/metrics", headers=headers)


def test_metrics_are_not_public(conn: Connection) -> None:
    assert _metrics(conn, None).status == 404
    assert _metrics(conn, "guess").status == 404
    answer = _metrics(conn, METRICS_TOKEN)
    assert answer.status == 200 and b"gridpoints_graphql_operations_total" in answer.body


def _operation_labels(text: str) -> set[str]:
    return set(re.findall(r'gridpoints_graphql_operations_total\{operation="([^"]*)"', text))


def test_client_chosen_operation_names_cannot_grow_the_label_set(conn: Connection) -> None:
    for i in range(120):
        conn.request(
            "POST", "/graphql", orjson.dumps({"query": f"query Name{i} {{ me {{ id }} }}"}), JSON
        )
    junk = 'x"} 1\n# evil'
    conn.request(
        "POST", "/graphql", orjson.dumps({"query": "{ me { id } }", "operationName": junk}), JSON
    )
    labels = _operation_labels(_metrics(conn, METRICS_TOKEN).body.decode())
    assert "other" in labels and len(labels - {"other", "anonymous"}) <= 100
    assert not any("evil" in label for label in labels)


def test_with_trusted_documents_only_their_names_are_labels(trusted_server: EdgeServer) -> None:
    with trusted_server.connect() as conn:
        conn.request(
            "POST", "/graphql", orjson.dumps({"documentId": sha256_hex(TRUSTED_QUERY)}), JSON
        )
        labels = _operation_labels(_metrics(conn, METRICS_TOKEN).body.decode())
    assert labels <= {"TrustedMe", "other", "anonymous"} and "TrustedMe" in labels


# ---------------------------------------------------------------- persisted documents


def _apq(digest: str, query: str | None = None) -> bytes:
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    if query is not None:
        body["query"] = query
    return orjson.dumps(body)


def test_automatic_persisted_queries_register_on_retry(conn: Connection) -> None:
    # A document of this run only: Redis keeps what earlier runs registered for a day.
    query = f"query Apq {{ me {{ id }} }}\n# run {uuid.uuid4().hex}"
    digest = sha256_hex(query)
    first = conn.request("POST", "/graphql", _apq(digest), JSON)
    assert (first.status, error_codes(first)) == (200, ["PERSISTED_QUERY_NOT_FOUND"])
    registered = conn.request("POST", "/graphql", _apq(digest, query), JSON)
    again = conn.request("POST", "/graphql", _apq(digest), JSON)
    by_get = conn.request(
        "GET",
        "/graphql?"
        + urlencode(
            {
                "extensions": orjson.dumps(
                    {"persistedQuery": {"version": 1, "sha256Hash": digest}}
                ).decode()
            }
        ),
    )
    by_id = conn.request("POST", "/graphql", orjson.dumps({"documentId": f"sha256:{digest}"}), JSON)
    bare_id = conn.request("POST", "/graphql", orjson.dumps({"documentId": digest}), JSON)
    for answer in (registered, again, by_get, by_id, bare_id):
        assert (answer.status, answer.json()) == (200, {"data": {"me": None}})
    if TEST_REDIS_URL:  # replicas share what one registered
        redis = quick_redis(TEST_REDIS_URL, 1.0)

        async def stored() -> Any:
            try:
                return await redis.get(f"gridpoints:apq:{digest}")
            finally:
                await redis.aclose()

        assert asyncio.run(stored()) == query.encode()


def test_a_hash_that_does_not_match_its_document_is_refused(conn: Connection) -> None:
    answer = conn.request("POST", "/graphql", _apq("0" * 64, "{ me { id } }"), JSON)
    assert (answer.status, error_codes(answer)) == (400, ["BAD_REQUEST"])
    after = conn.request("POST", "/graphql", _apq("0" * 64), JSON)
    assert error_codes(after) == ["PERSISTED_QUERY_NOT_FOUND"]  # nothing was registered


@pytest.mark.parametrize(
    "body",
    [
        {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": "a" * 64}}},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "xyz"}}},
        {"extensions": {"persistedQuery": "a" * 64}},
        {"documentId": "md5:abc"},
        {"documentId": "sha256:" + "a" * 64, "query": "{ me { id } }"},
    ],
)
def test_malformed_persisted_requests_are_coded_400s(
    conn: Connection, body: dict[str, Any]
) -> None:
    answer = conn.request("POST", "/graphql", orjson.dumps(body), JSON)
    assert (answer.status, error_codes(answer)) == (400, ["BAD_REQUEST"])


def test_in_trusted_mode_only_the_manifest_runs(trusted_server: EdgeServer) -> None:
    digest = sha256_hex(TRUSTED_QUERY)
    other = "query Other { me { id } }"
    with trusted_server.connect() as conn:
        ok = [
            conn.request(
                "POST", "/graphql", orjson.dumps({"documentId": f"sha256:{digest}"}), JSON
            ),
            conn.request("POST", "/graphql", _apq(digest), JSON),
            conn.request("POST", "/graphql", orjson.dumps({"query": TRUSTED_QUERY}), JSON),
        ]
        free_text = conn.request("POST", "/graphql", orjson.dumps({"query": other}), JSON)
        register = conn.request("POST", "/graphql", _apq(sha256_hex(other), other), JSON)
        unknown = conn.request("POST", "/graphql", _apq(sha256_hex(other)), JSON)
    assert [(a.status, a.json()) for a in ok] == [(200, {"data": {"me": None}})] * 3
    assert (free_text.status, error_codes(free_text)) == (400, ["PERSISTED_QUERY_NOT_ALLOWED"])
    assert (register.status, error_codes(register)) == (400, ["PERSISTED_QUERY_NOT_ALLOWED"])
    assert (unknown.status, error_codes(unknown)) == (200, ["PERSISTED_QUERY_NOT_FOUND"])


async def test_the_in_process_cache_is_bounded() -> None:
    cache = DocumentCache(None, max_entries=2)
    for name in ("a", "b", "c"):
        await cache.put(name, f"query {name} {{ me {{ id }} }}")
    assert [await cache.get(name) for name in ("a", "b", "c")] == [
        None,
        "query b { me { id } }",
        "query c { me { id } }",
    ]


@pytest.mark.parametrize("content", [b"{", b"[]", b'{"a": 1}'])
def test_a_broken_manifest_stops_the_gateway_at_start(tmp_path: Path, content: bytes) -> None:
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_bytes(content)
    with pytest.raises(SettingsError):
        Manifest.load(manifest)
