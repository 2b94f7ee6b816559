//! Full-text search over a [`Snapshot`]: yente's `/search`, without Elasticsearch.
//!
//! Each loaded dataset version gets a [`SearchIndex`], built once on first use and kept while
//! that version is open (a side table keyed by the `Arc<Dataset>`: a reload opens a new
//! version, whose index is built on its first search; the old one goes when its last snapshot
//! does). The index is hand-built rather than `tantivy`'s: what yente's search needs is a term
//! dictionary and sorted posting lists for two fields (names; all values), a few keyword tables
//! for filters and facets (schema, countries, topics, genders, identifiers) and some numbers
//! per record, which is a few hundred lines over flat vectors; tantivy would bring its own
//! tokeniser (not crosscheck-names' normalisation), a segment store on disk beside ours, and
//! dozens of crates.
//!
//! - **Tokens** are crosscheck-names' normalisation ([`crosscheck_names::normalize::normalize`]:
//!   NFKC, case folding, look-alike letters, punctuation as word boundaries) with diacritics
//!   folded ([`crosscheck_names::normalize::ascii_fold`]): what Elasticsearch's lowercase +
//!   asciifolding analyzer gives yente, plus the cross-script cases (Cyrillic look-alikes). A
//!   name word in another script is also indexed in its Latin reading (`latin_key`), so
//!   `Zakharov` finds `Захаров` and the reverse.
//! - **Ranking** is BM25 per field (no term frequencies: a value is short), with a hit in a
//!   name counted three times a hit elsewhere (yente's `names^3`); yente's `function_score`
//!   then adds `sqrt(0.5 × number of values)`, so fuller records come first among equals; ties
//!   by id.
//! - **Filters** on keyword fields use the keyword tables; on any other field (`properties.*`,
//!   `dates`, `phones`, ...) the records are first narrowed by the value's tokens in the
//!   all-values field and then checked one by one against the value.

mod labels;
pub(crate) mod query;

pub use query::SyntaxError;

use crate::{EngineError, Snapshot};
use crosscheck_model::{Entity, PropType, Schema};
use crosscheck_names::normalize::{ascii_fold, normalize};
use crosscheck_store::Dataset;
use query::{Field, Node, WordKind};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Weak};

/// The tokens of one value: normalised, diacritics folded, split at word boundaries.
pub fn tokens(text: &str) -> Vec<String> {
    let folded = ascii_fold(&normalize(text));
    folded.split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect()
}

/// The tokens of a name value with, for each word not in Latin letters, its Latin reading too.
fn name_tokens(text: &str, out: &mut Vec<String>) {
    let words = tokens(text);
    for w in &words {
        if !w.is_ascii() {
            latin_reading(w, out);
        }
    }
    out.extend(words);
}

/// Latin readings of name words already made on this thread: a list repeats its first names
/// and surnames over and over, and transliterating is most of the cost of indexing a name.
const LATIN_CACHE: usize = 1 << 16;

thread_local! {
    static LATIN: std::cell::RefCell<FxHashMap<String, Vec<String>>> = std::cell::RefCell::new(FxHashMap::default());
}

/// Pushes the Latin reading of one non-Latin word (its tokens other than the word itself).
fn latin_reading(word: &str, out: &mut Vec<String>) {
    LATIN.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(known) = cache.get(word) {
            out.extend(known.iter().cloned());
            return;
        }
        let reading: Vec<String> = crosscheck_names::latin_key(word)
            .split(' ')
            .filter(|t| !t.is_empty() && *t != word)
            .map(str::to_string)
            .collect();
        out.extend(reading.iter().cloned());
        if cache.len() >= LATIN_CACHE {
            cache.clear();
        }
        cache.insert(word.to_string(), reading);
    });
}

/// A keyword value as yente's keyword fields keep it: lower case, diacritics folded, trimmed.
fn keyword(value: &str) -> String {
    ascii_fold(&value.trim().to_lowercase())
}

/// The fields yente copies a property type's values into (FtM's type groups).
fn group_of(kind: PropType) -> Option<&'static str> {
    Some(match kind {
        PropType::Name => "names",
        PropType::Date => "dates",
        PropType::Country => "countries",
        PropType::Identifier => "identifiers",
        PropType::Address => "addresses",
        PropType::Phone => "phones",
        PropType::Email => "emails",
        PropType::Url => "urls",
        PropType::Entity => "entities",
        PropType::Gender => "genders",
        PropType::Topic => "topics",
        PropType::Text | PropType::String | PropType::Number => return None,
    })
}

/// The groups kept in the keyword tables (for filters and facets).
const KEYWORD_GROUPS: [&str; 4] = ["countries", "topics", "genders", "identifiers"];

/// Whether a record of a dataset of `kind` is one of its targets: yente's `target`, one rule
/// for every route. The source's own flag when it gives one (FtM exports do); else a record of
/// a watchlist that is a party FtM can match (a listed person, company, vessel, wallet), not one
/// of its addresses (FtM matches addresses too, but nobody is listed as one) or its sanction and
/// ownership records.
pub fn is_target(entity: &Entity, dataset_kind: &str) -> bool {
    entity.target.unwrap_or_else(|| {
        dataset_kind == "watchlist" && entity.schema_def().is_some_and(|s| s.matchable && !s.is_a("Address"))
    })
}

/// A provenance date (`2024-01-02T03:04:05`, or a prefix of it) as a number that sorts as the
/// date does (its digits, padded to seconds); 0 when there is none.
fn seen_number(value: Option<&str>) -> u64 {
    let Some(value) = value else { return 0 };
    let digits: String = value.chars().filter(char::is_ascii_digit).take(14).collect();
    if digits.is_empty() {
        return 0;
    }
    format!("{digits:0<14}").parse().unwrap_or(0)
}

/// `first_seen` (0), `last_seen` (1) or `last_change` (2) of `entity` as [`seen_number`] reads it.
fn seen_of(entity: &Entity, field: usize) -> u64 {
    let value = match field {
        0 => entity.first_seen.as_deref(),
        1 => entity.last_seen.as_deref(),
        _ => entity.last_change.as_deref(),
    };
    seen_number(value)
}

/// Two records' dates ordered as Elasticsearch orders them: a record without one comes last,
/// ascending or descending (`desc` reverses only the dated ones).
fn seen_order(a: u64, b: u64, desc: bool) -> std::cmp::Ordering {
    match (a, b) {
        (0, 0) => std::cmp::Ordering::Equal,
        (0, _) => std::cmp::Ordering::Greater,
        (_, 0) => std::cmp::Ordering::Less,
        _ if desc => b.cmp(&a),
        _ => a.cmp(&b),
    }
}

/// One dataset version's search index. Entities are numbered as in the store.
pub struct SearchIndex {
    dataset: Arc<str>,
    len: usize,
    /// Sorted terms, concatenated; term `t` is `terms[term_starts[t]..term_starts[t + 1]]`.
    terms: Strings,
    /// Per term, the entities with it in a name, and those with it only in other values
    /// (sorted; the two are disjoint, so a name's words are not stored twice).
    names: Postings,
    others: Postings,
    /// Per entity: its place among the dataset's ids in sorted order, its schema (index in
    /// `Schema::all()`), its number of values, tokens in its values and in its names.
    id_rank: Vec<u32>,
    /// Per entity, its `first_seen`, `last_seen` and `last_change` as sortable numbers (0: none);
    /// a table stays empty when no record has that date (most loads).
    seen: [Vec<u64>; 3],
    schema: Vec<u8>,
    values: Vec<u16>,
    text_len: Vec<u16>,
    names_len: Vec<u16>,
    avg_text_len: f32,
    avg_names_len: f32,
    /// Keyword values sorted by (group, value): their groups, their entities; and each
    /// entity's keywords.
    keywords: Strings,
    keyword_groups: Vec<u8>,
    keyword_docs: Postings,
    doc_keywords: Postings,
    /// Whether each entity is a target ([`is_target`]).
    target: Vec<bool>,
}

