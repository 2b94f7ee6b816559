use super::*;
use crate::compare::compare;
use crosscheck_model::Entity;
use crosscheck_store::DatasetMeta;

pub(crate) fn person(id: &str, name: &str, birth: Option<&str>) -> Entity {
    let mut e = Entity::new(id, "Person");
    e.add("name", name);
    if let Some(b) = birth {
        e.add("birthDate", b);
    }
    e
}

pub(crate) fn load(engine: &Engine, dataset: &str, entities: &[Entity]) {
    let mut builder = engine.store().builder(DatasetMeta::new(dataset, dataset, "other")).unwrap();
    for e in entities {
        builder.add(e).unwrap();
    }
    builder.finish().unwrap();
}

#[derive(Default)]
pub(crate) struct Lines {
    pub(crate) pairs: Vec<wire::XrefPair>,
    pub(crate) clusters: Vec<wire::XrefCluster>,
}

impl XrefSink for Lines {
    fn pairs(&mut self, pairs: &[wire::XrefPair]) -> std::io::Result<()> {
        self.pairs.extend_from_slice(pairs);
        Ok(())
    }
    fn clusters(&mut self, clusters: &[wire::XrefCluster]) -> std::io::Result<()> {
        self.clusters.extend_from_slice(clusters);
        Ok(())
    }
}

pub(crate) fn run(engine: &Engine, request: &XrefRequest) -> (Lines, XrefSummary) {
    let mut lines = Lines::default();
    let summary = engine.xref(request, &mut lines, &Quiet).unwrap();
    (lines, summary)
}

fn ids(pair: &wire::XrefPair) -> (&str, &str) {
    (&pair.left.id, &pair.right.id)
}

fn cluster_of<'a>(lines: &'a Lines, id: &str) -> &'a wire::XrefCluster {
    lines.clusters.iter().find(|c| c.members.iter().any(|m| m.id == id)).unwrap()
}

/// The contract's example: one man in two scripts, his namesake born another year, a woman.
fn namesakes() -> Vec<Entity> {
    vec![
        person("x1", "Ivan Petrovich Sidorov", Some("1970-05-01")),
        person("x2", "Иван Петрович Сидоров", Some("1970-05-01")),
        person("x3", "Ivan Petrovich Sidorov", Some("1988-11-30")),
        person("x4", "Maria Gonzalez", Some("1990-01-01")),
    ]
}

pub(crate) fn engine_with(datasets: &[(&str, Vec<Entity>)]) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    for (name, entities) in datasets {
        load(&engine, name, entities);
    }
    (dir, engine)
}

#[test]
fn the_same_man_in_two_scripts_matches_and_his_namesake_stays_apart() {
    let (_dir, engine) = engine_with(&[("xr", namesakes())]);
    let (lines, summary) = run(&engine, &XrefRequest::new("xr"));
    let matched: Vec<_> = lines.pairs.iter().filter(|p| p.is_match).map(ids).collect();
    assert_eq!(matched, vec![("x1", "x2")], "{:?}", lines.pairs.iter().map(|p| (ids(p), p.score)).collect::<Vec<_>>());
    assert!(
        lines.pairs.iter().all(|p| p.score >= summary.threshold / 2.0),
        "only pairs of at least half the threshold"
    );
    assert_eq!(cluster_of(&lines, "x1").members.len(), 2);
    assert_eq!(cluster_of(&lines, "x1").cluster, cluster_of(&lines, "x2").cluster);
    assert_ne!(cluster_of(&lines, "x3").cluster, cluster_of(&lines, "x1").cluster);
    assert_eq!(lines.clusters.iter().map(|c| c.size).sum::<usize>(), 4, "a partition of every entity");
    assert_eq!((summary.entities, summary.clusters, summary.clusters_joined, summary.matches), (4, 3, 1, 1));
}

#[test]
fn scores_are_those_compare_gives_the_same_two_records() {
    let (_dir, engine) = engine_with(&[("xr", namesakes())]);
    let (lines, _) = run(&engine, &XrefRequest::new("xr"));
    assert!(lines.pairs.len() >= 2, "x1~x2 and x1~x3 at least: {}", lines.pairs.len());
    let dataset = engine.store().snapshot("xr").unwrap();
    for pair in &lines.pairs {
        let left = dataset.get(&pair.left.id).unwrap().unwrap();
        let right = dataset.get(&pair.right.id).unwrap().unwrap();
        let compared = compare(engine.scorer(), left, right, 0.7).unwrap();
        assert_eq!(compared.score, pair.score, "{:?}", ids(pair));
        assert_eq!(compared.explanation, pair.explanation);
    }
}

