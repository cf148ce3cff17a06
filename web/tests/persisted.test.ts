import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Kind, parse } from 'graphql'
import * as operations from '../src/graphql/operations'
import { persistedAwareFetch } from '../src/graphql/client'

// The gateway's trusted-documents mode runs only what persisted-documents.json holds, by hash.
const manifest = JSON.parse(readFileSync('src/gql/persisted-documents.json', 'utf8')) as Record<string, string>
const documents = Object.entries(operations).filter(([name]) => name.endsWith('Document'))

describe('the persisted-documents manifest', () => {
  it('holds every operation the app sends, under the sha256 of its text', () => {
    expect(documents.length).toBe(Object.keys(manifest).length)
    for (const [name, document] of documents) {
      const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash
      expect(hash, name).toMatch(/^sha256:[0-9a-f]{64}$/)
      const text = manifest[hash!]!
      expect(`sha256:${createHash('sha256').update(text).digest('hex')}`, name).toBe(hash)
      // The fragments it spreads come first in the text: find the operation itself.
      const operation = parse(text).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)
      expect(`${operation?.name?.value}Document`).toBe(name)
    }
  })
})

describe('persistedAwareFetch', () => {
  afterEach(() => vi.unstubAllGlobals())

  function answer(status: number, body: string): void {
    vi.stubGlobal('fetch', async () => new Response(body, { status }))
  }

  const hashOnly = JSON.stringify({ operationName: 'Me', extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } })
  const withText = JSON.stringify({ operationName: 'Me', query: '{ me { id } }' })

  it('says "not supported" when a gateway without persisted queries wants the text', async () => {
    answer(400, 'No GraphQL query found in the request')
    const response = await persistedAwareFetch('/graphql', { method: 'POST', body: hashOnly })
    expect(await response.json()).toEqual({ errors: [{ message: 'PersistedQueryNotSupported' }] })
  })

  it('says "not found" for the PERSISTED_QUERY_NOT_FOUND code', async () => {
    answer(200, JSON.stringify({ errors: [{ message: 'Unknown hash', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] }))
    const response = await persistedAwareFetch('/graphql', { method: 'POST', body: hashOnly })
    expect(await response.json()).toEqual({ errors: [{ message: 'PersistedQueryNotFound' }] })
  })

  it('passes every other answer through untouched', async () => {
    answer(200, '{"data":{"me":null}}')
    expect(await (await persistedAwareFetch('/graphql', { method: 'POST', body: hashOnly })).text()).toBe('{"data":{"me":null}}')
    answer(400, 'No GraphQL query found in the request')
    const response = await persistedAwareFetch('/graphql', { method: 'POST', body: withText })
    expect(response.status).toBe(400)
  })

  it("sends the manifest's exact text with a hash, whatever urql printed", async () => {
    const sent: string[] = []
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      if (url === '/persisted-documents.json') return new Response(JSON.stringify({ 'sha256:ab12': 'query Me { __typename me { __typename id } }' }))
      sent.push(String(init?.body))
      return new Response('{"data":{"me":null}}')
    })
    const printed = JSON.stringify({ operationName: 'Me', query: 'query Me {\n  me { id }\n}', extensions: { persistedQuery: { version: 1, sha256Hash: 'ab12' } } })
    await persistedAwareFetch('/graphql', { method: 'POST', body: printed })
    expect(JSON.parse(sent[0]!).query).toBe('query Me { __typename me { __typename id } }')
    expect(JSON.parse(sent[0]!).extensions).toEqual({ persistedQuery: { version: 1, sha256Hash: 'ab12' } })
  })
})
