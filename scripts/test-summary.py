#!/usr/bin/env python3
"""Sums the meson test logs of one or more build folders.

Prints one line per build and suite, then the closing line CI reads:
"N passed, N failed" (with ", N skipped" when some were skipped).
Usage: test-summary.py BUILD_DIR [BUILD_DIR...]
"""
import json
import os
import sys
from collections import Counter

total = Counter()
for build in sys.argv[1:]:
    path = os.path.join(build, 'meson-logs', 'testlog.json')
    if not os.path.exists(path):
        print(f'{build}: no test log (tests did not run)')
        total['failed'] += 1
        continue
    suites = {}
    with open(path) as f:
        for line in f:
            entry = json.loads(line)
            # names look like "polyvm:unit / unit-fpu": the suite sits before ' / '
            suite = entry['name'].split(' / ')[0].split(':')[-1]
            result = entry['result']
            kind = 'passed' if result in ('OK', 'EXPECTEDFAIL') else 'skipped' if result == 'SKIP' else 'failed'
            suites.setdefault(suite, Counter())[kind] += 1
            total[kind] += 1
    for suite, c in sorted(suites.items()):
        print(f'{build}: {suite:14} {c["passed"]} passed, {c["failed"]} failed, {c["skipped"]} skipped')

line = f'{total["passed"]} passed, {total["failed"]} failed'
if total['skipped']:
    line += f', {total["skipped"]} skipped'
print(line)
