//! The OpenAPI document of `/api/v1`, generated from the handlers (`#[utoipa::path]`)
//! and the types they read and answer with (`ToSchema`), so it cannot drift from the
//! code. Each feature lists its operations in its own `OpenApi` type; [`document`] joins
//! them and adds what every operation shares by rule: the refusals an operation can
//! answer follow from what it takes (input, a body, a token), so none is forgotten.
//! `openapi.json` beside this crate is the document as last generated; a test keeps the
//! two equal, so a change to the API shows in review as a change to that file.

use std::sync::OnceLock;
use utoipa::OpenApi;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "samla API",
        version = "1",
        description = "Open data and integration API of samla. Region data: Kartdata © Kartverket (CC BY 4.0); Kommuneinndeling: Statistisk sentralbyrå. Errors are RFC 9457 problem bodies with a stable `code`. The dialogue workflow (cycles, dialogues, steps, meetings, reports, follow-up) takes a bearer token and follows the same rules as the web pages."
    ),
    servers((url = "/api/v1")),
    components(schemas(crate::error::Problem)),
    paths(document_itself)
)]
struct Base;

/// This document.
#[utoipa::path(get, path = "/openapi.json", responses((status = 200, description = "OpenAPI 3.1")))]
pub async fn document_itself() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        document(),
    )
}

/// The shared refusals: their names, statuses and what each means.
const REFUSALS: [(&str, &str, &str); 9] = [
    (
        "400",
        "BadRequest",
        "The request does not have the form this document describes: a path or query parameter that is not what its schema says, a body that is not JSON, a field of the wrong type, a value outside its range, pattern, list or length. `code` says what (for example invalid_input, invalid_date, date_out_of_range, required, text_too_long) and `field` names the input.",
    ),
    (
        "401",
        "Unauthorized",
        "No bearer token where one is needed (login_required), or a token that is not valid: mistyped, expired or revoked (invalid_token, on every operation, public ones included). Answered with `WWW-Authenticate: Bearer`.",
    ),
    (
        "403",
        "Forbidden",
        "The token's user may not do this (forbidden, leader_required).",
    ),
    (
        "404",
        "NotFound",
        "Nothing with this identity that the caller may see (not_found, unknown_municipality); another embete's unpublished work is not found rather than forbidden.",
    ),
    (
        "409",
        "Conflict",
        "The request does not fit what is stored now: a stale `version` (edit_conflict, with what is saved now), a step out of order (stage_not_allowed), a locked report or meeting, a taken name.",
    ),
    (
        "410",
        "Gone",
        "The report was published and has been withdrawn (report_withdrawn); the body says when and why.",
    ),
    (
        "413",
        "PayloadTooLarge",
        "The body is larger than this endpoint accepts.",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "The body is not sent as `application/json`.",
    ),
    (
        "422",
        "Unprocessable",
        "The request has the right form, but a rule that depends on stored data or on the date refuses it: a national identity number in public text (personal_id_found), an unconfirmed 11-digit run (personal_id_unconfirmed), a missing child-friendly summary, a date in the future or out of order with the other steps, a period that runs backwards, a unit that does not exist on the cycle's dates. `errors` lists every refusal with its `field`.",
    ),
];

/// The statuses every operation can answer by what it takes: input can be malformed
/// (400); a body can be too large, not JSON, or refused by a rule (413, 415, 422); any
/// request can carry a token that is not valid (401); a protected operation needs the
/// right to act (403).
fn shared_statuses(operation: &Operation) -> Vec<&'static str> {
    let has_input = operation.request_body.is_some()
        || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let mut statuses = Vec::new();
    if has_input {
        statuses.push("400");
    }
    if operation.request_body.is_some() {
        statuses.extend(["413", "415", "422"]);
    }
    statuses.push("401");
    if operation.security.is_some() {
        statuses.push("403");
    }
    statuses
}

/// A refusal an operation names itself (`(status = 404)` in its attribute) points at the
/// shared response of that status too.
fn refer_to_shared(operation: &mut Operation) {
    let shared = shared_statuses(operation);
    let responses = &mut operation.responses.responses;
    for status in shared {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::new(String::new())));
    }
    for (status, response) in responses.iter_mut() {
        if let Some((_, name, _)) = REFUSALS.iter().find(|(s, _, _)| s == status) {
            *response = RefOr::Ref(Ref::new(format!("#/components/responses/{name}")));
        }
    }
}

/// Descriptions come from doc comments wrapped at 100 columns: a line break inside a
/// paragraph becomes a space, so each paragraph reads as one line in any viewer.
fn unwrap_descriptions(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    serde_json::Value::String(text) if key == "description" => {
                        *text = text
                            .split("\n\n")
                            .map(|paragraph| paragraph.split('\n').collect::<Vec<_>>().join(" "))
                            .collect::<Vec<_>>()
                            .join("\n\n");
                    }
                    _ => unwrap_descriptions(item),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}

/// Every operation of `doc` under one tag: the feature it belongs to.
pub fn tagged(mut doc: utoipa::openapi::OpenApi, tag: &str) -> utoipa::openapi::OpenApi {
    for operation in operations(&mut doc) {
        operation.tags = Some(vec![tag.to_owned()]);
    }
    doc
}

/// Every operation of `doc`, whatever its method.
fn operations(doc: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut Operation> {
    doc.paths.paths.values_mut().flat_map(|item| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
    })
}

/// The whole document, built once.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut doc = Base::openapi();
        doc.merge(crate::routes::api_document());
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token from `samla api-token create --user EMAIL`. It acts with its user's rights.",
                    ))
                    .build(),
            ),
        );
        for (_, name, description) in REFUSALS {
            components.responses.insert(
                name.to_owned(),
                RefOr::T(
                    Response::builder()
                        .description(description)
                        .content(
                            "application/problem+json",
                            Content::new(Some(Ref::from_schema_name("Problem"))),
                        )
                        .build(),
                ),
            );
        }
        for operation in operations(&mut doc) {
            refer_to_shared(operation);
            // OpenAPI requires it of every path parameter; a parameter whose schema is
            // built by a function is not marked by the derive.
            for parameter in operation.parameters.iter_mut().flatten() {
                if let RefOr::T(parameter) = parameter
                    && parameter.parameter_in == ParameterIn::Path
                {
                    parameter.required = Required::True;
                }
            }
        }
        let mut value = serde_json::to_value(&doc).unwrap_or_default();
        unwrap_descriptions(&mut value);
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    })
}

#[cfg(test)]
mod tests {
    /// `openapi.json` is the document as generated: a change to the API changes the file
    /// in the same commit. `SAMLA_UPDATE_OPENAPI=1` writes it anew.
    #[test]
    fn the_committed_document_is_the_generated_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
        let generated = super::document();
        if std::env::var_os("SAMLA_UPDATE_OPENAPI").is_some() {
            std::fs::write(path, generated).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == generated,
            "openapi.json differs from the generated document; run \
             `SAMLA_UPDATE_OPENAPI=1 cargo test -p samla-web --lib openapi` and review the diff"
        );
    }
}
