//! Writes the seeds of the `token` and `cursor` fuzz targets (`fuzz/corpus/{token,cursor}/`), which depend on
//! the project's own encoders: tokens signed by `TokenSigner` with the fuzz secret, and cursors in the format of
//! the storage compiler's `cursor_expr` (base64url, no padding, of PostgreSQL's `jsonb` text of the row's sort
//! values: `[1, "…"]`, with ", " between items), each checked to decode under the target's orders.
//! Run from the repository root: `cargo +nightly run --manifest-path fuzz/Cargo.toml --example seeds`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a one-off generator: failing loudly is right

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use std::path::Path;
use twenty_domain::query::{ConnectionQuery, PageArgs, ReadLimits};
use twenty_fuzz::{signer, workspace};
use uuid::Uuid;

fn write(target: &str, name: &str, contents: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), contents).unwrap();
}

fn main() {
    let workspace_id = Uuid::from_u128(0x20202020_0000_4000_8000_000000000001);
    let user = Uuid::from_u128(0x20202020_0000_4000_8000_000000000002);
    let key = Uuid::from_u128(0x20202020_0000_4000_8000_000000000003);
    let ten_years = 10 * 365 * 24 * 3600;
    let tokens = [
        ("access", signer().access_token(workspace_id, user, ten_years)),
        ("refresh", signer().refresh_token(workspace_id, user, key, ten_years)),
        ("api_key", signer().api_key_token(workspace_id, key, None)),
    ];
    for (name, token) in tokens {
        let token = token.unwrap();
        signer().verify(&token).unwrap();
        write("token", name, &token);
    }

    // (object, orderBy, the jsonb text PostgreSQL gives for a row's sort values)
    let id = "\"20202020-0000-4000-8000-00000000000a\"";
    let cursors = [
        ("company", None, format!("[1, {id}]"), "default_order"),
        ("company", None, format!("[2.5, {id}]"), "default_order_fraction"),
        (
            "company",
            Some(json!([{"name": "AscNullsFirst"}])),
            format!("[\"Acme\", {id}]"),
            "by_name",
        ),
        (
            "company",
            Some(json!([{"name": "AscNullsFirst"}])),
            format!("[null, {id}]"),
            "by_name_null",
        ),
        (
            "company",
            Some(json!([{"createdAt": "DescNullsLast"}])),
            format!("[\"2024-05-01T10:00:00.123+00:00\", {id}]"),
            "by_created_at",
        ),
        (
            "gadget",
            Some(
                json!([{"weight": "Asc"}, {"seenAt": "DescNullsFirst"}, {"active": "AscNullsLast"},
                        {"price": {"amountMicros": "Desc"}}, {"count": "Asc"}, {"madeOn": "Desc"}]),
            ),
            format!("[1.5, \"2024-05-01T10:00:00+00:00\", true, 1000000, 3, \"2024-05-01\", {id}]"),
            "gadget_mixed",
        ),
    ];
    for (object, order, values, name) in cursors {
        let cursor = URL_SAFE_NO_PAD.encode(values.as_bytes());
        let object = workspace().object_by_singular(object).unwrap();
        let page = PageArgs {
            first: Some(10),
            after: Some(cursor.clone()),
            ..PageArgs::default()
        };
        ConnectionQuery::from_json(workspace(), object, None, order.as_ref(), &page, ReadLimits::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        write("cursor", name, &cursor);
    }
    println!("wrote fuzz/corpus/token and fuzz/corpus/cursor");
}
