import {
  Client,
  cacheExchange,
  fetchExchange,
  formatDocument,
  mapExchange,
  subscriptionExchange,
  type Exchange,
} from '@urql/core'
import { authExchange } from '@urql/exchange-auth'
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

/** Sends each operation's manifest hash beside its text (APQ's "register" form): a gateway
 * in trusted-documents mode finds it in persisted-documents.json; others simply run the text. */
export const persistedHashExchange: Exchange = mapExchange({
  onOperation(operation) {
    const hash = (operation.query as { __meta__?: { hash?: string } }).__meta__?.hash
    if (!hash) return operation
    return {
      ...operation,
      // The manifest's documents carry __typename (codegen's transform, matching urql's
      // cache); subscriptions skip the cache, so they get theirs here.
      query: formatDocument(operation.query),
      extensions: {
        ...operation.extensions,
        persistedQuery: { version: 1, sha256Hash: hash, miss: true },
      },
    }
  },
})

// Multipart uploads must carry a header a browser form cannot set (the gateway's CSRF guard).
const PREFLIGHT_HEADERS = { 'GraphQL-Require-Preflight': '1', 'Apollo-Require-Preflight': 'true' }

/** The refresh token exchange, on a client of its own: it must never wait for the
 * auth exchange it serves. */
const bare = new Client({
  url: HTTP_PATH,
  exchanges: [persistedHashExchange, fetchExchange],
  fetchOptions: { headers: PREFLIGHT_HEADERS },
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

export const client = new Client({
  url: HTTP_PATH,
  fetchOptions: { headers: PREFLIGHT_HEADERS },
  requestPolicy: 'cache-and-network',
  exchanges: [
    persistedHashExchange,
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
