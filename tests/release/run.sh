#!/usr/bin/env bash
# The release workflow's steps that can run here, everything but the pushes: the linux-x64 and linux-arm64 Native
# AOT binaries (arm64 cross-compiled with Debian's aarch64 cross toolchain and run under qemu-user), the release
# archives and their SHA-256 sums, the TraceGate tool packages, and the tool installed from that local folder feed
# into a temporary tool path, then run: `tracegate --version` and the bundled example. Prints every figure.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
say() { echo "release-test: $*"; }
fail() { say "FAILED: $*"; exit 1; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
version=$(tr -d '[:space:]' < version.txt)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Native AOT cross-compiles to arm64 with clang --target=aarch64-linux-gnu, linking with the cross binutils against
# the cross libc; qemu-user runs the result.
need=()
command -v clang >/dev/null || need+=(clang)
command -v llvm-objcopy >/dev/null || need+=(llvm)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
command -v aarch64-linux-gnu-ld.bfd >/dev/null || need+=(binutils-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
command -v zip >/dev/null || need+=(zip)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

rm -rf out/release
[ -x out/publish/linux-x64/tracegate ] || ./build.sh publish linux-x64 >/dev/null
# RELEASE_TEST_REUSE=1 (for iterating by hand) keeps a linux-arm64 build already there; CI always builds it.
if [ "${RELEASE_TEST_REUSE:-}" = 1 ] && [ -x out/publish/linux-arm64/tracegate ] && ls out/packages/TraceGate.linux-arm64.*.nupkg >/dev/null 2>&1; then
  say "reusing out/publish/linux-arm64 (RELEASE_TEST_REUSE=1)"
else
  start=$(date +%s%N)
  ./build.sh publish linux-arm64 >"$work/arm64.log" 2>&1 || { tail -30 "$work/arm64.log"; fail "the linux-arm64 cross-compile failed"; }
  say "linux-arm64 cross-compiled (Native AOT publish and tool package) in $(ms_since "$start") ms"
fi
file out/publish/linux-arm64/tracegate | grep -q 'ARM aarch64' || fail "out/publish/linux-arm64/tracegate is not an arm64 ELF"
qemu-aarch64 -L /usr/aarch64-linux-gnu out/publish/linux-arm64/tracegate --version | grep -q "^tracegate $version " \
  || fail "the arm64 binary does not run under qemu-aarch64"
qemu-aarch64 -L /usr/aarch64-linux-gnu out/publish/linux-arm64/tracegate check --workspace examples/payments \
  --pr-body examples/payments/pr-body.md --commits examples/payments/commits.nul >"$work/arm64-example.txt" \
  || { cat "$work/arm64-example.txt"; fail "the arm64 binary failed the example under qemu"; }
for rid in linux-x64 linux-arm64; do
  say "binary $rid: $(mib "$(stat -c %s "out/publish/$rid/tracegate")") MiB ($(stat -c %s "out/publish/$rid/tracegate") bytes)"
  ./build.sh archive "$rid"
done

# The release's SHA256SUMS, and the check the setup action makes.
(cd out/release && sha256sum -- * > SHA256SUMS && sha256sum --check --quiet SHA256SUMS) || fail "SHA256SUMS does not verify"
for a in out/release/*.tar.gz; do
  tar -tzf "$a" | grep -qx tracegate || fail "$a does not hold tracegate at its root (the setup action extracts it there)"
  say "archive $(basename "$a"): $(mib "$(stat -c %s "$a")") MiB"
done

# The tool: the pointer package and the linux-x64 and linux-arm64 packages in one folder feed.
./build.sh pack >/dev/null
for p in "TraceGate.$version.nupkg" "TraceGate.linux-x64.$version.nupkg" "TraceGate.linux-arm64.$version.nupkg"; do
  [ -f "out/packages/$p" ] || fail "out/packages/$p is missing"
done
for rid in linux-x64 linux-arm64; do
  files=$(unzip -Z1 "out/packages/TraceGate.$rid.$version.nupkg" | grep '^tools/' | sort | tr '\n' ' ')
  [ "$files" = "tools/any/$rid/DotnetToolSettings.xml tools/any/$rid/tracegate " ] \
    || fail "TraceGate.$rid.$version.nupkg holds more than the binary and its settings: $files"
done
feed="$work/feed"; mkdir -p "$feed"; cp out/packages/*.nupkg "$feed/"
tools="$work/tools"
start=$(date +%s%N)
# As the README says, with a NuGet.config of this one feed, so nothing comes from elsewhere.
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="local" value="$feed" /></packageSources></configuration>
XML
dotnet tool install TraceGate --version "$version" --tool-path "$tools" --configfile "$work/nuget.config" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "dotnet tool install from the local feed failed"; }
say "dotnet tool install from the local feed: $(ms_since "$start") ms"
"$tools/tracegate" --version | grep -q "^tracegate $version (commit " || fail "the installed tool does not print its version"
cmp -s "$(readlink -f "$tools/tracegate")" out/publish/linux-x64/tracegate || fail "the installed tool is not the released linux-x64 binary"
set +e
"$tools/tracegate" check --workspace examples/payments --pr-body examples/payments/pr-body.md --commits examples/payments/commits.nul >"$work/tool-example.txt"
code=$?
set -e
[ "$code" = 0 ] && grep -q '^TraceGate PASSED' "$work/tool-example.txt" || { cat "$work/tool-example.txt"; fail "the installed tool exited $code on the example"; }
start=$(date +%s%N)
"$tools/tracegate" check --workspace examples/payments --pr-body examples/payments/pr-body.md --commits examples/payments/commits.nul >/dev/null
say "the installed tool on the example: $(ms_since "$start") ms, exit 0"
say "passed"
