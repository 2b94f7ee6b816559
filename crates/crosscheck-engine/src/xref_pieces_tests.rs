//! The pieces put together as a distributed run would (here in one process, by hand) give the
//! pairs and clusters of `Engine::xref`, and the keys the store filed.

use super::*;
use crate::xref::tests::{engine_with, person, run};
use crate::xref::XrefRequest;
use crate::Engine;
use std::collections::{BTreeMap, BTreeSet};

/// Namesakes enough to make sorted blocks (few names, many people), copies with a typo or
/// another script, a record given twice (merged), a company and undated people.
fn crowd(prefix: &str, n: usize, seed: u64) -> Vec<Entity> {
    let given = ["Ivan", "Sergei", "Olga", "Anna", "John", "Maria"];
    let family = ["Ivanov", "Petrova", "Smith", "Novak", "Sidorov"];
    let mut state = seed;
    let mut next = move |m: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) % m as u64) as usize
    };
    let mut out = Vec::new();
    for i in 0..n {
        let name = format!("{} {}", given[next(given.len())], family[next(family.len())]);
        let birth = match next(10) {
            0 => None,
            1 => Some(format!("{}", 1950 + next(3))),
            _ => Some(format!("{}-{:02}-{:02}", 1950 + next(3), 1 + next(2), 1 + next(3))),
        };
        out.push(person(&format!("{prefix}{i}"), &name, birth.as_deref()));
        if next(8) == 0 {
            // a copy: another spelling, the same date
            let copy = name.replace("Sergei", "Sergey").replace("Ivanov", "Ivanoff").replace("Olga", "Ольга");
            out.push(person(&format!("{prefix}{i}c"), &copy, birth.as_deref()));
        }
    }
    // one id given in two records: the second adds a birth date
    out.push(person(&format!("{prefix}m"), "Anna Novak", None));
    out.push(person(&format!("{prefix}m"), "Anna Novakova", Some("1951-02-02")));
    let mut company = Entity::new(format!("{prefix}co"), "Company");
    company.add("name", "Anna Novak");
    out.push(company);
    out
}

/// Each (side, key hash) with the entity numbers filed under it.
type Blocks = BTreeMap<(usize, (u64, u32)), BTreeSet<u32>>;

/// What a Spark job does with the pieces: records merged by id in order of first appearance,
/// numbered one dataset after the other, blocked on their key hashes, scored, clustered by
/// components.
fn by_pieces(
    engine: &Engine,
    sides: &[(&str, &[Entity])],
    scoring: &PairScorer,
) -> (Vec<wire::XrefPair>, Vec<wire::XrefCluster>, Blocks) {
    let key = engine.store().hash_key().unwrap();
    let mut records: Vec<(usize, Record)> = Vec::new();
    for (side, (_, entities)) in sides.iter().enumerate() {
        let mut order: Vec<String> = Vec::new();
        let mut parts: BTreeMap<String, Vec<Entity>> = BTreeMap::new();
        for e in entities.iter() {
            let line = serde_json::to_string(e).unwrap();
            let read = read_line(&line).unwrap().unwrap();
            if !parts.contains_key(&read.id) {
                order.push(read.id.clone());
            }
            parts.entry(read.id.clone()).or_default().push(read);
        }
        for id in order {
            records.push((side, Record::from_parts(parts.remove(&id).unwrap(), key).unwrap()));
        }
    }
    let reference = |n: u32| RecordRef {
        dataset: sides[records[n as usize].0].0.into(),
        id: records[n as usize].1.entity.id.clone(),
    };
    // blocks by key hash, per side
    let mut blocks: Blocks = BTreeMap::new();
    for (n, (side, record)) in records.iter().enumerate() {
        for &k in &record.keys {
            blocks.entry((*side, k)).or_default().insert(n as u32);
        }
    }
    let mut candidates = BTreeSet::new();
    let member = |n: &u32| (*n, records[*n as usize].1.birth);
    let matchable = |n: &&u32| records[**n as usize].1.matchable;
    for ((side, k), members) in &blocks {
        let mut left: Vec<(u32, u32)> = members.iter().filter(matchable).map(member).collect();
        let pairs = if sides.len() == 1 {
            block_pairs(PairRules::default(), &mut left, None)
        } else if *side == 0 {
            let Some(theirs) = blocks.get(&(1, *k)) else { continue };
            let mut right: Vec<(u32, u32)> = theirs.iter().filter(matchable).map(member).collect();
            block_pairs(PairRules::default(), &mut left, Some(&mut right))
        } else {
            continue;
        };
        candidates.extend(pairs);
    }
    let prepared: Vec<Prepared> = records.iter().map(|(_, r)| scoring.scorer.prepare(&r.entity)).collect();
    let mut lines = Vec::new();
    let mut matches = Vec::new();
    for &(a, b) in &candidates {
        let (x, y) = (
            (&records[a as usize].1.entity, &prepared[a as usize]),
            (&records[b as usize].1.entity, &prepared[b as usize]),
        );
        let Some(score) = scoring.score(x, y) else { continue };
        if score >= scoring.written_from {
            lines.push(scoring.line(reference(a), reference(b), x.1, y.1));
        }
        if score >= scoring.threshold {
            matches.push((a, b, score));
        }
    }
    // connected components of the matches
    let mut root: Vec<u32> = (0..records.len() as u32).collect();
    fn find(root: &mut [u32], e: u32) -> u32 {
        if root[e as usize] != e {
            let r = find(root, root[e as usize]);
            root[e as usize] = r;
        }
        root[e as usize]
    }
    for &(a, b, _) in &matches {
        let (ra, rb) = (find(&mut root, a), find(&mut root, b));
        root[ra.max(rb) as usize] = ra.min(rb);
    }
    let mut components: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for e in 0..records.len() as u32 {
        let r = find(&mut root, e);
        components.entry(r).or_default().push(e);
    }
    let mut clusters = Vec::new();
    for members in components.values() {
        if members.len() == 1 {
            clusters.push(cluster_line(vec![reference(members[0])]));
            continue;
        }
        let mut members: Vec<Member> = members
            .iter()
            .rev() // any order: the piece sorts them
            .map(|&n| Member { number: n, record: reference(n), entity: records[n as usize].1.entity.clone() })
            .collect();
        let inside: Vec<_> = matches.iter().filter(|m| members.iter().any(|x| x.number == m.0)).copied().collect();
        clusters.extend(cluster_component(scoring, &mut members, &inside, &[], &[]).into_iter().map(|(_, c)| c));
    }
    (lines, clusters, blocks)
}

