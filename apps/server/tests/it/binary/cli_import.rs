//! `import` of CSV files: a large file with its progress and summary, bad rows named by their line and skipped,
//! composite sub-fields under both of their names, and input the command refuses as a whole.

use super::TempFile;
use super::cli::{cli, succeeded};
use crate::support::binary::Server;
use crate::support::items;
use serde_json::{Value, json};
use std::process::Output;

/// The records a REST list answers (whatever the response format).
pub(super) fn rest_records(server: &Server, token: &str, plural: &str, query: &str) -> Vec<Value> {
    let res = server.get(&format!("/rest/{plural}?limit=200{query}"), Some(token));
    items(&res.expect(200), plural).clone()
}

/// The reports of an import's stderr that name a line of its input (`line N: …`).
pub(super) fn reported(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("line ")).collect()
}

fn total(server: &Server, token: &str, plural: &str) -> i64 {
    let body = server.get(&format!("/rest/{plural}?limit=1"), Some(token)).json();
    body["totalCount"]
        .as_i64()
        .or_else(|| body["meta"]["totalCount"].as_i64())
        .unwrap()
}

fn import(server: &Server, args: &[&str]) -> Output {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    cli(&server.db, &all, &[])
}

#[tokio::test]
async fn a_csv_of_10000_rows_is_written_with_a_progress_bar_and_a_summary() {
    let server = Server::start(&[]).await;
    let (ws, token) = server.workspace("bulk@example.com");
    let mut csv = String::from("name,employees,idealCustomerProfile\n");
    for i in 0..10_000 {
        csv.push_str(&format!("Company {i},{},{}\n", i % 500, i % 2 == 0));
    }
    let file = TempFile::new("csv", &csv);
    let args = [
        "--workspace",
        &ws,
        "--object",
        "companies",
        "--progress",
        "always",
        file.path(),
    ];
    let (stdout, stderr) = succeeded(&import(&server, &args));
    assert_eq!(
        stdout.trim(),
        "import finished: 10000 rows written, 0 skipped",
        "{stderr}"
    );
    // The bar was drawn on stderr although it is a pipe: its prefix, its bar and the bytes read.
    assert!(stderr.contains("import ["), "{stderr}");
    assert!(stderr.contains("companies rows"), "{stderr}");
    assert!(stderr.contains("KiB"), "{stderr}");
    assert_eq!(total(&server, &token, "companies"), 10_000);
    let read = rest_records(&server, &token, "companies", "&filter=name[eq]:%22Company%204321%22");
    assert_eq!(read[0]["employees"], json!(321));
    assert_eq!(read[0]["idealCustomerProfile"], json!(false));

    // On a pipe, without `--progress always`, no bar: only the summary.
    let again = TempFile::new("csv", "name\nOne more\n");
    let out = import(&server, &["--workspace", &ws, "--object", "companies", again.path()]);
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("import ["));
}

