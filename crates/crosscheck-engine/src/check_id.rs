//! Checking identity documents and identifiers, with the holder when one is given.
//!
//! The checks themselves are `crosscheck-ids`' (check digits, formats, OCR suggestions, and
//! [`check_with_holder`]: an MRZ or a Russian passport against the person who claims it); this
//! module completes a holder written by hand and reads `check-id --input` lines.

use crosscheck_ids::holder::check_with_holder;
use crosscheck_ids::{Date, IdCheck, IdType};
use crosscheck_model::Entity;
use serde::Deserialize;

/// Checks `value` as `kind` at `as_of`, against `holder` when given.
pub fn check(kind: IdType, value: &str, holder: Option<&Entity>, as_of: Date) -> IdCheck {
    match holder {
        Some(holder) => check_with_holder(kind, value, holder, as_of),
        None => crosscheck_ids::check(kind, value, as_of),
    }
}

/// Today's UTC date from the system clock (the default `as_of`).
pub fn today() -> Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    Date::from_unix_days((secs / 86_400) as i64)
}

/// Completes a holder written by hand: the schema defaults to Person, the values are cleaned,
/// and anything but a person is refused.
pub fn holder_entity(mut entity: Entity) -> Result<Entity, String> {
    if entity.schema.is_empty() {
        entity.schema = "Person".into();
    }
    if entity.id.is_empty() {
        entity.id = "holder".into();
    }
    let entity = entity.validate().map_err(|e| e.to_string())?;
    if !entity.schema_def().is_some_and(|s| s.is_a("Person")) {
        return Err(format!("the holder is a `{}`, not a Person", entity.schema));
    }
    Ok(entity)
}

/// One `check-id --input` line.
#[derive(Deserialize)]
struct Request {
    #[serde(default)]
    id: serde_json::Value,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    value: Option<serde_json::Value>,
    #[serde(default)]
    holder: Option<Entity>,
}

/// Answers one `check-id --input` line `{"id", "type", "value"}` (optional `holder`), or says
/// why it cannot be read, with the line's id when it has one. `type` defaults to
/// `default_kind`, else `auto`; the line's own holder replaces `holder`.
pub fn answer_line(
    line: &str,
    default_kind: Option<IdType>,
    holder: Option<&Entity>,
    as_of: Date,
) -> Result<(serde_json::Value, IdCheck), (serde_json::Value, String)> {
    let request: Request = serde_json::from_str(line)
        .map_err(|e| (serde_json::Value::Null, format!("not a JSON object {{\"id\", \"type\", \"value\"}}: {e}")))?;
    let id = request.id;
    let value = match request.value {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(other) => return Err((id, format!("`value` is a string; found {other}"))),
        None => return Err((id, "no `value`".into())),
    };
    let kind = match request.kind.as_deref().filter(|k| !k.trim().is_empty()) {
        Some(k) => k.parse::<IdType>().map_err(|e| (id.clone(), e.to_string()))?,
        None => default_kind.unwrap_or(IdType::Auto),
    };
    let line_holder = match request.holder {
        Some(h) => Some(holder_entity(h).map_err(|e| (id.clone(), format!("holder: {e}")))?),
        None => None,
    };
    let report = check(kind, &value, line_holder.as_ref().or(holder), as_of);
    Ok((id, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_answered_or_refused_with_their_id() {
        let as_of = Date::parse_iso("2024-11-01").unwrap();
        let (id, report) =
            answer_line(r#"{"id":"a","type":"ru-inn","value":"7707083893"}"#, None, None, as_of).unwrap();
        assert_eq!((id, report.valid), (serde_json::json!("a"), true));
        let (id, reason) = answer_line(r#"{"id":7,"type":"ru-inn"}"#, None, None, as_of).unwrap_err();
        assert_eq!((id, reason.as_str()), (serde_json::json!(7), "no `value`"));
        let (id, _) = answer_line("{oops", None, None, as_of).unwrap_err();
        assert_eq!(id, serde_json::Value::Null);
    }

    #[test]
    fn a_holder_must_be_a_person() {
        let company: Entity = serde_json::from_str(r#"{"schema":"Company","properties":{"name":["Acme"]}}"#).unwrap();
        assert!(holder_entity(company).unwrap_err().contains("not a Person"));
    }
}