/// Strings in one buffer: string `i` is `text[starts[i]..starts[i + 1]]`.
#[derive(Default)]
struct Strings {
    text: String,
    starts: Vec<u32>,
}

impl Strings {
    fn push(&mut self, s: &str) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.text.push_str(s);
        self.starts.push(self.text.len() as u32);
    }

    fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    fn get(&self, i: usize) -> &str {
        &self.text[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    fn bytes(&self) -> usize {
        self.text.capacity() + self.starts.capacity() * 4
    }
}

/// Compressed sparse rows: row `r` is `items[starts[r]..starts[r + 1]]`.
#[derive(Default)]
struct Postings {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Postings {
    /// Rows from `(row, item)` pairs given in item order, counted first so that every vector
    /// is allocated once at its size (a million small vectors would scatter the heap).
    fn from_pairs(rows: usize, pairs: impl Fn(&mut dyn FnMut(u32, u32))) -> Postings {
        let mut starts = vec![0u32; rows + 1];
        pairs(&mut |row, _| starts[row as usize + 1] += 1);
        for r in 0..rows {
            starts[r + 1] += starts[r];
        }
        let mut items = vec![0u32; starts[rows] as usize];
        let mut next: Vec<u32> = starts[..rows].to_vec();
        pairs(&mut |row, item| {
            let at = &mut next[row as usize];
            items[*at as usize] = item;
            *at += 1;
        });
        Postings { starts, items }
    }

    fn row(&self, r: usize) -> &[u32] {
        match (self.starts.get(r), self.starts.get(r + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    fn bytes(&self) -> usize {
        (self.starts.capacity() + self.items.capacity()) * 4
    }
}

/// What one entity gives the index.
struct DocData {
    id: String,
    schema: u8,
    values: u16,
    text_len: u16,
    names_len: u16,
    /// Distinct tokens, sorted, each with whether it is in a name.
    tokens: Vec<(String, bool)>,
    keywords: Vec<(u8, String)>,
    target: bool,
    seen: [u64; 3],
}

fn schema_index(name: &str) -> u8 {
    Schema::all().position(|s| s.name == name).map_or(u8::MAX, |i| i.min(254) as u8)
}

fn schema_at(i: u8) -> Option<&'static Schema> {
    Schema::all().nth(i as usize)
}

fn doc_data(entity: &Entity, kind: &str) -> DocData {
    let mut toks: Vec<(String, bool)> = Vec::new();
    let mut keywords = Vec::new();
    let mut values = 0usize;
    let mut names_len = 0usize;
    let mut text_len = 0usize;
    let mut scratch = Vec::new();
    for (prop, vals) in &entity.properties {
        let kind = entity.prop_type(prop);
        let group = group_of(kind);
        let kw_group = group.and_then(|g| KEYWORD_GROUPS.iter().position(|k| *k == g));
        for value in vals {
            values += 1;
            scratch.clear();
            if kind == PropType::Name {
                name_tokens(value, &mut scratch);
                names_len += scratch.len();
            } else {
                scratch.extend(tokens(value));
            }
            text_len += scratch.len();
            toks.extend(scratch.drain(..).map(|t| (t, kind == PropType::Name)));
            if let Some(g) = kw_group {
                keywords.push((g as u8, keyword(value)));
            }
        }
    }
    toks.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    toks.dedup_by(|later, kept| later.0 == kept.0); // the name flag sorts first and is kept
    keywords.sort_unstable();
    keywords.dedup();
    DocData {
        id: entity.id.clone(),
        schema: schema_index(&entity.schema),
        values: values.min(u16::MAX as usize) as u16,
        text_len: text_len.min(u16::MAX as usize) as u16,
        names_len: names_len.min(u16::MAX as usize) as u16,
        tokens: toks,
        keywords,
        target: is_target(entity, kind),
        seen: [seen_of(entity, 0), seen_of(entity, 1), seen_of(entity, 2)],
    }
}

/// Entities read and tokenised at once, in parallel, before their tokens are numbered.
const CHUNK: usize = 16_384;

/// The top bit of a term number in an entity's list: the term is in one of its names.
const IN_NAME: u32 = 1 << 31;

/// Numbers strings in order of first appearance, then renumbers them in sorted order.
#[derive(Default)]
struct Numbering {
    seen: FxHashMap<Box<str>, u32>,
}

impl Numbering {
    fn number(&mut self, s: &str) -> u32 {
        let next = self.seen.len() as u32;
        match self.seen.get(s) {
            Some(&n) => n,
            None => {
                self.seen.insert(s.into(), next);
                next
            }
        }
    }

    /// The strings sorted, and each first-appearance number's place among them.
    fn sorted(self) -> (Vec<Box<str>>, Vec<u32>) {
        let mut all: Vec<(Box<str>, u32)> = self.seen.into_iter().collect();
        all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut renumber = vec![0u32; all.len()];
        let mut sorted = Vec::with_capacity(all.len());
        for (place, (s, old)) in all.into_iter().enumerate() {
            renumber[old as usize] = place as u32;
            sorted.push(s);
        }
        (sorted, renumber)
    }
}

impl SearchIndex {
    /// Reads every entity of `dataset` and indexes it.
    pub fn build(dataset: &Dataset) -> Result<SearchIndex, EngineError> {
        let n = dataset.len();
        let kind = dataset.meta().kind.clone();
        let mut terms = Numbering::default();
        let mut keyword_numbers = Numbering::default();
        // each entity's term numbers (with IN_NAME) and keyword numbers, flat
        let mut doc_terms = Postings { starts: Vec::with_capacity(n + 1), items: Vec::new() };
        let mut doc_kws = Postings { starts: Vec::with_capacity(n + 1), items: Vec::new() };
        doc_terms.starts.push(0);
        doc_kws.starts.push(0);
        let mut ids = Strings::default();
        let mut seen: [Vec<u64>; 3] = Default::default();
        let (mut schema, mut values, mut text_len, mut names_len, mut target) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for chunk_start in (0..n).step_by(CHUNK) {
            let end = (chunk_start + CHUNK).min(n);
            let docs: Vec<DocData> = (chunk_start..end)
                .into_par_iter()
                .map(|i| dataset.entity(i as u32).map(|e| doc_data(&e, &kind)))
                .collect::<Result<_, _>>()?;
            // the pass reads every record once: leave in memory only what requests read
            dataset.release_read_pages();
            for doc in docs {
                for (token, in_name) in &doc.tokens {
                    let t = terms.number(token);
                    doc_terms.items.push(if *in_name { t | IN_NAME } else { t });
                }
                doc_terms.starts.push(doc_terms.items.len() as u32);
                for (group, value) in &doc.keywords {
                    doc_kws.items.push(keyword_numbers.number(&format!("{group}\u{1f}{value}")));
                }
                doc_kws.starts.push(doc_kws.items.len() as u32);
                ids.push(&doc.id);
                schema.push(doc.schema);
                values.push(doc.values);
                text_len.push(doc.text_len);
                names_len.push(doc.names_len);
                target.push(doc.target);
                for (f, dates) in seen.iter_mut().enumerate() {
                    if doc.seen[f] != 0 && dates.is_empty() {
                        dates.resize(schema.len() - 1, 0); // the first dated record: earlier ones have none
                    }
                    if !dates.is_empty() {
                        dates.push(doc.seen[f]);
                    }
                }
            }
        }
        doc_terms.items.shrink_to_fit();
        let (sorted_terms, renumber) = terms.sorted();
        let mut term_strings = Strings {
            text: String::with_capacity(sorted_terms.iter().map(|t| t.len()).sum()),
            starts: Vec::with_capacity(sorted_terms.len() + 1),
        };
        for t in &sorted_terms {
            term_strings.push(t);
        }
        drop(sorted_terms);
        let rows = term_strings.len();
        let each = |want_name: bool| {
            let (doc_terms, renumber) = (&doc_terms, &renumber);
            move |f: &mut dyn FnMut(u32, u32)| {
                for d in 0..n {
                    for &t in doc_terms.row(d) {
                        if (t & IN_NAME != 0) == want_name {
                            f(renumber[(t & !IN_NAME) as usize], d as u32);
                        }
                    }
                }
            }
        };
        let names = Postings::from_pairs(rows, each(true));
        let others = Postings::from_pairs(rows, each(false));
        drop((doc_terms, renumber));
        // keywords: sorted by group, then value
        let (sorted_kws, renumber) = keyword_numbers.sorted();
        let mut keywords = Strings::default();
        let mut keyword_groups = Vec::with_capacity(sorted_kws.len());
        for k in &sorted_kws {
            let (group, value) = k.split_once('\u{1f}').unwrap_or(("0", k));
            keyword_groups.push(group.parse().unwrap_or(0));
            keywords.push(value);
        }
        for k in &mut doc_kws.items {
            *k = renumber[*k as usize];
        }
        let keyword_docs = Postings::from_pairs(keywords.len(), |f| {
            for d in 0..n {
                for &k in doc_kws.row(d) {
                    f(k, d as u32);
                }
            }
        });
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.par_sort_unstable_by(|&a, &b| ids.get(a as usize).cmp(ids.get(b as usize)));
        drop(ids);
        let mut id_rank = vec![0u32; n];
        for (rank, &d) in order.iter().enumerate() {
            id_rank[d as usize] = rank as u32;
        }
        let avg = |v: &[u16]| {
            if v.is_empty() {
                1.0
            } else {
                (v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64).max(1.0) as f32
            }
        };
        Ok(SearchIndex {
            dataset: dataset.name().into(),
            len: n,
            terms: term_strings,
            names,
            others,
            id_rank,
            seen,
            schema,
            avg_text_len: avg(&text_len),
            avg_names_len: avg(&names_len),
            values,
            text_len,
            names_len,
            keywords,
            keyword_groups,
            keyword_docs,
            doc_keywords: doc_kws,
            target,
        })
    }

    /// Entities indexed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the dataset is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Distinct terms.
    pub fn terms(&self) -> usize {
        self.terms.len()
    }

    /// Bytes the index holds on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.terms.bytes()
            + self.names.bytes()
            + self.others.bytes()
            + self.id_rank.capacity() * 4
            + self.seen.iter().map(|d| d.capacity() * 8).sum::<usize>()
            + self.schema.capacity()
            + (self.values.capacity() + self.text_len.capacity() + self.names_len.capacity()) * 2
            + self.keywords.bytes()
            + self.keyword_groups.capacity()
            + self.keyword_docs.bytes()
            + self.doc_keywords.bytes()
            + self.target.capacity()
    }

    fn term(&self, t: usize) -> &str {
        self.terms.get(t)
    }

    fn find_term(&self, word: &str) -> Option<usize> {
        let n = self.terms();
        let i = partition_point(n, |t| self.term(t) < word);
        (i < n && self.term(i) == word).then_some(i)
    }

    /// Terms starting with `prefix`, as a range of term numbers.
    fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let n = self.terms();
        let start = partition_point(n, |t| self.term(t) < prefix);
        let end = start + partition_point(n - start, |k| self.term(start + k).starts_with(prefix));
        start..end
    }

    /// The records holding each of `words` but the last, and a word beginning with the last,
    /// in any value, each word in its own script or its Latin reading (as names are indexed):
    /// every record whose name holds them as a phrase prefix, and some others (the caller
    /// checks each one). Ascending record numbers; no words, no records.
    pub fn with_words(&self, words: &str) -> Vec<u32> {
        let typed = tokens(words);
        let Some((last, whole)) = typed.split_last() else { return Vec::new() };
        let readings = |word: &String| {
            let mut all = vec![word.clone()];
            if !word.is_ascii() {
                latin_reading(word, &mut all);
            }
            all
        };
        let mut sets: Vec<Vec<u32>> =
            whole.iter().map(|w| self.rows_of(readings(w).iter().filter_map(|r| self.find_term(r)))).collect();
        sets.push(self.rows_of(readings(last).iter().flat_map(|r| self.prefix_range(r))));
        sets.sort_by_key(Vec::len);
        let mut found = sets.swap_remove(0);
        for other in &sets {
            found.retain(|d| other.binary_search(d).is_ok());
        }
        found
    }

    /// The records with any of `terms`, in a name or another value, ascending.
    fn rows_of(&self, terms: impl Iterator<Item = usize>) -> Vec<u32> {
        let mut rows: Vec<u32> =
            terms.flat_map(|t| self.names.row(t).iter().chain(self.others.row(t))).copied().collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    }

    fn keyword_id(&self, group: &str, value: &str) -> Option<u32> {
        let g = KEYWORD_GROUPS.iter().position(|k| *k == group)? as u8;
        let value = keyword(value);
        let n = self.keywords.len();
        let i = partition_point(n, |k| (self.keyword_groups[k], self.keywords.get(k)) < (g, value.as_str()));
        (i < n && self.keyword_groups[i] == g && self.keywords.get(i) == value).then_some(i as u32)
    }
}

/// The first index in `0..n` where `before` turns false (it must be true, then false).
fn partition_point(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The index of each open dataset version, built once (see the module's documentation), on a
/// thread of its own.
struct Slot {
    dataset: Weak<Dataset>,
    /// Whether a build was started.
    started: std::sync::atomic::AtomicBool,
    /// The index, or why the version could not be read.
    index: std::sync::OnceLock<Result<Arc<SearchIndex>, String>>,
}

static INDEXES: Mutex<Vec<Arc<Slot>>> = Mutex::new(Vec::new());

/// The newest version of each dataset whose index is built, kept open with it: searches of a
/// newer version are answered from it while that version's index is being built, so a reload
/// never leaves search without an answer. (It keeps that version's folder until the newer
/// version's index replaces it.)
static LATEST: Mutex<Vec<(Arc<Dataset>, Arc<SearchIndex>)>> = Mutex::new(Vec::new());

fn slot_for(dataset: &Arc<Dataset>) -> Arc<Slot> {
    let mut slots = INDEXES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    slots.retain(|s| s.dataset.strong_count() > 0);
    let weak = Arc::downgrade(dataset);
    match slots.iter().find(|s| Weak::ptr_eq(&s.dataset, &weak)) {
        Some(s) => s.clone(),
        None => {
            let s = Arc::new(Slot {
                dataset: weak,
                started: std::sync::atomic::AtomicBool::new(false),
                index: std::sync::OnceLock::new(),
            });
            slots.push(s.clone());
            s
        }
    }
}

/// What is told of every index built: its dataset version, its records (or why it failed), and
/// how long the build took.
pub type BuildObserver = fn(&Dataset, Result<usize, &str>, std::time::Duration);

static OBSERVER: std::sync::OnceLock<BuildObserver> = std::sync::OnceLock::new();

/// Has `observe` told of every search index built from now on (a server logs them); the first
/// call in a process counts.
pub fn observe_builds(observe: BuildObserver) {
    let _ = OBSERVER.set(observe);
}

/// Starts building `dataset`'s search index on a thread of its own unless it is built or being
/// built; returns at once.
pub fn warm(dataset: &Arc<Dataset>) {
    start_build(&slot_for(dataset), dataset);
}

/// Starts building the slot's index unless a build was started; whether this call started it.
fn start_build(slot: &Arc<Slot>, dataset: &Arc<Dataset>) -> bool {
    if slot.started.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return false;
    }
    let (slot, dataset) = (slot.clone(), dataset.clone());
    std::thread::spawn(move || {
        let started = std::time::Instant::now();
        let built = SearchIndex::build(&dataset).map(Arc::new).map_err(|e| e.to_string());
        if let Some(observe) = OBSERVER.get() {
            observe(&dataset, built.as_ref().map(|i| i.len()).map_err(String::as_str), started.elapsed());
        }
        if let Ok(index) = &built {
            let mut latest = LATEST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match latest.iter_mut().find(|(d, _)| same_dataset(d, &dataset)) {
                Some(entry) if entry.0.version() < dataset.version() => *entry = (dataset.clone(), index.clone()),
                Some(_) => {}
                None => latest.push((dataset.clone(), index.clone())),
            }
        }
        let _ = slot.index.set(built);
    });
    true
}

/// Whether two versions are of one dataset of one store (its folder: tests open several stores).
fn same_dataset(a: &Dataset, b: &Dataset) -> bool {
    a.dir().parent() == b.dir().parent()
}

fn unreadable(dataset: &Dataset, reason: &str) -> SearchError {
    SearchError::Unreadable(format!("`{}` cannot be indexed for search: {reason}", dataset.name()))
}

/// `dataset`'s own search index if it is built; else `None`, and its build is started.
pub fn index_if_built(dataset: &Arc<Dataset>) -> Option<Arc<SearchIndex>> {
    let slot = slot_for(dataset);
    start_build(&slot, dataset);
    slot.index.get()?.as_ref().ok().cloned()
}

/// `dataset`'s search index, built on first use (a second caller waits for the first).
pub fn index_for(dataset: &Arc<Dataset>) -> Result<Arc<SearchIndex>, SearchError> {
    let slot = slot_for(dataset);
    start_build(&slot, dataset);
    slot.index.wait().clone().map_err(|e| unreadable(dataset, &e))
}

/// The index a search of `dataset` reads, with the version it indexes: `dataset`'s own when
/// built; while it is being built, the newest older version's that is; when there is none,
/// the request that started the build waits for it and others are told
/// [`SearchError::Building`] at once (a server's workers are few: a dozen searches waiting for
/// one build would hold them all from `/match`). A built index is read without a lock.
pub fn index_or_busy(dataset: &Arc<Dataset>) -> Result<(Arc<Dataset>, Arc<SearchIndex>), SearchError> {
    let slot = slot_for(dataset);
    if let Some(built) = slot.index.get() {
        return built.clone().map(|i| (dataset.clone(), i)).map_err(|e| unreadable(dataset, &e));
    }
    let started = start_build(&slot, dataset);
    if let Some(previous) = previous_built(dataset) {
        return Ok(previous);
    }
    if started {
        return slot.index.wait().clone().map(|i| (dataset.clone(), i)).map_err(|e| unreadable(dataset, &e));
    }
    Err(SearchError::Building(dataset.name().to_string()))
}

/// Waits until a search of `dataset` can be answered at once (by [`index_or_busy`]): its index
/// is built, or an older version's is; starts the build when none is. A server calls this
/// before it gives a search one of its few workers, so that searches waiting for a first build
/// do not hold them from `/match`.
pub fn wait_until_searchable(dataset: &Arc<Dataset>) {
    let slot = slot_for(dataset);
    if slot.index.get().is_some() {
        return;
    }
    start_build(&slot, dataset);
    if previous_built(dataset).is_none() {
        let _ = slot.index.wait();
    }
}

/// The newest older version of `dataset` whose index is built, with that index.
fn previous_built(dataset: &Dataset) -> Option<(Arc<Dataset>, Arc<SearchIndex>)> {
    let latest = LATEST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    latest.iter().find(|(d, _)| same_dataset(d, dataset) && d.version() < dataset.version()).cloned()
}

/// The facets yente can count.
pub const FACETS: [&str; 6] = ["datasets", "schema", "countries", "identifiers", "topics", "genders"];

/// How results are ordered: by one field, ascending or descending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Score,
    Id,
    Schema,
    /// A provenance date: 0 `first_seen`, 1 `last_seen`, 2 `last_change`. Records without it
    /// come last, in either direction.
    Seen(usize),
}

/// One `/search` request, read and checked by the front end.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The query text (empty: every record).
    pub q: String,
    /// Simple syntax instead of query-string syntax.
    pub simple: bool,
    /// Whether `word~` (with no number) allows edits.
    pub fuzzy: bool,
    /// Records of this schema, as yente widens it ([`schemata_for`]).
    pub schema: &'static Schema,
    pub exclude_schemas: Vec<String>,
    /// `(field, value)` filters: all fields must match; the values of one field any (`filter_and`
    /// false, yente's default for `/search`) or all.
    pub filters: Vec<(String, String)>,
    pub filter_and: bool,
    /// Facets to count, by name ([`FACETS`]).
    pub facets: Vec<String>,
    /// Sort keys (descending when true), before the score and the id.
    pub sort: Vec<(SortKey, bool)>,
    pub limit: usize,
    pub offset: usize,
}

impl SearchRequest {
    /// Every record, yente's defaults otherwise.
    pub fn new(q: &str) -> SearchRequest {
        SearchRequest {
            q: q.to_string(),
            simple: false,
            fuzzy: false,
            schema: Schema::get("Thing").expect("FtM has Thing"),
            exclude_schemas: Vec::new(),
            filters: Vec::new(),
            filter_and: false,
            facets: Vec::new(),
            sort: Vec::new(),
            limit: 10,
            offset: 0,
        }
    }
}

/// Why a search cannot run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the query cannot be read: {0}")]
    Syntax(SyntaxError),
    #[error("{0}")]
    Invalid(String),
    /// The dataset's index is being built for another request.
    #[error("the search index of `{0}` is being built; try again in a few seconds")]
    Building(String),
    /// A record of the dataset could not be read while indexing it (a damaged store).
    #[error("{0}")]
    Unreadable(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl From<crosscheck_store::StoreError> for SearchError {
    fn from(e: crosscheck_store::StoreError) -> SearchError {
        SearchError::Engine(e.into())
    }
}

/// One record found.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub dataset: Arc<str>,
    pub entity: Entity,
    pub score: f64,
    pub target: bool,
}

/// One facet value and how many records found have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    pub name: String,
    pub label: String,
    pub count: usize,
}

