//! The pages for a browser, over HTTP (`docs/pages.md`): what they answer, the assets they name, and that the
//! APIs behind them still need a token. `browser` runs them in chromium.

use crate::support::TestApp;
use actix_web::http::Method;
use actix_web::test::TestRequest;

/// The `/assets/…` URLs a page names.
fn asset_urls(page: &str) -> Vec<String> {
    page.match_indices("\"/assets/")
        .filter_map(|(i, _)| page[i + 1..].split('"').next())
        .map(str::to_string)
        .collect()
}

fn assert_page(res: &crate::support::Response, path: &str) {
    assert_eq!(res.status, 200, "{path}: {}", res.body);
    assert_eq!(res.header("content-type"), Some("text/html; charset=utf-8"), "{path}");
    let csp = res.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("script-src 'self';"),
        "{path}: {csp}"
    );
}

#[actix_web::test]
async fn the_landing_page_names_the_version_and_links_every_page() {
    let app = TestApp::new().await;
    let res = app.get("/", None).await;
    assert_page(&res, "/");
    assert!(res.body.contains(twenty_server::VERSION), "{}", res.body);
    for link in [
        "href=\"/graphql\"",
        "href=\"/metadata\"",
        "href=\"/rest/docs\"",
        "href=\"/healthz\"",
        "/rest/open-api/core",
        "/rest/open-api/metadata",
    ] {
        assert!(res.body.contains(link), "{link} missing");
    }
    // Only GET is a page; anything else on `/` is the JSON 404 of an unknown route.
    let posted = app.post("/", &serde_json::json!({})).await;
    assert_eq!(posted.status, 404, "{}", posted.body);
    assert_eq!(posted.error_code(), "NOT_FOUND");
}

#[actix_web::test]
async fn the_tools_load_their_assets_from_this_server_with_the_right_types() {
    let app = TestApp::new().await;
    for (path, endpoint) in [
        ("/graphql", Some("/graphql")),
        ("/metadata", Some("/metadata")),
        ("/rest/docs", None),
    ] {
        let res = app.get(path, None).await;
        assert_page(&res, path);
        if let Some(endpoint) = endpoint {
            assert!(res.body.contains(&format!("data-endpoint=\"{endpoint}\"")), "{path}");
        }
        let assets = asset_urls(&res.body);
        assert!(assets.len() >= 3, "{path}: {assets:?}");
        for url in assets {
            let asset = app.get(&url, None).await;
            assert_eq!(asset.status, 200, "{url}");
            let expected = if url.ends_with(".js") {
                "text/javascript; charset=utf-8"
            } else {
                "text/css; charset=utf-8"
            };
            assert_eq!(asset.header("content-type"), Some(expected), "{url}");
            assert_eq!(
                asset.header("cache-control"),
                Some("public, max-age=31536000, immutable"),
                "{url}"
            );
            assert!(asset.body.len() > 100, "{url}");
        }
    }
}

#[actix_web::test]
async fn an_unknown_asset_or_another_version_is_a_json_404() {
    let app = TestApp::new().await;
    let page = app.get("/graphql", None).await.body;
    let known = asset_urls(&page).into_iter().next().unwrap();
    let (prefix, name) = known.rsplit_once('/').unwrap();
    for url in [
        format!("{prefix}/no-such-file.js"),
        format!("/assets/000000000000/{name}"),
        format!("{prefix}/..%2F..%2FCargo.toml"),
    ] {
        let res = app.get(&url, None).await;
        assert_eq!(res.status, 404, "{url}: {}", res.body);
        assert_eq!(res.error_code(), "NOT_FOUND", "{url}");
    }
}

#[actix_web::test]
async fn the_apis_behind_the_pages_still_need_a_token() {
    let app = TestApp::new().await;
    let query = r#"{"query": "{ __typename }"}"#;
    for path in ["/graphql", "/metadata"] {
        let res = app.post_raw(path, None, query).await;
        assert_eq!(res.status, 401, "{path}: {}", res.body);
        // Other methods are refused before anything says whether they exist.
        let put = app.call(TestRequest::default().method(Method::PUT).uri(path)).await;
        assert_eq!(put.status, 401, "PUT {path}: {}", put.body);
    }
    assert_eq!(app.get("/rest/companies", None).await.status, 401);
    assert_eq!(app.get("/rest/open-api/core", None).await.status, 401);
    // The OpenAPI browser itself is a page: no token needed to load it.
    assert_eq!(app.get("/rest/docs", None).await.status, 200);
}

#[actix_web::test]
async fn with_a_token_rest_docs_is_the_api_of_an_object_named_docs() {
    let app = TestApp::new().await.with_workspace().await;
    // No such object yet: the API's 404, not the page.
    let res = app.get("/rest/docs", Some(&app.token)).await;
    assert_eq!(res.status, 404, "{}", res.body);
    assert_eq!(res.error_code(), "NOT_FOUND");
    let object = serde_json::json!({"nameSingular": "doc", "namePlural": "docs", "labelSingular": "Doc",
                                    "labelPlural": "Docs"});
    app.metadata_query_with(
        "mutation($o: CreateOneObjectInput!) { createOneObject(input: $o) { id } }",
        serde_json::json!({"o": {"object": object}}),
    )
    .await;
    let listed = app.get("/rest/docs", Some(&app.token)).await.expect(200);
    assert_eq!(listed["meta"]["totalCount"], 0, "{listed}");
    // Without a token it stays the page.
    assert_page(&app.get("/rest/docs", None).await, "/rest/docs");
}
