//! The REST API's OpenAPI 3.1 document (feature `openapi`), built from the
//! types the Worker answers with (their JSON Schemas by schemars). Native
//! tests write it to `shared/openapi.json` (`UPDATE_GOLDEN=1`) and fail
//! when it differs; the Worker serves that file at `/api/v1/openapi.json`,
//! and a Worker test checks its paths against the router's.

use schemars::generate::SchemaSettings;
use schemars::SchemaGenerator;
use serde_json::{json, Map, Value};

use crate::api::ApiError;
use crate::files::Uploaded;
use crate::moderation_case::Incident;
use crate::profile::{CloseWith, NewNote, Note, PostMessage, Profile, Stored, Tags};
use crate::protocol::ConversationSummary;
use crate::search::SearchPage;
use crate::transcript::{CustomerExport, Erasure, Transcript};

/// One operation: method, path (after `/api/v1`), what it does, the scope
/// it needs, and its query parameters, body and answer.
struct Op {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    scope: &'static str,
    query: &'static [(&'static str, &'static str)],
    body: Option<Body>,
    answer: Answer,
}

/// What an operation is sent.
enum Body {
    /// JSON of this schema.
    Json(Value),
    /// A file's bytes.
    File,
}

/// What an operation answers with (200 unless said).
enum Answer {
    Json(u16, Value),
    Text,
}

/// The customer an export or erasure is about: one of these.
const CUSTOMER: &[(&str, &str)] = &[
    ("conversation", "one of their conversations"),
    ("visitor", "their visitor token"),
    ("user", "the site's user id (a signed-in customer)"),
];

fn ops(g: &mut SchemaGenerator) -> Vec<Op> {
    vec![
        Op {
            method: "get",
            path: "/sites/{site}/conversations",
            summary: "A page of the site's conversations, newest activity first",
            scope: "read",
            query: &[
                ("before", "ms: lines changed before this (the last line's updatedAt)"),
                ("id", "with `before`: the last line's id"),
            ],
            body: None,
            answer: Answer::Json(200, g.subschema_for::<Vec<ConversationSummary>>().to_value()),
        },
        Op {
            method: "get",
            path: "/sites/{site}/conversations/{id}",
            summary: "A conversation: its whole timeline with the customer profile's parts",
            scope: "read",
            query: &[],
            body: None,
            answer: Answer::Json(200, g.subschema_for::<Transcript>().to_value()),
        },
        Op {
            method: "get",
            path: "/sites/{site}/conversations/{id}/profile",
            summary: "The customer profile beside a conversation",
            scope: "read",
            query: &[],
            body: None,
            answer: Answer::Json(200, g.subschema_for::<Profile>().to_value()),
        },
        Op {
            method: "get",
            path: "/sites/{site}/conversations/{id}/transcript",
            summary: "The conversation as a file: JSON, CSV or plain text",
            scope: "read",
            query: &[("format", "json (default), csv or text")],
            body: None,
            answer: Answer::Text,
        },
        Op {
            method: "post",
            path: "/sites/{site}/conversations/{id}/notes",
            summary: "A note for the team (never shown to the customer)",
            scope: "write",
            query: &[],
            body: Some(Body::Json(g.subschema_for::<NewNote>().to_value())),
            answer: Answer::Json(201, g.subschema_for::<Note>().to_value()),
        },
        Op {
            method: "post",
            path: "/sites/{site}/conversations/{id}/messages",
            summary: "An operator message under the key's name (a resend with the same id is stored once)",
            scope: "write",
            query: &[],
            body: Some(Body::Json(g.subschema_for::<PostMessage>().to_value())),
            answer: Answer::Json(201, g.subschema_for::<Stored>().to_value()),
        },
        Op {
            method: "post",
            path: "/sites/{site}/conversations/{id}/files",
            summary:
                "A file from an operator under the key's name: checked by its bytes against the site's types and size, \
                      stored, and sent as a message (a resend with the same id is stored once)",
            scope: "write",
            query: &[("id", "the message's id (required)"), ("name", "the file's name (required)")],
            body: Some(Body::File),
            answer: Answer::Json(201, g.subschema_for::<Uploaded>().to_value()),
        },
        Op {
            method: "post",
            path: "/sites/{site}/conversations/{id}/close",
            summary: "Close the conversation with an outcome (the workflow's closing rules apply)",
            scope: "write",
            query: &[],
            body: Some(Body::Json(g.subschema_for::<CloseWith>().to_value())),
            answer: Answer::Json(201, g.subschema_for::<Stored>().to_value()),
        },
        Op {
            method: "put",
            path: "/sites/{site}/conversations/{id}/tags",
            summary: "The conversation's tags, all of them",
            scope: "write",
            query: &[],
            body: Some(Body::Json(g.subschema_for::<Tags>().to_value())),
            answer: Answer::Json(200, g.subschema_for::<Tags>().to_value()),
        },
        Op {
            method: "get",
            path: "/sites/{site}/customers/export",
            summary: "Everything kept about one customer (GDPR Art. 15 and 20)",
            scope: "write",
            query: CUSTOMER,
            body: None,
            answer: Answer::Json(200, g.subschema_for::<CustomerExport>().to_value()),
        },
        Op {
            method: "post",
            path: "/sites/{site}/customers/erase",
            summary: "Erase one customer (GDPR Art. 17); the erasure is logged",
            scope: "write",
            query: CUSTOMER,
            body: None,
            answer: Answer::Json(200, g.subschema_for::<Erasure>().to_value()),
        },
        Op {
            method: "get",
            path: "/sites/{site}/search",
            summary: "Search the site's conversations (an index: no conversation is read); newest first, 20 a page",
            scope: "read",
            query: &[
                ("q", "words a message contains, the last one as a prefix (without: conversations, not messages)"),
                ("customer", "part of the customer's name"),
                ("tag", "a tag of the conversation"),
                ("workflow", "support, sales or moderation"),
                ("status", "open or closed"),
                ("operator", "the operator who has it"),
                ("from", "ms: messages from then (without q: conversations active since)"),
                ("to", "ms: messages before then (without q: conversations started before)"),
                ("cursor", "the previous page's next"),
            ],
            body: None,
            answer: Answer::Json(200, g.subschema_for::<SearchPage>().to_value()),
        },
        Op {
            method: "get",
            path: "/sites/{site}/incidents",
            summary: "The moderation desk's incidents, newest first",
            scope: "read",
            query: &[("q", "only those whose text contains this"), ("format", "csv for CSV")],
            body: None,
            answer: Answer::Json(200, g.subschema_for::<Vec<Incident>>().to_value()),
        },
    ]
}

