#!/usr/bin/env bash
# Builds the action's Dockerfile and runs the image exactly as GitHub runs a container action: the workspace at
# /github/workspace, the event file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, INPUT_* variables with their
# hyphens, against prism serving GitHub's published OpenAPI description. Fails on any mismatch.
#
# This machine reaches no container registry, so the Dockerfile is built as written except its two base images,
# which are build arguments: the build stage (SDK_IMAGE) is a Debian bookworm debootstrap that only copies the
# binary `./build.sh publish` made (PREBUILT=1, as the release workflow does with the release's binaries); the final
# stage (RUNTIME_IMAGE) is tests/container/chiseled-standin, the chiseled runtime-deps image's package set from that
# debootstrap on scratch. Then the image is checked: at most 40 MiB, no shell, no git, CA certificates present.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$(mktemp -d)
cleanup() {
  [ -n "${prism_pid:-}" ] && kill "$prism_pid" 2>/dev/null || true
  [ -n "${proxy_pid:-}" ] && kill "$proxy_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { echo "container-test: $*"; }

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  (dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false >/tmp/tracegate-dockerd.log 2>&1 &)
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { cat /tmp/tracegate-dockerd.log; say "dockerd did not start"; exit 1; }
fi

if ! docker image inspect tracegate-base:bookworm >/dev/null 2>&1; then
  say "making the base image with debootstrap (bookworm, minbase, git, ca-certificates)"
  debootstrap --variant=minbase --include=git,ca-certificates bookworm "$work/rootfs" >/dev/null
  tar -C "$work/rootfs" -c . | docker import - tracegate-base:bookworm >/dev/null
fi
say "making the chiseled runtime-deps stand-in (tests/container/chiseled-standin)"
DOCKER_BUILDKIT=0 docker build -q --network none -t tracegate-chiseled-standin:bookworm tests/container/chiseled-standin >/dev/null

[ -x out/publish/linux-x64/tracegate ] || ./build.sh publish >/dev/null
say "building the Dockerfile offline (--network none, PREBUILT=1: the binary was published outside with the same command)"
DOCKER_BUILDKIT=0 docker build -q --network none \
  --build-arg SDK_IMAGE=tracegate-base:bookworm --build-arg RUNTIME_IMAGE=tracegate-chiseled-standin:bookworm \
  --build-arg PREBUILT=1 --build-arg TARGETARCH=amd64 --build-arg VERSION="$(tr -d '[:space:]' < version.txt)" \
  -t tracegate-action:test . >/dev/null
size=$(docker image inspect -f '{{.Size}}' tracegate-action:test)
base_size=$(docker image inspect -f '{{.Size}}' tracegate-chiseled-standin:bookworm)
binary_size=$(stat -c %s out/publish/linux-x64/tracegate)
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
say "image size $(mib "$size") MiB uncompressed: the chiseled stand-in $(mib "$base_size") MiB, the binary $(mib "$binary_size") MiB"
[ "$size" -le $((40 * 1024 * 1024)) ] || { say "FAILED: the image is over 40 MiB"; exit 1; }

# What the final image holds: the binary runs, prints this version; no shell, no git; the CA bundle is there.
version=$(tr -d '[:space:]' < version.txt)
docker run --rm --network none --entrypoint /usr/local/bin/tracegate tracegate-action:test --version | grep -q "^tracegate $version " \
  || { say "FAILED: tracegate --version in the image does not print $version"; exit 1; }
if docker run --rm --network none --entrypoint /bin/sh tracegate-action:test -c true >/dev/null 2>&1; then say "FAILED: the image has a shell"; exit 1; fi
if docker run --rm --network none --entrypoint git tracegate-action:test --version >/dev/null 2>&1; then say "FAILED: the image has git"; exit 1; fi
docker create --name "tracegate-ca-$$" tracegate-action:test >/dev/null
docker cp "tracegate-ca-$$:/etc/ssl/certs/ca-certificates.crt" "$work/ca.crt" >/dev/null && docker rm "tracegate-ca-$$" >/dev/null
grep -q 'BEGIN CERTIFICATE' "$work/ca.crt" || { say "FAILED: no CA certificates in the image"; exit 1; }
# --git-range is the one path that runs git: in the image it is a usage error that says why, never a crash.
mkdir -p "$work/gitless"
set +e
docker run --rm --network none -v "$work/gitless:/w" tracegate-action:test --workspace /w --git-range main..HEAD >"$work/gitless.out" 2>&1
gitless=$?
set -e
[ "$gitless" = 2 ] && grep -q "needs git on PATH" "$work/gitless.out" \
  || { cat "$work/gitless.out"; say "FAILED: --git-range without git exited $gitless"; exit 1; }

# The GitHub API mock, behind a recording proxy.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
prism_port=$(free_port); proxy_port=$(free_port)
(cd tests/mock-servers && exec node_modules/.bin/prism mock node_modules/@octokit/openapi/generated/api.github.com.json -h 127.0.0.1 -p "$prism_port" >"$work/prism.log" 2>&1) &
prism_pid=$!
node tests/mock-servers/proxy.mjs "$proxy_port" "$prism_port" "$work/requests.jsonl" >"$work/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 120); do grep -q "Prism is listening" "$work/prism.log" 2>/dev/null && break; sleep 1; done
grep -q "Prism is listening" "$work/prism.log" || { tail "$work/prism.log"; say "prism did not start"; exit 1; }

# The runner's layout: a workspace (the bundled example), the event, the file commands.
mkdir -p "$work/workspace" "$work/workflow" "$work/file_commands"
cp -r examples/payments/. "$work/workspace/"
# The example's policy asks for evidence only on bug-fix PRs (evidence.when); GitHub's example PR is none, so this
# run uses the same policy without the scope: the PR is in scope, holds no evidence, and the evidence gate fails.
python3 - "$work/workspace/.tracegate.yml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s, n = re.subn(r"\n  when:\n(    .*\n)+", "\n", s)
assert n == 1, "the example policy's evidence.when block was not found"
open(p, "w").write(s)
PY
node -e '
  const all = require("./tests/mock-servers/node_modules/@octokit/webhooks-examples/api.github.com/index.json");
  const ev = all.find(e => e.name === "pull_request").examples.find(x => x.action === "opened");
  ev.pull_request.body = require("fs").readFileSync(process.argv[1], "utf8");
  require("fs").writeFileSync(process.argv[2], JSON.stringify(ev));
' examples/payments/pr-body.md "$work/workflow/event.json"
touch "$work/file_commands/set_output" "$work/file_commands/step_summary"
head_sha=$(node -e 'console.log(require(process.argv[1]).pull_request.head.sha)' "$work/workflow/event.json")
token="ghs_containertesttoken0123456789SECRET"

say "running the action's image as the runner does"
start=$(date +%s%N)
set +e
docker run --rm --network host \
  --workdir /github/workspace \
  -v "$work/workspace:/github/workspace" -v "$work/workflow:/github/workflow" -v "$work/file_commands:/github/file_commands" \
  -e GITHUB_ACTIONS=true -e GITHUB_EVENT_NAME=pull_request -e GITHUB_EVENT_PATH=/github/workflow/event.json \
  -e GITHUB_WORKSPACE=/github/workspace -e GITHUB_REPOSITORY=acme/payments -e GITHUB_SHA="$head_sha" \
  -e GITHUB_API_URL="http://127.0.0.1:$proxy_port" -e GITHUB_SERVER_URL=https://github.test -e GITHUB_RUN_ID=7 \
  -e GITHUB_OUTPUT=/github/file_commands/set_output -e GITHUB_STEP_SUMMARY=/github/file_commands/step_summary \
  -e INPUT_TOKEN="$token" -e "INPUT_CHECK-NAME=TraceGate" -e "INPUT_FAIL-ON=failure" -e INPUT_MODE=run -e INPUT_COMMENT=true \
  -e INPUT_POLICY=.tracegate.yml -e INPUT_TRACES= -e INPUT_BASELINE= -e "INPUT_TEST-RESULTS=" \
  tracegate-action:test >"$work/stdout" 2>"$work/stderr"
code=$?
set -e
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
cat "$work/stdout" "$work/stderr"
fail() { say "FAILED: $*"; echo "--- requests"; cat "$work/requests.jsonl" 2>/dev/null; exit 1; }

# The action reads the PR description fresh from the API, and the mock answers with GitHub's example PR, which holds
# no evidence: the evidence gate fails (exit 1 with fail-on: failure) while the example's trace gates pass.
[ "$code" = 1 ] || fail "the container exited $code, expected 1 (evidence missing in the mock's PR)"
grep -q "FAIL  evidence.incident" "$work/stdout" || fail "evidence was not judged from the API's PR description"
grep -q "pass  traces.fee-before-debit" "$work/stdout" || fail "the trace gates did not run on the mounted workspace"
grep -q "pass  traces.apply-latency" "$work/stdout" || fail "the baseline comparison did not run"
python3 - "$work/requests.jsonl" "$head_sha" "$token" <<'PY' || fail "the API requests were not what the runner expects"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
head, token = sys.argv[2], sys.argv[3]
bad = [r for r in reqs if r["status"] >= 300]
assert not bad, f"prism rejected: {bad}"
assert all(r["auth"] == "present" for r in reqs), "every request is authenticated"
paths = [(r["method"], r["path"].split("?")[0]) for r in reqs]
assert ("POST", "/repos/acme/payments/check-runs") in paths, paths
done = [json.loads(r["body"]) for r in reqs if r["method"] == "PATCH" and "/check-runs/" in r["path"]]
assert done and done[-1]["status"] == "completed" and done[-1]["conclusion"] == "failure", done
create = [json.loads(r["body"]) for r in reqs if r["method"] == "POST" and r["path"].endswith("/check-runs")][0]
assert create["head_sha"] == head, create
assert any(r["path"].endswith("/comments") for r in reqs), "the sticky comment was posted"
assert not any(token in r["body"] for r in reqs), "the token never appears in a body"
print(f"container-test: {len(reqs)} requests, all accepted by the GitHub API mock; check run {done[-1]['conclusion']}")
PY
grep -q '^conclusion<<ghadelimiter_' "$work/file_commands/set_output" || fail "no conclusion output"
grep -q '^report<<ghadelimiter_' "$work/file_commands/set_output" || fail "no report output"
grep -q '^## .*TraceGate' "$work/file_commands/step_summary" || fail "no step summary"
[ -f "$work/workspace/.tracegate/report.json" ] || fail "no JSON report in the workspace"
if grep -q "$token" "$work/stdout" "$work/stderr" "$work/file_commands/set_output" "$work/file_commands/step_summary"; then fail "the token was printed"; fi

# Cold start: the binary alone in a fresh container; and the verdict on the example without the API.
cold_start=$( { /usr/bin/time -f '%e' docker run --rm --network none --entrypoint /usr/local/bin/tracegate tracegate-action:test --help >/dev/null; } 2>&1 )
start=$(date +%s%N)
docker run --rm --network none -v "$root/examples/payments:/w:ro" tracegate-action:test --workspace /w --pr-body /w/pr-body.md --commits /w/commits.nul >"$work/example.out" \
  || { cat "$work/example.out"; say "FAILED: the example did not pass in the image"; exit 1; }
example_ms=$(( ($(date +%s%N) - start) / 1000000 ))
grep -q '^TraceGate PASSED' "$work/example.out" || fail "no verdict on the example"
say "passed: the action ran in ${elapsed_ms} ms (container start and the API mock included); docker run to verdict on the example ${example_ms} ms; 'docker run ... --help' took ${cold_start} s"
