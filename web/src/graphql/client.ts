import {
  Client,
  cacheExchange,
  fetchExchange,
  makeOperation,
  mapExchange,
  subscriptionExchange,
  type Exchange,
  type Operation,
} from '@urql/core'
import { authExchange } from '@urql/exchange-auth'
import { persistedExchange } from '@urql/exchange-persisted'
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws'
import { isAuthError } from '../lib/errors'
import { isExpired } from '../lib/jwt'
import { clearTokens, refreshSession, session, type Tokens } from '../lib/session'
import { RefreshDocument } from './operations'

const HTTP_PATH = '/graphql'

function wsUrl(): string {
  const { protocol, host } = window.location
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${HTTP_PATH}`
}

// Persisted documents, Apollo's protocol (automatic persisted queries): each operation is
// sent first as its manifest hash alone (what the gateway's trusted-documents mode runs); the
// text follows only when the gateway answers PersistedQueryNotFound, and for the rest of the
// session when it does not do persisted queries at all. The hashes are codegen's, from
// persisted-documents.json, remembered by document key because urql reformats documents.
const manifestHashes = new Map<number, string>()

export const rememberHashExchange: Exchange = mapExchange({
  onOperation(operation) {
    const document = operation.query as { __meta__?: { hash?: string }; __key?: number }
    const hash = document.__meta__?.hash
    if (hash && document.__key !== undefined) {
      manifestHashes.set(document.__key, hash.replace(/^sha256:/, ''))
    }
    return operation
  },
})

export function manifestHash(document: { __key?: number }): string | undefined {
  return document.__key === undefined ? undefined : manifestHashes.get(document.__key)
}

const persisted = persistedExchange({
  enableForMutation: true,
  preferGetForPersistedQueries: false,
  generateHash: async (_text, document) => manifestHash(document as { __key?: number }) ?? '',
})

function operationText(body: BodyInit | null | undefined): string {
  if (typeof body === 'string') return body
  if (body instanceof FormData) return String(body.get('operations') ?? '')
  return '"query"' // nothing the exchange built: leave it alone
}

let manifest: Promise<Record<string, string>> | null = null

/** The build's persisted-documents.json, read once and only when a gateway misses a hash. */
function manifestDocuments(): Promise<Record<string, string>> {
  manifest ??= fetch('/persisted-documents.json')
    .then((response) => (response.ok ? (response.json() as Promise<Record<string, string>>) : {}))
    .catch(() => {
      manifest = null
      return {}
    })
  return manifest
}

interface OperationBody {
  query?: string
  extensions?: { persistedQuery?: { sha256Hash?: string } }
}

/** A document sent with its hash must be the manifest's text, byte for byte (its hash is
 * over that text, and gateways check it); urql prints documents its own way. */
async function withManifestText(body: string): Promise<string> {
  const parsed = JSON.parse(body) as OperationBody
  const hash = parsed.extensions?.persistedQuery?.sha256Hash
  if (!hash || parsed.query === undefined) return body
  const text = (await manifestDocuments())[`sha256:${hash}`]
  return text ? JSON.stringify({ ...parsed, query: text }) : body
}

async function manifestBody(body: BodyInit | null | undefined): Promise<BodyInit | null | undefined> {
  if (typeof body === 'string') return withManifestText(body)
  if (body instanceof FormData && typeof body.get('operations') === 'string') {
    body.set('operations', await withManifestText(body.get('operations') as string))
  }
  return body
}

/** Sends the manifest's text on a persisted-query miss, and puts the gateway's answers in the
 * words the persisted exchange knows: a PERSISTED_QUERY_NOT_FOUND code, or a gateway without
 * persisted queries refusing a request with no query text. */
export async function persistedAwareFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const hashOnly = !operationText(init?.body).includes('"query"')
  const sent = hashOnly || !init ? init : { ...init, body: await manifestBody(init.body) }
  const response = await fetch(input, sent)
  if (response.ok && !hashOnly) return response
  const text = await response.clone().text()
  const code = (message: string): Response =>
    new Response(JSON.stringify({ errors: [{ message }] }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    })
  if (text.includes('PERSISTED_QUERY_NOT_FOUND') || text.includes('PersistedQueryNotFound')) return code('PersistedQueryNotFound')
  if (hashOnly && !response.ok && /no graphql query|persisted.*not supported/i.test(text)) return code('PersistedQueryNotSupported')
  return response
}

// Multipart uploads must carry a header a browser form cannot set (the gateway's CSRF guard).
const PREFLIGHT_HEADERS = { 'GraphQL-Require-Preflight': '1', 'Apollo-Require-Preflight': 'true' }

/** The refresh token exchange, on a client of its own: it must never wait for the
 * auth exchange it serves. */
const bare = new Client({
  url: HTTP_PATH,
  exchanges: [rememberHashExchange, persisted, fetchExchange],
  fetchOptions: { headers: PREFLIGHT_HEADERS },
  fetch: persistedAwareFetch,
  requestPolicy: 'network-only',
})

async function exchangeRefreshToken(refreshToken: string): Promise<Tokens | null> {
  const result = await bare.mutation(RefreshDocument, { refreshToken }).toPromise()
  if (result.error?.networkError) throw result.error.networkError
  const payload = result.data?.refreshToken
  return payload?.accessToken && payload.refreshToken
    ? { accessToken: payload.accessToken, refreshToken: payload.refreshToken }
    : null
}

export function refresh(): Promise<boolean> {
  return refreshSession(exchangeRefreshToken)
}

const nowSeconds = (): number => Date.now() / 1000

/** A fresh access token, refreshing first when the one held is over (or null if none). */
export async function freshAccessToken(): Promise<string | null> {
  const tokens = session.tokens
  if (!tokens) return null
  if (isExpired(tokens.accessToken, nowSeconds())) await refresh()
  return session.tokens?.accessToken ?? null
}

let reconnectListeners: Array<() => void> = []

/** Call `listener` whenever the live connection comes back after a drop: the gateway does not
 * replay what was published meanwhile, so pages refetch. */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.push(listener)
  return () => {
    reconnectListeners = reconnectListeners.filter((l) => l !== listener)
  }
}

function createWs(): WsClient {
  let connectedBefore = false
  return createWsClient({
    url: wsUrl(),
    lazy: true,
    // Asked on every (re)connect, so a reconnect after 4401 sends the refreshed token.
    connectionParams: async () => {
      const token = await freshAccessToken()
      return token ? { Authorization: `Bearer ${token}` } : {}
    },
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    on: {
      connected: () => {
        if (connectedBefore) reconnectListeners.forEach((listener) => listener())
        connectedBefore = true
      },
      closed: (event) => {
        // 4401: the token ran out or was refused. Refresh now; the retry then logs in again.
        if ((event as CloseEvent | undefined)?.code === 4401) void refresh()
      },
    },
  })
}

let ws: WsClient | null = null

/** Drop the live connection (on logout, or a login as someone else). */
export function resetLiveConnection(): void {
  void ws?.dispose()
  ws = null
}

function liveConnection(): WsClient {
  ws ??= createWs()
  return ws
}

// The queries pages are showing, so that they can all be asked again at once.
const activeQueries = new Map<number, Operation>()

const activeQueriesExchange: Exchange = mapExchange({
  onOperation(operation) {
    if (operation.kind === 'query') activeQueries.set(operation.key, operation)
    else if (operation.kind === 'teardown') activeQueries.delete(operation.key)
    return operation
  },
})

/** Ask every query on screen again, from the network: after a gateway answered as if the
 * token were absent (older gateways do that with a bad token) and the session was renewed. */
export function refetchActiveQueries(): void {
  for (const operation of activeQueries.values()) {
    client.reexecuteOperation(
      makeOperation('query', operation, { ...operation.context, requestPolicy: 'network-only' }),
    )
  }
}

export const client = new Client({
  url: HTTP_PATH,
  fetchOptions: { headers: PREFLIGHT_HEADERS },
  fetch: persistedAwareFetch,
  requestPolicy: 'cache-and-network',
  exchanges: [
    activeQueriesExchange,
    rememberHashExchange,
    cacheExchange,
    authExchange(async (utils) => ({
      addAuthToOperation(operation) {
        const token = session.tokens?.accessToken
        return token ? utils.appendHeaders(operation, { Authorization: `Bearer ${token}` }) : operation
      },
      willAuthError() {
        const token = session.tokens?.accessToken
        return token ? isExpired(token, nowSeconds()) : false
      },
      didAuthError(error) {
        return isAuthError(error, session.tokens !== null)
      },
      async refreshAuth() {
        const ok = await refresh()
        if (!ok && session.tokens === null) clearTokens(true)
      },
    })),
    persisted,
    fetchExchange,
    subscriptionExchange({
      forwardSubscription(request) {
        const input = { ...request, query: request.query || '' }
        return {
          subscribe(sink) {
            const unsubscribe = liveConnection().subscribe(input, sink)
            return { unsubscribe }
          },
        }
      },
    }),
  ],
})
