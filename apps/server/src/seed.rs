//! `seed-demo`: a deterministic demo data set written through the record service (validation, outbox and all),
//! for benchmarks and for trying the API on realistic data. The same arguments always produce the same records
//! (ids aside).

use crate::AppState;
use serde_json::{Value as Json, json};
use std::time::Instant;
use twenty_domain::DomainError;
use twenty_domain::metadata::{ObjectMetadata, WorkspaceMetadata};
use twenty_domain::query::Selection;
use uuid::Uuid;

/// What one run wrote.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Seeded {
    pub companies: usize,
    pub people: usize,
    pub opportunities: usize,
}

/// Records per insert statement (within the default `MAX_PAGE_SIZE`).
const BATCH: usize = 100;
pub const PEOPLE_PER_COMPANY: usize = 5;
pub const OPPORTUNITIES_PER_COMPANY: usize = 2;

/// The industries of the demo data, in the proportions they are drawn (one in ten companies has none).
pub const INDUSTRIES: [&str; 8] = [
    "Technology",
    "Finance",
    "Healthcare",
    "Retail",
    "Manufacturing",
    "Education",
    "Energy",
    "Media",
];
const FIRST_NAMES: [&str; 10] = [
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Linus",
];
const LAST_NAMES: [&str; 10] = [
    "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Torvalds",
];
const CITIES: [&str; 6] = ["Paris", "Berlin", "London", "New York", "Tokyo", "Lagos"];
const STAGES: [&str; 8] = [
    "NEW",
    "QUALIFICATION",
    "MEETING",
    "PROPOSAL",
    "NEGOTIATION",
    "CUSTOMER",
    "CLOSED_WON",
    "CLOSED_LOST",
];

/// splitmix64: a tiny deterministic generator, so runs are reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Company number `i`: industry (10 % none), employees skewed towards small companies (5 % unknown), ARR.
fn company(rng: &mut Rng, i: usize) -> Json {
    let industry = if rng.below(10) == 0 {
        Json::Null
    } else {
        json!(rng.pick(&INDUSTRIES))
    };
    let employees = if rng.below(20) == 0 {
        Json::Null
    } else {
        // 1..=10,000, most below 500.
        let e = rng.below(100) + 1;
        json!(e * e)
    };
    json!({
        "name": format!("Company {i}"),
        "domainName": format!("company-{i}.example.com"),
        "industry": industry,
        "employees": employees,
        "idealCustomerProfile": i.is_multiple_of(7),
        "annualRecurringRevenue": {
            "amountMicros": (rng.below(10_000) as i64 + 1) * 1_000_000_000,
            "currencyCode": if rng.below(4) == 0 { "EUR" } else { "USD" },
        },
    })
}

fn person(rng: &mut Rng, company: usize, j: usize, company_id: Uuid) -> Json {
    let first = rng.pick(&FIRST_NAMES);
    let last = rng.pick(&LAST_NAMES);
    json!({
        "name": {"firstName": first, "lastName": last},
        "email": format!("{}.{}.{company}.{j}@example.com", first.to_lowercase(), last.to_lowercase()),
        "city": rng.pick(&CITIES),
        "jobTitle": if j == 0 { "CEO" } else { "Engineer" },
        "companyId": company_id,
    })
}

fn opportunity(rng: &mut Rng, company: usize, j: usize, company_id: Uuid, contact: Uuid) -> Json {
    json!({
        "name": format!("Deal {company}-{j}"),
        "amount": {"amountMicros": (rng.below(500) as i64 + 1) * 1_000_000_000, "currencyCode": "USD"},
        "stage": rng.pick(&STAGES),
        "closeDate": format!("2027-{:02}-{:02}", rng.below(12) + 1, rng.below(28) + 1),
        "companyId": company_id,
        "pointOfContactId": contact,
    })
}

fn object<'m>(meta: &'m WorkspaceMetadata, name: &str) -> Result<&'m ObjectMetadata, DomainError> {
    meta.object_by_singular(name)
        .ok_or_else(|| DomainError::not_found(format!("object `{name}`")))
}

/// Ids of the records a batch created, in input order.
fn ids(records: &[Json]) -> Vec<Uuid> {
    records
        .iter()
        .filter_map(|r| r["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()))
        .collect()
}

/// Writes `companies` companies with their people and opportunities into the workspace, reporting progress on
/// stderr every tenth of the way.
pub async fn seed(state: &AppState, workspace_id: Uuid, companies: usize) -> Result<Seeded, DomainError> {
    let meta = state.data_model.current(workspace_id).await?;
    let (company_object, person_object, opportunity_object) = (
        object(&meta, "company")?,
        object(&meta, "person")?,
        object(&meta, "opportunity")?,
    );
    let id_of = |object: &ObjectMetadata| -> Result<Selection, DomainError> {
        let mut selection = Selection::new();
        selection.select_field(object, "id")?;
        Ok(selection)
    };
    let (company_ids_only, person_ids_only, opportunity_ids_only) = (
        id_of(company_object)?,
        id_of(person_object)?,
        id_of(opportunity_object)?,
    );
    let mut rng = Rng(42);
    let mut seeded = Seeded::default();
    let started = Instant::now();
    let mut reported = 0;
    for start in (0..companies).step_by(BATCH) {
        let end = (start + BATCH).min(companies);
        let data: Vec<Json> = (start..end).map(|i| company(&mut rng, i)).collect();
        let company_ids = ids(&state
            .records
            .create_many(&meta, company_object, &data, false, &company_ids_only)
            .await?);
        seeded.companies += company_ids.len();
        let mut people = Vec::new();
        for (offset, id) in company_ids.iter().enumerate() {
            people.extend((0..PEOPLE_PER_COMPANY).map(|j| person(&mut rng, start + offset, j, *id)));
        }
        let mut person_ids = Vec::new();
        for chunk in people.chunks(BATCH) {
            let created = state
                .records
                .create_many(&meta, person_object, chunk, false, &person_ids_only)
                .await?;
            person_ids.extend(ids(&created));
        }
        seeded.people += person_ids.len();
        let mut opportunities = Vec::new();
        for (offset, id) in company_ids.iter().enumerate() {
            let contact = person_ids[offset * PEOPLE_PER_COMPANY];
            opportunities
                .extend((0..OPPORTUNITIES_PER_COMPANY).map(|j| opportunity(&mut rng, start + offset, j, *id, contact)));
        }
        for chunk in opportunities.chunks(BATCH) {
            seeded.opportunities += state
                .records
                .create_many(&meta, opportunity_object, chunk, false, &opportunity_ids_only)
                .await?
                .len();
        }
        if companies >= 10 && end * 10 / companies > reported {
            reported = end * 10 / companies;
            eprintln!(
                "seed-demo: {end}/{companies} companies ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(seeded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic() {
        let (mut a, mut b) = (Rng(42), Rng(42));
        let first: Vec<Json> = (0..50).map(|i| company(&mut a, i)).collect();
        let second: Vec<Json> = (0..50).map(|i| company(&mut b, i)).collect();
        assert_eq!(first, second);
        // Realistic spread: several industries, some companies without one.
        let industries: std::collections::HashSet<String> = first.iter().map(|c| c["industry"].to_string()).collect();
        assert!(industries.len() >= 5, "{industries:?}");
    }
}
