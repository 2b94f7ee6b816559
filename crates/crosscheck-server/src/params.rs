//! Query-string parameters, read and checked as yente's FastAPI app reads them: a list
//! parameter may repeat (`include_dataset=a&include_dataset=b`), a single one takes its last
//! value, and a value of the wrong shape is a 422 naming the parameter, in FastAPI's words.

use crate::error::ApiError;
use serde_json::json;

/// The parameters of one request, in order.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Reads a raw query string (`None`: no `?` in the URL).
    pub fn parse(raw: Option<&str>) -> Params {
        let pairs = raw
            .map(|q| form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
            .unwrap_or_default();
        Params { pairs }
    }

    /// The last value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// Every value of `name`, at most `max` of them.
    pub fn list(&self, name: &str, max: Option<usize>) -> Result<Vec<String>, ApiError> {
        let values = self.all(name);
        match max {
            Some(max) if values.len() > max => Err(ApiError::invalid(
                &["query", name],
                "too_long",
                format!("Tuple should have at most {max} items after validation, not {}", values.len()),
                json!(values),
            )),
            _ => Ok(values),
        }
    }

    /// An integer in `min..=max`, `default` when absent.
    pub fn int(&self, name: &str, default: i64, min: Option<i64>, max: Option<i64>) -> Result<i64, ApiError> {
        let Some(raw) = self.get(name) else { return Ok(default) };
        let value: i64 = raw.trim().parse().map_err(|_| {
            ApiError::invalid(
                &["query", name],
                "int_parsing",
                "Input should be a valid integer, unable to parse string as an integer",
                json!(raw),
            )
        })?;
        if let Some(max) = max.filter(|&max| value > max) {
            return Err(ApiError::invalid_ctx(
                &["query", name],
                "less_than_equal",
                format!("Input should be less than or equal to {max}"),
                json!(raw),
                json!({ "le": max }),
            ));
        }
        if let Some(min) = min.filter(|&min| value < min) {
            return Err(ApiError::invalid_ctx(
                &["query", name],
                "greater_than_equal",
                format!("Input should be greater than or equal to {min}"),
                json!(raw),
                json!({ "ge": min }),
            ));
        }
        Ok(value)
    }

    /// A finite number, `default` when absent.
    pub fn float(&self, name: &str, default: f64) -> Result<f64, ApiError> {
        let Some(raw) = self.get(name) else { return Ok(default) };
        match raw.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(ApiError::invalid(
                &["query", name],
                "float_parsing",
                "Input should be a valid number, unable to parse string as a number",
                json!(raw),
            )),
        }
    }

    /// A boolean as pydantic reads one (`true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`, ...).
    pub fn boolean(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        let Some(raw) = self.get(name) else { return Ok(default) };
        match raw.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "t" | "yes" | "y" | "on" => Ok(true),
            "0" | "false" | "f" | "no" | "n" | "off" => Ok(false),
            _ => Err(ApiError::invalid(
                &["query", name],
                "bool_parsing",
                "Input should be a valid boolean, unable to interpret input",
                json!(raw),
            )),
        }
    }

    /// yente's `changed_since`: `YYYY-MM-DD`, optionally with `THH`, `THH:MM` or `THH:MM:SS`.
    pub fn timestamp(&self, name: &str) -> Result<Option<String>, ApiError> {
        let Some(raw) = self.get(name) else { return Ok(None) };
        if is_timestamp(raw) {
            Ok(Some(raw.to_string()))
        } else {
            Err(ApiError::invalid_ctx(
                &["query", name],
                "string_pattern_mismatch",
                format!("String should match pattern '{TS_PATTERN}'"),
                json!(raw),
                json!({ "pattern": TS_PATTERN }),
            ))
        }
    }
}

/// yente's pattern for `changed_since`, as its error message quotes it.
const TS_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$";

/// Whether `s` matches [`TS_PATTERN`] (written out: the pattern is fixed and short).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let date = b.len() >= 10 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10);
    date && match b.len() {
        10 => true,
        13 => b[10] == b'T' && digits(11..13),
        16 => b[10] == b'T' && digits(11..13) && b[13] == b':' && digits(14..16),
        19 => b[10] == b'T' && digits(11..13) && b[13] == b':' && digits(14..16) && b[16] == b':' && digits(17..19),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_repeat_and_single_values_take_the_last() {
        let p = Params::parse(Some("include_dataset=a&include_dataset=b%20c&limit=3&limit=7"));
        assert_eq!(p.all("include_dataset"), ["a", "b c"]);
        assert_eq!(p.int("limit", 5, None, Some(500)).unwrap(), 7);
        assert_eq!(p.int("absent", 5, None, None).unwrap(), 5);
    }

    #[test]
    fn wrong_shapes_are_422_naming_the_parameter() {
        for (query, name, kind) in [
            ("limit=ten", "limit", "int_parsing"),
            ("limit=501", "limit", "less_than_equal"),
            ("limit=-1", "limit", "greater_than_equal"),
            ("threshold=high", "threshold", "float_parsing"),
            ("threshold=NaN", "threshold", "float_parsing"),
            ("fuzzy=maybe", "fuzzy", "bool_parsing"),
            ("changed_since=yesterday", "changed_since", "string_pattern_mismatch"),
        ] {
            let p = Params::parse(Some(query));
            let err = match name {
                "limit" => p.int(name, 5, Some(0), Some(500)).unwrap_err(),
                "threshold" => p.float(name, 0.7).unwrap_err(),
                "fuzzy" => p.boolean(name, false).unwrap_err(),
                _ => p.timestamp(name).unwrap_err(),
            };
            assert_eq!(err.status, 422, "{query}");
            assert_eq!(err.body["detail"][0]["type"], kind, "{query}");
            assert_eq!(err.body["detail"][0]["loc"], json!(["query", name]), "{query}");
        }
    }

    #[test]
    fn a_list_may_be_capped() {
        let many: Vec<String> = (0..51).map(|i| format!("exclude_entity_ids=e{i}")).collect();
        let p = Params::parse(Some(&many.join("&")));
        assert_eq!(p.list("exclude_entity_ids", Some(50)).unwrap_err().body["detail"][0]["type"], "too_long");
        assert_eq!(p.list("exclude_entity_ids", Some(60)).unwrap().len(), 51);
    }

    #[test]
    fn timestamps_follow_yentes_pattern() {
        for ok in ["2024-01-31", "2024-01-31T10", "2024-01-31T10:20", "2024-01-31T10:20:30"] {
            assert!(is_timestamp(ok), "{ok}");
        }
        for bad in ["2024-1-31", "2024-01-31T", "2024-01-31 10:20", "2024-01-31T10:20:30Z", "", "2024-01-31T1a"] {
            assert!(!is_timestamp(bad), "{bad}");
        }
    }
}
