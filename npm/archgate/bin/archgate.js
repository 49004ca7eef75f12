#!/usr/bin/env node
// The `archgate` command of the npm package: runs the native binary of the platform package
// npm installed with it (one of this package's optionalDependencies,
// `@archgate/cli-<platform>-<arch>`; npm skips the others by their `os`/`cpu`), as biome and
// oxlint do. ARCHGATE_BINARY=path runs another binary instead. Arguments, standard streams
// and the exit code pass through unchanged.
"use strict";

const { spawnSync } = require("child_process");
const { optionalDependencies } = require("../package.json");

function fail(message) {
  process.stderr.write(`archgate: ${message}\n`);
  process.exit(2); // archgate's "could not do what was asked"
}

function binaryPath() {
  if (process.env.ARCHGATE_BINARY) {
    return process.env.ARCHGATE_BINARY;
  }
  const platformPackage = `@archgate/cli-${process.platform}-${process.arch}`;
  if (!Object.prototype.hasOwnProperty.call(optionalDependencies, platformPackage)) {
    fail(
      `no prebuilt binary for ${process.platform}-${process.arch}; the platforms are ` +
        Object.keys(optionalDependencies)
          .map((name) => name.replace("@archgate/cli-", ""))
          .join(", ") +
        ". Install archgate with `cargo install` instead, or set ARCHGATE_BINARY to a binary."
    );
  }
  const executable = process.platform === "win32" ? "archgate.exe" : "archgate";
  try {
    return require.resolve(`${platformPackage}/bin/${executable}`);
  } catch (e) {
    return fail(
      `the package ${platformPackage} is not installed (optional dependencies omitted?); ` +
        "reinstall archgate without --no-optional or --omit=optional."
    );
  }
}

const binary = binaryPath();
const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
if (result.error) {
  fail(`cannot run ${binary}: ${result.error.message}`);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 2 : result.status);
