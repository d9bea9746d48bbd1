//! The standard objects every new workspace starts with (contract §8).

use crate::blueprint::{FieldBlueprint as F, ObjectBlueprint as O, RelationBlueprint as R, WorkspaceBlueprint};
use crate::field_type::FieldType::*;
use crate::metadata::{ObjectMetadata, OnDelete, RelationType::*};
use serde_json::json;

/// The standard data model: company, person, opportunity, task, note, workspaceMember, taskTarget, noteTarget.
pub fn standard_objects() -> WorkspaceBlueprint {
    let company = O::standard("company", "companies", "Company", "Companies")
        .field(F::new("name", "Name", Text))
        .field(F::new("domainName", "Domain Name", Text))
        .field(F::new("address", "Address", Text))
        .field(F::new("employees", "Employees", Number).integer())
        .field(F::new("industry", "Industry", Text))
        .field(F::new("linkedinLink", "Linkedin", Url))
        .field(F::new("xLink", "X", Url))
        .field(F::new("annualRecurringRevenue", "ARR", Currency))
        .field(F::new("idealCustomerProfile", "ICP", Boolean).default_value(json!(false)));
    let person = O::standard("person", "people", "Person", "People")
        .field(F::new("name", "Name", FullName))
        .field(F::new("email", "Email", Email))
        .field(F::new("phone", "Phone", Phone))
        .field(F::new("city", "City", Text))
        .field(F::new("jobTitle", "Job Title", Text))
        .field(F::new("linkedinLink", "Linkedin", Url))
        .field(F::new("xLink", "X", Url))
        .field(F::new("avatarUrl", "Avatar", Url));
    let opportunity = O::standard("opportunity", "opportunities", "Opportunity", "Opportunities")
        .field(F::new("name", "Name", Text))
        .field(F::new("amount", "Amount", Currency))
        .field(
            F::new("stage", "Stage", Select)
                .options(&[
                    ("NEW", "New"),
                    ("QUALIFICATION", "Qualification"),
                    ("MEETING", "Meeting"),
                    ("PROPOSAL", "Proposal"),
                    ("NEGOTIATION", "Negotiation"),
                    ("CUSTOMER", "Customer"),
                    ("CLOSED_WON", "Closed won"),
                    ("CLOSED_LOST", "Closed lost"),
                ])
                .default_value(json!("NEW")),
        )
        .field(F::new("probability", "Probability", Number))
        .field(F::new("closeDate", "Close date", Date));
    let task = O::standard("task", "tasks", "Task", "Tasks")
        .field(F::new("title", "Title", Text))
        .field(F::new("body", "Body", Text))
        .field(
            F::new("status", "Status", Select)
                .options(&[("TODO", "To do"), ("IN_PROGRESS", "In progress"), ("DONE", "Done")])
                .default_value(json!("TODO")),
        )
        .field(F::new("dueAt", "Due date", DateTime).indexed());
    let note = O::standard("note", "notes", "Note", "Notes")
        .field(F::new("title", "Title", Text))
        .field(F::new("body", "Body", Text));
    let workspace_member = O::standard(
        "workspaceMember",
        "workspaceMembers",
        "Workspace Member",
        "Workspace Members",
    )
    .system()
    .field(F::new("name", "Name", FullName))
    .field(F::new("userEmail", "User Email", Email))
    .field(F::new("userId", "User Id", Uuid))
    .field(F::new("avatarUrl", "Avatar", Url))
    .field(F::new("locale", "Language", Text))
    .field(F::new("colorScheme", "Color Scheme", Text));
    let task_target = O::standard("taskTarget", "taskTargets", "Task Target", "Task Targets").system();
    let note_target = O::standard("noteTarget", "noteTargets", "Note Target", "Note Targets").system();

    let mut blueprint = WorkspaceBlueprint::default()
        .object(company)
        .object(person)
        .object(opportunity)
        .object(task)
        .object(note)
        .object(workspace_member)
        .object(task_target)
        .object(note_target)
        .relation(R::new(
            OneToMany,
            ("company", "people", "People"),
            ("person", "company", "Company"),
        ))
        .relation(R::new(
            OneToMany,
            ("company", "opportunities", "Opportunities"),
            ("opportunity", "company", "Company"),
        ))
        .relation(R::new(
            ManyToOne,
            ("company", "accountOwner", "Account Owner"),
            (
                "workspaceMember",
                "accountOwnerForCompanies",
                "Account Owner For Companies",
            ),
        ))
        .relation(R::new(
            OneToMany,
            ("person", "opportunities", "Opportunities"),
            ("opportunity", "pointOfContact", "Point of Contact"),
        ))
        .relation(R::new(
            ManyToOne,
            ("task", "assignee", "Assignee"),
            ("workspaceMember", "assignedTasks", "Assigned Tasks"),
        ))
        .relation(owned(
            ("task", "taskTargets", "Targets"),
            ("taskTarget", "task", "Task"),
        ))
        .relation(owned(
            ("note", "noteTargets", "Targets"),
            ("noteTarget", "note", "Note"),
        ));
    for (target, label) in [
        ("person", "Person"),
        ("company", "Company"),
        ("opportunity", "Opportunity"),
    ] {
        blueprint = blueprint
            .relation(owned((target, "taskTargets", "Tasks"), ("taskTarget", target, label)))
            .relation(owned((target, "noteTargets", "Notes"), ("noteTarget", target, label)));
    }
    blueprint
}

/// A one-to-many relation whose "many" side belongs to its parent: deleting the parent deletes it.
fn owned(parent: (&str, &str, &str), child: (&str, &str, &str)) -> R {
    R::new(OneToMany, parent, child).on_delete(OnDelete::Cascade)
}

/// What makes two records of a standard object likely duplicates (Twenty's `duplicateCriteria`): each criterion is
/// the field paths (`field`, or `field.subField` of a composite) whose values must all be equal. Custom objects
/// have none.
pub fn duplicate_criteria(object: &ObjectMetadata) -> &'static [&'static [&'static str]] {
    if object.is_custom {
        return &[];
    }
    match object.name_singular.as_str() {
        "company" => &[&["name"], &["domainName"]],
        "person" => &[&["name.firstName", "name.lastName"], &["email"], &["linkedinLink"]],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_catalogue_builds() {
        let meta = standard_objects().build(uuid::Uuid::new_v4(), chrono::Utc::now());
        let meta = match meta {
            Ok(m) => m,
            Err(e) => panic!("{e:?} {:?}", e.details()),
        };
        let person = meta.object_by_plural("people").map(|p| p.name_singular.clone());
        assert_eq!(person.as_deref(), Some("person"));
        let company = meta.object_by_singular("company").map(|c| c.active_columns().len());
        // 5 system + 8 simple + 2 currency sub-columns + accountOwnerId
        assert_eq!(company, Some(16));
        let person = meta.object_by_singular("person");
        assert!(person.and_then(|p| p.relation_by_id_column("companyId")).is_some());
    }
}
