"""Persisted documents: Apollo's automatic persisted queries (APQ), `documentId` requests, and
a trusted-documents mode in which only the front-ends' own operations run.

APQ (https://github.com/apollographql/apollo-link-persisted-queries#protocol): a client sends
`extensions.persistedQuery.sha256Hash` alone; an unknown hash answers PERSISTED_QUERY_NOT_FOUND
with HTTP 200 (Apollo's link disables APQ for good after a 400), and the client retries with
the document and the hash, which registers it. Registered documents live in Redis when it is
configured (shared by replicas, a day each) and in a bounded in-process LRU otherwise, or while
Redis is unreachable: it is a cache, a miss only costs the client one retry.

Trusted documents (GRIDPOINTS_TRUSTED_DOCUMENTS): the `persisted-documents.json` that
graphql-codegen's client-preset writes (`{"<sha256>": "<document>"}`). Then only those run, by
hash or by their exact text; anything else is PERSISTED_QUERY_NOT_ALLOWED, and nothing registers.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson
from graphql import OperationDefinitionNode, parse
from redis.asyncio import Redis

from gateway.bodies import RawRequest, RequestRefused
from gateway.settings import SettingsError
from schema.codes import TopLevelCode

log = logging.getLogger("gridpoints.persisted")
REDIS_PREFIX = "gridpoints:apq:"
REDIS_TTL_SECONDS = 24 * 3600
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"  # the text Apollo's link matches on


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Manifest:
    documents: Mapping[str, str]
    operation_names: frozenset[str]

    @classmethod
    def load(cls, path: Path) -> Manifest:
        try:
            raw = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as error:
            raise SettingsError(
                f"GRIDPOINTS_TRUSTED_DOCUMENTS: cannot read {path}: {error}"
            ) from error
        if not isinstance(raw, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in raw.items()
        ):
            raise SettingsError(f"{path} must be a JSON object of hash -> document strings")
        documents = {_bare(key): value for key, value in raw.items()}
        return cls(documents, frozenset(_operation_names(documents.values())))


def _operation_names(documents: object) -> set[str]:
    names: set[str] = set()
    for document in documents:  # type: ignore[attr-defined]
        for definition in parse(document).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                names.add(definition.name.value)
    return names


def _bare(document_id: str) -> str:
    """`sha256:<hex>` (GraphQL-over-HTTP's documentId) or bare hex, as lower-case hex."""
    return document_id.removeprefix("sha256:").lower()


class DocumentCache:
    """Registered APQ documents: Redis when configured, a bounded LRU in this process."""

    def __init__(self, redis: Redis | None, max_entries: int) -> None:
        self.redis = redis
        self.max_entries = max_entries
        self.local: OrderedDict[str, str] = OrderedDict()

    async def get(self, digest: str) -> str | None:
        if self.redis is not None:
            try:
                value = await self.redis.get(REDIS_PREFIX + digest)
                if value is not None:
                    return value.decode() if isinstance(value, bytes) else str(value)
            except Exception as error:  # a cache: fall back to this process
                log.warning("persisted-query lookup in Redis failed: %s", error)
        document = self.local.get(digest)
        if document is not None:
            self.local.move_to_end(digest)
        return document

    async def put(self, digest: str, document: str) -> None:
        self.local[digest] = document
        self.local.move_to_end(digest)
        while len(self.local) > self.max_entries:
            self.local.popitem(last=False)
        if self.redis is not None:
            try:
                await self.redis.set(REDIS_PREFIX + digest, document, ex=REDIS_TTL_SECONDS)
            except Exception as error:
                log.warning("persisted-query store in Redis failed: %s", error)


class PersistedDocuments:
    """Turns a request's hash (APQ or documentId) into the document to run."""

    def __init__(self, cache: DocumentCache, manifest: Manifest | None = None) -> None:
        self.cache = cache
        self.manifest = manifest

    async def document_for(self, request: RawRequest) -> str | None:
        digest = _requested_hash(request)
        if self.manifest is not None:
            return self._trusted(request.query, digest, self.manifest)
        if digest is None:
            return request.query
        if request.query is None:
            found = await self.cache.get(digest)
            if found is None:
                raise _not_found()
            return found
        if request.document_id is not None:
            raise RequestRefused("Send either `query` or `documentId`, not both.")
        _check_hash(request.query, digest)
        await self.cache.put(digest, request.query)
        return request.query

    def _trusted(self, query: str | None, digest: str | None, manifest: Manifest) -> str:
        if digest is None:
            if query is not None and sha256_hex(query) in manifest.documents:
                return query
            raise RequestRefused(
                "Only the gateway's trusted documents run here.",
                TopLevelCode.PERSISTED_QUERY_NOT_ALLOWED,
            )
        document = manifest.documents.get(digest)
        if document is None:
            if query is not None:
                raise RequestRefused(
                    "Only the gateway's trusted documents run here.",
                    TopLevelCode.PERSISTED_QUERY_NOT_ALLOWED,
                )
            raise _not_found()
        if query is not None:
            _check_hash(query, digest)
        return document


def _not_found() -> RequestRefused:
    return RequestRefused(NOT_FOUND_MESSAGE, TopLevelCode.PERSISTED_QUERY_NOT_FOUND, status=200)


def _check_hash(query: str, digest: str) -> None:
    if sha256_hex(query) != digest:
        raise RequestRefused("The persisted query's sha256Hash does not match its document.")


def _requested_hash(request: RawRequest) -> str | None:
    if request.document_id is not None:
        digest = _bare(request.document_id)
        if not _SHA256.match(digest):
            raise RequestRefused("`documentId` must be `sha256:<64 hex digits>`.")
        return digest
    persisted = (request.extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise RequestRefused("`extensions.persistedQuery` must be {version: 1, sha256Hash}.")
    given = persisted.get("sha256Hash")
    if not isinstance(given, str) or not _SHA256.match(given.lower()):
        raise RequestRefused("`persistedQuery.sha256Hash` must be 64 hex digits.")
    return given.lower()


def persisted_documents(
    redis: Redis | None, max_entries: int, manifest_path: Path | None
) -> PersistedDocuments:
    manifest = Manifest.load(manifest_path) if manifest_path is not None else None
    return PersistedDocuments(DocumentCache(redis, max_entries), manifest)