#[test]
fn judgements_join_and_separate_whatever_the_scores() {
    let (_dir, engine) = engine_with(&[("xr", namesakes())]);
    let record = |id: &str| RecordRef { dataset: "xr".into(), id: id.into() };
    let mut request = XrefRequest::new("xr");
    request.judgements = vec![
        JudgedPair { left: record("x2"), right: record("x1"), same: false },
        JudgedPair { left: record("x1"), right: record("x4"), same: true },
        JudgedPair { left: RecordRef { dataset: "other".into(), id: "z".into() }, right: record("x1"), same: true },
    ];
    let (lines, summary) = run(&engine, &request);
    assert_ne!(cluster_of(&lines, "x1").cluster, cluster_of(&lines, "x2").cluster);
    assert_eq!(cluster_of(&lines, "x1").cluster, cluster_of(&lines, "x4").cluster);
    assert_eq!((summary.judgements_applied, summary.judgements_elsewhere), (2, 1));
    assert!(lines.pairs.iter().any(|p| ids(p) == ("x1", "x2") && p.is_match), "the pair is still written as scored");
}

#[test]
fn link_mode_pairs_across_the_two_datasets_only() {
    let list = vec![person("l1", "Ivan Petrovich Sidorov", Some("1970-05-01"))];
    let leak = vec![
        person("k1", "Иван Петрович Сидоров", Some("1970-05-01")),
        person("k2", "SIDOROV Ivan Petrovich", Some("1970-05-01")),
        person("k3", "Olga Wendt", None),
    ];
    let (_dir, engine) = engine_with(&[("list", list), ("leak", leak)]);
    let mut request = XrefRequest::new("list");
    request.against = Some("leak".into());
    let (lines, summary) = run(&engine, &request);
    assert!(!lines.pairs.is_empty());
    for pair in &lines.pairs {
        assert_eq!((pair.left.dataset.as_str(), pair.right.dataset.as_str()), ("list", "leak"), "{:?}", ids(pair));
    }
    let matched: Vec<_> = lines.pairs.iter().filter(|p| p.is_match).map(ids).collect();
    assert_eq!(matched, vec![("l1", "k1"), ("l1", "k2")]);
    assert_eq!(cluster_of(&lines, "k1").size, 3, "the leak's two copies join through the listing");
    assert_eq!(summary.entities, 4);
    assert_eq!(lines.clusters.iter().map(|c| c.size).sum::<usize>(), 4);
}

#[test]
fn passes_give_the_same_lines_in_the_same_order() {
    let mut people = namesakes();
    for i in 0..30 {
        people.push(person(&format!("p{i}"), &format!("Ivan Sidorov {}", ["A", "B", "C"][i % 3]), Some("1970-05-01")));
    }
    let (_dir, engine) = engine_with(&[("xr", people)]);
    let mut request = XrefRequest::new("xr");
    request.rules = PairRules { block_limit: 8, window: 2 };
    let (one, summary) = run(&engine, &request);
    assert_eq!(summary.passes, 1);
    assert!(summary.blocks_sorted > 0, "{summary:?}");
    request.pair_budget = 7;
    let (small, summary) = run(&engine, &request);
    assert!(summary.passes > 3, "{summary:?}");
    let key = |l: &Lines| l.pairs.iter().map(|p| (p.left.id.clone(), p.right.id.clone(), p.score)).collect::<Vec<_>>();
    assert_eq!(key(&one), key(&small), "the same lines, in the same order, in one pass or many");
    let clusters = |l: &Lines| l.clusters.iter().map(|c| (c.cluster.clone(), c.members.clone())).collect::<Vec<_>>();
    assert_eq!(clusters(&one), clusters(&small));
}

#[test]
fn refused_before_anything_is_written() {
    let (_dir, engine) = engine_with(&[("xr", namesakes())]);
    let mut lines = Lines::default();
    let mut request = XrefRequest::new("nope");
    assert!(matches!(
        engine.xref(&request, &mut lines, &Quiet),
        Err(XrefError::Engine(EngineError::NoSuchDataset { .. }))
    ));
    request = XrefRequest::new("xr");
    request.against = Some("xr".into());
    assert!(matches!(engine.xref(&request, &mut lines, &Quiet), Err(XrefError::SameDataset(_))));
    request.against = Some("nope".into());
    assert!(engine.xref(&request, &mut lines, &Quiet).is_err());
    assert!(lines.pairs.is_empty() && lines.clusters.is_empty());
}

