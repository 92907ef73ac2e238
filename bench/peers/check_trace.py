# The seed article's trace checker (tools/check_trace.py), extended to the Collector's JSON lines and to the same
# rules as bench/policy.yml, so that it is compared like for like: validate carries the transfer attributes,
# apply emits fee_debit, debit, credit in order without invariant.violation, apply's p95 is within 25 ms.
import json
import math
import sys

REQUIRED_SPANS = ['validate', 'apply']
REQUIRED_ATTRS = ['transfer.from', 'transfer.to', 'transfer.amount', 'transfer.fee']
ORDER = ['fee_debit', 'debit', 'credit']

names = set()
spans = 0
missing = 0
bad_order = 0
durations = []
with open(sys.argv[1]) as f:
    for line in f:
        if not line.strip():
            continue
        doc = json.loads(line)
        for rs in doc.get('resourceSpans', []):
            for ss in rs.get('scopeSpans', []):
                for s in ss.get('spans', []):
                    spans += 1
                    names.add(s['name'])
                    if s['name'] == 'validate':
                        attrs = {a['key'] for a in s.get('attributes', [])}
                        if any(a not in attrs for a in REQUIRED_ATTRS):
                            missing += 1
                    elif s['name'] == 'apply':
                        durations.append(int(s['endTimeUnixNano']) - int(s['startTimeUnixNano']))
                        seen = [e['name'] for e in s.get('events', [])]
                        at = 0
                        for e in ORDER:
                            try:
                                at = seen.index(e, at) + 1
                            except ValueError:
                                bad_order += 1
                                break
                        if 'invariant.violation' in seen:
                            bad_order += 1

for req in REQUIRED_SPANS:
    if req not in names:
        print(f'missing span: {req}')
        sys.exit(1)
durations.sort()
p95 = durations[max(0, math.ceil(0.95 * len(durations)) - 1)] if durations else 0
ok = missing == 0 and bad_order == 0 and p95 <= 25_000_000
print(f'{spans} spans; missing attributes {missing}; bad order {bad_order}; apply p95 {p95 / 1e6:.3f} ms: {"trace checks passed" if ok else "failed"}')
sys.exit(0 if ok else 1)
