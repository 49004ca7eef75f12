#!/usr/bin/env bash
# Builds archgate's npm packages for this platform and installs them as a user would, with
# no registry at all:
#
#   npm/archgate/                 the wrapper package: `bin/archgate.js` runs the binary of
#                                 the optional dependency @archgate/cli-<platform>-<arch>
#   @archgate/cli-<os>-<cpu>      generated here: the release binary, `os`/`cpu` (and `libc`
#                                 on Linux) so that npm installs only the matching one
#
# Both are packed with `npm pack`, installed from the tarballs into a fresh project
# (`npm install --offline`, an empty npm cache: the other platforms' optional packages
# cannot be fetched and are skipped, as npm does for optional dependencies), then
# `npx archgate --version` and `npx archgate check` on fixtures run from that install.
#
# Usage: ci/npm.sh [OUT_DIR]     (the two tarballs are left in OUT_DIR, default target/npm)
# Env:   ARCHGATE_BIN=path       the binary to package (default: cargo build --release)
#        ARCHGATE_PROFILE=dev    package the dev build instead (.ci/run: it is built already)

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/target/npm}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "npm: FAILED: $*" >&2
    exit 1
}

command -v npm >/dev/null || fail "npm is not installed"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)"
wrapper="$root/npm/archgate"

# The wrapper's version and its optional dependencies' versions are Cargo.toml's.
node - "$wrapper/package.json" "$version" <<'JS' || fail "npm/archgate/package.json is out of date"
const [file, version] = process.argv.slice(2);
const pkg = require(file);
const wrong = [];
if (pkg.version !== version) wrong.push(`version ${pkg.version}`);
for (const [name, v] of Object.entries(pkg.optionalDependencies)) {
  if (v !== version) wrong.push(`${name}@${v}`);
}
for (const w of wrong) console.error(`  ${w}, expected ${version}`);
process.exit(wrong.length ? 1 : 0);
JS

# --- the binary ------------------------------------------------------------------------------
if [[ -z "${ARCHGATE_BIN:-}" ]]; then
    profile="${ARCHGATE_PROFILE:-release}"
    (cd "$root" && cargo build --profile "$profile" --locked --quiet) \
        || fail "cargo build --profile $profile failed"
    folder="$profile"
    [[ "$profile" == dev ]] && folder=debug
    ARCHGATE_BIN="${CARGO_TARGET_DIR:-$root/target}/$folder/archgate"
fi
[[ -x "$ARCHGATE_BIN" ]] || fail "no archgate binary at $ARCHGATE_BIN"

# --- the platform package --------------------------------------------------------------------
read -r os cpu < <(node -e 'console.log(process.platform, process.arch)')
name="@archgate/cli-$os-$cpu"
node -e 'process.exit(require(process.argv[1]).optionalDependencies[process.argv[2]] ? 0 : 1)' \
    "$wrapper/package.json" "$name" || fail "$name is not among npm/archgate's optionalDependencies"
exe=archgate
[[ "$os" == win32 ]] && exe=archgate.exe
platform="$work/platform"
mkdir -p "$platform/bin"
cp "$ARCHGATE_BIN" "$platform/bin/$exe"
chmod 755 "$platform/bin/$exe"
node - "$platform/package.json" "$name" "$version" "$os" "$cpu" "$exe" <<'JS'
const [file, name, version, os, cpu, exe] = process.argv.slice(2);
const pkg = {
  name,
  version,
  description: `The archgate binary for ${os}-${cpu}; install the \`archgate\` package, which picks it.`,
  license: "MIT OR Apache-2.0",
  repository: { type: "git", url: "git+https://github.com/archgate/archgate.git" },
  os: [os],
  cpu: [cpu],
  // The Linux binaries link glibc; npm 10 skips them on musl systems.
  ...(os === "linux" ? { libc: ["glibc"] } : {}),
  files: [`bin/${exe}`],
  preferUnplugged: true,
};
require("fs").writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
JS

# --- pack both -------------------------------------------------------------------------------
mkdir -p "$out"
rm -f "$out"/*.tgz
(cd "$platform" && npm pack --silent --pack-destination "$out") >/dev/null \
    || fail "npm pack of $name failed"
(cd "$wrapper" && npm pack --silent --pack-destination "$out") >/dev/null \
    || fail "npm pack of archgate failed"
platform_tgz="$out/archgate-cli-$os-$cpu-$version.tgz"
wrapper_tgz="$out/archgate-$version.tgz"
[[ -f "$platform_tgz" && -f "$wrapper_tgz" ]] || { ls -l "$out" >&2; fail "npm pack wrote other names"; }
# The binary keeps its execute bit in the tarball.
listing="$(tar -tvzf "$platform_tgz")"
grep -q "^-rwx.* package/bin/$exe$" <<<"$listing" \
    || { echo "$listing" >&2; fail "bin/$exe is not executable in $platform_tgz"; }

# --- install offline into a fresh project and run it -----------------------------------------
project="$work/project"
mkdir -p "$project"
echo '{"name": "archgate-npm-smoke", "version": "1.0.0", "private": true}' >"$project/package.json"
(cd "$project" && npm install --offline --cache "$work/npm-cache" --no-audit --no-fund \
    --loglevel=error "$platform_tgz" "$wrapper_tgz") >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; fail "npm install of the tarballs failed"; }
[[ -d "$project/node_modules/$name" ]] || fail "npm did not install $name"

got="$(cd "$project" && npx --offline --cache "$work/npm-cache" archgate --version)"
[[ "$got" == "archgate $version" ]] || fail "npx archgate --version printed '$got', expected 'archgate $version'"
code=0
fixture="$root/fixtures/python/formats-paths"
(cd "$project" && npx --offline --cache "$work/npm-cache" archgate check --no-cache \
    --format agent --config "$fixture/layers.toml") >"$work/check.out" 2>&1 || code=$?
if [[ $code -ne 1 ]] || ! grep -qF "error[AG001 upward-import]" "$work/check.out"; then
    cat "$work/check.out" >&2
    fail "npx archgate check on fixtures/python/formats-paths exited $code, expected 1 with AG001"
fi

echo "npm: OK ($(basename "$wrapper_tgz") + $(basename "$platform_tgz") installed offline; npx archgate --version, npx archgate check)"
