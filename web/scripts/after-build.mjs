// After `vite build`: ship the persisted-documents manifest beside the app (for the gateway's
// trusted-documents mode), and hold the resident app's initial JavaScript to its budget.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'

const DIST = 'dist'
const BUDGET_BYTES = 200 * 1024

copyFileSync('src/gql/persisted-documents.json', join(DIST, 'persisted-documents.json'))

// What a phone loads before the first page shows: index.html's module script, the chunks it
// preloads, and the chunks of the resident home page (the route every login lands on).
const html = readFileSync(join(DIST, 'index.html'), 'utf8')
const initial = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]))
const manifest = JSON.parse(readFileSync(join(DIST, '.vite', 'manifest.json'), 'utf8'))
const entry = Object.values(manifest).find((chunk) => chunk.isEntry)
function addWithImports(key) {
  const chunk = manifest[key]
  if (!chunk || initial.has(chunk.file)) return
  initial.add(chunk.file)
  for (const imported of chunk.imports ?? []) addWithImports(imported)
}
for (const imported of entry.imports ?? []) addWithImports(imported)
addWithImports('src/pages/resident/HomePage.vue')

const files = [...initial].map((file) => ({ file, gzip: gzipSync(readFileSync(join(DIST, file))).length }))
const total = files.reduce((sum, f) => sum + f.gzip, 0)
writeFileSync(join(DIST, 'bundle-size.json'), JSON.stringify({ budgetBytes: BUDGET_BYTES, totalGzipBytes: total, files }, null, 2))
console.log(`resident app initial JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_BYTES / 1024} KB)`)
if (total > BUDGET_BYTES) {
  console.error('over the budget: split the code or drop a dependency')
  process.exit(1)
}
