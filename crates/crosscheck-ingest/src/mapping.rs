//! The CSV column mapping (YAML), as PRODUCT.md specifies it:
//!
//! ```yaml
//! schema: Person                 # one entity per row
//! id: [passport_no, dob]         # columns whose values make a stable id; the row number when absent
//! delimiter: ";"                 # default ","
//! encoding: windows-1251         # default utf-8; `--encoding` overrides
//! properties:
//!   name: fio                    # property: column
//!   birthDate: {column: dob, format: "%d.%m.%Y"}
//!   address: [street, city]      # several columns, joined with ", "
//!   nationality: {literal: ru}   # a fixed value
//! ```
//!
//! A mapping is checked when it is read: an unknown schema or a property the schema does not
//! declare is an error (a typo such as `birthdate` would otherwise load nothing, silently).

use crosscheck_model::Schema;
use serde_yaml_ng::Value;

/// Where one property's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One column.
    Column { column: String, format: Option<String> },
    /// Several columns joined with ", ".
    Columns(Vec<String>),
    /// A fixed value.
    Literal(String),
}

/// A parsed, checked mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub schema: &'static Schema,
    pub id_columns: Vec<String>,
    pub delimiter: u8,
    pub encoding: Option<String>,
    pub properties: Vec<(String, Source)>,
}

/// What a YAML value is, for messages that must not show the value itself.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "keys",
        Value::Tagged(_) => "a tagged value",
    }
}

/// Whether `s` can be shown in a message: a word someone typed as a key (`propertes`, `birth_date`),
/// not text from a file the mapping path points at by mistake (a password hash, a token). Anything
/// else is described, never shown.
fn showable(s: &str) -> bool {
    (1..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// ``key `name` `` when the name can be shown, else `key (not shown)`.
fn key_named(key: &str) -> String {
    if showable(key) {
        format!("key `{key}`")
    } else {
        "key (not shown)".into()
    }
}

/// A YAML syntax error, its quoted parts hidden unless they can be shown (see [`showable`]).
fn syntax_error(e: &serde_yaml_ng::Error) -> String {
    let text = e.to_string();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest.as_bytes()[open] as char;
        let Some(len) = rest[open + 1..].find(quote) else { break };
        let inner = &rest[open + 1..open + 1 + len];
        out.push_str(&rest[..open]);
        if showable(inner) {
            out.push_str(&format!("`{inner}`"));
        } else {
            out.push_str("(a value not shown)");
        }
        rest = &rest[open + 2 + len..];
    }
    out.push_str(rest);
    format!("not readable as YAML: {out}")
}

/// ` (line N)` where `key` is declared in `yaml`, or nothing when it cannot be found.
fn at(yaml: &str, key: &str) -> String {
    line_of(yaml, key).map(|l| format!(" (line {l})")).unwrap_or_default()
}

/// The 1-based line where `key` is first written as a key in `yaml`: at a line's start (after
/// indentation or `- `), or after `{` or `,` in a flow mapping, optionally quoted.
fn line_of(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|l| {
            l.match_indices(key).any(|(i, _)| {
                let before = l[..i].trim_end_matches(['"', '\'']).trim_end();
                let after = l[i + key.len()..].trim_start_matches(['"', '\'']).trim_start();
                (before.is_empty() || before.ends_with(['{', ',', '-'])) && after.starts_with(':')
            })
        })
        .map(|i| i + 1)
}

/// Text at `key`; any other kind is named, never shown.
fn text(yaml: &str, key: &str, v: Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(format!("`{key}`{}: expected text, found {}", at(yaml, key), kind(&other))),
    }
}

