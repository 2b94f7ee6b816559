//! `crosscheck_spark._native`: the pieces of the engine's cross-reference
//! ([`crosscheck_engine::xref_pieces`]) over Arrow record batches, for Spark's `mapInArrow` on
//! executors. A thin adapter: every rule is the engine's; this module only moves columns.
//!
//! Batches cross between pyarrow and Rust through the Arrow C data interface (PyCapsules named
//! `arrow_schema` and `arrow_array`, as `RecordBatch.__arrow_c_array__` gives them), without
//! copying the columns. Each function takes a `pyarrow.RecordBatch` and returns the capsule
//! pair of its answer, which `pyarrow.RecordBatch._import_from_c_capsule` reads (the Python
//! side, `crosscheck_spark.native`, wraps that).
//!
//! Columns, in and out (`int64` for every number, as Spark's `LongType`):
//! - `read_lines`: `text` -> `id`, `json` (the entity as a load stores it), `error` (why the
//!   line was refused; all three null for a blank line).
//! - `records`: `parts` (list of `json`, in the order read) -> `id`, `json`, `matchable`,
//!   `birth`, `keys` (list of 12-byte key hashes), `error`.
//! - `score_blocks`: `members` (list of struct `n`, `birth`, `side`, `json`) -> `a`, `b`,
//!   `score` (null when the two cannot match): each block's pairs scored in place.
//! - `score_pairs`: `a`, `b`, `a_json`, `b_json` -> `a`, `b`, `score`, `match`, `line` (the
//!   pair's JSON line when it is written, else null); pairs that cannot match are left out.
//! - `cluster_components`: `members` (list of struct `n`, `json`), `matches` (list of struct
//!   `a`, `b`, `score`), `same` and `different` (lists of struct `a`, `b`) -> `n` (the cluster's first member), `line`.
//! - `singletons`: `n`, `id` -> `line`.

// The C data interface hands raw pointers across; each use below says why it is sound.
#![allow(unsafe_code)]

use arrow_array::builder::{BinaryBuilder, BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use crosscheck_audit::RecordRef;
use crosscheck_engine::blocks::PairRules;
use crosscheck_engine::xref_pieces::{self, Member, PairScorer, Record};
use crosscheck_engine::Scorer;
use crosscheck_model::Entity;
use crosscheck_store::HashKey;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};
use rustc_hash::FxHashMap;
use std::sync::Arc;

type Capsules<'py> = Bound<'py, PyTuple>;

fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Reads a `pyarrow.RecordBatch` (anything with `__arrow_c_array__`) without copying it.
fn import(batch: &Bound<'_, PyAny>) -> PyResult<RecordBatch> {
    let pair = batch.call_method0("__arrow_c_array__")?;
    let (schema, array): (Bound<'_, PyCapsule>, Bound<'_, PyCapsule>) = pair.extract()?;
    let schema_ptr = schema.pointer_checked(Some(c"arrow_schema"))?.cast::<FFI_ArrowSchema>();
    let array_ptr = array.pointer_checked(Some(c"arrow_array"))?.cast::<FFI_ArrowArray>();
    // SAFETY: the capsules are named as the C data interface names them, so their pointers are
    // an `ArrowSchema` and an `ArrowArray` owned by the capsules. The array is moved out
    // (`from_raw` leaves the capsule's struct released, so it is freed once, by us); the schema
    // is only borrowed while the capsule is alive (it is, for this whole function).
    let data = unsafe {
        let array = FFI_ArrowArray::from_raw(array_ptr.as_ptr());
        from_ffi(array, schema_ptr.as_ref())
    }
    .map_err(value_error)?;
    let data_type = data.data_type().clone();
    if !matches!(data_type, arrow_schema::DataType::Struct(_)) {
        return Err(PyTypeError::new_err(format!("a record batch was expected, not an array of {data_type}")));
    }
    Ok(RecordBatch::from(StructArray::from(data)))
}

/// Hands `columns` to Python as a record batch's capsule pair.
fn export<'py>(py: Python<'py>, columns: Vec<(&str, ArrayRef)>) -> PyResult<Capsules<'py>> {
    let batch = RecordBatch::try_from_iter(columns).map_err(value_error)?;
    let data = StructArray::from(batch).into_data();
    let (array, schema) = to_ffi(&data).map_err(value_error)?;
    let schema = PyCapsule::new_with_value(py, schema, c"arrow_schema")?;
    let array = PyCapsule::new_with_value(py, array, c"arrow_array")?;
    PyTuple::new(py, [schema.into_any(), array.into_any()])
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> PyResult<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| value_error(format!("the batch has no column `{name}`")))
}

