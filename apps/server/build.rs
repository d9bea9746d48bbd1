//! Records the git commit the binary is built from (`TWENTY_GIT_COMMIT`, shown by `--version` and the start-up
//! line; `unknown` outside a git checkout), and embeds the pages' browser assets (`routes::pages`): the
//! third-party ones from `web/node_modules` (installed from the npm registry by `npm ci` in `web/`, which
//! `scripts/install-deps` runs; nothing third-party is committed), our own from `apps/server/web/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    record_commit();
    embed_assets();
}

fn record_commit() {
    // Rebuild when the checked-out commit changes: HEAD, and the branch file it points at. Only files that exist
    // are named (cargo reruns the script on every build for a missing one).
    let git = Path::new("../../.git");
    let mut watched = vec![git.join("HEAD"), git.join("packed-refs")];
    if let Ok(head) = std::fs::read_to_string(git.join("HEAD"))
        && let Some(reference) = head.trim().strip_prefix("ref: ")
    {
        watched.push(git.join(reference));
    }
    for path in watched.iter().filter(|p| p.is_file()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    if watched.iter().all(|p| !p.is_file()) {
        println!("cargo:rerun-if-changed=build.rs");
    }
    println!("cargo:rerun-if-env-changed=TWENTY_GIT_COMMIT");
    let commit = std::env::var("TWENTY_GIT_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            let out = Command::new("git")
                .args(["rev-parse", "--short=12", "HEAD"])
                .output()
                .ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        });
    println!(
        "cargo:rustc-env=TWENTY_GIT_COMMIT={}",
        commit.unwrap_or_else(|| "unknown".into())
    );
}

/// The assets under `/assets/<version>/`: the name they are served as, and the file, relative to the workspace
/// root. The content type follows from the name's extension.
const ASSETS: &[(&str, &str)] = &[
    (
        "react.production.min.js",
        "web/node_modules/react/umd/react.production.min.js",
    ),
    (
        "react-dom.production.min.js",
        "web/node_modules/react-dom/umd/react-dom.production.min.js",
    ),
    ("graphiql.min.js", "web/node_modules/graphiql/graphiql.min.js"),
    ("graphiql.min.css", "web/node_modules/graphiql/graphiql.min.css"),
    (
        "swagger-ui-bundle.js",
        "web/node_modules/swagger-ui-dist/swagger-ui-bundle.js",
    ),
    ("swagger-ui.css", "web/node_modules/swagger-ui-dist/swagger-ui.css"),
    ("pages.css", "apps/server/web/pages.css"),
    ("graphiql-page.js", "apps/server/web/graphiql-page.js"),
    ("rest-docs.js", "apps/server/web/rest-docs.js"),
];

fn embed_assets() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into())).join("../..");
    // `npm ci` rewrites the lock's packages; watching the lock and each embedded file covers updates.
    println!(
        "cargo:rerun-if-changed={}",
        root.join("web/package-lock.json").display()
    );
    let missing: Vec<&str> = ASSETS
        .iter()
        .map(|(_, path)| *path)
        .filter(|path| !root.join(path).is_file())
        .collect();
    if !missing.is_empty() {
        // One clear line instead of a wall of include_bytes! errors.
        eprintln!(
            "error: the web pages' assets are missing ({}).\n\
             They come from the npm registry: run `scripts/install-deps` (or `npm ci` in web/) and build again.",
            missing.join(", ")
        );
        std::process::exit(1);
    }
    // A version of the whole set, for the URLs: a change of any asset changes every URL, so the assets can be
    // cached for a year (FNV-1a over names and contents; only a cache key, not a checksum).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut table = String::new();
    for (name, path) in ASSETS {
        let file = root.join(path);
        println!("cargo:rerun-if-changed={}", file.display());
        let bytes = match std::fs::read(&file) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("error: cannot read {}: {err}", file.display());
                std::process::exit(1);
            }
        };
        for byte in name.bytes().chain(bytes.iter().copied()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        let absolute = file.canonicalize().unwrap_or(file);
        let _ = writeln!(
            table,
            "    Asset {{ name: {name:?}, bytes: include_bytes!({:?}) }},",
            absolute.display().to_string()
        );
    }
    let generated = format!(
        "/// Changes whenever an asset does: the path segment that lets browsers keep assets for a year.\n\
         pub const ASSETS_VERSION: &str = \"{:012x}\";\n\
         /// Every embedded asset.\n\
         pub static ASSETS: &[Asset] = &[\n{table}];\n",
        hash & 0xffff_ffff_ffff
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("assets.rs");
    if let Err(err) = std::fs::write(&out, generated) {
        eprintln!("error: cannot write {}: {err}", out.display());
        std::process::exit(1);
    }
}
