// The example against a real `gridpoints serve --demo` (the `gridpoints` on PATH, as
// scripts/test provides it), and the manifest's hashes.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { catalogueFor } from "../src/example.js";

const here = new URL("../../", import.meta.url);
let gateway: ChildProcess;
let url: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

async function ready(base: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the gateway at ${base} did not become ready`);
}

before(async () => {
  const port = await freePort();
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("GRIDPOINTS_")),
  );
  gateway = spawn("gridpoints", ["serve", "--demo", "--port", String(port)], {
    cwd: mkdtempSync(join(tmpdir(), "typed-client-")),
    env,
    stdio: "ignore",
  });
  url = `http://127.0.0.1:${port}/graphql`;
  await ready(`http://127.0.0.1:${port}`);
});

after(() => {
  gateway?.kill("SIGTERM");
});

test("the demo admin logs in and reads the catalogue, typed end to end", async () => {
  const { me, offers } = await catalogueFor(url, "13800000000", "gridpoints-demo");
  assert.ok(me?.roles.includes("COMMUNITY_ADMIN"));
  assert.equal(typeof me?.pointsBalance, "number");
  assert.ok(offers.length > 0 && offers.length <= 5);
  for (const offer of offers) {
    assert.equal(typeof offer.title, "string");
    assert.ok(Number.isInteger(offer.pointsPrice) && offer.pointsPrice > 0);
    assert.match(offer.merchant.id, /^[A-Za-z0-9_-]+$/);
  }
});

test("a wrong password is refused with INVALID_CREDENTIALS", async () => {
  await assert.rejects(catalogueFor(url, "13800000000", "not-the-password"), /INVALID_CREDENTIALS/);
});

test("the manifest maps each document's sha256 to its text", () => {
  const manifest = JSON.parse(
    readFileSync(new URL("src/gql/persisted-documents.json", here), "utf8"),
  ) as Record<string, string>;
  assert.deepEqual(Object.keys(manifest).length, 4);
  for (const [hash, text] of Object.entries(manifest)) {
    assert.equal(createHash("sha256").update(text).digest("hex"), hash);
  }
});