/// A text column's values (Spark's strings are `utf8`; `large_utf8` is read too).
fn texts(array: &dyn Array, name: &str) -> PyResult<Vec<Option<String>>> {
    if let Some(a) = array.as_string_opt::<i32>() {
        return Ok(a.iter().map(|v| v.map(str::to_string)).collect());
    }
    if let Some(a) = array.as_string_opt::<i64>() {
        return Ok(a.iter().map(|v| v.map(str::to_string)).collect());
    }
    Err(PyTypeError::new_err(format!("column `{name}` is {}, not text", array.data_type())))
}

fn numbers(array: &dyn Array, name: &str) -> PyResult<Vec<i64>> {
    let a = array
        .as_primitive_opt::<Int64Type>()
        .ok_or_else(|| PyTypeError::new_err(format!("column `{name}` is {}, not int64", array.data_type())))?;
    Ok(a.iter().map(|v| v.unwrap_or(0)).collect())
}

fn floats(array: &dyn Array, name: &str) -> PyResult<Vec<f64>> {
    let a = array
        .as_primitive_opt::<Float64Type>()
        .ok_or_else(|| PyTypeError::new_err(format!("column `{name}` is {}, not double", array.data_type())))?;
    Ok(a.iter().map(|v| v.unwrap_or(0.0)).collect())
}

/// Each row's list of structs, as the struct array of its items.
fn struct_lists(array: &dyn Array, name: &str) -> PyResult<Vec<Option<StructArray>>> {
    let lists = array
        .as_list_opt::<i32>()
        .ok_or_else(|| PyTypeError::new_err(format!("column `{name}` is {}, not a list", array.data_type())))?;
    lists
        .iter()
        .map(|row| {
            row.map(|items| {
                items
                    .as_struct_opt()
                    .cloned()
                    .ok_or_else(|| PyTypeError::new_err(format!("column `{name}` holds no structs")))
            })
            .transpose()
        })
        .collect()
}

fn field<'a>(items: &'a StructArray, list: &str, name: &str) -> PyResult<&'a ArrayRef> {
    items.column_by_name(name).ok_or_else(|| value_error(format!("the items of `{list}` have no field `{name}`")))
}

fn entity(json: &str) -> PyResult<Entity> {
    serde_json::from_str(json).map_err(|e| value_error(format!("not an entity this module wrote: {e}")))
}

fn scorer(name: &str) -> PyResult<Scorer> {
    Scorer::by_name(name).ok_or_else(|| value_error(format!("no scorer `{name}`")))
}

fn entity_number(n: i64) -> PyResult<u32> {
    u32::try_from(n).map_err(|_| value_error(format!("entity number {n} is outside 0..4294967295")))
}

/// Which dataset entity `n` belongs to: the first's are numbered below `base`.
struct Sides {
    datasets: Vec<String>,
    base: i64,
}

impl Sides {
    fn record(&self, n: i64, id: String) -> RecordRef {
        let side = usize::from(self.datasets.len() > 1 && n >= self.base);
        RecordRef { dataset: self.datasets[side].clone(), id }
    }
}

/// Reads FtM JSON lines as `crosscheck load` does.
#[pyfunction]
fn read_lines<'py>(py: Python<'py>, batch: &Bound<'py, PyAny>) -> PyResult<Capsules<'py>> {
    let batch = import(batch)?;
    let lines = texts(column(&batch, "text")?, "text")?;
    let (mut ids, mut jsons, mut errors) = (StringBuilder::new(), StringBuilder::new(), StringBuilder::new());
    for line in &lines {
        match line.as_deref().and_then(xref_pieces::read_line) {
            None => {
                ids.append_null();
                jsons.append_null();
                errors.append_null();
            }
            Some(Ok(entity)) => {
                ids.append_value(&entity.id);
                jsons.append_value(serde_json::to_string(&entity).map_err(value_error)?);
                errors.append_null();
            }
            Some(Err(reason)) => {
                ids.append_null();
                jsons.append_null();
                errors.append_value(reason);
            }
        }
    }
    export(
        py,
        vec![("id", Arc::new(ids.finish())), ("json", Arc::new(jsons.finish())), ("error", Arc::new(errors.finish()))],
    )
}