/// Reads one property's source: a column name, a list of columns, or a `column`/`format`/`literal`
/// map. A wrong shape or key is named with the property and its line, the value never shown.
fn source(yaml: &str, prop: &str, value: Value) -> Result<Source, String> {
    let at = at(yaml, prop);
    let prop = if showable(prop) { format!("property `{prop}`") } else { "property (not shown)".into() };
    match value {
        Value::String(s) => Ok(Source::Column { column: s, format: None }),
        Value::Sequence(items) => {
            let columns = items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    other => {
                        Err(format!("{prop}{at}: a list of columns holds only column names, not {}", kind(&other)))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            if columns.is_empty() {
                return Err(format!("{prop}{at} names no column"));
            }
            Ok(Source::Columns(columns))
        }
        Value::Mapping(spec) => {
            let (mut column, mut format, mut literal) = (None, None, None);
            for (k, v) in spec {
                let Value::String(k) = k else { return Err(format!("{prop}{at}: a key that is not text")) };
                let what = |v: &Value| kind(v);
                match k.as_str() {
                    "column" | "format" => {
                        let Value::String(s) = v else {
                            return Err(format!("{prop}{at}: `{k}` expects text, found {}", what(&v)));
                        };
                        if k == "column" {
                            column = Some(s);
                        } else {
                            format = Some(s);
                        }
                    }
                    "literal" => {
                        literal = Some(match v {
                            Value::String(s) => s,
                            Value::Number(n) => n.to_string(),
                            Value::Bool(b) => b.to_string(),
                            other => {
                                return Err(format!(
                                    "{prop}{at}: a literal must be a plain value, not {}",
                                    kind(&other)
                                ))
                            }
                        })
                    }
                    other => {
                        return Err(format!(
                            "{prop}{at}: unknown {} (a property takes `column`, `format` or `literal`)",
                            key_named(other)
                        ))
                    }
                }
            }
            match (column, format, literal) {
                (Some(column), format, None) => Ok(Source::Column { column, format }),
                (None, None, Some(v)) => Ok(Source::Literal(v)),
                _ => Err(format!("{prop}{at}: give either `column` (with an optional `format`) or `literal`")),
            }
        }
        other => Err(format!(
            "{prop}{at}: give a column name, a list of column names, or `column`/`format`/`literal`, not {}",
            kind(&other)
        )),
    }
}

impl Mapping {
    /// Parses and checks a mapping from YAML text. Errors name the key, its line and what was
    /// expected, never a value: a mapping path that points at the wrong file (a key file, a
    /// password file) must not print that file's content.
    pub fn parse(yaml: &str) -> Result<Mapping, String> {
        let doc: Value = serde_yaml_ng::from_str(yaml).map_err(|e| syntax_error(&e))?;
        let Value::Mapping(top) = doc else {
            return Err(format!(
                "a mapping is YAML keys (`schema`, `properties`, ...), but this file holds {}",
                kind(&doc)
            ));
        };
        let (mut schema, mut id, mut delimiter, mut encoding, mut properties) = (None, None, None, None, None);
        for (k, v) in top {
            let Value::String(key) = k else { return Err(format!("a key that is not text holds {}", kind(&v))) };
            match key.as_str() {
                "schema" => schema = Some(text(yaml, "schema", v)?),
                "delimiter" => delimiter = Some(text(yaml, "delimiter", v)?),
                "encoding" => encoding = Some(text(yaml, "encoding", v)?),
                "id" => {
                    id = Some(match v {
                        Value::String(s) => vec![s],
                        Value::Sequence(items) => items
                            .into_iter()
                            .map(|v| match v {
                                Value::String(s) => Ok(s),
                                other => Err(format!(
                                    "`id`{}: a list of columns holds only column names, not {}",
                                    at(yaml, "id"),
                                    kind(&other)
                                )),
                            })
                            .collect::<Result<_, _>>()?,
                        other => {
                            return Err(format!(
                                "`id`{}: expected a column name or a list of column names, found {}",
                                at(yaml, "id"),
                                kind(&other)
                            ))
                        }
                    })
                }
                "properties" => match v {
                    Value::Mapping(m) => properties = Some(m),
                    other => {
                        return Err(format!(
                            "`properties`{}: expected keys (property: column), found {}",
                            at(yaml, "properties"),
                            kind(&other)
                        ))
                    }
                },
                other => {
                    let line = if showable(other) { at(yaml, other) } else { String::new() };
                    return Err(format!(
                        "unknown {}{line}; a mapping has `schema`, `id`, `delimiter`, `encoding` and `properties`",
                        key_named(other)
                    ));
                }
            }
        }
        let schema_name = schema.ok_or("`schema` is missing: name the schema of the rows (Person, Company, ...)")?;
        let schema = Schema::get(&schema_name).ok_or_else(|| {
            let at = at(yaml, "schema");
            if (1..=40).contains(&schema_name.len()) && schema_name.bytes().all(|b| b.is_ascii_alphabetic()) {
                format!("unknown schema `{schema_name}`{at}")
            } else {
                format!("`schema`{at}: not a schema name (Person, Company, Organization, ...)")
            }
        })?;
        let delimiter = match delimiter.as_deref() {
            None => b',',
            Some("\\t") | Some("tab") => b'\t',
            Some(d) if d.len() == 1 => d.as_bytes()[0],
            Some(d) => {
                return Err(format!(
                    "`delimiter`{}: must be one ASCII character (or `tab`), got {} characters",
                    at(yaml, "delimiter"),
                    d.chars().count()
                ))
            }
        };
        if let Some(label) = &encoding {
            if encoding_rs::Encoding::for_label(label.trim().as_bytes()).is_none() {
                return Err(format!(
                    "`encoding`{}: not an encoding name this tool knows (a WHATWG label such as `windows-1251`)",
                    at(yaml, "encoding")
                ));
            }
        }
        let raw_properties = properties.ok_or("`properties` is missing: map each property to a column")?;
        let mut properties = Vec::new();
        for (prop, value) in raw_properties {
            let Value::String(prop) = prop else { return Err("`properties`: a key that is not text".into()) };
            if schema.prop_type(&prop).is_none() {
                let named = if showable(&prop) { format!("property `{prop}`") } else { "property (not shown)".into() };
                return Err(format!("schema `{}` has no {named}{}", schema.name, at(yaml, &prop)));
            }
            let source = source(yaml, &prop, value)?;
            properties.push((prop, source));
        }
        if properties.is_empty() {
            return Err("`properties` maps no column".into());
        }
        // In name order, as they always were.
        properties.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Mapping { schema, id_columns: id.unwrap_or_default(), delimiter, encoding, properties })
    }

    /// Every column the mapping reads.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.id_columns.iter().map(String::as_str).chain(self.properties.iter().flat_map(|(_, s)| match s {
            Source::Column { column, .. } => vec![column.as_str()],
            Source::Columns(cs) => cs.iter().map(String::as_str).collect(),
            Source::Literal(_) => vec![],
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_product_example() {
        let m = Mapping::parse(
            "schema: Person\nid: [passport_no, dob]\ndelimiter: \";\"\nencoding: windows-1251\nproperties:\n  name: fio\n  birthDate: {column: dob, format: \"%d.%m.%Y\"}\n  address: [street, city]\n  nationality: {literal: ru}\n",
        )
        .unwrap();
        assert_eq!(m.schema.name, "Person");
        assert_eq!(m.delimiter, b';');
        assert_eq!(m.id_columns, ["passport_no", "dob"]);
        assert_eq!(m.properties.len(), 4);
        assert!(m.properties.contains(&("nationality".into(), Source::Literal("ru".into()))));
    }

    #[test]
    fn errors_table() {
        let table = [
            ("schema: Spaceship\nproperties: {name: a}", "unknown schema `Spaceship`"),
            ("schema: Person\nproperties: {birthdate: a}", "schema `Person` has no property `birthdate`"),
            (
                "schema: Person\ndelimiter: ';;'\nproperties: {name: a}",
                "`delimiter` (line 2): must be one ASCII character",
            ),
            ("schema: Person\nproperties: {}", "maps no column"),
            ("schema: Person\ncolour: red\nproperties: {name: a}", "unknown key `colour` (line 2)"),
            (
                "schema: Person\nproperties:\n  name: fio\n  birthDate: {colum: dob}\n",
                "property `birthDate` (line 4): unknown key `colum` (a property takes `column`, `format` or `literal`)",
            ),
            ("properties: {name: a}", "`schema` is missing"),
            ("schema: Person", "`properties` is missing"),
            ("schema: Person\nproperties:\n  name: {column: a, literal: b}", "property `name` (line 3): give either"),
            ("schema: Person\nproperties:\n  name: []", "property `name` (line 3) names no column"),
            ("schema: Person\nid: {a: b}\nproperties: {name: a}", "`id` (line 2): expected a column name or a list"),
            ("schema: Person\nproperties:\n  name: a\n  name: b", "not readable as YAML"),
        ];
        for (yaml, want) in table {
            let err = Mapping::parse(yaml).unwrap_err();
            assert!(err.contains(want), "{yaml:?}: {err}");
        }
    }

    /// A mapping path that points at the wrong file must not print that file: every error names
    /// the key, its line and what was expected, never a value (issue 15).
    #[test]
    fn errors_never_show_values() {
        let secret = "hunter2$SECRET/token:9f8e7d";
        let number = "98765432";
        let table = [
            // a password file's line: one YAML key holding the whole line, or a plain string
            (format!("root:${secret}:19000:0:99999:7:::\n"), "unknown key (not shown); a mapping has"),
            (format!("{secret}\n"), "this file holds text"),
            (
                format!("schema: Person\nproperties: \"{secret}\""),
                "`properties` (line 2): expected keys (property: column), found text",
            ),
            (format!("schema: [{secret}]\nproperties: {{name: a}}"), "`schema` (line 1): expected text, found a list"),
            (format!("schema: {secret}\nproperties: {{name: a}}"), "`schema` (line 1): not a schema name"),
            (
                format!("schema: Person\ndelimiter: \"{secret}\"\nproperties: {{name: a}}"),
                "`delimiter` (line 2): must be one ASCII character (or `tab`), got 27 characters",
            ),
            (
                format!("schema: Person\nencoding: \"{secret}\"\nproperties: {{name: a}}"),
                "`encoding` (line 2): not an encoding name",
            ),
            (
                format!("schema: Person\nproperties:\n  name: {{column: {number}}}"),
                "property `name` (line 3): `column` expects text, found a number",
            ),
            (
                format!("schema: Person\nproperties:\n  name: {{literal: [{secret}]}}"),
                "property `name` (line 3): a literal must be a plain value, not a list",
            ),
            (
                format!("schema: Person\nproperties:\n  name: [{number}]"),
                "a list of columns holds only column names, not a number",
            ),
            (format!("schema: Person\nproperties:\n  \"{secret}\": a"), "schema `Person` has no property (not shown)"),
            (
                format!("schema: Person\nproperties:\n  name: {{\"{secret}\": a}}"),
                "property `name` (line 3): unknown key (not shown)",
            ),
            (format!("schema: Person\nproperties:\n  name: a\n  \"{secret}\": [\n"), "not readable as YAML"),
            (format!("schema: Person\nproperties: {{name: a}}\n{secret}: 1\n{secret}: 2\n"), "not readable as YAML"),
        ];
        for (yaml, want) in &table {
            let err = Mapping::parse(yaml).unwrap_err();
            assert!(err.contains(want), "{yaml:?}: {err}");
            for shown in [secret, "hunter2", "9f8e7d", number] {
                assert!(!err.contains(shown), "{yaml:?} shows a value: {err}");
            }
        }
    }
}
