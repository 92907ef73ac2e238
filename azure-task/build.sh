#!/usr/bin/env bash
# Builds the TraceGate Azure DevOps extension offline: checks task.json, runs the handler's MockTestRunner tests,
# puts the linux-x64 Native AOT binary into the task and packages the .vsix with tfx.
set -euo pipefail
cd "$(dirname "$0")"
(cd TraceGate && npm ci --no-audit --no-fund --loglevel=error)
npm ci --no-audit --no-fund --loglevel=error
node check-task.mjs
node --test tests/
[ -x ../out/tracegate/tracegate ] || (cd .. && ./build.sh publish >/dev/null)
mkdir -p TraceGate/bin/linux-x64
cp ../out/tracegate/tracegate TraceGate/bin/linux-x64/tracegate
mkdir -p ../out/azure
npx tfx extension create --manifest-globs vss-extension.json --output-path ../out/azure --no-prompt --json > ../out/azure/tfx.json
node -e 'const r = require("../out/azure/tfx.json"); console.log(`packaged ${r.path} (${(require("fs").statSync(r.path).size / 1048576).toFixed(1)} MiB)`)'
bash tests/e2e.sh
