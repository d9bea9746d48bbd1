//! A strict parser of the Prometheus text exposition `/metrics` answers: [`parse_exposition`] checks every line
//! against the format and groups the samples into [`Family`]s.

use std::collections::{BTreeSet, HashMap};

/// One metric family of an exposition: its `# TYPE` and its samples (a histogram's lines are one sample).
#[derive(Debug)]
pub struct Family {
    pub kind: String,
    pub samples: Vec<prometheus_parse::Sample>,
}

impl Family {
    /// The label names of each of its samples, sorted; one entry per distinct set of names.
    pub fn label_names(&self) -> BTreeSet<Vec<String>> {
        self.samples
            .iter()
            .map(|s| {
                let mut names: Vec<String> = s.labels.keys().cloned().collect();
                names.sort();
                names
            })
            .collect()
    }

    /// The value of the counter or gauge sample with these labels.
    pub fn value(&self, labels: &[(&str, &str)]) -> f64 {
        let sample = self
            .samples
            .iter()
            .find(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .unwrap_or_else(|| panic!("no sample with {labels:?} in {self:?}"));
        match sample.value {
            prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Gauge(v) => v,
            ref other => panic!("not a counter or gauge: {other:?}"),
        }
    }
}

/// Parses a Prometheus text exposition strictly: every line is a `# HELP`, a `# TYPE` or a sample of the family
/// its last `# TYPE` declared (a histogram's `_bucket`, `_sum` and `_count`), with well-formed labels and a
/// number; then the samples are read with `prometheus-parse` and grouped by family.
pub fn parse_exposition(text: &str) -> HashMap<String, Family> {
    use prometheus_parse::LineInfo;
    let mut kinds: HashMap<String, String> = HashMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or_else(|| panic!("bad TYPE line: {line}"));
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "{line}"
            );
            assert!(
                kinds.insert(name.to_string(), kind.to_string()).is_none(),
                "declared twice: {line}"
            );
            current = Some((name.to_string(), kind.to_string()));
            continue;
        }
        match LineInfo::parse(line) {
            LineInfo::Doc { .. } => {}
            LineInfo::Sample {
                metric_name,
                labels,
                value,
                timestamp,
            } => {
                let (family, kind) = current
                    .as_ref()
                    .unwrap_or_else(|| panic!("sample before any TYPE: {line}"));
                let suffix = metric_name.strip_prefix(family.as_str());
                let allowed: &[&str] = match kind.as_str() {
                    "histogram" => &["_bucket", "_sum", "_count"],
                    "summary" => &["", "_sum", "_count"],
                    _ => &[""],
                };
                assert!(
                    suffix.is_some_and(|s| allowed.contains(&s)),
                    "{metric_name} is not of the family {family} ({kind}): {line}"
                );
                assert!(timestamp.is_none(), "{line}");
                assert!(
                    ["+Inf", "-Inf", "NaN"].contains(&value) || value.parse::<f64>().is_ok(),
                    "not a number: {line}"
                );
                for pair in labels.map(|l| l.split(',').collect::<Vec<_>>()).unwrap_or_default() {
                    let (name, quoted) = pair
                        .split_once('=')
                        .unwrap_or_else(|| panic!("bad label {pair}: {line}"));
                    assert!(
                        !name.is_empty()
                            && !name.starts_with(|c: char| c.is_ascii_digit())
                            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                        "bad label name {name}: {line}"
                    );
                    assert!(
                        quoted.len() >= 2 && quoted.starts_with('"') && quoted.ends_with('"'),
                        "bad label value {quoted}: {line}"
                    );
                }
            }
            other => panic!("not a line of the exposition format ({other:?}): {line:?}"),
        }
    }
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap();
    let mut families: HashMap<String, Family> = kinds
        .into_iter()
        .map(|(name, kind)| {
            (
                name,
                Family {
                    kind,
                    samples: Vec::new(),
                },
            )
        })
        .collect();
    for sample in scrape.samples {
        if let Some(family) = families.get_mut(&sample.metric) {
            family.samples.push(sample);
            continue;
        }
        // A histogram's `_sum` and `_count` (checked above), which prometheus-parse leaves as samples of their own.
        let base = ["_sum", "_count"]
            .iter()
            .find_map(|suffix| sample.metric.strip_suffix(suffix))
            .and_then(|base| families.get(base));
        assert!(
            base.is_some_and(|f| f.kind == "histogram" || f.kind == "summary"),
            "a sample of no declared family: {sample:?}"
        );
    }
    families
}

#[test]
fn the_exposition_parser_refuses_what_is_not_the_format() {
    let good = "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 2\n";
    assert_eq!(parse_exposition(good)["a_total"].value(&[("x", "1")]), 2.0);
    for bad in [
        "a_total 1\n",                              // no TYPE
        "# TYPE a_total counter\nb_total 1\n",      // another family
        "# TYPE a_total counter\na_total{x=1} 1\n", // unquoted label
        "# TYPE a_total counter\na_total one\n",    // not a number
        "# TYPE a counter\n# TYPE a gauge\n",       // declared twice
        "# TYPE h histogram\nh_total 1\n",          // not a histogram line
    ] {
        let refused = std::panic::catch_unwind(|| parse_exposition(bad));
        assert!(refused.is_err(), "accepted: {bad:?}");
    }
}
