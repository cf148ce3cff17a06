import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto'

// The journeys' other people (staff moving a report on, a neighbour taking the last unit)
// act through the same public API the app uses.

export const DEMO = {
  password: 'gridpoints-demo',
  admin: '13800000000',
  resident: '13800000160',
  merchant: '13800000016',
  propertyManager: '13800000007',
}

export function baseUrl(): string {
  const url = process.env.GRIDPOINTS_E2E_URL
  if (!url) throw new Error('GRIDPOINTS_E2E_URL is not set: the global setup starts the gateway')
  return url
}

export async function gql<T = any>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const response = await fetch(`${baseUrl()}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  })
  const body = (await response.json()) as { data?: T; errors?: unknown[] }
  if (body.errors?.length || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body)}`)
  return body.data
}

export async function login(phone: string, password = DEMO.password): Promise<string> {
  const data = await gql<{ login: { accessToken: string | null; errors: unknown[] } }>(
    'mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code message } } }',
    { i: { phone, password } },
  )
  if (!data.login.accessToken) throw new Error(`login ${phone}: ${JSON.stringify(data.login.errors)}`)
  return data.login.accessToken
}

export async function userId(token: string): Promise<string> {
  return (await gql<{ me: { id: string } }>('{ me { id } }', {}, token)).me.id
}

export interface Person { phone: string; password: string; token: string; id: string }

let counter = 0
function uniquePhone(): string {
  counter += 1
  return `139${String(randomInt(0, 100000)).padStart(5, '0')}${String(counter % 1000).padStart(3, '0')}`
}

/** A new resident in a home grid, with `points` granted by the admin. */
export async function newResident(name: string, points = 0): Promise<Person> {
  const grids = await gql<{ microGrids: Array<{ id: string }> }>('{ microGrids { id } }', {}, await login(DEMO.admin))
  const phone = uniquePhone()
  const password = 'resident-pass-1'
  const data = await gql<{ register: { accessToken: string | null; user: { id: string } | null; errors: unknown[] } }>(
    'mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } errors { code message } } }',
    { i: { phone, password, displayName: name, homeGridId: grids.microGrids[grids.microGrids.length - 1 - (counter % 20)]!.id } },
  )
  if (!data.register.accessToken || !data.register.user) throw new Error(JSON.stringify(data.register.errors))
  const person = { phone, password, token: data.register.accessToken, id: data.register.user.id }
  if (points) await givePoints(person.id, points)
  return person
}

export async function givePoints(user: string, amount: number): Promise<void> {
  const data = await gql<{ adjustPoints: { errors: unknown[] } }>(
    'mutation($i: AdjustPointsInput!) { adjustPoints(input: $i) { errors { code message } } }',
    { i: { userId: user, amount, memo: '测试积分', idempotencyKey: randomBytes(8).toString('hex') } },
    await login(DEMO.admin),
  )
  if (data.adjustPoints.errors.length) throw new Error(JSON.stringify(data.adjustPoints.errors))
}

export async function balanceAndHistory(token: string): Promise<{ balance: number; reasons: string[]; vouchers: number }> {
  const data = await gql<{ me: { pointsBalance: number; pointsHistory: { edges: Array<{ node: { reason: string } }> }; vouchers: { edges: unknown[] } } }>(
    '{ me { pointsBalance pointsHistory(first: 100) { edges { node { reason } } } vouchers(first: 100) { edges { node { id } } } } }',
    {},
    token,
  )
  return {
    balance: data.me.pointsBalance,
    reasons: data.me.pointsHistory.edges.map((e) => e.node.reason),
    vouchers: data.me.vouchers.edges.length,
  }
}

export async function bakeryId(merchantToken: string): Promise<string> {
  const data = await gql<{ me: { merchants: Array<{ id: string }> } }>('{ me { merchants { id } } }', {}, merchantToken)
  return data.me.merchants[0]!.id
}

const DEVELOPMENT_SECRET = 'gridpoints-development-secret-not-for-production!'

/** An access token shaped as the gateway issues them: by default, of the demo's development
 * key and run out a minute ago. */
export function craftedAccessToken(
  globalUserId: string,
  { secret = DEVELOPMENT_SECRET, minutesLeft = -1 }: { secret?: string; minutesLeft?: number } = {},
): string {
  const sub = Buffer.from(globalUserId, 'base64url').toString().split(':')[1]!
  const kid = createHash('sha256').update(secret).digest('hex').slice(0, 12)
  const now = Math.floor(Date.now() / 1000)
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const header = encode({ alg: 'HS256', typ: 'JWT', kid })
  const claims = encode({ sub, iat: now - 900, exp: now + minutesLeft * 60, iss: 'gridpoints', aud: 'gridpoints-apps', jti: randomBytes(12).toString('hex'), typ: 'access' })
  const signature = createHmac('sha256', secret).update(`${header}.${claims}`).digest('base64url')
  return `${header}.${claims}.${signature}`
}