/// Merges each id's records and computes what blocking needs, keys hashed with (k0, k1).
#[pyfunction]
fn records<'py>(py: Python<'py>, batch: &Bound<'py, PyAny>, k0: u64, k1: u64) -> PyResult<Capsules<'py>> {
    let batch = import(batch)?;
    let parts = column(&batch, "parts")?;
    let lists = parts
        .as_list_opt::<i32>()
        .ok_or_else(|| PyTypeError::new_err(format!("column `parts` is {}, not a list", parts.data_type())))?;
    let key = HashKey(k0, k1);
    let (mut ids, mut jsons, mut errors) = (StringBuilder::new(), StringBuilder::new(), StringBuilder::new());
    let (mut matchable, mut births) = (BooleanBuilder::new(), Int64Builder::new());
    let mut keys = ListBuilder::new(BinaryBuilder::new());
    for row in lists.iter() {
        let texts = match row {
            Some(items) => texts(&items, "parts")?,
            None => Vec::new(),
        };
        let entities = texts.iter().flatten().map(|t| entity(t)).collect::<PyResult<Vec<_>>>()?;
        match Record::from_parts(entities, key) {
            Ok(record) => {
                ids.append_value(&record.entity.id);
                jsons.append_value(serde_json::to_string(&record.entity).map_err(value_error)?);
                errors.append_null();
                matchable.append_value(record.matchable);
                births.append_value(i64::from(record.birth));
                for (hi, lo) in record.keys {
                    let mut bytes = [0u8; 12];
                    bytes[..8].copy_from_slice(&hi.to_be_bytes());
                    bytes[8..].copy_from_slice(&lo.to_be_bytes());
                    keys.values().append_value(bytes);
                }
                keys.append(true);
            }
            Err(reason) => {
                ids.append_null();
                jsons.append_null();
                errors.append_value(reason);
                matchable.append_value(false);
                births.append_value(0);
                keys.append(true);
            }
        }
    }
    export(
        py,
        vec![
            ("id", Arc::new(ids.finish())),
            ("json", Arc::new(jsons.finish())),
            ("matchable", Arc::new(matchable.finish())),
            ("birth", Arc::new(births.finish())),
            ("keys", Arc::new(keys.finish())),
            ("error", Arc::new(errors.finish())),
        ],
    )
}

/// The candidate pairs of each block scored where the block is (a row: its members with
/// their JSON), so that no pair travels with its two records: every member is prepared once
/// per block. `score` is null for a pair whose schemas cannot match. A pair shared by several
/// blocks comes once from each, with the same score.
#[pyfunction]
#[pyo3(signature = (batch, block_limit, window, link, scorer_name))]
fn score_blocks<'py>(
    py: Python<'py>,
    batch: &Bound<'py, PyAny>,
    block_limit: usize,
    window: usize,
    link: bool,
    scorer_name: &str,
) -> PyResult<Capsules<'py>> {
    let batch = import(batch)?;
    let rules = PairRules { block_limit, window };
    let scoring = PairScorer::new(scorer(scorer_name)?, None, None);
    let (mut a, mut b, mut scores) = (Int64Builder::new(), Int64Builder::new(), Float64Builder::new());
    for items in struct_lists(column(&batch, "members")?, "members")?.into_iter().flatten() {
        let n = numbers(field(&items, "members", "n")?, "n")?;
        let birth = numbers(field(&items, "members", "birth")?, "birth")?;
        let side = numbers(field(&items, "members", "side")?, "side")?;
        let json = texts(field(&items, "members", "json")?, "json")?;
        let (mut left, mut right) = (Vec::new(), Vec::new());
        let mut at: FxHashMap<u32, usize> = FxHashMap::default();
        for i in 0..n.len() {
            let number = entity_number(n[i])?;
            at.insert(number, i);
            let member = (number, u32::try_from(birth[i]).unwrap_or(0));
            if link && side[i] != 0 {
                right.push(member);
            } else {
                left.push(member);
            }
        }
        let pairs = xref_pieces::block_pairs(rules, &mut left, link.then_some(&mut right[..]));
        // only the members some pair names are prepared (a sorted block pairs neighbours)
        let mut prepared: FxHashMap<u32, (Entity, crosscheck_match::Prepared)> = FxHashMap::default();
        for (x, y) in pairs {
            for e in [x, y] {
                if let std::collections::hash_map::Entry::Vacant(slot) = prepared.entry(e) {
                    let entity = entity(json[at[&e]].as_deref().unwrap_or_default())?;
                    let p = scoring.scorer.prepare(&entity);
                    slot.insert((entity, p));
                }
            }
            let ((l, lp), (r, rp)) = (&prepared[&x], &prepared[&y]);
            a.append_value(i64::from(x));
            b.append_value(i64::from(y));
            scores.append_option(scoring.score((l, lp), (r, rp)));
        }
    }
    export(py, vec![("a", Arc::new(a.finish())), ("b", Arc::new(b.finish())), ("score", Arc::new(scores.finish()))])
}

