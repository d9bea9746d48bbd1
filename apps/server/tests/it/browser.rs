//! The pages in a real browser: Debian's headless `chromium`, driven through `chromedriver` (WebDriver, with the
//! `fantoccini` client). The app is served on a loopback port of this process ([`TestApp::served`]).
//!
//! Nothing may leave the machine: chromium resolves every host but 127.0.0.1 to "not found"
//! (`--host-resolver-rules`), so a page that wanted a CDN would stay broken, and every request a page starts is
//! read back from chromium's network log (`Network.requestWillBeSent`, the `performance` log) — the requests to
//! any other host are counted, and the count must be 0. The first check shows the count sees such a request.
//!
//! The browser and its driver are installed by `scripts/install-deps`; without them this test fails (it never
//! skips).

use crate::support::{TestApp, encode};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One test, the pages in turn in one browser: chromium is heavy for two cores shared with the other tests.
#[actix_web::test]
async fn the_pages_work_in_a_browser_with_nothing_fetched_from_elsewhere() {
    let app = TestApp::new().await.with_workspace().await.with_api_key().await;
    let created = app
        .query(r#"mutation { createCompany(data: {name: "Offline Browser Co"}) { id name } }"#)
        .await;
    assert_eq!(created["createCompany"]["name"], "Offline Browser Co");
    let served = app.served();
    let origin = format!("http://127.0.0.1:{}", served.port);
    let browser = Browser::launch().await;

    browser.the_foreign_request_count_sees_a_foreign_request().await;
    landing_page(&browser, &origin).await;
    graphiql_runs_a_query_with_the_api_key(&browser, &origin, &app.token).await;
    metadata_graphiql_runs_a_query(&browser, &origin, &app.token).await;
    openapi_browser_shows_both_documents(&browser, &origin, &app.token).await;

    browser.close().await;
}

async fn landing_page(browser: &Browser, origin: &str) {
    browser.goto(&format!("{origin}/")).await;
    let body = browser.text("body").await;
    assert!(body.contains("Twenty-compatible CRM server"), "{body}");
    assert!(body.contains(env!("CARGO_PKG_VERSION")), "the version: {body}");
    for link in ["/graphql", "/metadata", "/rest/docs", "/healthz"] {
        let found = browser.client.find(Locator::Css(&format!("a[href='{link}']"))).await;
        assert!(found.is_ok(), "no link to {link}");
    }
    browser.assert_nothing_from_elsewhere("/").await;
}

/// GraphiQL on `/graphql`: the API key entered in the page's token bar, a query run with the button, the answer
/// read from the result pane.
async fn graphiql_runs_a_query_with_the_api_key(browser: &Browser, origin: &str, token: &str) {
    let query = "{ companies { totalCount edges { node { name } } } }";
    browser.goto(&format!("{origin}/graphql?query={}", encode(query))).await;
    browser.enter_token(token).await;
    let result = browser.run_graphiql_query().await;
    assert_eq!(result["data"]["companies"]["totalCount"], 1, "{result}");
    assert_eq!(
        result["data"]["companies"]["edges"][0]["node"]["name"], "Offline Browser Co",
        "{result}"
    );
    browser.assert_nothing_from_elsewhere("/graphql").await;
}

async fn metadata_graphiql_runs_a_query(browser: &Browser, origin: &str, token: &str) {
    let query = "{ objects { edges { node { nameSingular } } } }";
    browser
        .goto(&format!("{origin}/metadata?query={}", encode(query)))
        .await;
    // The tab kept the token entered on /graphql.
    let kept = browser.wait_for("#token").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some(token));
    browser.enter_token(token).await;
    let result = browser.run_graphiql_query().await;
    let names: Vec<&str> = result["data"]["objects"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no objects: {result}"))
        .iter()
        .filter_map(|e| e["node"]["nameSingular"].as_str())
        .collect();
    assert!(names.contains(&"company"), "{result}");
    browser.assert_nothing_from_elsewhere("/metadata").await;
}

/// swagger-ui on `/rest/docs`: the core document's paths, then the metadata document's, after the token.
async fn openapi_browser_shows_both_documents(browser: &Browser, origin: &str, token: &str) {
    browser.goto(&format!("{origin}/rest/docs")).await;
    browser.enter_token(token).await;
    browser.wait_for_path("/companies").await;
    browser
        .client
        .find(Locator::Css("#document"))
        .await
        .unwrap()
        .select_by_value("metadata")
        .await
        .unwrap();
    browser.wait_for_path("/objects").await;
    browser.assert_nothing_from_elsewhere("/rest/docs").await;
}

/// chromium under chromedriver, both killed when dropped.
struct Browser {
    client: Client,
    driver: Child,
}

impl Browser {
    async fn launch() -> Browser {
        let chromium = find_program(&["/usr/lib/chromium/chromium", "/usr/bin/chromium"]);
        let chromedriver = find_program(&["/usr/bin/chromedriver"]);
        let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
            panic!(
                "the browser tests need Debian's chromium and chromium-driver (chromedriver): run scripts/install-deps"
            );
        };
        let port = test_support::free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            // A group of its own, which its chromium joins: a failed test kills both at once (`Drop`).
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {chromedriver}: {err}; run scripts/install-deps"));
        let mut args = vec![
            "--headless=new".to_string(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-crash-reporter".into(),
            "--disable-breakpad".into(),
            // Nothing leaves the machine: every name but the server's address is "not found".
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1".into(),
            "--window-size=1400,1000".into(),
        ];
        if is_root() {
            // chromium's sandbox refuses to run as root.
            args.push("--no-sandbox".into());
        }
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
            "goog:loggingPrefs": {"performance": "ALL", "browser": "ALL"},
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(err) if Instant::now() > deadline => panic!("chromedriver / chromium did not start: {err}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Browser { client, driver }
    }

    async fn close(self) {
        // Ends the session (chromedriver quits its chromium); `Drop` then stops chromedriver.
        let _ = self.client.clone().close().await;
    }

    async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|err| panic!("{url}: {err}"));
    }

    async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|err| panic!("{css}: {err}"))
            .text()
            .await
            .unwrap()
    }

    /// Types `token` into the page's token bar and applies it.
    async fn enter_token(&self, token: &str) {
        let input = self.wait_for("#token").await;
        input.clear().await.unwrap();
        input.send_keys(token).await.unwrap();
        self.client
            .find(Locator::Css("#use-token"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|err| panic!("{css} did not appear: {err}"))
    }

    /// Clicks GraphiQL's run button and returns the answer shown in its result pane.
    async fn run_graphiql_query(&self) -> Value {
        self.wait_for(".graphiql-execute-button").await.click().await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let shown = self
                .client
                .execute(
                    "const pane = document.querySelector('.result-window .CodeMirror');
                     return pane && pane.CodeMirror ? pane.CodeMirror.getValue() : '';",
                    vec![],
                )
                .await
                .unwrap();
            if let Some(answer) = shown.as_str().and_then(|s| serde_json::from_str::<Value>(s).ok()) {
                return answer;
            }
            assert!(
                Instant::now() < deadline,
                "no answer in GraphiQL's result pane: {shown}; console: {:?}",
                self.console().await
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until swagger-ui lists the operation path `path`.
    async fn wait_for_path(&self, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let shown = self
                .client
                .execute(
                    "return Array.from(document.querySelectorAll('.opblock-summary-path'))
                       .map(e => e.getAttribute('data-path'));",
                    vec![],
                )
                .await
                .unwrap();
            let paths: Vec<&str> = shown
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if paths.contains(&path) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "swagger-ui does not list {path}: {paths:?}; console: {:?}",
                self.console().await
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The first check: a request to another host is blocked (chromium cannot resolve it) and counted.
    async fn the_foreign_request_count_sees_a_foreign_request(&self) {
        // `.invalid` never resolves anywhere (RFC 2606), and chromium does not even ask: nothing leaves.
        let _ = self.client.goto("http://cdn.example.invalid/graphiql.min.js").await;
        let foreign = self.foreign_requests().await;
        // Chromium retries a failed navigation: the same request, seen each time.
        assert!(
            !foreign.is_empty()
                && foreign
                    .iter()
                    .all(|url| url == "http://cdn.example.invalid/graphiql.min.js"),
            "the network log must show the blocked request: {foreign:?}"
        );
    }

    /// Every request since the last call (the performance log is drained by reading it) to a host other than
    /// 127.0.0.1 must be none; the console must show no refusal by the Content-Security-Policy either.
    async fn assert_nothing_from_elsewhere(&self, page: &str) {
        let foreign = self.foreign_requests().await;
        assert_eq!(foreign.len(), 0, "{page} asked other hosts for {foreign:?}");
        let refused: Vec<String> = self
            .console()
            .await
            .into_iter()
            .filter(|line| line.contains("Content Security Policy") || line.contains("ERR_NAME_NOT_RESOLVED"))
            .collect();
        assert!(refused.is_empty(), "{page}: {refused:?}");
    }

    /// The URLs of the requests to other hosts in chromium's network log since it was last read.
    async fn foreign_requests(&self) -> Vec<String> {
        let entries = self.client.issue_cmd(Log("performance")).await.unwrap();
        let mut foreign = Vec::new();
        for entry in entries.as_array().into_iter().flatten() {
            let Some(message) = entry["message"]
                .as_str()
                .and_then(|m| serde_json::from_str::<Value>(m).ok())
            else {
                continue;
            };
            let event = &message["message"];
            if event["method"] != "Network.requestWillBeSent" {
                continue;
            }
            let url = event["params"]["request"]["url"].as_str().unwrap_or_default();
            if is_foreign(url) {
                foreign.push(url.to_string());
            }
        }
        foreign
    }

    /// The console's messages since it was last read.
    async fn console(&self) -> Vec<String> {
        let entries = self.client.issue_cmd(Log("browser")).await.unwrap();
        entries
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                format!(
                    "{} {}",
                    e["level"].as_str().unwrap_or(""),
                    e["message"].as_str().unwrap_or("")
                )
            })
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test never reached `close`, and chromium outlives a killed chromedriver: kill the whole group.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// chromedriver's log endpoint (`POST /session/{id}/se/log`), which fantoccini does not wrap.
#[derive(Debug)]
struct Log(&'static str);

impl WebDriverCompatibleCommand for Log {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"type": self.0}).to_string()))
    }
}

/// A request to the network other than to the server's address (`data:`, `blob:` and `about:` stay in the page).
fn is_foreign(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    matches!(url.scheme(), "http" | "https" | "ws" | "wss") && url.host_str() != Some("127.0.0.1")
}

fn find_program(candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .find(|path| std::path::Path::new(path).is_file())
        .map(|path| path.to_string())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

#[test]
fn only_the_servers_address_is_local() {
    assert!(!is_foreign("http://127.0.0.1:3000/graphql"));
    assert!(!is_foreign("data:image/png;base64,AAAA"));
    assert!(is_foreign("https://unpkg.com/graphiql@3/graphiql.min.js"));
    assert!(is_foreign("http://localhost:3000/"));
}
