import { freshAccessToken, refresh } from './client'

/** GET one of the gateway's paths (a booking's .ics) with the access token in the
 * Authorization header, never in the URL; a 401 refreshes the session and asks once more. */
export async function authorizedGet(path: string): Promise<Response> {
  const send = async (): Promise<Response> => {
    const token = await freshAccessToken()
    return fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
  }
  const first = await send()
  if (first.status !== 401 || !(await refresh())) return first
  return send()
}
