#!/usr/bin/env bash
# Builds archgate's PyPI wheel with maturin (pyproject.toml: `bindings = "bin"`), installs it
# into a fresh virtualenv without any index, and runs it from there as a user would:
#
#   archgate --version          the wheel's version is Cargo.toml's
#   python -m archgate --version
#   archgate check              on fixtures: exit 1 with the finding, exit 0 when clean
#
# The wheel is a release build in the repository's own target folder (Cargo.toml's release
# profile strips, so maturin adds no rustc flag and reuses what `cargo build --release`
# built, and the other way round). maturin comes from PyPI, pinned, into a cached
# virtualenv; when PyPI cannot be reached and maturin is not cached, the script says so and
# exits 0 (SKIPPED), as the issue allows. Any other failure exits non-zero.
#
# Usage: ci/wheel.sh [OUT_DIR]      (the wheel is left in OUT_DIR, default target/wheels)
# Env:   ARCHGATE_CI_CACHE=dir      where maturin is installed
#        ARCHGATE_PROFILE=dev       package the dev build instead of a release build: .ci/run
#                                   does, since `cargo test` has built it already and what is
#                                   tested is the packaging, not the optimiser

set -euo pipefail

MATURIN_VERSION=1.16.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${ARCHGATE_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/archgate-ci}"
out="${1:-$root/target/wheels}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "wheel: FAILED: $*" >&2
    exit 1
}

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)"
[[ -n "$version" ]] || fail "no version in Cargo.toml"

# --- maturin, installed once per version -----------------------------------------------------
venv="$cache/venv-maturin-$MATURIN_VERSION"
if [[ ! -x "$venv/bin/maturin" ]]; then
    if ! python3 -m pip download --quiet --no-deps --dest "$work/probe" \
        "maturin==$MATURIN_VERSION" >/dev/null 2>&1; then
        echo "wheel: SKIPPED: PyPI cannot be reached (pip download maturin==$MATURIN_VERSION failed) and maturin is not cached in $venv"
        exit 0
    fi
    echo "wheel: installing maturin $MATURIN_VERSION into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv" || fail "python3 -m venv failed"
    "$venv/bin/python" -m pip install --quiet "maturin==$MATURIN_VERSION" \
        || fail "pip install maturin failed"
fi

# --- build -----------------------------------------------------------------------------------
start=$SECONDS
mkdir -p "$out"
rm -f "$out"/archgate-*.whl
profile="${ARCHGATE_PROFILE:-release}"
(cd "$root" && "$venv/bin/maturin" build --profile "$profile" --locked --quiet --out "$out") \
    >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "maturin build failed"; }
wheels=("$out"/archgate-"$version"-*.whl)
[[ -f "${wheels[0]}" ]] || { cat "$work/build.log" >&2; fail "no archgate-$version wheel in $out"; }
wheel="${wheels[0]}"
echo "wheel: built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB) in $((SECONDS - start)) s"

# What must be in it: the binary as a script, and the Python package for `python -m`.
python3 - "$wheel" "$version" <<'PY' || fail "the wheel lacks a file"
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
version = sys.argv[2]
need = [f"archgate-{version}.data/scripts/archgate", "archgate/__init__.py", "archgate/__main__.py"]
missing = [n for n in need if n not in names]
for n in missing:
    print(f"  missing: {n}", file=sys.stderr)
sys.exit(1 if missing else 0)
PY

# --- install into a fresh virtualenv, no index -----------------------------------------------
python3 -m venv "$work/venv" || fail "python3 -m venv failed"
"$work/venv/bin/python" -m pip install --quiet --no-index --no-deps "$wheel" \
    || fail "pip install of the wheel failed"
export PATH="$work/venv/bin:$PATH"
installed="$(command -v archgate)"
[[ "$installed" == "$work/venv/bin/archgate" ]] || fail "archgate on PATH is $installed, not the venv's"

expect_version="archgate $version"
got="$(archgate --version)"
[[ "$got" == "$expect_version" ]] || fail "archgate --version printed '$got', expected '$expect_version'"
got="$(cd "$work" && python -m archgate --version)"
[[ "$got" == "$expect_version" ]] || fail "python -m archgate --version printed '$got'"

# check_fixture CASE EXPECTED_EXIT TEXT: `archgate check` in the fixture exits EXPECTED_EXIT
# and prints TEXT.
check_fixture() {
    local case="$1" expected="$2" text="$3" code=0
    (cd "$root/fixtures/$case" && archgate check --no-cache --format agent) \
        >"$work/check.out" 2>&1 || code=$?
    if [[ $code -ne $expected ]] || ! grep -qF -- "$text" "$work/check.out"; then
        cat "$work/check.out" >&2
        fail "archgate check in fixtures/$case exited $code (expected $expected) or lacks '$text'"
    fi
}
check_fixture python/formats-paths 1 "error[AG001 upward-import]"
check_fixture python/clean 0 "archgate: no violations"
# The same through `python -m archgate`, exit code included.
code=0
(cd "$root/fixtures/python/upward-import" && python -m archgate check --no-cache --format agent) \
    >"$work/m.out" 2>&1 || code=$?
[[ $code -eq 1 ]] || { cat "$work/m.out" >&2; fail "python -m archgate check exited $code, expected 1"; }

echo "wheel: OK ($(basename "$wheel"): installed in a fresh venv; archgate --version, python -m archgate, archgate check on 3 fixtures)"
