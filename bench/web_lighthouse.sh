#!/usr/bin/env bash
# Lighthouse's mobile performance audit of the web app (simulated slow 4G, 4x CPU slowdown,
# Moto G-class screen) against a real `gridpoints serve --demo` serving web/dist; prints the
# score and the metrics bench/WEB.md records. Needs web/dist built and Debian's Chromium.
# LIGHTHOUSE overrides the command (default: npx lighthouse 12, the last for Node 20).
set -euo pipefail
cd "$(dirname "$0")/.."
LIGHTHOUSE="${LIGHTHOUSE:-npx --yes lighthouse@12.8.2}"
PAGE="${1:-/login}"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$work" && GRIDPOINTS_WEB_DIST="$OLDPWD/web/dist" GRIDPOINTS_WEB_BUILD=0 \
  exec gridpoints serve --demo --port "$port" >"$work/serve.log" 2>&1) &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
CHROME_PATH=/usr/bin/chromium $LIGHTHOUSE "http://127.0.0.1:$port$PAGE" \
  --only-categories=performance --form-factor=mobile --output=json \
  --output-path="$work/lighthouse.json" --quiet \
  --chrome-flags="--headless=new --no-sandbox --disable-background-networking --disable-component-update --disable-sync --no-first-run"
python3 - "$work/lighthouse.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
audits = report["audits"]
print(f"performance score: {round(report['categories']['performance']['score'] * 100)}")
for key in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
            "cumulative-layout-shift", "speed-index", "interactive", "total-byte-weight"):
    print(f"{audits[key]['title']}: {audits[key]['displayValue']}")
print(f"lighthouse {report['lighthouseVersion']}, {report['environment']['hostUserAgent']}")
PY
