//! The `PyPI` and npm package descriptions agree with Cargo.toml: one version everywhere, the
//! wheel built as a binary (`bindings = "bin"`) with the launcher package, and one optional
//! platform package per supported platform. `ci/wheel.sh` and `ci/npm.sh` build and install
//! them; this test keeps the files honest without a build.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

#[test]
fn the_npm_wrapper_has_cargos_version_and_one_package_per_platform() {
    let package: serde_json::Value =
        serde_json::from_str(&read("npm/archgate/package.json")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(package["name"], "archgate");
    assert_eq!(package["version"], version);
    assert_eq!(package["bin"]["archgate"], "bin/archgate.js");
    let optional = package["optionalDependencies"].as_object().unwrap();
    let names: Vec<&str> = optional.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "@archgate/cli-darwin-arm64",
            "@archgate/cli-darwin-x64",
            "@archgate/cli-linux-arm64",
            "@archgate/cli-linux-x64",
            "@archgate/cli-win32-x64",
        ]
    );
    for (name, v) in optional {
        assert_eq!(v, version, "{name}");
    }
    // The launcher names its platform package the same way (process.platform-process.arch).
    let launcher = read("npm/archgate/bin/archgate.js");
    assert!(launcher.starts_with("#!/usr/bin/env node\n"));
    assert!(launcher.contains("`@archgate/cli-${process.platform}-${process.arch}`"));
}

#[test]
fn the_wheel_is_the_binary_with_cargos_version() {
    let pyproject: toml::Table = toml::from_str(&read("pyproject.toml")).unwrap();
    let maturin = &pyproject["tool"]["maturin"];
    assert_eq!(maturin["bindings"].as_str(), Some("bin"));
    assert_eq!(maturin["python-source"].as_str(), Some("python"));
    // The version is Cargo.toml's, read by maturin, never written twice.
    let project = &pyproject["project"];
    assert_eq!(project["name"].as_str(), Some("archgate"));
    assert!(project.get("version").is_none());
    assert_eq!(
        project["dynamic"].as_array().unwrap()[0].as_str(),
        Some("version")
    );
    // No rustc flag of maturin's own: `cargo build --release` and the wheel share one build.
    assert_eq!(maturin["strip"].as_bool(), Some(false));
    let cargo: toml::Table = toml::from_str(&read("Cargo.toml")).unwrap();
    assert_eq!(cargo["profile"]["release"]["strip"].as_bool(), Some(true));
    let main = read("python/archgate/__main__.py");
    assert!(main.contains("find_archgate_bin()"), "{main}");
}
