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
use serde::Deserialize;
use std::collections::BTreeMap;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    schema: String,
    #[serde(default)]
    id: Option<OneOrMany>,
    #[serde(default)]
    delimiter: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    /// Read as plain YAML first, then each value on its own, so a mistake names its property,
    /// the key at fault and the line (an untagged enum only said that nothing matched).
    properties: BTreeMap<String, serde_yaml_ng::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

enum RawSource {
    Column(String),
    Columns(Vec<String>),
    Spec(RawSpec),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    #[serde(default)]
    column: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    literal: Option<serde_yaml_ng::Value>,
}

/// The 1-based line where property `prop` is declared in `yaml` (the first line whose key it is).
fn line_of(yaml: &str, prop: &str) -> Option<usize> {
    yaml.lines()
        .position(|l| {
            let key = l.trim_start().trim_start_matches(['"', '\'']);
            key.strip_prefix(prop)
                .is_some_and(|rest| rest.trim_start_matches(['"', '\'']).trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// Reads one property's source: a column name, a list of columns, or a `column`/`format`/`literal`
/// map. A wrong shape or key is named with the property and its line.
fn raw_source(yaml: &str, prop: &str, value: serde_yaml_ng::Value) -> Result<RawSource, String> {
    let at = line_of(yaml, prop).map(|l| format!(" (line {l})")).unwrap_or_default();
    match value {
        serde_yaml_ng::Value::String(s) => Ok(RawSource::Column(s)),
        serde_yaml_ng::Value::Sequence(items) => items
            .into_iter()
            .map(|v| match v {
                serde_yaml_ng::Value::String(s) => Ok(s),
                _ => Err(format!("property `{prop}`{at}: a list of columns holds only column names")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(RawSource::Columns),
        v @ serde_yaml_ng::Value::Mapping(_) => serde_yaml_ng::from_value::<RawSpec>(v)
            .map(RawSource::Spec)
            .map_err(|e| format!("property `{prop}`{at}: {e}")),
        _ => Err(format!(
            "property `{prop}`{at}: give a column name, a list of column names, or `column`/`format`/`literal`"
        )),
    }
}

impl Mapping {
    /// Parses and checks a mapping from YAML text.
    pub fn parse(yaml: &str) -> Result<Mapping, String> {
        let raw: RawMapping = serde_yaml_ng::from_str(yaml).map_err(|e| e.to_string())?;
        let schema = Schema::get(&raw.schema).ok_or_else(|| format!("unknown schema `{}`", raw.schema))?;
        let delimiter = match raw.delimiter.as_deref() {
            None => b',',
            Some("\\t") | Some("tab") => b'\t',
            Some(d) if d.len() == 1 => d.as_bytes()[0],
            Some(d) => return Err(format!("delimiter must be one ASCII character, got `{d}`")),
        };
        let id_columns = match raw.id {
            None => Vec::new(),
            Some(OneOrMany::One(c)) => vec![c],
            Some(OneOrMany::Many(cs)) => cs,
        };
        let mut properties = Vec::new();
        for (prop, source) in raw.properties {
            if schema.prop_type(&prop).is_none() {
                return Err(format!("schema `{}` has no property `{prop}`", schema.name));
            }
            let source = match raw_source(yaml, &prop, source)? {
                RawSource::Column(c) => Source::Column { column: c, format: None },
                RawSource::Columns(cs) if cs.is_empty() => return Err(format!("`{prop}` names no column")),
                RawSource::Columns(cs) => Source::Columns(cs),
                RawSource::Spec(RawSpec { column: Some(c), format, literal: None }) => {
                    Source::Column { column: c, format }
                }
                RawSource::Spec(RawSpec { column: None, format: None, literal: Some(v) }) => Source::Literal(match v {
                    serde_yaml_ng::Value::String(s) => s,
                    serde_yaml_ng::Value::Number(n) => n.to_string(),
                    serde_yaml_ng::Value::Bool(b) => b.to_string(),
                    _ => return Err(format!("`{prop}`: a literal must be a plain value")),
                }),
                RawSource::Spec(_) => {
                    return Err(format!("`{prop}`: give either `column` (with an optional `format`) or `literal`"))
                }
            };
            properties.push((prop, source));
        }
        if properties.is_empty() {
            return Err("`properties` maps no column".into());
        }
        Ok(Mapping { schema, id_columns, delimiter, encoding: raw.encoding, properties })
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
            ("schema: Person\ndelimiter: ';;'\nproperties: {name: a}", "delimiter must be one ASCII character"),
            ("schema: Person\nproperties: {}", "maps no column"),
            ("schema: Person\ncolour: red\nproperties: {name: a}", "unknown field `colour`"),
            (
                "schema: Person\nproperties:\n  name: fio\n  birthDate: {colum: dob}\n",
                "property `birthDate` (line 4): unknown field `colum`",
            ),
        ];
        for (yaml, want) in table {
            let err = Mapping::parse(yaml).unwrap_err();
            assert!(err.contains(want), "{yaml:?}: {err}");
        }
    }
}
