//! The served OpenAPI document: valid OpenAPI 3, complete (every route the router serves under
//! `/api/v1`), and true: each documented bound, default, value and answer shape is probed
//! against the real handlers, so the document cannot drift from what the API does.

pub mod conform;

use std::collections::BTreeSet;

use axum::Router;
use axum::http::StatusCode;
use serde_json::Value;

use crate::support::TestApp;
use conform::{faults, resolve};

/// The prefix the router nests the API under, as the document's server says.
const API: &str = "/api/v1";

async fn served_document(app: &TestApp) -> Value {
    let (status, content_type, body) = app.get_raw("/api/v1/openapi.json").await;
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "application/json"));
    serde_json::from_slice(&body).expect("the document is JSON")
}

/// The paths `router` serves, from its route table. axum has no public way to list routes;
/// its `Debug` of a router prints each route's path in quotes, which is read here. Should that
/// output change, this finds no `/api/v1` paths and the test fails rather than passing.
fn routed_paths(router: &Router) -> BTreeSet<String> {
    let table = format!("{router:?}");
    table.split('"').skip(1).step_by(2).filter(|quoted| quoted.starts_with('/')).map(str::to_owned).collect()
}

#[tokio::test]
async fn every_route_under_api_v1_is_in_the_served_document() {
    let app = TestApp::new().await;
    let doc = served_document(&app).await;
    assert_eq!(doc["servers"][0]["url"], API);

    let routed: BTreeSet<String> = routed_paths(&app.router())
        .into_iter()
        .filter_map(|path| path.strip_prefix(API).map(str::to_owned))
        .filter(|path| path.starts_with('/'))
        .collect();
    let documented: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    assert!(routed.contains("/openapi.json"), "the route table was not read: {routed:?}");
    assert_eq!(routed, documented, "routes served under {API} and documented paths differ");

    // Each path answers the methods it documents (the probe test below sends them) and no other.
    for (path, item) in doc["paths"].as_object().unwrap() {
        let methods: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(methods, ["get"], "{path}: only GET is served, so only GET should be documented");
        let (status, _, body) = app.request("POST", &format!("{API}{}", concrete(path, item))).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "POST {path}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        let error_body = &doc["components"]["schemas"]["ErrorBody"];
        assert_eq!(faults(&doc, error_body, &body), Vec::<String>::new(), "POST {path}: {body}");
    }
}

#[tokio::test]
async fn the_served_document_is_valid_openapi_3() {
    let app = TestApp::new().await;
    let doc = served_document(&app).await;
    assert!(doc["openapi"].as_str().is_some_and(|version| version.starts_with("3.")), "{}", doc["openapi"]);
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    let mut references = Vec::new();
    collect_refs(&doc, &mut references);
    assert!(!references.is_empty());
    for reference in references {
        let target = reference.strip_prefix('#').and_then(|pointer| doc.pointer(pointer));
        assert!(target.is_some(), "$ref {reference} does not resolve");
    }

    let mut operation_ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(path.starts_with('/'), "{path}");
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}: no operationId"));
            assert!(operation_ids.insert(id.to_owned()), "operationId {id} twice");
            assert!(!operation["responses"].as_object().unwrap().is_empty(), "{id}: no responses");
            for (status, response) in operation["responses"].as_object().unwrap() {
                assert!(status.len() == 3 && status.parse::<u16>().is_ok(), "{id}: status {status}");
                assert!(resolve(&doc, response)["description"].is_string(), "{id} {status}: no description");
            }
            let templated: BTreeSet<&str> =
                path.split('/').filter_map(|part| part.strip_prefix('{')?.strip_suffix('}')).collect();
            let mut in_path = BTreeSet::new();
            for parameter in parameters(operation) {
                let name = parameter["name"].as_str().unwrap();
                let place = parameter["in"].as_str().unwrap();
                assert!(["query", "path", "header", "cookie"].contains(&place), "{id} {name}: in {place}");
                if place == "path" {
                    assert_eq!(parameter["required"], true, "{id} {name}: path parameters are required");
                    in_path.insert(name);
                }
                assert!(parameter["description"].is_string(), "{id} {name}: no description");
                // Documented values must be values of the parameter's own schema.
                let schema = &parameter["schema"];
                for value in [&parameter["example"], &schema["default"], &resolve(&doc, schema)["default"]] {
                    if !value.is_null() {
                        assert_eq!(faults(&doc, schema, value), Vec::<String>::new(), "{id} {name}: {value}");
                    }
                }
            }
            assert_eq!(templated, in_path, "{id}: path template and path parameters differ");
        }
    }
}

