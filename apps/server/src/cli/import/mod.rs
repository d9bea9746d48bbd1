//! `import`: records from a CSV file (one object, `--object`) or from NDJSON as `export` writes it (contract §9),
//! through the record and metadata services — the validation and workspace isolation of the APIs hold. Bad rows
//! are reported on stderr with the line they start on (the header or the `dataModel` line being line 1) and
//! skipped; good rows are written in batches; the last line on stdout counts written and skipped rows.

mod columns;
mod data_model;
mod ndjson;
mod writer;

use super::progress::{ProgressMode, bar};
use super::{describe, problem};
use crate::AppState;
use anyhow::Context;
use indicatif::ProgressBar;
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;
use twenty_domain::DomainError;
use uuid::Uuid;
use writer::{Batch, Row};

/// What an import did, reported as it goes and summed up at the end.
pub struct Tally {
    pub written: u64,
    pub skipped: u64,
    /// Records written whose deferred relation ids could not be set (NDJSON's second pass).
    pub relations_unset: u64,
    bar: ProgressBar,
}

impl Tally {
    fn new(bar: ProgressBar) -> Self {
        Tally {
            written: 0,
            skipped: 0,
            relations_unset: 0,
            bar,
        }
    }

    /// Reports a skipped row: `line N: field: problem; …`.
    pub fn skip(&mut self, line: u64, err: &DomainError) {
        self.skipped += 1;
        self.report(line, &problem(err));
    }

    pub fn report(&self, line: u64, message: &str) {
        self.bar.suspend(|| eprintln!("line {line}: {message}"));
    }

    fn summary(&self) -> String {
        let mut line = format!(
            "import finished: {} rows written, {} skipped",
            self.written, self.skipped
        );
        if self.relations_unset > 0 {
            line.push_str(&format!(", {} written without some relation ids", self.relations_unset));
        }
        line
    }
}

pub async fn import(
    state: &AppState,
    workspace: Uuid,
    object: Option<&str>,
    file: &Path,
    progress: ProgressMode,
) -> anyhow::Result<()> {
    super::admin::workspace_metadata(state, workspace).await?;
    let len = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    let bar = bar(
        progress,
        len,
        "import",
        "{prefix} [{bar:30}] {bytes}/{total_bytes} {msg}",
    );
    let mut tally = Tally::new(bar.clone());
    let outcome = if is_ndjson(file)? {
        if object.is_some() {
            anyhow::bail!("--object is for CSV files; an NDJSON file names the object of each record");
        }
        ndjson::import(state, workspace, file, &mut tally).await
    } else {
        let plural = object.context("--object PLURAL is required for a CSV file (e.g. --object companies)")?;
        import_csv(state, workspace, plural, file, &mut tally).await
    };
    bar.finish_and_clear();
    outcome?;
    println!("{}", tally.summary());
    Ok(())
}

/// NDJSON when the first character that is not white space is `{`.
fn is_ndjson(file: &Path) -> anyhow::Result<bool> {
    let mut start = Vec::new();
    std::fs::File::open(file)
        .with_context(|| format!("cannot open {}", file.display()))?
        .take(4096)
        .read_to_end(&mut start)?;
    Ok(start.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'))
}

async fn import_csv(
    state: &AppState,
    workspace: Uuid,
    plural: &str,
    file: &Path,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let meta = state.data_model.current(workspace).await.map_err(describe)?;
    let object = meta
        .object_by_plural(plural)
        .filter(|o| o.is_active)
        .with_context(|| format!("no object `{plural}` in workspace {workspace} (give its plural name)"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(file)
        .with_context(|| format!("cannot open {}", file.display()))?;
    let header = reader
        .headers()
        .with_context(|| format!("{}: unreadable header row", file.display()))?
        .clone();
    if header.iter().all(|h| h.trim().is_empty()) {
        anyhow::bail!("{}: no header row", file.display());
    }
    let targets = columns::map_header(object, &header).map_err(|unknown| {
        anyhow::anyhow!(
            "{}: unknown column(s) for {}: {}",
            file.display(),
            object.name_plural,
            unknown.join(", ")
        )
    })?;
    let mut batch = Batch::new(state, &meta, object)?;
    let mut written: HashSet<Uuid> = HashSet::new();
    let mut record = csv::StringRecord::new();
    tally.bar.set_message(format!("{} rows", object.name_plural));
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                let data = columns::record_input(&targets, &record);
                batch.push(Row { line, data }, tally, &mut written).await?;
            }
            Err(err) => {
                let line = err.position().map_or(0, |p| p.line());
                match err.kind() {
                    csv::ErrorKind::Io(_) => return Err(err).context("reading the file"),
                    _ => {
                        tally.skipped += 1;
                        tally.report(line, &csv_problem(&err));
                    }
                }
            }
        }
        tally.bar.set_position(reader.position().byte());
    }
    batch.flush(tally, &mut written).await?;
    Ok(())
}

/// A malformed CSV record in one line, without the position the report already gives.
fn csv_problem(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        _ => err.to_string(),
    }
}