/// One facet: its field, its label, its values by count (most first, then by name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    pub field: String,
    pub label: String,
    pub values: Vec<FacetValue>,
}

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// Records found, before `offset` and `limit`.
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Vec<Facet>,
}

/// The schemata a search for `schema` covers, as yente widens it: the matchable schemata that
/// can be compared with it, and, for a schema that is not matchable (`Thing`), every schema
/// descending from it.
pub fn schemata_for(schema: &'static Schema) -> Vec<&'static Schema> {
    Schema::all().filter(|s| if schema.matchable { schema.can_match(s) } else { s.is_a(schema.name) }).collect()
}

/// Most values counted per facet (Elasticsearch's `size` as yente asks it).
const FACET_SIZE: usize = 1000;

/// Most words one wildcard or fuzzy word may stand for.
const MAX_EXPANSIONS: usize = 4096;

impl Snapshot {
    /// Searches every dataset of the snapshot.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let tree = if request.q.trim().is_empty() {
            Node::All
        } else if request.simple {
            query::parse_simple(&request.q)
        } else {
            query::parse(&request.q).map_err(SearchError::Syntax)?
        };
        let schemata: Vec<u8> = schemata_for(request.schema).iter().map(|s| schema_index(s.name)).collect();
        let excluded: Vec<u8> = request.exclude_schemas.iter().map(|s| schema_index(s)).collect();
        let want = request.offset + request.limit;
        let mut pages = Vec::new();
        let mut total = 0;
        let mut counts: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
        for dataset in self.datasets() {
            let (dataset, index) = index_or_busy(dataset)?;
            let search = Search { index: &index, dataset: &dataset, fuzzy: request.fuzzy };
            let mut found = search.eval(&tree, None)?;
            found.retain(|(d, _)| {
                let s = index.schema[*d as usize];
                schemata.contains(&s) && !excluded.contains(&s)
            });
            found = search.filters(found, &request.filters, request.filter_and)?;
            total += found.len();
            for facet in &request.facets {
                let into = counts.entry(facet.as_str()).or_default();
                index.count_facet(facet, &found, into);
            }
            pages.push(search.top(found, want, &request.sort)?);
        }
        let mut hits: Vec<(SearchHit, u8)> = pages.into_iter().flatten().collect();
        hits.sort_by(|(a, sa), (b, sb)| {
            for (key, desc) in &request.sort {
                let order = match key {
                    SortKey::Score => a.score.total_cmp(&b.score),
                    SortKey::Id => a.entity.id.cmp(&b.entity.id),
                    SortKey::Schema => schema_name(*sa).cmp(schema_name(*sb)),
                    SortKey::Seen(f) => seen_order(seen_of(&a.entity, *f), seen_of(&b.entity, *f), *desc),
                };
                let order = if *desc && !matches!(key, SortKey::Seen(_)) { order.reverse() } else { order };
                if order.is_ne() {
                    return order;
                }
            }
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.entity.id.cmp(&b.entity.id))
                .then_with(|| a.dataset.cmp(&b.dataset))
        });
        let hits = hits.into_iter().skip(request.offset).take(request.limit).map(|(h, _)| h).collect();
        let facets = request.facets.iter().map(|f| facet(f, counts.remove(f.as_str()).unwrap_or_default())).collect();
        Ok(SearchResults { total, hits, facets })
    }
}