/// Sends every documented request and a wrong one at every documented limit, and checks each
/// answer's status, content type and body against what the document says.
#[tokio::test]
async fn documented_parameters_and_answers_are_what_the_handlers_do() {
    let app = TestApp::new().await;
    let doc = served_document(&app).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let operation = &item["get"];
        let probe = Probe { app: &app, doc: &doc, path: concrete(path, item), operation };
        let base: Vec<(String, String)> = parameters(operation)
            .filter(|p| p["in"] == "query" && p["required"] == true)
            .map(|p| (name(p), example(p).unwrap_or_else(|| panic!("{path} {}: no example", name(p)))))
            .collect();
        let base_body = probe.answer(&base, 200).await;

        for parameter in parameters(operation).filter(|p| p["in"] == "query") {
            let name = name(parameter);
            let with = |value: &str| {
                let mut query: Vec<(String, String)> =
                    base.iter().filter(|(n, _)| *n != name).cloned().collect();
                query.push((name.clone(), value.to_owned()));
                query
            };
            let schema = resolve(&doc, &parameter["schema"]);
            if parameter["required"] == true {
                let without: Vec<_> = base.iter().filter(|(n, _)| *n != name).cloned().collect();
                probe.answer(&without, 400).await;
            }
            let step = if schema["type"] == "integer" { 1.0 } else { 0.5 };
            if let Some(minimum) = schema["minimum"].as_f64() {
                probe.answer(&with(&minimum.to_string()), 200).await;
                probe.answer(&with(&(minimum - step).to_string()), 400).await;
            }
            if let Some(maximum) = schema["maximum"].as_f64() {
                probe.answer(&with(&maximum.to_string()), 200).await;
                probe.answer(&with(&(maximum + step).to_string()), 400).await;
            }
            if ["number", "integer"].contains(&schema["type"].as_str().unwrap_or_default()) {
                probe.answer(&with("soon"), 400).await;
            }
            if let Some(values) = schema["enum"].as_array() {
                for value in values {
                    probe.answer(&with(value.as_str().unwrap()), 200).await;
                }
                probe.answer(&with("no-such-value"), 400).await;
            }
            if let Some(max_length) = schema["maxLength"].as_u64() {
                probe.answer(&with(&"村".repeat(max_length as usize)), 200).await;
                probe.answer(&with(&"村".repeat(max_length as usize + 1)), 400).await;
            }
            let default =
                [&parameter["schema"]["default"], &schema["default"]].into_iter().find(|d| !d.is_null());
            if let Some(default) = default {
                let text = default.as_str().map_or_else(|| default.to_string(), str::to_owned);
                let body = probe.answer(&with(&text), 200).await;
                assert!(body == base_body, "{path}: {name}={text} answers otherwise than leaving it out");
            }
        }
    }

    // The documented 404 and a malformed path parameter.
    let item = &doc["paths"]["/points/{code}"];
    for (code, status) in [("331003999999", 404), ("12", 400)] {
        let probe = Probe { app: &app, doc: &doc, path: format!("/points/{code}"), operation: &item["get"] };
        probe.answer(&[], status).await;
    }
}

/// One documented operation, sent to the real router.
struct Probe<'a> {
    app: &'a TestApp,
    doc: &'a Value,
    /// The path under `/api/v1` with its parameters filled in.
    path: String,
    operation: &'a Value,
}

impl Probe<'_> {
    /// GETs the operation with `query`, expects `status`, and checks the answer against the
    /// response the document gives for that status; returns the body.
    async fn answer(&self, query: &[(String, String)], status: u16) -> Vec<u8> {
        let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(query).finish();
        let uri = format!("{API}{}?{query}", self.path);
        let (got, content_type, body) = self.app.get_raw(&uri).await;
        assert_eq!(got.as_u16(), status, "{uri}: {}", String::from_utf8_lossy(&body));
        let response = self.operation["responses"]
            .get(status.to_string())
            .map(|response| resolve(self.doc, response))
            .unwrap_or_else(|| panic!("{uri}: status {status} is not documented"));
        let (media_type, content) = response["content"].as_object().unwrap().iter().next().unwrap();
        assert_eq!(&content_type, media_type, "{uri}: content type");
        let value: Value = serde_json::from_slice(&body).unwrap();
        let found = faults(self.doc, &content["schema"], &value);
        let shown = found.iter().take(5).cloned().collect::<Vec<_>>().join("\n");
        assert!(found.is_empty(), "{uri}: {} faults against the document, such as:\n{shown}", found.len());
        body
    }
}

fn parameters(operation: &Value) -> impl Iterator<Item = &Value> {
    operation["parameters"].as_array().into_iter().flatten()
}

fn name(parameter: &Value) -> String {
    parameter["name"].as_str().unwrap().to_owned()
}

/// A parameter's documented example as query text.
fn example(parameter: &Value) -> Option<String> {
    let example =
        [&parameter["example"], &parameter["schema"]["example"]].into_iter().find(|e| !e.is_null())?;
    Some(example.as_str().map_or_else(|| example.to_string(), str::to_owned))
}

/// `path` with each path parameter replaced by its documented example.
fn concrete(path: &str, item: &Value) -> String {
    let mut concrete = path.to_owned();
    for parameter in item.as_object().unwrap().values().flat_map(parameters).filter(|p| p["in"] == "path") {
        let value = example(parameter).unwrap_or_else(|| panic!("{path} {}: no example", name(parameter)));
        concrete = concrete.replace(&format!("{{{}}}", name(parameter)), &value);
    }
    concrete
}

fn collect_refs(value: &Value, references: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            if let Some(Value::String(reference)) = members.get("$ref") {
                references.push(reference.clone());
            }
            members.values().for_each(|member| collect_refs(member, references));
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, references)),
        _ => {}
    }
}