/// Scores candidate pairs; the pairs written carry their JSON line.
#[pyfunction]
#[pyo3(signature = (batch, scorer_name, threshold, min_score, datasets, base))]
fn score_pairs<'py>(
    py: Python<'py>,
    batch: &Bound<'py, PyAny>,
    scorer_name: &str,
    threshold: Option<f64>,
    min_score: Option<f64>,
    datasets: Vec<String>,
    base: i64,
) -> PyResult<Capsules<'py>> {
    let batch = import(batch)?;
    let scoring = PairScorer::new(scorer(scorer_name)?, threshold, min_score);
    let sides = Sides { datasets, base };
    let (a, b) = (numbers(column(&batch, "a")?, "a")?, numbers(column(&batch, "b")?, "b")?);
    let a_json = texts(column(&batch, "a_json")?, "a_json")?;
    let b_json = texts(column(&batch, "b_json")?, "b_json")?;
    // an entity is prepared once per batch, however many of its pairs the batch holds
    let mut prepared: FxHashMap<i64, (Entity, crosscheck_match::Prepared)> = FxHashMap::default();
    let (mut out_a, mut out_b, mut scores) = (Int64Builder::new(), Int64Builder::new(), Float64Builder::new());
    let (mut matches, mut lines) = (BooleanBuilder::new(), StringBuilder::new());
    for i in 0..a.len() {
        for (n, json) in [(a[i], &a_json[i]), (b[i], &b_json[i])] {
            if let std::collections::hash_map::Entry::Vacant(slot) = prepared.entry(n) {
                let e = entity(json.as_deref().unwrap_or_default())?;
                let p = scoring.scorer.prepare(&e);
                slot.insert((e, p));
            }
        }
        let ((left, lp), (right, rp)) = (&prepared[&a[i]], &prepared[&b[i]]);
        let Some(score) = scoring.score((left, lp), (right, rp)) else { continue };
        if !scoring.kept(score) {
            continue;
        }
        out_a.append_value(a[i]);
        out_b.append_value(b[i]);
        scores.append_value(score);
        matches.append_value(score >= scoring.threshold);
        if score >= scoring.written_from {
            let line = scoring.line(sides.record(a[i], left.id.clone()), sides.record(b[i], right.id.clone()), lp, rp);
            lines.append_value(serde_json::to_string(&line).map_err(value_error)?);
        } else {
            lines.append_null();
        }
    }
    export(
        py,
        vec![
            ("a", Arc::new(out_a.finish())),
            ("b", Arc::new(out_b.finish())),
            ("score", Arc::new(scores.finish())),
            ("match", Arc::new(matches.finish())),
            ("line", Arc::new(lines.finish())),
        ],
    )
}

fn pairs_of(items: &StructArray, list: &str) -> PyResult<Vec<(u32, u32)>> {
    let a = numbers(field(items, list, "a")?, "a")?;
    let b = numbers(field(items, list, "b")?, "b")?;
    a.iter().zip(&b).map(|(&x, &y)| Ok((entity_number(x)?, entity_number(y)?))).collect()
}

