"""The Rust engine's cross-reference pieces over ``pyarrow.RecordBatch`` (zero-copy, through the
Arrow C data interface). Each function takes a batch with the columns the Rust module's docs
name (``src/lib.rs``) and returns a batch."""

import pyarrow as pa

from . import _native


def _batch(capsules):
    schema, array = capsules
    return pa.RecordBatch._import_from_c_capsule(schema, array)


def read_lines(batch):
    """``text`` -> ``id``, ``json``, ``error`` (all null for a blank line)."""
    return _batch(_native.read_lines(batch))


def records(batch, key):
    """``parts`` (list of json, in the order read) -> ``id``, ``json``, ``matchable``,
    ``birth``, ``keys``, ``error``; ``key`` is the index key ``(k0, k1)``."""
    return _batch(_native.records(batch, key[0], key[1]))


def score_blocks(batch, rules, link, scorer):
    """``members`` (list of struct n, birth, side, json) -> ``a``, ``b``, ``score``."""
    return _batch(_native.score_blocks(batch, rules[0], rules[1], link, scorer))


def score_pairs(batch, scorer, threshold, min_score, datasets, base):
    """``a``, ``b``, ``a_json``, ``b_json`` -> ``a``, ``b``, ``score``, ``match``, ``line``."""
    return _batch(_native.score_pairs(batch, scorer, threshold, min_score, datasets, base))


def cluster_components(batch, scorer, threshold, datasets, base):
    """``members``, ``matches``, ``same``, ``different`` -> ``n``, ``line``."""
    return _batch(_native.cluster_components(batch, scorer, threshold, datasets, base))


def singletons(batch, datasets, base):
    """``n``, ``id`` -> ``line``."""
    return _batch(_native.singletons(batch, datasets, base))


read_judgements = _native.read_judgements
scorer_info = _native.scorer_info
pair_rules = _native.pair_rules
