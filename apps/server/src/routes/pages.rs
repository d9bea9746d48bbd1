//! The pages for a person with a browser (contract §9): the landing page `GET /`, GraphiQL on `GET /graphql` and
//! `GET /metadata`, the OpenAPI browser on `GET /rest/docs`, and the assets they load from `/assets/<version>/`.
//!
//! Everything a page loads is embedded in the binary (`build.rs`: GraphiQL, React and swagger-ui from the npm
//! registry, our own scripts from `apps/server/web/`), and each page's `Content-Security-Policy` allows this origin
//! only, so a page works offline and fetches nothing from elsewhere.

use crate::middleware::api_error_response;
use crate::{AppState, VERSION};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use std::sync::LazyLock;
use twenty_domain::DomainError;

/// One embedded file.
pub struct Asset {
    pub name: &'static str,
    pub bytes: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// Where the assets are served: a new set of assets gets new URLs.
pub static ASSETS_PATH: LazyLock<String> = LazyLock::new(|| format!("/assets/{ASSETS_VERSION}"));

/// Scripts and styles from this origin only; inline styles are allowed because GraphiQL and swagger-ui set
/// `style` attributes, inline scripts are not (the pages' own scripts are assets too).
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

const LANDING: &str = include_str!("../../web/landing.html");
const GRAPHIQL: &str = include_str!("../../web/graphiql.html");
const REST_DOCS: &str = include_str!("../../web/rest-docs.html");

static GRAPHIQL_CORE: LazyLock<String> = LazyLock::new(|| graphiql_page("/graphql", "records"));
static GRAPHIQL_METADATA: LazyLock<String> = LazyLock::new(|| graphiql_page("/metadata", "data model"));
static REST_DOCS_PAGE: LazyLock<String> = LazyLock::new(|| REST_DOCS.replace("{{assets}}", &ASSETS_PATH));

fn graphiql_page(endpoint: &str, api: &str) -> String {
    GRAPHIQL
        .replace("{{assets}}", &ASSETS_PATH)
        .replace("{{endpoint}}", endpoint)
        .replace("{{api}}", api)
}

/// `GET /`: what this server is, its version, and links to everything else.
pub async fn landing(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let origin = match &state.config.server_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    };
    let metrics = match state.config.metrics_addr {
        None => "Prometheus metrics, on this port".to_string(),
        Some(addr) => format!("Prometheus metrics, on {addr} (<code>METRICS_ADDR</code>), not on this port"),
    };
    page(render_landing(&origin, &metrics))
}

fn render_landing(origin: &str, metrics: &str) -> String {
    LANDING
        .replace("{{assets}}", &ASSETS_PATH)
        .replace("{{version}}", &escape_html(VERSION))
        .replace("{{metrics}}", &escape_html_keeping_code(metrics))
        .replace("{{origin}}", &escape_html(origin))
}

/// `GET /graphql`: GraphiQL for the core API.
pub async fn graphiql_core() -> HttpResponse {
    page(GRAPHIQL_CORE.clone())
}

/// `GET /metadata`: GraphiQL for the metadata API.
pub async fn graphiql_metadata() -> HttpResponse {
    page(GRAPHIQL_METADATA.clone())
}

/// `GET /rest/docs`: the OpenAPI browser for `/rest/open-api/core` and `/rest/open-api/metadata`.
pub async fn rest_docs() -> HttpResponse {
    page(REST_DOCS_PAGE.clone())
}

/// `GET /assets/{version}/{name}`: an embedded asset, cacheable for a year since its URL changes with it. Another
/// version (a page of an older binary still open) or an unknown name is a 404.
pub async fn asset(path: web::Path<(String, String)>) -> HttpResponse {
    let (version, name) = path.into_inner();
    let found = (version == ASSETS_VERSION)
        .then(|| ASSETS.iter().find(|asset| asset.name == name))
        .flatten();
    let Some(asset) = found else {
        return api_error_response("/assets", DomainError::not_found("asset"));
    };
    HttpResponse::Ok()
        .content_type(content_type(asset.name))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(asset.bytes)
}

fn page(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// [`escape_html`], then the `<code>` tags of our own text back.
fn escape_html_keeping_code(text: &str) -> String {
    escape_html(text)
        .replace("&lt;code&gt;", "<code>")
        .replace("&lt;/code&gt;", "</code>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_content_type_and_a_unique_name() {
        for asset in ASSETS {
            assert_ne!(content_type(asset.name), "application/octet-stream", "{}", asset.name);
            assert_eq!(
                ASSETS.iter().filter(|a| a.name == asset.name).count(),
                1,
                "{}",
                asset.name
            );
            assert!(!asset.bytes.is_empty(), "{}", asset.name);
        }
    }

    #[test]
    fn pages_name_only_assets_that_exist_and_nothing_off_this_origin() {
        let landing = render_landing("http://127.0.0.1:3000", "Prometheus metrics");
        for page in [landing.as_str(), &GRAPHIQL_CORE, &GRAPHIQL_METADATA, &REST_DOCS_PAGE] {
            assert!(!page.contains("{{"), "a placeholder left: {page}");
            for (_, rest) in page.match_indices(ASSETS_PATH.as_str()).map(|(i, _)| page.split_at(i)) {
                let name = rest[ASSETS_PATH.len() + 1..].split('"').next().unwrap_or("");
                assert!(ASSETS.iter().any(|a| a.name == name), "{name} is not an asset");
            }
            for attr in ["src=\"http", "href=\"//", "src=\"//"] {
                assert!(!page.contains(attr), "{attr} in {page}");
            }
        }
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(
            escape_html_keeping_code("<code>X</code> <b>"),
            "<code>X</code> &lt;b&gt;"
        );
    }
}