fn schema_name(i: u8) -> &'static str {
    schema_at(i).map_or("", |s| s.name)
}

/// A facet's counts, most first, with FtM's labels.
fn facet(field: &str, counts: BTreeMap<String, usize>) -> Facet {
    let mut values: Vec<FacetValue> =
        counts.into_iter().map(|(name, count)| FacetValue { label: value_label(field, &name), name, count }).collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    values.truncate(FACET_SIZE);
    let label = match field {
        "datasets" => "Data sources",
        "schema" => "Entity types",
        "countries" => "Countries",
        "topics" => "Topics",
        "genders" => "Genders",
        "identifiers" => "Identifiers",
        other => other,
    };
    Facet { field: field.to_string(), label: label.to_string(), values }
}

fn value_label(field: &str, name: &str) -> String {
    let found = match field {
        "schema" => crosscheck_model::labels::SCHEMATA.iter().find(|s| s.name == name).map(|s| s.plural.to_string()),
        "topics" => labels::TOPIC_LABELS.iter().find(|(t, _)| *t == name).map(|(_, l)| l.to_string()),
        "countries" => country_label(name),
        _ => None,
    };
    found.unwrap_or_else(|| name.to_string())
}

/// A country's everyday English name, as FtM shows it (`ru` → Russia, not "The Russian
/// Federation"): a few by hand, then celes' first alias written as one word, else its name.
fn country_label(code: &str) -> Option<String> {
    let by_hand = [("us", "United States"), ("gb", "United Kingdom"), ("kr", "South Korea"), ("kp", "North Korea")];
    if let Some((_, label)) = by_hand.iter().find(|(c, _)| *c == code) {
        return Some(label.to_string());
    }
    use celes::LookupTable;
    let country = celes::Country::from_alpha2(code).ok()?;
    let one_word = |a: &&&str| !a.chars().skip(1).any(char::is_uppercase);
    let short = country.aliases.iter().find(one_word).filter(|_| country.long_name.starts_with("The "));
    Some(match short {
        Some(alias) => alias.to_string(),
        None => country.long_name.trim_start_matches("The ").to_string(),
    })
}