fn json<T: serde::Serialize>(lines: &[T]) -> BTreeSet<String> {
    lines.iter().map(|l| serde_json::to_string(l).unwrap()).collect()
}

#[test]
fn the_pieces_give_the_pairs_clusters_and_keys_of_a_dedupe() {
    let people = crowd("d", 400, 7);
    let (_dir, engine) = engine_with(&[("crowd", people.clone())]);
    let (whole, summary) = run(&engine, &XrefRequest::new("crowd"));
    assert!(summary.blocks_sorted > 0, "the crowd has blocks too large to pair whole: {summary:?}");
    assert!(summary.clusters_joined > 0 && summary.joins_refused > 0, "{summary:?}");
    let scoring = PairScorer::new(*engine.scorer(), None, None);
    let (pairs, clusters, blocks) = by_pieces(&engine, &[("crowd", &people)], &scoring);
    assert_eq!(json(&pairs), json(&whole.pairs));
    assert_eq!(json(&clusters), json(&whole.clusters));
    // the keys the pieces compute are those the load filed, with the same members
    let dataset = engine.store().snapshot("crowd").unwrap();
    let stored: Blocks = dataset.blocks().map(|b| ((0, b.key()), b.entities().collect())).collect();
    assert_eq!(stored, blocks);
}

#[test]
fn the_pieces_give_the_pairs_and_clusters_of_a_link() {
    let (left, right) = (crowd("l", 250, 11), crowd("r", 250, 12));
    let (_dir, engine) = engine_with(&[("left", left.clone()), ("right", right.clone())]);
    let request = XrefRequest { against: Some("right".into()), ..XrefRequest::new("left") };
    let (whole, summary) = run(&engine, &request);
    assert!(summary.matches > 0, "{summary:?}");
    let scoring = PairScorer::new(*engine.scorer(), None, None);
    let (pairs, clusters, _) = by_pieces(&engine, &[("left", &left), ("right", &right)], &scoring);
    assert_eq!(json(&pairs), json(&whole.pairs));
    assert_eq!(json(&clusters), json(&whole.clusters));
}

#[test]
fn a_line_is_read_as_a_load_reads_it() {
    assert!(read_line("  ").is_none(), "blank lines are skipped");
    let e =
        read_line("\u{feff}{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A B\"]}}").unwrap().unwrap();
    assert_eq!(e.id, "a");
    assert_eq!(read_line("{\"id\":\"b\",\"schema\":\"Starship\"}").unwrap().unwrap_err(), "unknown schema `Starship`");
    assert!(read_line("{not json").unwrap().unwrap_err().starts_with("invalid JSON"));
    let long = format!("{{\"id\":\"a\",\"schema\":\"Person\",\"notes\":\"{}\"}}", "x".repeat(16 << 20));
    assert!(read_line(&long).unwrap().unwrap_err().contains("more than the 16 MiB a line may hold"));
    let parts = vec![person("m", "A B", None), Entity::new("m", "Company")];
    assert!(Record::from_parts(parts, HashKey(1, 2)).is_err(), "a person and a company are not one entity");
}
