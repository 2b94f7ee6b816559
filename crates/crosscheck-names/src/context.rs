//! The names context, [`Names`]: the derived tables, the score's numbers ([`NameParams`]) and
//! the memos of prepared words, owned by one value instead of statics and thread-locals. Every
//! operation of the crate is a method on it; the crate's free functions are thin wrappers over
//! one process-wide default, [`Names::shared`].
//!
//! Decisions and reasons:
//! - Tables are built when the context is (`Names::new`, on several threads, about 80 ms of
//!   one core), except the native-script spellings, built on first use inside the context (only
//!   names in Arabic, Hebrew, Thai... need them, and they are the largest table).
//! - `Names` is `Send + Sync` and meant to be shared (`Arc<Names>` or `&'static`): it holds no
//!   per-call state, and the memos behind it are pure (a word and kind always give the same
//!   token), so results never depend on which thread or call filled them.
//! - The memos: a load keys a million names and ~30% of it is keying, so a memo lookup must stay
//!   one slot read. Chosen: a [`MemoPool`], a few independent memos each behind its own mutex,
//!   locked once per name (not per word); a thread takes the slot its thread id points to, or
//!   the next free one if that is busy, and never blocks (with all taken, it gets a fresh empty
//!   memo). With slots for twice the cores, each thread in practice keeps one slot, whose lock
//!   and table stay in its core's cache, as the thread-local memo did; the pool is the
//!   context's and goes with it. Measured with `examples/key_bench.rs` (874,400 names, 54,650
//!   distinct, both cores, CPU time per name of the warm runs, machine shared with three
//!   builds): thread-local memo 2.5–3.3 µs, this pool 2.5–3.1 µs, one memo behind one mutex
//!   3.2–4.8 µs (+35%: the threads queue on the lock and its cache line moves between cores).
//!   Sharding one table by word would take a lock per word and copy each word's keys out
//!   from under it; an explicit per-worker `Memo` argument would be as fast as the pool but
//!   change every caller's signature, for no gain the pool does not already give.
//! - Three memos: tokens per distinct word, index keys per distinct word, and whole names per
//!   distinct name ([`Names::parse`]). `compare` prepares the same few thousand people again on
//!   every pair they appear in, and a parse was a third of its time: a name seen before is a
//!   lookup and a pointer copy (a [`crate::Name`] shares its fields between copies). The memo
//!   of names is one for all threads, in shards by the name's hash ([`ShardedMemo`]): a name is
//!   looked up once per parse (not per word), so a lock per lookup is cheap and rarely
//!   contended, and each distinct name is parsed once however many threads meet it (a pool of
//!   per-thread memos parsed it once per thread: with two, a third more CPU on `compare`).
//! - A name parsed by one context carries that context's table lookups (name groups,
//!   frequencies); compare names with the context that parsed them.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, LazyLock, Mutex, TryLockError};

use crate::index_keys::WordKeysMemo;
use crate::name::{NAME_MEMO_CAP, NAME_MEMO_SHARDS};
use crate::params::NameParams;
use crate::tables::Tables;
use crate::tokens::TokenMemo;
use crate::{Name, NameKind};

/// The names context: tables, parameters and memos (see the module doc).
///
/// ```
/// use crosscheck_names::{NameKind, NameParams, Names};
///
/// let names = Names::new();
/// assert_eq!(names.params(), &NameParams::V1);
/// let a = names.parse("Иван Петрович Сидоров", NameKind::Person);
/// let b = names.parse("SIDOROV, Ivan", NameKind::Person);
/// assert!(names.compare(&a, &b).score > 0.8);
/// assert_eq!(names.compare_score(&a, &b), names.compare(&a, &b).score);
/// let mut keys = Vec::new();
/// names.for_each_index_key("SIDOROV, Ivan", NameKind::Person, &mut |k| keys.push(k.to_string()));
/// assert!(keys.iter().any(|k| names.index_keys(&a).contains(k)));
/// ```
pub struct Names {
    pub(crate) tables: Arc<Tables>,
    pub(crate) params: NameParams,
    pub(crate) token_memo: Arc<MemoPool<TokenMemo>>,
    pub(crate) word_keys_memo: Arc<MemoPool<WordKeysMemo>>,
    pub(crate) name_memo: Arc<ShardedMemo<Name>>,
}

impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Names").field("params", &self.params).finish_non_exhaustive()
    }
}

impl Default for Names {
    fn default() -> Self {
        Names::new()
    }
}

static SHARED: LazyLock<Names> = LazyLock::new(Names::new);

impl Names {
    /// A context with the calibrated numbers ([`NameParams::V1`]); builds the tables.
    pub fn new() -> Self {
        Names::with_params(NameParams::V1)
    }

    /// A context scoring with `params` (index keys do not depend on them).
    pub fn with_params(params: NameParams) -> Self {
        let n_slots = 2 * std::thread::available_parallelism().map_or(2, |n| n.get()).max(2);
        Names {
            tables: Arc::new(Tables::build()),
            params,
            token_memo: Arc::new(MemoPool::new(n_slots)),
            word_keys_memo: Arc::new(MemoPool::new(n_slots)),
            name_memo: Arc::new(ShardedMemo::new(NAME_MEMO_SHARDS, NAME_MEMO_CAP)),
        }
    }

    /// A context that shares this one's tables and memos and scores with `params`: how a
    /// scorer version with other name numbers (`crosscheck-v2`) compares names parsed by the
    /// shared context without building the tables twice. Tokens and index keys do not depend
    /// on the score's numbers, so the memos can be shared; a name parsed by either context can
    /// be compared by the other.
    ///
    /// ```
    /// use crosscheck_names::{NameKind, NameParams, Names};
    ///
    /// let v2 = Names::shared().with_score_params(NameParams::V2);
    /// assert_eq!(v2.params(), &NameParams::V2);
    /// let a = Names::shared().parse("Ivan Sidorov", NameKind::Person);
    /// let b = v2.parse("Иван Сидоров", NameKind::Person);
    /// assert!(v2.compare_score(&a, &b) > 0.8);
    /// ```
    pub fn with_score_params(&self, params: NameParams) -> Names {
        Names {
            tables: Arc::clone(&self.tables),
            params,
            token_memo: Arc::clone(&self.token_memo),
            word_keys_memo: Arc::clone(&self.word_keys_memo),
            name_memo: Arc::clone(&self.name_memo),
        }
    }

    /// The process-wide default context, built on first use: what the crate's free functions
    /// ([`crate::compare`], [`crate::Name::parse`], [`crate::for_each_index_key`]...) use. It is
    /// the crate's only static state; callers that want their own take a [`Names::new`].
    pub fn shared() -> &'static Names {
        &SHARED
    }

    /// The score's numbers.
    pub fn params(&self) -> &NameParams {
        &self.params
    }

    /// [`crate::latin_key`] (needs no tables; here so that a caller holding a context finds every
    /// operation on it).
    pub fn latin_key(&self, raw: &str) -> String {
        crate::latin_key(raw)
    }

    /// [`crate::translit::to_cyrillic`] with this context's spellings.
    pub fn to_cyrillic(&self, latin: &str) -> String {
        crate::translit::to_cyrillic_with(&self.tables, latin)
    }
}

/// Independent memos behind their own locks (see the module doc): `with` lends one, preferring
/// the slot the calling thread's id points to, then any free one; when all are taken (more
/// threads than slots, or a callback that re-enters), a fresh empty memo, so it never blocks.
pub(crate) struct MemoPool<M> {
    slots: Box<[Mutex<M>]>,
}

impl<M: Default> MemoPool<M> {
    fn new(n_slots: usize) -> Self {
        MemoPool { slots: (0..n_slots.max(1)).map(|_| Mutex::new(M::default())).collect() }
    }