/// Records found in one dataset with their scores, sorted by record number.
type Found = Vec<(u32, f32)>;

struct Search<'a> {
    index: &'a SearchIndex,
    dataset: &'a Arc<Dataset>,
    fuzzy: bool,
}

/// yente's BM25 parameters: `k1` as Elasticsearch's default, `b` 0.25 for names (its
/// `weak_length_norm`, so a record with many aliases is not pushed down) and 0.75 elsewhere.
const K1: f32 = 1.2;
const B_NAMES: f32 = 0.25;
const B_TEXT: f32 = 0.75;
const NAMES_BOOST: f32 = 3.0;

impl<'a> Search<'a> {
    fn all(&self) -> Found {
        (0..self.index.len as u32).map(|d| (d, 1.0)).collect()
    }

    fn idf(&self, df: usize) -> f32 {
        let n = self.index.len as f32;
        (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln()
    }

    fn bm25(&self, idf: f32, len: u16, avg: f32, b: f32) -> f32 {
        idf * (K1 + 1.0) / (1.0 + K1 * (1.0 - b + b * len as f32 / avg))
    }

    /// The records with term `t`, scored for `field` (names count three times elsewhere).
    fn term_hits(&self, t: usize, field: &FieldSel, boost: f32) -> Found {
        let names = self.index.names.row(t);
        let others = self.index.others.row(t);
        let (idf_text, idf_names) = (self.idf(names.len() + others.len()), self.idf(names.len()));
        let name_score = |d: u32| {
            NAMES_BOOST * self.bm25(idf_names, self.index.names_len[d as usize], self.index.avg_names_len, B_NAMES)
        };
        let text_score = |d: u32| self.bm25(idf_text, self.index.text_len[d as usize], self.index.avg_text_len, B_TEXT);
        if *field == FieldSel::Names {
            return names.iter().map(|&d| (d, name_score(d) / NAMES_BOOST * boost)).collect();
        }
        let mut out = Vec::with_capacity(names.len() + others.len());
        let (mut i, mut j) = (0, 0);
        while i < names.len() || j < others.len() {
            let from_names = j >= others.len() || (i < names.len() && names[i] < others[j]);
            let d = if from_names { names[i] } else { others[j] };
            let s = if from_names && *field == FieldSel::Default {
                name_score(d).max(text_score(d))
            } else {
                text_score(d)
            };
            out.push((d, s * boost));
            if from_names {
                i += 1;
            } else {
                j += 1;
            }
        }
        out
    }

    /// The terms a word stands for: itself and its Latin reading; or every term it matches
    /// as a wildcard or within its edit distance.
    fn expand(&self, word: &str, kind: WordKind) -> Result<Vec<usize>, SearchError> {
        let too_many = || {
            SearchError::Invalid(format!(
                "`{word}` stands for more than {MAX_EXPANSIONS} different words; make it longer or more precise"
            ))
        };
        match kind {
            WordKind::Plain => Ok(self.index.find_term(word).into_iter().collect()),
            WordKind::Wildcard => {
                let pattern = keyword(word);
                let literal: String = pattern.chars().take_while(|c| !matches!(c, '*' | '?')).collect();
                let range = self.index.prefix_range(&literal);
                let mut out = Vec::new();
                if pattern.strip_suffix('*').is_some_and(|p| p == literal) {
                    if range.len() > MAX_EXPANSIONS {
                        return Err(too_many());
                    }
                    out.extend(range);
                } else {
                    for t in range {
                        if glob(&pattern, self.index.term(t)) {
                            out.push(t);
                            if out.len() > MAX_EXPANSIONS {
                                return Err(too_many());
                            }
                        }
                    }
                }
                Ok(out)
            }
            WordKind::Fuzzy(n) => {
                let chars = word.chars().count();
                let auto = match chars {
                    0..=2 => 0,
                    3..=5 => 1,
                    _ => 2,
                };
                let edits = match n {
                    Some(n) => (n as usize).min(2),
                    None if self.fuzzy => auto,
                    None => 0,
                };
                if edits == 0 {
                    return Ok(self.index.find_term(word).into_iter().collect());
                }
                let mut out = Vec::new();
                for t in 0..self.index.terms() {
                    let term = self.index.term(t);
                    let len = term.chars().count();
                    if len.abs_diff(chars) <= edits && strsim::damerau_levenshtein(term, word) <= edits {
                        out.push(t);
                        if out.len() > MAX_EXPANSIONS {
                            return Err(too_many());
                        }
                    }
                }
                Ok(out)
            }
        }
    }

    /// The records with any of `terms` (each record its best score): a few lists merged, many
    /// sorted together.
    fn union_terms(&self, terms: &[usize], field: &FieldSel, boost: f32) -> Found {
        if terms.len() <= 8 {
            let mut out = Vec::new();
            for &t in terms {
                out = union_max(&out, &self.term_hits(t, field, boost));
            }
            return out;
        }
        let mut all: Found = terms.iter().flat_map(|&t| self.term_hits(t, field, boost)).collect();
        all.sort_unstable_by_key(|(d, _)| *d);
        all.dedup_by(|later, kept| {
            if later.0 == kept.0 {
                kept.1 = kept.1.max(later.1);
                true
            } else {
                false
            }
        });
        all
    }

    /// The records a word (on the default field, `names` or `text`) finds.
    fn word(&self, text: &str, kind: WordKind, field: &FieldSel, boost: f32) -> Result<Found, SearchError> {
        if kind != WordKind::Plain {
            let terms = self.expand(&keyword(text), kind)?;
            // wildcard and fuzzy words are scored as constants, as Elasticsearch does
            let mut found = self.union_terms(&terms, field, 1.0);
            for (d, s) in &mut found {
                let in_name = terms.iter().any(|&t| self.index.names.row(t).binary_search(d).is_ok());
                *s = boost * if in_name && *field != FieldSel::Text { NAMES_BOOST } else { 1.0 };
            }
            return Ok(found);
        }
        let words = tokens(text);
        if words.is_empty() {
            return Ok(self.all());
        }
        let mut result: Option<Found> = None;
        for w in &words {
            let mut alternatives = self.expand(w, WordKind::Plain)?;
            for other in other_script(w) {
                alternatives.extend(self.expand(&other, WordKind::Plain)?);
            }
            alternatives.sort_unstable();
            alternatives.dedup();
            let found = self.union_terms(&alternatives, field, boost);
            result = Some(match result {
                None => found,
                Some(so_far) => intersect(&so_far, &found),
            });
        }
        Ok(result.unwrap_or_default())
    }

    fn eval(&self, node: &Node, within: Option<&Found>) -> Result<Found, SearchError> {
        let found = match node {
            Node::All => within.cloned().unwrap_or_else(|| self.all()),
            Node::Word { field, text, kind, boost } => match field_sel(field) {
                Some(sel) => self.word(text, *kind, &sel, *boost)?,
                None => self.field_match(field, &Match::Word(text, *kind), within)?,
            },
            Node::Phrase { field, text, boost } => match field_sel(field) {
                Some(sel) => self.phrase(text, &sel, *boost, within)?,
                None => self.field_match(field, &Match::Phrase(text), within)?,
            },
            Node::Range { field, lo, hi } => {
                self.field_match(field, &Match::Range(lo.as_ref(), hi.as_ref()), within)?
            }
            Node::Bool { must, should, must_not } => {
                let mut result: Option<Found> = None;
                // clauses read from the index first; those checked record by record after,
                // on what is left
                let mut ordered: Vec<&Node> = must.iter().collect();
                ordered.sort_by_key(|n| needs_records(n));
                for clause in ordered {
                    let scope = result.as_ref().or(within);
                    let found = self.eval(clause, scope)?;
                    result = Some(match result {
                        None => found,
                        Some(so_far) => intersect(&so_far, &found),
                    });
                }
                if must.is_empty() && !should.is_empty() {
                    let mut any: Found = Vec::new();
                    for clause in should {
                        any = union(&any, &self.eval(clause, within)?);
                    }
                    result = Some(any);
                } else if let Some(so_far) = result.as_mut() {
                    for clause in should {
                        let extra = self.eval(clause, Some(so_far))?;
                        add_scores(so_far, &extra);
                    }
                }
                let mut result = result.unwrap_or_else(|| self.all());
                for clause in must_not {
                    let out = self.eval(clause, Some(&result))?;
                    result = difference(&result, &out);
                }
                result
            }
        };
        Ok(match within {
            Some(scope) => intersect_keep(&found, scope),
            None => found,
        })
    }

    /// A phrase on the default field, `names` or `text`: records with every word, then those
    /// with the words in order in one value.
    fn phrase(&self, text: &str, field: &FieldSel, boost: f32, within: Option<&Found>) -> Result<Found, SearchError> {
        let words = tokens(text);
        if words.len() <= 1 {
            return self.word(text, WordKind::Plain, field, boost);
        }
        let mut candidates = self.word(text, WordKind::Plain, field, boost)?;
        if let Some(scope) = within {
            candidates = intersect_keep(&candidates, scope);
        }
        let mut out = Vec::new();
        for (d, s) in candidates {
            let entity = self.dataset.entity(d)?;
            let in_value = |names_only: bool| {
                entity.properties.iter().any(|(prop, vals)| {
                    let is_name = entity.prop_type(prop) == PropType::Name;
                    (!names_only || is_name) && vals.iter().any(|v| contains_run(v, &words, is_name))
                })
            };
            let keep = match field {
                FieldSel::Names => in_value(true),
                FieldSel::Text | FieldSel::Default => in_value(false),
            };
            if keep {
                out.push((d, s));
            }
        }
        Ok(out)
    }

    /// A clause on a named field (`schema:Person`, `countries:ru`, `properties.birthDate:1970`).
    fn field_match(&self, field: &Field, m: &Match, within: Option<&Found>) -> Result<Found, SearchError> {
        let Field::Named(name) = field else { return Ok(Vec::new()) };
        let index = self.index;
        let scope = |found: Found| match within {
            Some(w) => intersect_keep(&found, w),
            None => found,
        };
        match (name.as_str(), m) {
            ("schema", Match::Word(v, WordKind::Plain) | Match::Phrase(v)) => {
                let s = schema_index(v);
                Ok(scope((0..index.len as u32).filter(|&d| index.schema[d as usize] == s).map(|d| (d, 1.0)).collect()))
            }
            ("datasets", Match::Word(v, WordKind::Plain) | Match::Phrase(v)) => {
                Ok(if *v == self.dataset.name() { within.cloned().unwrap_or_else(|| self.all()) } else { Vec::new() })
            }
            ("target", Match::Word(v, WordKind::Plain)) => {
                let want = matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "t" | "yes");
                Ok(scope(
                    (0..index.len as u32).filter(|&d| index.target[d as usize] == want).map(|d| (d, 1.0)).collect(),
                ))
            }
            (group, Match::Word(v, WordKind::Plain) | Match::Phrase(v)) if KEYWORD_GROUPS.contains(&group) => {
                Ok(scope(match index.keyword_id(group, v) {
                    Some(k) => index.keyword_docs.row(k as usize).iter().map(|&d| (d, 1.0)).collect(),
                    None => Vec::new(),
                }))
            }
            _ => self.checked(name, m, within),
        }
    }