/// Every `(method, path)` the document describes, paths under `/api/v1`.
pub fn operations() -> Vec<(&'static str, &'static str)> {
    ops(&mut generator()).iter().map(|o| (o.method, o.path)).collect()
}

fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12().with(|s| s.definitions_path = "/components/schemas".into()).into_generator()
}

fn parameter(name: &str, place: &str, description: &str, required: bool) -> Value {
    json!({ "name": name, "in": place, "required": required, "description": description, "schema": { "type": "string" } })
}

/// The document.
pub fn document() -> Value {
    let mut g = generator();
    let error = g.subschema_for::<ApiError>().to_value();
    let mut paths = Map::new();
    for op in ops(&mut g) {
        let mut parameters = vec![parameter("site", "path", "the site's id", true)];
        if op.path.contains("{id}") {
            parameters.push(parameter("id", "path", "the conversation's id", true));
        }
        parameters.extend(op.query.iter().map(|(n, d)| parameter(n, "query", d, false)));
        let (status, content) = match op.answer {
            Answer::Json(status, schema) => (status, json!({ "application/json": { "schema": schema } })),
            Answer::Text => (
                200,
                json!({ "application/json": {}, "text/csv": { "schema": { "type": "string" } }, "text/plain": { "schema": { "type": "string" } } }),
            ),
        };
        let refused = json!({ "description": "refused: the error's code and sentence", "content": { "application/json": { "schema": error } } });
        let wait =
            json!({ "description": "seconds to wait (at least 1)", "schema": { "type": "integer", "minimum": 1 } });
        let too_fast = json!({
            "description": "too many calls with this key: try again after `Retry-After` seconds (also in `detail`: `{\"why\": \"wait\", \"seconds\": …}`)",
            "headers": { "Retry-After": wait },
            "content": { "application/json": { "schema": error } },
        });
        let mut operation = json!({
            "summary": op.summary,
            "description": format!("Needs a {} key.", op.scope),
            "parameters": parameters,
            "responses": {
                status.to_string(): { "description": "done", "content": content },
                "429": too_fast,
                "4XX": refused,
            },
        });
        let content = match op.body {
            Some(Body::Json(schema)) => Some(json!({ "application/json": { "schema": schema } })),
            Some(Body::File) => Some(
                json!({ "application/octet-stream": { "schema": { "type": "string", "contentMediaType": "application/octet-stream" } } }),
            ),
            None => None,
        };
        if let Some(content) = content {
            operation["requestBody"] = json!({ "required": true, "content": content });
        }
        let entry = paths.entry(format!("/api/v1{}", op.path)).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Chat platform REST API",
            "version": "1",
            "description": "A site's conversations, customer profiles, transcripts, customers' exports and erasure, and incidents. Authenticate with a site's API key (made in the console's settings): `Authorization: Bearer ck_…`; a read key reads, a write key also writes.",
        },
        "components": {
            "schemas": g.take_definitions(true),
            "securitySchemes": { "apiKey": { "type": "http", "scheme": "bearer" } },
        },
        "security": [{ "apiKey": [] }],
        "paths": paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed document is the one these types make.
    #[test]
    fn the_committed_document_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
        let made = serde_json::to_string_pretty(&document()).unwrap() + "\n";
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &made).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == made,
            "shared/openapi.json is stale: run UPDATE_GOLDEN=1 cargo test -p shared --all-features openapi"
        );
    }

    #[test]
    fn every_operation_has_its_schemas_defined() {
        let doc = document();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for name in [
            "ConversationSummary",
            "Transcript",
            "Profile",
            "ApiError",
            "Erasure",
            "Incident",
            "SearchPage",
            "Uploaded",
        ] {
            assert!(schemas.contains_key(name), "{name}");
        }
        for r in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = &r[..r.find('"').unwrap()];
            assert!(schemas.contains_key(name), "a reference to an undefined schema {name}");
        }
        assert_eq!(operations().len(), 13);
    }
}
