import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { mkdtempSync, openSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.unref()
    server.on('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => done(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

async function waitUntilReady(url: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 180_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gridpoints serve exited (${child.exitCode}):\n${readFileSync(log, 'utf8').slice(-3000)}`)
    try {
      const response = await fetch(`${url}/readyz`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`gridpoints serve did not get ready:\n${readFileSync(log, 'utf8').slice(-3000)}`)
}

/** Starts `gridpoints serve --demo` (from the active virtual environment) on a free port in a
 * fresh directory, serving the built app; the journeys read its address from the environment. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dist = resolve('dist')
  if (!existsSync(join(dist, 'index.html'))) throw new Error('web/dist is missing: run `npm run build` first')
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'gridpoints-e2e-'))
  const log = join(dir, 'serve.log')
  const out = openSync(log, 'a')
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GRIDPOINTS_ENV: 'development',
    GRIDPOINTS_DATABASE_URL: `sqlite://${join(dir, 'e2e.sqlite3')}`,
    GRIDPOINTS_REDIS_URL: '',
    GRIDPOINTS_MEDIA_DIR: join(dir, 'media'),
    GRIDPOINTS_WEB_DIST: dist,
    GRIDPOINTS_RATE_LIMIT_SCALE: '20',
    GRIDPOINTS_LOG_LEVEL: 'WARNING',
  }
  const child = spawn(process.env.GRIDPOINTS_BIN ?? 'gridpoints', ['serve', '--demo', '--port', String(port)], {
    cwd: dir,
    env,
    stdio: ['ignore', out, out],
  })
  child.on('error', (error) => {
    throw new Error(`cannot start gridpoints (is the virtual environment active?): ${error.message}`)
  })
  const url = `http://127.0.0.1:${port}`
  await waitUntilReady(url, child, log)
  process.env.GRIDPOINTS_E2E_URL = url
  process.env.GRIDPOINTS_E2E_DIR = dir
  return async () => {
    child.kill('SIGTERM')
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
  }
}
