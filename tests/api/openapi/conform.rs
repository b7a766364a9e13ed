//! Checks a JSON value against a schema of the served OpenAPI document: the subset of JSON
//! Schema the document uses (`$ref`, `allOf`, `oneOf`/`anyOf`, `type`, `enum`, bounds,
//! `required`, `properties`, `items`), plus one rule stricter than JSON Schema: every member of
//! an object must be declared, so the document describes all that the API sends.

use serde_json::Value;

/// Where a `$ref` points, and the schema itself otherwise.
pub fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let target = reference
                .strip_prefix('#')
                .and_then(|pointer| doc.pointer(pointer))
                .unwrap_or_else(|| panic!("$ref {reference} does not resolve"));
            resolve(doc, target)
        }
        None => schema,
    }
}

/// What is wrong with `value` as an instance of `schema`, one line per fault; empty if nothing.
pub fn faults(doc: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut faults = Vec::new();
    check(doc, schema, value, "$", true, &mut faults);
    faults
}

/// `closed`: report members that no `properties` declares. Off for the parts of an `allOf`,
/// which each declare only some members; the `allOf` as a whole checks them.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str, closed: bool, faults: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    for part in list(schema, "allOf") {
        check(doc, part, value, at, false, faults);
    }
    for keyword in ["oneOf", "anyOf"] {
        let branches = list(schema, keyword);
        let fitting = branches.iter().filter(|branch| faults_at(doc, branch, value, at).is_empty()).count();
        let fits = if keyword == "oneOf" { fitting == 1 } else { fitting >= 1 };
        if !branches.is_empty() && !fits {
            faults.push(format!("{at}: {fitting} branches of {keyword} fit {value}"));
        }
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(one) => vec![one.as_str()],
            many => many.as_array().into_iter().flatten().filter_map(Value::as_str).collect(),
        };
        if !types.iter().any(|kind| is_a(value, kind)) {
            faults.push(format!("{at}: {value} is not of type {types:?}"));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        faults.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    match value {
        Value::Number(number) => check_number(schema, number.as_f64().unwrap(), at, faults),
        Value::String(text) => check_string(schema, text, at, faults),
        Value::Array(items) => check_array(doc, schema, items, at, faults),
        Value::Object(members) => {
            for name in list(schema, "required").iter().filter_map(|name| name.as_str()) {
                if !members.contains_key(name) {
                    faults.push(format!("{at}: required member {name:?} is missing"));
                }
            }
            // Members declared by `allOf` parts are checked by those parts.
            let own = schema.get("properties").and_then(Value::as_object);
            let declared = declared(doc, schema);
            for (name, member) in members {
                if let Some(property) = own.and_then(|own| own.get(name)) {
                    check(doc, property, member, &format!("{at}.{name}"), true, faults);
                } else if closed && !declared.is_empty() && !declared.contains(name) {
                    faults.push(format!("{at}: member {name:?} is not in the document"));
                }
            }
        }
        _ => {}
    }
}

fn faults_at(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut faults = Vec::new();
    check(doc, schema, value, at, true, &mut faults);
    faults
}

fn check_number(schema: &Value, number: f64, at: &str, faults: &mut Vec<String>) {
    if schema.get("minimum").and_then(Value::as_f64).is_some_and(|minimum| number < minimum) {
        faults.push(format!("{at}: {number} is below the minimum"));
    }
    if schema.get("maximum").and_then(Value::as_f64).is_some_and(|maximum| number > maximum) {
        faults.push(format!("{at}: {number} is above the maximum"));
    }
}

fn check_string(schema: &Value, text: &str, at: &str, faults: &mut Vec<String>) {
    if schema.get("maxLength").and_then(Value::as_u64).is_some_and(|max| text.chars().count() as u64 > max) {
        faults.push(format!("{at}: {text:?} is longer than maxLength"));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && !matches_pattern(pattern, text)
    {
        faults.push(format!("{at}: {text:?} does not match {pattern}"));
    }
}

fn check_array(doc: &Value, schema: &Value, items: &[Value], at: &str, faults: &mut Vec<String>) {
    let count = items.len() as u64;
    if schema.get("minItems").and_then(Value::as_u64).is_some_and(|min| count < min)
        || schema.get("maxItems").and_then(Value::as_u64).is_some_and(|max| count > max)
    {
        faults.push(format!("{at}: {count} items is outside minItems..maxItems"));
    }
    if let Some(item_schema) = schema.get("items") {
        for (i, item) in items.iter().enumerate() {
            check(doc, item_schema, item, &format!("{at}[{i}]"), true, faults);
        }
    }
}

/// The only patterns the document uses: `^[0-9]{n}$`. Another one must be taught here first.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    let digits: usize = pattern
        .strip_prefix("^[0-9]{")
        .and_then(|rest| rest.strip_suffix("}$"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("pattern {pattern} is not of the form ^[0-9]{{n}}$"));
    text.len() == digits && text.bytes().all(|b| b.is_ascii_digit())
}

/// The names of the members an object schema declares, its `allOf` parts' included.
fn declared(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = resolve(doc, schema);
    let own = schema.get("properties").and_then(Value::as_object).into_iter().flatten();
    let mut names: Vec<String> = own.map(|(name, _)| name.clone()).collect();
    for part in list(schema, "allOf") {
        names.extend(declared(doc, part));
    }
    names
}

fn list<'a>(schema: &'a Value, keyword: &str) -> &'a [Value] {
    schema.get(keyword).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn is_a(value: &Value, kind: &str) -> bool {
    match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        other => panic!("unknown type {other:?} in the document"),
    }
}
