#!/bin/sh
# Known-vulnerability check of the pinned dependencies (requirements.lock) with pip-audit.
#
#   sh scripts/audit.sh            # uses .venv's pip-audit and python, else those on PATH
#
# pip-audit asks an online vulnerability database (PyPI's, by default) about each pinned
# package. When that database cannot be reached, or answers for none of the packages, the
# check has not run: the script says so plainly and exits 0, so that an offline build still
# passes. Known vulnerabilities exit 1. The lock is complete, so it is audited as pinned
# (--no-deps --disable-pip) instead of being resolved again.
set -u
cd "$(dirname "$0")/.."

AUDIT=.venv/bin/pip-audit
PYTHON=.venv/bin/python
[ -x "$AUDIT" ] || AUDIT=$(command -v pip-audit || true)
[ -x "$PYTHON" ] || PYTHON=python3
if [ -z "$AUDIT" ]; then
    echo "audit: NOT RUN - pip-audit is not installed (pip install -e '.[test]')"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$AUDIT" --requirement requirements.lock --no-deps --disable-pip --progress-spinner off \
    --timeout "${AUDIT_TIMEOUT:-20}" --format json --output "$work/report.json" \
    2>"$work/stderr"
status=$?

if [ ! -s "$work/report.json" ]; then
    sed -n '1,20p' "$work/stderr"
    if grep -qiE "connect|resolve|timed? ?out|network|unreachable|ProxyError|SSLError|retries" \
        "$work/stderr"; then
        echo "audit: NOT RUN - the vulnerability database could not be reached (no network?);" \
             "run scripts/audit.sh again with network access"
        exit 0
    fi
    echo "audit: ERROR - pip-audit failed (exit $status; output above)"
    exit 1
fi

# Summarise the JSON report: what was audited, what could not be, what is vulnerable.
"$PYTHON" - "$work/report.json" <<'PY'
import json
import sys

report = json.load(open(sys.argv[1], encoding="utf-8"))
packages = report["dependencies"]
skipped = [p for p in packages if p.get("skip_reason")]
vulnerable = [p for p in packages if p.get("vulns")]
audited = len(packages) - len(skipped)
for package in vulnerable:
    for vuln in package["vulns"]:
        fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
        print(f"  {package['name']} {package['version']}: {vuln['id']} (fixed in {fixed})")
if vulnerable:
    print(f"audit: FAILED - {len(vulnerable)} of {audited} audited packages have known "
          "vulnerabilities (listed above)")
    sys.exit(1)
if audited == 0:
    print(f"audit: NOT RUN - the vulnerability database answered for none of the "
          f"{len(packages)} packages (first reason: {skipped[0]['skip_reason']!r}); "
          "run scripts/audit.sh again with access to it")
    sys.exit(0)
print(f"audit: CLEAN - no known vulnerabilities in {audited} pinned packages"
      + (f"; {len(skipped)} could not be audited: "
         + ", ".join(p["name"] for p in skipped) if skipped else ""))
PY
