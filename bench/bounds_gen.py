#!/usr/bin/env python3
"""Writes one input at each documented limit of TraceGate (README: Limits, Bad trace input, Rules) into DIR.

Each case is a directory with what `tracegate check` reads; bench/bounds.sh runs the published binary on each.
Usage: bench/bounds_gen.py DIR
"""
import gzip
import json
import os
import sys

MIB = 1024 * 1024
out = sys.argv[1]


def case(name, files):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    for rel, data in files.items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())


def fill(head, line, limit, tail=""):
    """head + as many copies of line as fit in limit bytes with tail."""
    n = (limit - len(head.encode()) - len(tail.encode())) // len(line.encode())
    return head + line * n + tail


PR = "Incident: INC-2471\nPrimary trace: 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2\nInvariant: never negative\nRepro: tests/t.py::test_x\nRollback: revert\n"
REPO = {"tests/t.py": "def test_x(): pass\n"}
NOTRACE_POLICY = "version: 1\n"


def span(trace, sid, parent, name, attrs=None):
    s = {"traceId": trace, "spanId": "%016x" % sid, "name": name, "kind": 1,
         "startTimeUnixNano": "1795168800000000000", "endTimeUnixNano": "1795168800001000000"}
    if parent:
        s["parentSpanId"] = "%016x" % parent
    if attrs:
        s["attributes"] = attrs
    return s


def request(spans):
    return {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "transfer-svc"}}]},
                               "scopeSpans": [{"scope": {"name": "bounds"}, "spans": spans}]}]}


def jsonl(requests):
    return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in requests)


# Commit messages: 16 MiB together, in the three shapes that were quadratic.
case("commits-trailer-lines-16MiB", {**REPO, "pr.md": PR, "commits.nul": fill("fix: the fee guard\n\n", "INC: INC-2471\n", 16 * MIB)})
case("commits-one-folded-trailer-16MiB", {**REPO, "pr.md": PR, "commits.nul": fill("fix\n\nROLLBACK: revert\n", " and more\n", 16 * MIB)})
case("commits-trailer-shaped-prose-16MiB", {**REPO, "pr.md": PR, "commits.nul": fill("fix\n\n", "INC: INC-1\n", 16 * MIB, "\nprose that ends it\n")})

# The PR description: 1 MiB of label lines, and 1 MiB of nested quotes (Markdig's depth limit).
case("pr-body-label-lines-1MiB", {**REPO, "pr.md": fill(PR, "Incident: INC-2471\n", MIB)})
case("pr-body-nested-quotes-1MiB", {**REPO, "pr.md": fill(PR, ">", MIB - 1, "\n")})

# The policy: 256 KiB of rules over 10,000 spans; and nesting at the 32-level limit.
rule = "    - select: 'span[name=\"apply\"]'\n      count: '>= 0'\n      attributes: {{ transfer.fee: exists, k{0}: '> 0' }}\n"
rules, i = "version: 1\ntraces:\n  files: ['t.jsonl']\n  rules:\n", 0
while len(rules) + 200 < 256 * 1024:
    rules += rule.format(i)
    i += 1
small = jsonl([request([span("%032x" % (t + 1), 2 * t + 1, 0, "req"), span("%032x" % (t + 1), 2 * t + 2, 2 * t + 1, "apply")]) for t in range(5000)])
case("policy-256KiB-of-rules", {"p.yml": rules, "t.jsonl": small})
nested = "version: 1\nx-nest: " + "[" * 31 + "]" * 31 + "\n"
case("policy-nesting-32-levels", {**REPO, "pr.md": PR, "p.yml": nested})

# Selectors at their bounds: 4 selectors of 16 steps and one of 5 (64 ancestor steps together) over chains of
# 5,000 spans (past the 4,096-hop bound), 40 chains = 200,000 spans, whose root is not the one the selectors ask for.
deep_rules = "version: 1\ntraces:\n  files: ['t.jsonl']\n  rules:\n"
for r in range(4):
    deep_rules += "    - select: '%s'\n      count: '>= 0'\n" % " ".join(["span[name=x]"] + ["span[name=a]"] * 15)
