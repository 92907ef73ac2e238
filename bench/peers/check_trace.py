# The seed article's trace checker (tools/check_trace.py), extended to the Collector's JSON lines and to the rules of
# bench/policy.yml, so that it is compared like for like: validate under POST /transfer (a child) carries the
# transfer attributes with an amount > 0; apply under it (a descendant) emits fee_debit, debit, credit in order
# without invariant.violation, has no ERROR status and a span link; apply's p95 is within 25 ms and, against the
# baseline run, not shown to be more than 10% over (a percentile bootstrap of 2,000 resamples, as TraceGate's); a
# server span POST /transfer exists; no string value looks like an email, a card number, a bearer token or a JWT.
#   python3 check_trace.py TRACES.jsonl BASELINE.jsonl
import json
import math
import random
import re
import sys

REQUIRED_ATTRS = ['transfer.from', 'transfer.to', 'transfer.fee']
ORDER = ['fee_debit', 'debit', 'credit']
EMAIL = re.compile(r'[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}')
CARD = re.compile(r'(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])')
BEARER = re.compile(r'\b[Bb]earer\s+[A-Za-z0-9\-._~+/]{8,}=*')
JWT = re.compile(r'\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}')


def luhn(digits):
    ds = [int(c) for c in digits if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(ds)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return 13 <= len(ds) <= 19 and total % 10 == 0


def leaks(value):
    if len(value) < 8:
        return False
    if '@' in value and EMAIL.search(value):
        return True
    if any(luhn(m.group(0)) for m in CARD.finditer(value)):
        return True
    if BEARER.search(value):
        return True
    return 'eyJ' in value and JWT.search(value) is not None


def number(value):
    if 'intValue' in value:
        return int(value['intValue'])
    return value.get('doubleValue')


def read(path, baseline_only):
    spans = {}
    validate, apply, durations = [], [], []
    counts = {'spans': 0, 'servers': 0, 'redactions': 0}

    def scan(attributes):
        for a in attributes:
            v = a.get('value', {}).get('stringValue')
            if v and leaks(v):
                counts['redactions'] += 1

    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            doc = json.loads(line)
            for rs in doc.get('resourceSpans', []):
                if not baseline_only:
                    scan(rs.get('resource', {}).get('attributes', []))
                for ss in rs.get('scopeSpans', []):
                    for s in ss.get('spans', []):
                        counts['spans'] += 1
                        name = s['name']
                        if name == 'apply':
                            durations.append(int(s['endTimeUnixNano']) - int(s['startTimeUnixNano']))
                        if baseline_only:
                            continue
                        trace, parent = s['traceId'], s.get('parentSpanId', '')
                        spans.setdefault((trace, s['spanId']), (parent, name))
                        scan(s.get('attributes', []))
                        for e in s.get('events', []):
                            scan(e.get('attributes', []))
                        if name == 'POST /transfer' and s.get('kind') == 2:
                            counts['servers'] += 1
                        if name == 'validate':
                            attrs = {a['key']: a.get('value', {}) for a in s.get('attributes', [])}
                            amount = number(attrs['transfer.amount']) if 'transfer.amount' in attrs else None
                            ok = all(k in attrs for k in REQUIRED_ATTRS) and amount is not None and amount > 0
                            validate.append((trace, parent, ok))
                        elif name == 'apply':
                            seen = [e['name'] for e in s.get('events', [])]
                            ok = True
                            at = 0
                            for e in ORDER:
                                try:
                                    at = seen.index(e, at) + 1
                                except ValueError:
                                    ok = False
                                    break
                            ok = ok and 'invariant.violation' not in seen and s.get('status', {}).get('code') != 2 and len(s.get('links', [])) >= 1
                            apply.append((trace, parent, ok))
    return spans, validate, apply, durations, counts


def has_ancestor(spans, trace, parent):
    for _ in range(4096):
        if not parent or (trace, parent) not in spans:
            return False
        parent, name = spans[(trace, parent)]
        if name == 'POST /transfer':
            return True
    return False


def p95(sorted_values):
    return sorted_values[max(0, math.ceil(0.95 * len(sorted_values)) - 1)] if sorted_values else 0


def bootstrap_p95(head, base, resamples=2000, confidence=0.95):
    # The 95th percentile of a resample is an order statistic of n draws: the rank-th of n uniforms is
    # Beta(rank, n - rank + 1), and the sample's inverse distribution maps it to a value (no n draws per resample).
    rng = random.Random(1)

    def draw(values):
        n = len(values)
        rank = max(1, math.ceil(0.95 * n))
        return values[min(n - 1, int(rng.betavariate(rank, n - rank + 1) * n))]

    ratios, diffs = [], []
    for _ in range(resamples):
        h, b = draw(head), draw(base)
        ratios.append(h / b - 1)
        diffs.append(h - b)
    ratios.sort()
    diffs.sort()
    lo = int((1 - confidence) / 2 * (resamples - 1))
    return p95(head) / p95(base) - 1, ratios[lo], diffs[lo]


spans, validate, apply, durations, counts = read(sys.argv[1], False)
*_, base_durations, _ = read(sys.argv[2], True)
children = [v for v in validate if (v[0], v[1]) in spans and spans[(v[0], v[1])][1] == 'POST /transfer']
descendants = [a for a in apply if has_ancestor(spans, a[0], a[1])]
durations.sort()
base_durations.sort()
change, lower, lower_abs = bootstrap_p95(durations, base_durations)
regression = lower > 0.10 and lower_abs > 1_000_000
validate_failed = sum(1 for v in children if not v[2])
apply_failed = sum(1 for a in descendants if not a[2])
ok = (children and validate_failed == 0 and descendants and apply_failed == 0 and p95(durations) <= 25_000_000
      and not regression and counts['servers'] > 0 and counts['redactions'] == 0 and len(base_durations) >= 20)
print(f'{counts["spans"]} spans; validate under POST {len(children)} (failed {validate_failed}); apply under POST {len(descendants)} '
      f'(failed {apply_failed}); apply p95 {p95(durations) / 1e6:.3f} ms, against the baseline {change:+.1%} (lower {lower:+.1%}); '
      f'servers {counts["servers"]}; redactions {counts["redactions"]}: {"trace checks passed" if ok else "failed"}')
sys.exit(0 if ok else 1)