    /// A clause checked record by record: on the records with the value's words (or on every
    /// record, for ranges and wildcards), each read and compared.
    fn checked(&self, field: &str, m: &Match, within: Option<&Found>) -> Result<Found, SearchError> {
        let target = Target::parse(field);
        let Some(target) = target else { return Ok(Vec::new()) }; // an unknown field finds nothing, as in yente
        let words = match m {
            Match::Word(v, WordKind::Plain) | Match::Phrase(v) => tokens(v),
            _ => Vec::new(),
        };
        let candidates: Found = if words.is_empty() || matches!(target, Target::Id | Target::Caption) {
            within.cloned().unwrap_or_else(|| self.all())
        } else {
            let mut c = self.word(&words.join(" "), WordKind::Plain, &FieldSel::Text, 1.0)?;
            if let Some(w) = within {
                c = intersect_keep(&c, w);
            }
            c
        };
        let mut out = Vec::new();
        for (d, _) in candidates {
            let entity = self.dataset.entity(d)?;
            if target.matches(&entity, m) {
                out.push((d, 1.0));
            }
        }
        Ok(out)
    }

    /// `(field, value)` filters: all fields; of one field's values any, or all with `and`.
    fn filters(&self, found: Found, filters: &[(String, String)], and: bool) -> Result<Found, SearchError> {
        let mut by_field: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (f, v) in filters {
            by_field.entry(f.as_str()).or_default().push(v.as_str());
        }
        let mut found = found;
        let mut fields: Vec<(&str, Vec<&str>)> = by_field.into_iter().collect();
        fields.sort_by_key(|(f, _)| Target::parse(f).is_some_and(|t| t.needs_records()));
        for (field, values) in fields {
            let named = Field::Named(field.to_string());
            let clause =
                |v: &str| Node::Word { field: named.clone(), text: v.to_string(), kind: WordKind::Plain, boost: 1.0 };
            let node = if and || values.len() == 1 {
                Node::Bool { must: values.iter().map(|v| clause(v)).collect(), should: vec![], must_not: vec![] }
            } else {
                Node::Bool { must: vec![], should: values.iter().map(|v| clause(v)).collect(), must_not: vec![] }
            };
            let kept = self.eval(&node, Some(&found))?;
            found = intersect(&found, &kept.into_iter().map(|(d, _)| (d, 0.0)).collect::<Vec<_>>());
        }
        Ok(found)
    }