#[test]
fn a_judgements_file_is_read_whole_or_refused_at_its_first_bad_line() {
    let good = r#"{"left":{"dataset":"a","id":"1"},"right":{"dataset":"a","id":"2"},"judgement":"same","reason":"passport","id":3,"at":"2026-12-01T10:00:00Z","by":"ed"}

{"left":{"dataset":"a","id":"1"},"right":{"dataset":"b","id":"9"},"judgement":"different"}"#;
    let read = read_judgements(good).unwrap();
    assert_eq!(read.len(), 2);
    assert!(read[0].same && !read[1].same);
    for (text, line, reason) in [
        ("{\"left\":1}", 1, "not a judgement"),
        (
            "\n{\"left\":{\"dataset\":\"a\",\"id\":\"1\"},\"right\":{\"dataset\":\"a\",\"id\":\"2\"},\"judgement\":\"unsure\"}",
            2,
            "`same` or `different`",
        ),
        ("{\"left\":{\"dataset\":\"a\",\"id\":\"1\"},\"right\":{\"dataset\":\"a\",\"id\":\"1\"},\"judgement\":\"same\"}", 1, "same record"),
    ] {
        let err = read_judgements(text).unwrap_err();
        assert_eq!(err.line, line, "{err}");
        assert!(err.reason.contains(reason), "{err}");
    }
}

#[test]
fn the_best_pairs_wait_for_review_until_the_desk_judges_them() {
    let (_dir, engine) = engine_with(&[("xr", namesakes())]);
    assert!(engine.review_pairs(10).unwrap().is_empty(), "no run yet, nothing to review");
    let (lines, summary) = run(&engine, &XrefRequest::new("xr"));
    assert!(summary.review_file.is_some(), "{summary:?}");
    let review = engine.review_pairs(10).unwrap();
    assert_eq!(review.len(), lines.pairs.len());
    assert_eq!((review[0].left.id.as_str(), review[0].right.id.as_str()), ("x1", "x2"), "best first: {review:?}");
    assert!(review.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(review[0].summary.starts_with("score "), "{}", review[0].summary);
    engine
        .judge(crate::desk::JudgementRequest {
            left: review[0].right.clone(),
            right: review[0].left.clone(),
            judgement: Judgement::Unsure,
            reason: None,
        })
        .unwrap();
    let after = engine.review_pairs(10).unwrap();
    assert_eq!(after.len(), review.len() - 1, "a judged pair, in either order, leaves the queue");
    assert!(!after.contains(&review[0]));
    assert_eq!(engine.review_pairs(1).unwrap().len(), 1);
}

#[test]
fn a_record_giving_only_the_year_does_not_chain_namesakes_born_on_other_days() {
    // X gives only the year, so it matches both; A and B were born months apart
    let people = vec![
        person("a", "Pavel Ilyich Gromov", Some("1970-05-01")),
        person("x", "Pavel Ilyich Gromov", Some("1970")),
        person("b", "Pavel Ilyich Gromov", Some("1970-11-30")),
    ];
    for scorer in ["crosscheck-v2", "crosscheck-v3"] {
        let (_dir, engine) = engine_with(&[("xr", people.clone())]);
        let engine = engine.with_scorer(crate::Scorer::by_name(scorer).unwrap());
        let (lines, summary) = run(&engine, &XrefRequest::new("xr"));
        let matched: Vec<_> = lines.pairs.iter().filter(|p| p.is_match).map(ids).collect();
        assert!(matched.contains(&("a", "x")) && matched.contains(&("x", "b")), "{scorer}: {matched:?}");
        assert!(!matched.contains(&("a", "b")), "{scorer}: {matched:?}");
        assert_ne!(cluster_of(&lines, "a").cluster, cluster_of(&lines, "b").cluster, "{scorer}");
        assert_eq!(summary.joins_refused, 1, "{scorer}: {summary:?}");
    }
}

#[test]
fn writing_fewer_pairs_changes_no_cluster() {
    let (_dir, engine) = engine_with(&[("xr", namesakes())]);
    let (all, summary) = run(&engine, &XrefRequest::new("xr"));
    let mut request = XrefRequest::new("xr");
    request.min_score = Some(1.0);
    let (none, fewer) = run(&engine, &request);
    assert!(none.pairs.is_empty());
    assert_eq!((fewer.matches, fewer.pairs_written), (summary.matches, 0));
    let clusters = |l: &Lines| l.clusters.iter().map(|c| c.cluster.clone()).collect::<Vec<_>>();
    assert_eq!(clusters(&all), clusters(&none));
}