/// Clusters each connected component (a row) as the embedded cross-reference does.
#[pyfunction]
#[pyo3(signature = (batch, scorer_name, threshold, datasets, base))]
fn cluster_components<'py>(
    py: Python<'py>,
    batch: &Bound<'py, PyAny>,
    scorer_name: &str,
    threshold: Option<f64>,
    datasets: Vec<String>,
    base: i64,
) -> PyResult<Capsules<'py>> {
    let batch = import(batch)?;
    let scoring = PairScorer::new(scorer(scorer_name)?, threshold, None);
    let sides = Sides { datasets, base };
    let members = struct_lists(column(&batch, "members")?, "members")?;
    let matches = struct_lists(column(&batch, "matches")?, "matches")?;
    let same = struct_lists(column(&batch, "same")?, "same")?;
    let different = struct_lists(column(&batch, "different")?, "different")?;
    let (mut firsts, mut lines) = (Int64Builder::new(), StringBuilder::new());
    for row in 0..batch.num_rows() {
        let Some(items) = &members[row] else { continue };
        let n = numbers(field(items, "members", "n")?, "n")?;
        let json = texts(field(items, "members", "json")?, "json")?;
        let mut component = Vec::with_capacity(n.len());
        for (number, json) in n.iter().zip(json) {
            let entity = entity(json.as_deref().unwrap_or_default())?;
            let record = sides.record(*number, entity.id.clone());
            component.push(Member { number: entity_number(*number)?, record, entity });
        }
        let mut scored = Vec::new();
        if let Some(items) = &matches[row] {
            let score = floats(field(items, "matches", "score")?, "score")?;
            for ((a, b), s) in pairs_of(items, "matches")?.into_iter().zip(score) {
                scored.push((a, b, s));
            }
        }
        let listed = |lists: &[Option<StructArray>], name: &str| match &lists[row] {
            Some(items) => pairs_of(items, name),
            None => Ok(Vec::new()),
        };
        let (same, different) = (listed(&same, "same")?, listed(&different, "different")?);
        let clusters = xref_pieces::cluster_component(&scoring, &mut component, &scored, &same, &different);
        for (first, cluster) in clusters {
            firsts.append_value(i64::from(first));
            lines.append_value(serde_json::to_string(&cluster).map_err(value_error)?);
        }
    }
    export(py, vec![("n", Arc::new(firsts.finish())), ("line", Arc::new(lines.finish()))])
}

/// The cluster line of each entity that is a cluster of its own.
#[pyfunction]
fn singletons<'py>(
    py: Python<'py>,
    batch: &Bound<'py, PyAny>,
    datasets: Vec<String>,
    base: i64,
) -> PyResult<Capsules<'py>> {
    let batch = import(batch)?;
    let sides = Sides { datasets, base };
    let n = numbers(column(&batch, "n")?, "n")?;
    let ids = texts(column(&batch, "id")?, "id")?;
    let mut lines = StringBuilder::new();
    for (n, id) in n.into_iter().zip(ids) {
        let line = xref_pieces::cluster_line(vec![sides.record(n, id.unwrap_or_default())]);
        lines.append_value(serde_json::to_string(&line).map_err(value_error)?);
    }
    export(py, vec![("line", Arc::new(lines.finish()))])
}

/// `(left dataset, left id, right dataset, right id, same)`.
type Judged = (String, String, String, String, bool);

/// The judgements of a judgements file, the later of two on one pair winning, as
/// `(left dataset, left id, right dataset, right id, same)`; a `ValueError` names the first
/// line that cannot be read.
#[pyfunction]
fn read_judgements(text: &str) -> PyResult<Vec<Judged>> {
    let judged = crosscheck_engine::xref::read_judgements(text).map_err(value_error)?;
    let mut in_effect: FxHashMap<(RecordRef, RecordRef), (usize, bool)> = FxHashMap::default();
    for (i, j) in judged.into_iter().enumerate() {
        let key = if j.left <= j.right { (j.left, j.right) } else { (j.right, j.left) };
        in_effect.insert(key, (i, j.same));
    }
    let mut out: Vec<_> = in_effect.into_iter().collect();
    out.sort_by_key(|(_, (i, _))| *i);
    Ok(out.into_iter().map(|((l, r), (_, same))| (l.dataset, l.id, r.dataset, r.id, same)).collect())
}

/// The scorer's id and default threshold.
#[pyfunction]
#[pyo3(signature = (name=None))]
fn scorer_info(name: Option<&str>) -> PyResult<(String, f64)> {
    let s = match name {
        Some(name) => scorer(name)?,
        None => Scorer::default_scorer(),
    };
    Ok((s.id().to_string(), s.default_threshold()))
}

/// The blocking rules' defaults: `(block_limit, window)`.
#[pyfunction]
fn pair_rules() -> (usize, usize) {
    let rules = PairRules::default();
    (rules.block_limit, rules.window)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_lines, m)?)?;
    m.add_function(wrap_pyfunction!(records, m)?)?;
    m.add_function(wrap_pyfunction!(score_blocks, m)?)?;
    m.add_function(wrap_pyfunction!(score_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(cluster_components, m)?)?;
    m.add_function(wrap_pyfunction!(singletons, m)?)?;
    m.add_function(wrap_pyfunction!(read_judgements, m)?)?;
    m.add_function(wrap_pyfunction!(scorer_info, m)?)?;
    m.add_function(wrap_pyfunction!(pair_rules, m)?)?;
    m.add("ENGINE_VERSION", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
