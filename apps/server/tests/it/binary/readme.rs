//! The README's quick start, as a newcomer pastes it: every command of the ```` ```sh ```` blocks under
//! `## Quick start`, in order, in one bash session (so `$TOKEN` and `$OBJECT_ID` carry over from one command to the
//! next, as in a terminal), with `set -euo pipefail`, against a server on a fresh data directory.
//!
//! Two substitutions, both standing for the server this test starts itself: the command that starts the server
//! (`cargo run --release -p twenty-server`) is not run — the binary `cargo test` built is already serving, with a
//! fresh `DATA_DIR` and its private PostgreSQL, exactly as that command would — and `localhost:3000` becomes that
//! server's address (`localhost:<its port>`), since port 3000 may be taken on a test machine. Nothing else of the
//! text is changed.

use super::life_cycle::PrivateServer;
use serde_json::Value;
use std::process::Command;

const SERVE: &str = "cargo run --release -p twenty-server";

/// The commands of the quick start: the logical lines (backslash continuations joined) of its ```` ```sh ````
/// blocks, comments and blank lines left out. Every block of the section must be a `sh` block.
fn quick_start_commands(readme: &str) -> Vec<String> {
    let section = readme
        .split_once("\n## Quick start\n")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("the README has no `## Quick start` section"));
    let section = section.split("\n## ").next().unwrap_or_default();
    let mut commands = Vec::new();
    let mut in_block = false;
    let mut current = String::new();
    for line in section.lines() {
        if let Some(language) = line.trim().strip_prefix("```") {
            if !in_block {
                assert_eq!(language, "sh", "a quick-start block that is not `sh`: {line}");
            }
            assert!(current.is_empty(), "a block ends inside a command: {current}");
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(continued) => current.push_str(continued),
            None => {
                current.push_str(line);
                let command = std::mem::take(&mut current);
                if !command.trim().is_empty() && !command.trim_start().starts_with('#') {
                    commands.push(command.trim().to_string());
                }
            }
        }
    }
    assert!(!in_block, "an unclosed block in the quick start");
    commands
}

/// The output of each command, in order, from a run that printed `@@ <index>` before each one.
fn outputs(stdout: &str, count: usize) -> Vec<String> {
    let mut outputs = vec![String::new(); count];
    let mut at = None;
    for line in stdout.lines() {
        if let Some(index) = line.strip_prefix("@@ ").and_then(|i| i.parse::<usize>().ok()) {
            at = Some(index);
        } else if let Some(index) = at {
            outputs[index].push_str(line);
            outputs[index].push('\n');
        }
    }
    outputs
}

#[test]
fn every_command_of_the_readme_quick_start_works_on_a_fresh_server() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let commands = quick_start_commands(&readme);
    assert_eq!(
        commands.iter().filter(|c| c.as_str() == SERVE).count(),
        1,
        "the quick start starts the server with `{SERVE}`: {commands:#?}"
    );
    let commands: Vec<&String> = commands.iter().filter(|c| c.as_str() != SERVE).collect();
    assert!(commands.len() >= 8, "{commands:#?}");

    let server = PrivateServer::start();
    let address = format!("localhost:{}", server.port);
    let mut script = String::from("set -euo pipefail\n");
    for (index, command) in commands.iter().enumerate() {
        script.push_str(&format!(
            "echo '@@ {index}'\n{}\n",
            command.replace("localhost:3000", &address)
        ));
    }
    let run = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&server.dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    let outputs = outputs(&stdout, commands.len());
    let ran = stdout.lines().filter(|l| l.starts_with("@@ ")).count();
    assert!(
        run.status.success(),
        "command {} failed ({}): {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        ran.saturating_sub(1),
        run.status,
        commands.get(ran.saturating_sub(1)).map_or("", |c| c.as_str())
    );
    assert_eq!(ran, commands.len(), "every command ran: {stdout}");

    // The pet created is the one the query, and REST, return.
    let output_of = |needle: &str| -> Value {
        let index = commands
            .iter()
            .position(|c| c.contains(needle))
            .unwrap_or_else(|| panic!("no command with {needle}"));
        serde_json::from_str(&outputs[index]).unwrap_or_else(|e| panic!("{needle}: {e}: {}", outputs[index]))
    };
    let created = output_of("createPet(");
    assert_eq!(created["species"], "cat", "{created}");
    let pets = output_of("{ pets {");
    assert_eq!(pets["totalCount"], 1, "{pets}");
    assert_eq!(pets["edges"][0]["node"]["id"], created["id"], "{pets}");
    assert_eq!(pets["edges"][0]["node"]["species"], "cat", "{pets}");
    let rest = output_of("/rest/pets");
    assert!(rest.to_string().contains(created["id"].as_str().unwrap()), "{rest}");
    let field = output_of("createOneField");
    assert_eq!(field["name"], "species", "{field}");
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(server.dir.join("openapi-core.json")).unwrap()).unwrap();
    assert!(
        document["paths"].get("/pets").is_some(),
        "the OpenAPI document has the new object"
    );
}

#[test]
fn the_quick_start_parser_joins_continuations_and_refuses_other_blocks() {
    let readme = "# x\n## Quick start\ntext\n```sh\na \\\n  b\n# comment\n\nc\n```\n## Next\n```sh\nnot this\n```\n";
    assert_eq!(quick_start_commands(readme), vec!["a   b", "c"]);
    let other = "## Quick start\n```bash\nls\n```\n";
    assert!(std::panic::catch_unwind(|| quick_start_commands(other)).is_err());
}