    /// The best `k` records (score, then id), read, with yente's bonus for fuller records.
    fn top(&self, found: Found, k: usize, sort: &[(SortKey, bool)]) -> Result<Vec<(SearchHit, u8)>, SearchError> {
        let index = self.index;
        let mut scored: Vec<(u32, f32)> =
            found.into_iter().map(|(d, s)| (d, s + (0.5 * index.values[d as usize] as f32).sqrt())).collect();
        let cmp = |a: &(u32, f32), b: &(u32, f32)| {
            for (key, desc) in sort {
                let order = match key {
                    SortKey::Score => a.1.total_cmp(&b.1),
                    SortKey::Id => index.id_rank[a.0 as usize].cmp(&index.id_rank[b.0 as usize]),
                    SortKey::Schema => {
                        schema_name(index.schema[a.0 as usize]).cmp(schema_name(index.schema[b.0 as usize]))
                    }
                    SortKey::Seen(f) => {
                        let dates = &index.seen[*f];
                        let at = |d: u32| dates.get(d as usize).copied().unwrap_or(0);
                        seen_order(at(a.0), at(b.0), *desc)
                    }
                };
                let order = if *desc && !matches!(key, SortKey::Seen(_)) { order.reverse() } else { order };
                if order.is_ne() {
                    return order;
                }
            }
            b.1.total_cmp(&a.1).then_with(|| index.id_rank[a.0 as usize].cmp(&index.id_rank[b.0 as usize]))
        };
        if k == 0 {
            return Ok(Vec::new());
        }
        if scored.len() > k {
            scored.select_nth_unstable_by(k - 1, cmp);
            scored.truncate(k);
        }
        scored.sort_by(cmp);
        scored
            .into_iter()
            .map(|(d, s)| {
                let entity = self.dataset.entity(d)?;
                let hit = SearchHit {
                    dataset: index.dataset.clone(),
                    entity,
                    score: s as f64,
                    target: index.target[d as usize],
                };
                Ok((hit, index.schema[d as usize]))
            })
            .collect()
    }
}

impl SearchIndex {
    fn count_facet(&self, facet: &str, found: &Found, into: &mut BTreeMap<String, usize>) {
        match facet {
            "datasets" => {
                if !found.is_empty() {
                    *into.entry(self.dataset.to_string()).or_default() += found.len();
                }
            }
            "schema" => {
                let mut counts = [0usize; 256];
                for (d, _) in found {
                    counts[self.schema[*d as usize] as usize] += 1;
                }
                for (i, &n) in counts.iter().enumerate() {
                    if n > 0 {
                        *into.entry(schema_name(i as u8).to_string()).or_default() += n;
                    }
                }
            }
            group => {
                let Some(g) = KEYWORD_GROUPS.iter().position(|k| *k == group) else { return };
                let mut counts: FxHashMap<u32, usize> = FxHashMap::default();
                for (d, _) in found {
                    for &k in self.doc_keywords.row(*d as usize) {
                        if self.keyword_groups[k as usize] as usize == g {
                            *counts.entry(k).or_default() += 1;
                        }
                    }
                }
                for (k, n) in counts {
                    *into.entry(self.keywords.get(k as usize).to_string()).or_default() += n;
                }
            }
        }
    }
}

/// Which of the indexed text fields a word looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldSel {
    Default,
    Names,
    Text,
}

fn field_sel(field: &Field) -> Option<FieldSel> {
    match field {
        Field::Default => Some(FieldSel::Default),
        Field::Named(n) if n == "names" => Some(FieldSel::Names),
        Field::Named(n) if n == "text" => Some(FieldSel::Text),
        Field::Named(_) => None,
    }
}

/// Whether evaluating `node` reads records one by one (so it should run on fewer records).
fn needs_records(node: &Node) -> bool {
    match node {
        Node::All => false,
        Node::Word { field, .. } | Node::Phrase { field, .. } | Node::Range { field, .. } => match field {
            Field::Default => matches!(node, Node::Phrase { .. }),
            Field::Named(n) => Target::parse(n).is_some_and(|t| t.needs_records()),
        },
        Node::Bool { must, should, must_not } => must.iter().chain(should).chain(must_not).any(needs_records),
    }
}