deep_rules += "    - select: '%s'\n      count: '>= 0'\n" % " ".join(["span[name=r]"] + ["span[name=a]"] * 4)
chains = []
for c in range(40):
    trace = "%032x" % (c + 1)
    base = c * 10000
    batch = [span(trace, base + 1, 0, "r")]
    for k in range(2, 5002):
        batch.append(span(trace, base + k, base + k - 1, "a"))
        if len(batch) == 1000:
            chains.append(request(batch))
            batch = []
    if batch:
        chains.append(request(batch))
case("selectors-64-ancestor-steps-chains-5000-deep", {"p.yml": deep_rules, "t.jsonl": jsonl(chains)})

# Attribute values at the nesting limit of 32: in OTLP JSON an array is two levels (arrayValue, values), so 16 arrays
# around a string, on 20,000 spans (17 arrays are refused).
value = {"stringValue": "leaf"}
for _ in range(16):
    value = {"arrayValue": {"values": [value]}}
attr_spans = [span("%032x" % (t + 1), t + 1, 0, "apply", [{"key": "deep", "value": value}]) for t in range(20000)]
case("attribute-nesting-at-the-limit", {"p.yml": "version: 1\ntraces:\n  files: ['t.jsonl']\n  rules:\n    - select: 'span[name=apply]'\n      attributes: { deep: exists }\n",
                                     "t.jsonl": jsonl([request(attr_spans[i:i + 1000]) for i in range(0, len(attr_spans), 1000)])})

# One JSON line just under 64 MiB (the limit for one line or token).
line_spans, size = [], 0
t = 0
while size < 63 * MIB:
    s = span("%032x" % (t + 1), t + 1, 0, "apply", [{"key": "transfer.fee", "value": {"intValue": "3"}}])
    line_spans.append(s)
    size += len(json.dumps(s, separators=(",", ":"))) + 1
    t += 1
case("json-line-63MiB", {"p.yml": "version: 1\ntraces:\n  files: ['t.jsonl']\n  rules:\n    - select: 'span[name=apply]'\n      attributes: { transfer.fee: exists }\n",
                         "t.jsonl": jsonl([request(line_spans)])})

# XML test results just under the 512 Mi-character limit (ASCII, so bytes are characters), with the PR's repro
# among them: a million-case JUnit report, and one case whose captured output is the whole file.
def xml_case(name, head, unit, tail, limit=511 * MIB):
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "tests"), exist_ok=True)
    for rel, data in {**REPO, "pr.md": PR}.items():
        with open(os.path.join(d, rel), "w") as f:
            f.write(data)
    with open(os.path.join(d, "results.xml"), "w") as f:
        f.write(head)
        size, block = len(head) + len(tail), unit * 4096
        while size + len(block) <= limit:
            f.write(block)
            size += len(block)
        f.write(unit * ((limit - size) // len(unit)))
        f.write(tail)


xml_case("test-results-junit-511MiB-of-cases",
         '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="tests" tests="0">\n<testcase classname="tests.t" name="test_x" time="0.001"/>\n',
         '<testcase classname="tests.other" name="test_generated_case" time="0.001"/>\n', "</testsuite></testsuites>\n")
xml_case("test-results-junit-511MiB-of-output",
         '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="tests" tests="1">\n<testcase classname="tests.t" name="test_x" time="0.001"><system-out>',
         "captured output of the test, line after line\n", "</system-out></testcase>\n</testsuite></testsuites>\n")

# gzip that inflates to 256 MiB (the decompressed bound's floor) of JSON lines.
batches, size = [], 0
t = 0
while size < 255 * MIB:
    line = json.dumps(request([span("%032x" % (t + k + 1), t + k + 1, 0, "apply") for k in range(500)]), separators=(",", ":")) + "\n"
    batches.append(line)
    size += len(line)
    t += 500
case("gzip-inflating-to-255MiB", {"p.yml": "version: 1\ntraces:\n  files: ['t.jsonl.gz']\n  rules:\n    - select: 'span[name=apply]'\n",
                                  "t.jsonl.gz": gzip.compress("".join(batches).encode(), 6)})