#[tokio::test]
async fn bad_rows_are_named_by_the_line_they_start_on_and_skipped_while_the_good_ones_are_written() {
    let server = Server::start(&[]).await;
    let (ws, token) = server.workspace("rows@example.com");
    let dangling = uuid::Uuid::new_v4();
    let kept_id = uuid::Uuid::new_v4();
    let csv = format!(
        "id,name,employees,annualRecurringRevenue.amountMicros,annualRecurringRevenueCurrencyCode,address,accountOwnerId\n\
         {kept_id},Good One,10,1500000,USD,Street 1,\n\
         ,Bad Employees,lots,,,,\n\
         ,Multi,5,,,\"line a\n\
         line b\",\n\
         ,Bad Currency,3,2000000,XXXX,,\n\
         ,Too,many,fields,,,,extra\n\
         ,Dangling,1,,,,{dangling}\n\
         ,Good Two,,,,,\n"
    );
    let file = TempFile::new("csv", &csv);
    let out = import(&server, &["--workspace", &ws, "--object", "companies", file.path()]);
    let (stdout, stderr) = succeeded(&out);
    assert_eq!(stdout.trim(), "import finished: 3 rows written, 4 skipped", "{stderr}");
    let reported = reported(&stderr);
    assert_eq!(reported.len(), 4, "{stderr}");
    assert!(reported[0].starts_with("line 3: employees: "), "{stderr}");
    assert!(
        reported[1].starts_with("line 6: annualRecurringRevenue.currencyCode: "),
        "{stderr}"
    );
    assert!(
        reported[2].starts_with("line 7: 8 fields where the header has 7"),
        "{stderr}"
    );
    assert!(reported[3].starts_with("line 8: accountOwner"), "{stderr}");

    let written = rest_records(&server, &token, "companies", "");
    let mut names: Vec<&str> = written.iter().map(|c| c["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["Good One", "Good Two", "Multi"]);
    let good = written.iter().find(|c| c["name"] == json!("Good One")).unwrap();
    assert_eq!(good["id"], json!(kept_id), "a given id is kept");
    assert_eq!(
        good["annualRecurringRevenue"],
        json!({"amountMicros": 1_500_000, "currencyCode": "USD"})
    );
    let multi = written.iter().find(|c| c["name"] == json!("Multi")).unwrap();
    assert_eq!(multi["address"], json!("line a\nline b"));
}

#[tokio::test]
async fn composite_sub_fields_are_read_dotted_and_flattened() {
    let server = Server::start(&[]).await;
    let (ws, token) = server.workspace("amounts@example.com");
    let dotted = TempFile::new(
        "csv",
        "name,amount.amountMicros,amount.currencyCode\nDotted,7000000,EUR\n",
    );
    let flattened = TempFile::new(
        "csv",
        "name,amountAmountMicros,amountCurrencyCode\nFlattened,7000000,EUR\n",
    );
    for file in [&dotted, &flattened] {
        let out = import(&server, &["--workspace", &ws, "--object", "opportunities", file.path()]);
        let (stdout, _) = succeeded(&out);
        assert_eq!(stdout.trim(), "import finished: 1 rows written, 0 skipped");
    }
    let read = rest_records(&server, &token, "opportunities", "");
    assert_eq!(read.len(), 2);
    for opportunity in &read {
        assert_eq!(
            opportunity["amount"],
            json!({"amountMicros": 7_000_000, "currencyCode": "EUR"}),
            "{opportunity}"
        );
    }
}

#[tokio::test]
async fn an_unknown_workspace_object_or_column_and_a_csv_without_object_stop_the_import_with_one_line() {
    let server = Server::start(&[]).await;
    let (ws, token) = server.workspace("refused@example.com");
    let file = TempFile::new("csv", "name,colour\nAcme,red\n");
    let unknown = uuid::Uuid::new_v4().to_string();
    for (args, expected) in [
        (
            vec!["--workspace", &unknown, "--object", "companies"],
            format!("no workspace {unknown}"),
        ),
        (
            vec!["--workspace", &ws, "--object", "widgets"],
            "no object `widgets`".to_string(),
        ),
        (
            vec!["--workspace", &ws, "--object", "companies"],
            "unknown column(s) for companies: `colour`".to_string(),
        ),
        (vec!["--workspace", &ws], "--object PLURAL is required".to_string()),
    ] {
        let mut all = args.clone();
        all.push(file.path());
        let out = import(&server, &all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
    }
    let out = import(
        &server,
        &["--workspace", &ws, "--object", "companies", "/nonexistent/file.csv"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/file.csv"));
    assert_eq!(total(&server, &token, "companies"), 0, "nothing was written");
}

#[tokio::test]
async fn ndjson_lines_that_are_not_records_are_named_and_relation_ids_without_a_target_are_reported() {
    let server = Server::start(&[]).await;
    let (ws, token) = server.workspace("lines@example.com");
    let (acme, ada, alan) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let lines = [
        json!({"object": "company", "record": {"id": acme, "name": "Acme"}}).to_string(),
        "{not json".to_string(),
        json!({"object": "widget", "record": {"name": "?"}}).to_string(),
        String::new(),
        json!({"object": "person", "record": {"id": ada, "name": {"firstName": "Ada"}, "companyId": acme}}).to_string(),
        json!({"object": "person", "record": {"id": alan, "companyId": uuid::Uuid::new_v4()}}).to_string(),
        json!({"object": "person", "record": {"email": "not an address"}}).to_string(),
    ];
    let file = TempFile::new("ndjson", &(lines.join("\n") + "\n"));
    let (stdout, stderr) = succeeded(&import(&server, &["--workspace", &ws, file.path()]));
    let summary = "import finished: 3 rows written, 3 skipped, 1 written without some relation ids";
    assert_eq!(stdout.trim(), summary, "{stderr}");
    let reported = reported(&stderr);
    assert_eq!(reported.len(), 4, "{stderr}");
    assert!(reported[0].starts_with("line 2: not a JSON object"), "{stderr}");
    assert!(reported[1].starts_with("line 3: no object `widget`"), "{stderr}");
    assert!(reported[2].starts_with("line 7: email: "), "{stderr}");
    assert!(
        reported[3].starts_with("line 6: written without its relation ids: companyId"),
        "{stderr}"
    );
    let people = rest_records(&server, &token, "people", "");
    let ada_read = people.iter().find(|p| p["id"] == json!(ada)).unwrap();
    assert_eq!(
        ada_read["companyId"],
        json!(acme),
        "a target written before is linked at once"
    );
    let alan_read = people.iter().find(|p| p["id"] == json!(alan)).unwrap();
    assert_eq!(alan_read["companyId"], Value::Null);
}
