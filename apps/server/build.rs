//! Records the git commit the binary is built from (`TWENTY_GIT_COMMIT`, shown by `--version` and the start-up
//! line); `unknown` outside a git checkout.

use std::path::Path;
use std::process::Command;

fn main() {
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