    /// Runs `f` with a memo of the pool.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut M) -> R) -> R {
        let n = self.slots.len();
        let start = {
            let mut h = rustc_hash::FxHasher::default();
            std::thread::current().id().hash(&mut h);
            (h.finish() >> 32) as usize % n
        };
        for k in 0..n {
            match self.slots[(start + k) % n].try_lock() {
                Ok(mut memo) => return f(&mut memo),
                // a panic while a memo was lent leaves it consistent (entries go in whole)
                Err(TryLockError::Poisoned(e)) => return f(&mut e.into_inner()),
                Err(TryLockError::WouldBlock) => continue,
            }
        }
        f(&mut M::default())
    }
}

/// One memo for all threads, split into shards by the key's hash, each behind its own mutex
/// (see the module doc): for values looked up once per name, where a per-thread memo would
/// compute each value once per thread. Bounded: a shard is emptied when it holds its share of
/// the cap. Its values are a pure function of (kind, key), so a race between two threads
/// computing one value costs only the duplicate work.
pub(crate) struct ShardedMemo<V> {
    shards: Box<[Mutex<Shard<V>>]>,
    cap_per_shard: usize,
}

/// One shard of a [`ShardedMemo`]: a map per kind of name.
type Shard<V> = [rustc_hash::FxHashMap<Box<str>, V>; 3];

impl<V: Clone> ShardedMemo<V> {
    pub(crate) fn new(n_shards: usize, cap: usize) -> Self {
        let n_shards = n_shards.max(1);
        ShardedMemo {
            shards: (0..n_shards).map(|_| Mutex::new(Default::default())).collect(),
            cap_per_shard: (cap / n_shards).max(1),
        }
    }

    fn shard(&self, key: &str) -> std::sync::MutexGuard<'_, Shard<V>> {
        let mut h = rustc_hash::FxHasher::default();
        key.hash(&mut h);
        let shard = &self.shards[(h.finish() >> 32) as usize % self.shards.len()];
        // a panic while a shard was held leaves it consistent (entries go in whole)
        shard.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value kept for `key` of `kind`.
    pub(crate) fn get(&self, kind: NameKind, key: &str) -> Option<V> {
        self.shard(key)[kind as usize].get(key).cloned()
    }

    /// Keeps `value` for `key` of `kind`.
    pub(crate) fn insert(&self, kind: NameKind, key: &str, value: V) {
        let mut shard = self.shard(key);
        let memo = &mut shard[kind as usize];
        if memo.len() >= self.cap_per_shard {
            memo.clear();
        }
        memo.insert(Box::from(key), value);
    }

    /// How many values are kept for `kind`.
    #[cfg(test)]
    pub(crate) fn len(&self, kind: NameKind) -> usize {
        self.shards.iter().map(|s| s.lock().unwrap_or_else(|e| e.into_inner())[kind as usize].len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::ShardedMemo;
    use crate::{NameKind, Names};

    /// Threads share the memo of names: what one parsed, the others find, and each distinct
    /// name is kept once whichever thread met it first.
    #[test]
    fn threads_share_the_memo_of_names() {
        let names = Names::new();
        let raws: Vec<String> = (0..200).map(|i| format!("Invented Surname{i} Jones")).collect();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for raw in &raws {
                        assert_eq!(names.parse(raw, NameKind::Person), names.parse_uncached(raw, NameKind::Person));
                    }
                });
            }
        });
        assert_eq!(names.name_memo.len(NameKind::Person), raws.len());
        assert_eq!(names.name_memo.len(NameKind::Organization), 0);
    }

    /// Kinds are kept apart, and a full shard is emptied rather than grown.
    #[test]
    fn a_sharded_memo_keeps_kinds_apart_and_stays_bounded() {
        let memo: ShardedMemo<u32> = ShardedMemo::new(4, 8);
        memo.insert(NameKind::Person, "a", 1);
        memo.insert(NameKind::Organization, "a", 2);
        assert_eq!(memo.get(NameKind::Person, "a"), Some(1));
        assert_eq!(memo.get(NameKind::Organization, "a"), Some(2));
        assert_eq!(memo.get(NameKind::Any, "a"), None);
        for i in 0..100 {
            memo.insert(NameKind::Any, &i.to_string(), i);
        }
        assert!(memo.len(NameKind::Any) <= 8, "{}", memo.len(NameKind::Any));
    }
}
