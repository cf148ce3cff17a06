// Runs every graphql-http server audit against the URL given, and prints one JSON line:
// {"pass": n, "warn": [...], "error": [...]} (notices, for MAY items, are not failures).
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
const outcome = { pass: 0, warn: [], error: [], notice: [] };
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  if (result.status === 'ok') outcome.pass += 1;
  else outcome[result.status].push(`${audit.name}: ${result.reason}`);
}
console.log(JSON.stringify(outcome));