/// What a clause on a named field asks.
enum Match<'q> {
    Word(&'q str, WordKind),
    Phrase(&'q str),
    Range(Option<&'q (String, bool)>, Option<&'q (String, bool)>),
}

/// A named field checked on the record itself.
enum Target {
    Id,
    Caption,
    /// `properties.X`.
    Property(String),
    /// A type group (`dates`, `phones`, `addresses`, ...), and the keyword groups when a clause
    /// is not a plain value (a range, a wildcard).
    Group(&'static str),
    /// `schema`, `datasets`, `target` with a wildcard or a range.
    Keyword(&'static str),
}

impl Target {
    fn parse(field: &str) -> Option<Target> {
        if let Some(prop) = field.strip_prefix("properties.") {
            return Some(Target::Property(prop.to_string()));
        }
        let groups = [
            "names",
            "dates",
            "countries",
            "identifiers",
            "addresses",
            "phones",
            "emails",
            "urls",
            "entities",
            "genders",
            "topics",
        ];
        Some(match field {
            "id" | "entity_id" => Target::Id,
            "caption" => Target::Caption,
            "schema" => Target::Keyword("schema"),
            "datasets" => Target::Keyword("datasets"),
            "target" => Target::Keyword("target"),
            "text" => Target::Group("text"),
            g => Target::Group(groups.into_iter().find(|x| *x == g)?),
        })
    }

    fn needs_records(&self) -> bool {
        match self {
            Target::Keyword(_) => false,
            Target::Group(g) => !KEYWORD_GROUPS.contains(g) && *g != "names" && *g != "text",
            _ => true,
        }
    }

    /// The values of `entity` this field holds, each with its type.
    fn values<'e>(&self, entity: &'e Entity) -> Vec<(&'e str, PropType)> {
        match self {
            Target::Id => vec![(entity.id.as_str(), PropType::Identifier)],
            Target::Caption | Target::Keyword(_) => Vec::new(),
            Target::Property(p) => {
                let kind = entity.prop_type(p);
                entity.get(p).iter().map(|v| (v.as_str(), kind)).collect()
            }
            Target::Group(g) => entity
                .properties
                .iter()
                .flat_map(|(p, vals)| {
                    let kind = entity.prop_type(p);
                    let keep = *g == "text" || group_of(kind) == Some(g);
                    vals.iter().filter(move |_| keep).map(move |v| (v.as_str(), kind))
                })
                .collect(),
        }
    }

    fn matches(&self, entity: &Entity, m: &Match) -> bool {
        if let Target::Caption = self {
            let caption = entity.caption();
            return value_matches(&caption, PropType::Identifier, m);
        }
        if let Target::Keyword(k) = self {
            let value = match *k {
                "schema" => entity.schema.clone(),
                _ => return false,
            };
            return value_matches(&value, PropType::Identifier, m);
        }
        self.values(entity).into_iter().any(|(v, kind)| value_matches(v, kind, m))
    }
}

/// Whether one stored value matches a clause: names, addresses and free text word by word (as
/// yente analyses them); other types as a whole value (lower case, diacritics folded), dates
/// also by their leading parts (`1970` finds `1970-05-01`, as yente's expanded dates do).
fn value_matches(value: &str, kind: PropType, m: &Match) -> bool {
    let analysed = matches!(kind, PropType::Name | PropType::Address | PropType::Text | PropType::String);
    match m {
        Match::Word(w, WordKind::Plain) | Match::Phrase(w) if analysed => {
            let words = tokens(w);
            !words.is_empty() && contains_run(value, &words, kind == PropType::Name)
        }
        Match::Word(w, WordKind::Plain) | Match::Phrase(w) => {
            let (v, w) = (keyword(value), keyword(w));
            v == w
                || (kind == PropType::Date
                    && v.len() > w.len()
                    && v.starts_with(&w)
                    && matches!(v.as_bytes().get(w.len()), Some(b'-' | b'T')))
        }
        Match::Word(w, WordKind::Wildcard) => {
            let pattern = keyword(w);
            if analysed {
                tokens(value).iter().any(|t| glob(&pattern, t))
            } else {
                glob(&pattern, &keyword(value))
            }
        }
        Match::Word(w, WordKind::Fuzzy(_)) => {
            let w = keyword(w);
            if analysed {
                tokens(value).iter().any(|t| strsim::damerau_levenshtein(t, &w) <= 2)
            } else {
                strsim::damerau_levenshtein(&keyword(value), &w) <= 2
            }
        }
        Match::Range(lo, hi) => {
            let v = keyword(value);
            let cmp = |bound: &str| match (v.parse::<f64>(), bound.parse::<f64>()) {
                (Ok(a), Ok(b)) => a.total_cmp(&b),
                _ => v.as_str().cmp(keyword(bound).as_str()),
            };
            let above = lo.is_none_or(|(b, inclusive)| {
                let o = cmp(b);
                o.is_gt() || (*inclusive && o.is_eq())
            });
            let below = hi.is_none_or(|(b, inclusive)| {
                let o = cmp(b);
                o.is_lt() || (*inclusive && o.is_eq())
            });
            above && below
        }
    }
}

/// The word in the other script: a word in another script read in Latin letters
/// (`latin_key`: Захаров → zakharov), a Latin word read back as Russian Cyrillic
/// (`russian_cyrillic_forms`: maria → мария, which the index's Latin reading, mariia, misses).
fn other_script(word: &str) -> Vec<String> {
    let forms: Vec<String> = if word.is_ascii() {
        if !word.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Vec::new();
        }
        crosscheck_names::translit::russian_cyrillic_forms(word)
    } else {
        vec![crosscheck_names::latin_key(word)]
    };
    let mut out: Vec<String> = forms.iter().flat_map(|f| tokens(f)).filter(|t| t != word).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether `value`'s tokens hold `words` one after the other (names also across scripts).
fn contains_run(value: &str, words: &[String], is_name: bool) -> bool {
    let runs =
        |tokens: &[String], words: &[String]| !words.is_empty() && tokens.windows(words.len()).any(|w| w == words);
    let own = tokens(value);
    if runs(&own, words) {
        return true;
    }
    if !is_name {
        return false;
    }
    // the value in Latin letters against the words in Latin letters, and the value as it is
    // against the words read as Russian Cyrillic
    let latin_value = tokens(&crosscheck_names::latin_key(value));
    let latin_words: Vec<String> = words.iter().flat_map(|w| tokens(&crosscheck_names::latin_key(w))).collect();
    if runs(&latin_value, &latin_words) {
        return true;
    }
    let cyrillic_words: Vec<String> =
        words.iter().flat_map(|w| tokens(&crosscheck_names::translit::russian_cyrillic(w))).collect();
    runs(&own, &cyrillic_words)
}

/// Glob matching with `*` (any run) and `?` (one character).
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Records in both, scores added.
fn intersect(a: &Found, b: &Found) -> Found {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Records of `a` also in `scope`, with `a`'s scores.
fn intersect_keep(a: &Found, scope: &Found) -> Found {
    let mut out = Vec::with_capacity(a.len().min(scope.len()));
    let mut j = 0;
    for &(d, s) in a {
        while j < scope.len() && scope[j].0 < d {
            j += 1;
        }
        if scope.get(j).is_some_and(|x| x.0 == d) {
            out.push((d, s));
        }
    }
    out
}

/// Records in either, each with the better of its scores.
fn union_max(a: &Found, b: &Found) -> Found {
    if a.is_empty() {
        return b.clone();
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1.max(b[j].1)));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Records in either, scores added.
fn union(a: &Found, b: &Found) -> Found {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                out.push((x.0, x.1 + y.1));
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                out.push(*x);
                i += 1;
            }
            (Some(x), None) => {
                out.push(*x);
                i += 1;
            }
            (_, Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// Adds `extra`'s scores to the records of `to` it has.
fn add_scores(to: &mut Found, extra: &Found) {
    let mut j = 0;
    for (d, s) in to.iter_mut() {
        while j < extra.len() && extra[j].0 < *d {
            j += 1;
        }
        if extra.get(j).is_some_and(|x| x.0 == *d) {
            *s += extra[j].1;
        }
    }
}

/// Records of `a` not in `b`.
fn difference(a: &Found, b: &Found) -> Found {
    let mut out = Vec::with_capacity(a.len());
    let mut j = 0;
    for &(d, s) in a {
        while j < b.len() && b[j].0 < d {
            j += 1;
        }
        if b.get(j).is_none_or(|x| x.0 != d) {
            out.push((d, s));
        }
    }
    out
}

#[cfg(test)]
mod tests;
