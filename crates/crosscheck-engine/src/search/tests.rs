use super::query::{parse, parse_simple, Field, Node, WordKind};
use super::*;
use crate::load::{Cancel, Quiet};
use crate::Engine;
use crosscheck_ingest::{LoadRequest, ReaderOptions};

#[test]
fn values_are_tokenised_as_names_are_normalised() {
    for (value, want) in [
        ("Dmitri ORLOVSKY-Varnek", &["dmitri", "orlovsky", "varnek"][..]),
        ("Ménard, Zoë", &["menard", "zoe"]),
        ("O'Brien", &["obrien"]),
        ("Смирнова Мария", &["смирнова", "мария"]),
        ("1972-01-26", &["1972", "01", "26"]),
        ("  ", &[]),
    ] {
        assert_eq!(tokens(value), want, "{value}");
    }
    let mut names = Vec::new();
    name_tokens("Захаров", &mut names);
    assert!(names.contains(&"захаров".to_string()) && names.contains(&"zakharov".to_string()), "{names:?}");
}

fn word(text: &str) -> Node {
    Node::Word { field: Field::Default, text: text.into(), kind: WordKind::Plain, boost: 1.0 }
}

fn and(must: Vec<Node>, must_not: Vec<Node>) -> Node {
    Node::Bool { must, should: vec![], must_not }
}

#[test]
fn query_string_syntax_is_read_as_elasticsearch_reads_it() {
    let or = |should: Vec<Node>| Node::Bool { must: vec![], should, must_not: vec![] };
    let field = |f: &str, t: &str| Node::Word {
        field: Field::Named(f.into()),
        text: t.into(),
        kind: WordKind::Plain,
        boost: 1.0,
    };
    for (q, want) in [
        ("", Node::All),
        ("*", Node::All),
        ("putin", word("putin")),
        ("vladimir putin", and(vec![word("vladimir"), word("putin")], vec![])),
        ("a AND b", and(vec![word("a"), word("b")], vec![])),
        ("a && b", and(vec![word("a"), word("b")], vec![])),
        ("a OR b", or(vec![word("a"), word("b")])),
        ("a || b c", or(vec![word("a"), and(vec![word("b"), word("c")], vec![])])),
        ("a -b", and(vec![word("a")], vec![word("b")])),
        ("a NOT b", and(vec![word("a")], vec![word("b")])),
        ("+a !b", and(vec![word("a")], vec![word("b")])),
        ("-b", and(vec![Node::All], vec![word("b")])),
        ("(a OR b) c", and(vec![or(vec![word("a"), word("b")]), word("c")], vec![])),
        ("schema:Person", field("schema", "Person")),
        ("properties.birthDate:1970", field("properties.birthDate", "1970")),
        ("names:(a OR b)", or(vec![field("names", "a"), field("names", "b")])),
        ("al\\-assad", word("al-assad")),
        ("x\\/y", word("x/y")),
        ("\"vladimir putin\"", Node::Phrase { field: Field::Default, text: "vladimir putin".into(), boost: 1.0 }),
        ("put*", Node::Word { field: Field::Default, text: "put*".into(), kind: WordKind::Wildcard, boost: 1.0 }),
        ("putn~", Node::Word { field: Field::Default, text: "putn".into(), kind: WordKind::Fuzzy(None), boost: 1.0 }),
        (
            "putn~1",
            Node::Word { field: Field::Default, text: "putn".into(), kind: WordKind::Fuzzy(Some(1)), boost: 1.0 },
        ),
        ("putin^2", Node::Word { field: Field::Default, text: "putin".into(), kind: WordKind::Plain, boost: 2.0 }),
        (
            "birthDate:[1970 TO *}",
            Node::Range { field: Field::Named("birthDate".into()), lo: Some(("1970".into(), true)), hi: None },
        ),
        (
            "birthDate:<1970",
            Node::Range { field: Field::Named("birthDate".into()), lo: None, hi: Some(("1970".into(), false)) },
        ),
    ] {
        assert_eq!(parse(q), Ok(want), "{q}");
    }
}

#[test]
fn query_string_errors_say_what_is_wrong() {
    for (q, says) in [
        ("invalid/query", "regular expressions"),
        ("(a", "not closed"),
        ("a)", "no matching"),
        ("\"a b", "quotation mark"),
        ("a AND", "nothing after"),
        ("AND a", "nothing before"),
        ("a OR", "nothing after"),
        ("NOT", "nothing after"),
        ("name:", "not followed by a value"),
        ("^2", "must follow"),
        ("a^x", "number"),
        ("a - b", "joined"),
        ("x:[1 TO", "not closed"),
        ("x:[1 2]", "low TO high"),
        ("a]", "closes a range"),
        (":a", "field name"),
        ("()", "empty part"),
    ] {
        let e = parse(q).expect_err(q);
        assert!(e.0.contains(says), "{q}: {e}");
    }
}

#[test]
fn simple_syntax_never_fails_and_keeps_operators_as_text() {
    assert_eq!(parse_simple("invalid/query"), word("invalid/query"));
    assert_eq!(
        parse_simple("a | b"),
        Node::Bool { must: vec![], should: vec![word("a"), word("b")], must_not: vec![] }
    );
    assert_eq!(parse_simple("a -b"), and(vec![word("a")], vec![word("b")]));
    assert_eq!(parse_simple("a AND"), and(vec![word("a"), word("AND")], vec![]));
    for q in ["((a", "\"open", ")))", "~~", "-", "|", "a:b", "*"] {
        let _ = parse_simple(q); // no panic, no error
    }
}

#[test]
fn globs_match_whole_words() {
    for (pattern, text, want) in [
        ("put*", "putin", true),
        ("put*", "input", false),
        ("p?tin", "putin", true),
        ("*tin", "putin", true),
        ("p*n", "putin", true),
        ("p*x", "putin", false),
        ("*", "", true),
    ] {
        assert_eq!(glob(pattern, text), want, "{pattern} {text}");
    }
}

const PEOPLE: &str = r#"{"id":"a","schema":"Person","properties":{"name":["Anna Kessler"],"country":["de"]}}
{"id":"b","schema":"Person","properties":{"name":["Bruno Weiss"],"notes":["met Anna Kessler in 2001"],"country":["at"]}}
{"id":"c","schema":"Company","properties":{"name":["Kessler Logistics GmbH"],"jurisdiction":["de"],"topics":["sanction"]}}
{"id":"d","schema":"Address","properties":{"full":["Kessler Strasse 4, Linz"],"country":["at"]}}
{"id":"e","schema":"Person","properties":{"name":["Анна Кесслер"],"birthDate":["1975-04-02"],"gender":["female"]}}
{"id":"f","schema":"Vessel","properties":{"name":["Мария Смирнова"]}}
"#;

fn snapshot() -> (tempfile::TempDir, Snapshot) {
    snapshot_of(PEOPLE)
}

/// A watchlist `people` holding `records` (FtM JSON lines).
fn snapshot_of(records: &str) -> (tempfile::TempDir, Snapshot) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    let file = dir.path().join("people.jsonl");
    std::fs::write(&file, records).unwrap();
    let request = LoadRequest {
        files: vec![file],
        options: ReaderOptions { dataset: "people".into(), ..ReaderOptions::default() },
        kind: Some("watchlist".into()),
        ..LoadRequest::default()
    };
    engine.load(&request, &Quiet, &Cancel::default()).unwrap();
    let snapshot = engine.snapshot(&["people".to_string()]).unwrap();
    (dir, snapshot)
}

fn found(snapshot: &Snapshot, request: &SearchRequest) -> Vec<String> {
    snapshot.search(request).unwrap().hits.into_iter().map(|h| h.entity.id).collect()
}

#[test]
fn a_name_hit_ranks_above_a_hit_elsewhere() {
    let (_dir, snapshot) = snapshot();
    let mut ids = found(&snapshot, &SearchRequest::new("anna kessler"));
    assert_eq!(ids.pop().as_deref(), Some("b"), "the name (in either script) before the notes: {ids:?}");
    ids.sort();
    assert_eq!(ids, ["a", "e"]);
    let mut ids = found(&snapshot, &SearchRequest::new("kessler"));
    let mut elsewhere = ids.split_off(3);
    ids.sort();
    elsewhere.sort();
    assert_eq!(
        (ids, elsewhere),
        (vec!["a".into(), "c".into(), "e".into()], vec!["b".into(), "d".into()]),
        "names first"
    );
}

#[test]
fn filters_schema_and_facets() {
    let (_dir, snapshot) = snapshot();
    let mut request = SearchRequest::new("kessler");
    request.filters = vec![("countries".into(), "de".into())];
    let mut ids = found(&snapshot, &request);
    ids.sort();
    assert_eq!(ids, ["a", "c"]);
    request.filters.push(("countries".into(), "at".into()));
    assert_eq!(found(&snapshot, &request).len(), 4, "values of one field are alternatives");
    request.filter_and = true;
    assert!(found(&snapshot, &request).is_empty(), "unless all are asked for");
    let mut request = SearchRequest::new("");
    request.schema = Schema::get("LegalEntity").unwrap();
    request.facets = vec!["schema".into(), "countries".into(), "topics".into(), "genders".into()];
    let results = snapshot.search(&request).unwrap();
    assert_eq!(results.total, 4, "people and companies, not the address");
    let schema = &results.facets[0];
    assert_eq!(
        (schema.label.as_str(), schema.values[0].name.as_str(), schema.values[0].label.as_str()),
        ("Entity types", "Person", "People")
    );
    assert_eq!(schema.values[0].count, 3);
    let countries = &results.facets[1];
    assert_eq!(countries.values.iter().map(|v| (v.name.as_str(), v.count)).collect::<Vec<_>>(), [("de", 2), ("at", 1)]);
    assert_eq!(results.facets[2].values[0].label, "Sanctioned");
    assert_eq!(results.facets[3].values[0].name, "female");
    let mut request = SearchRequest::new("");
    request.filters = vec![("properties.birthDate".into(), "1975-04".into())];
    assert_eq!(found(&snapshot, &request), ["e"], "a date by its month");
    request.filters = vec![("target".into(), "false".into())];
    assert_eq!(found(&snapshot, &request), ["d"], "a watchlist's parties are its targets, not an address");
}

#[test]
fn the_index_is_built_once_per_version() {
    let (_dir, snapshot) = snapshot();
    let dataset = &snapshot.datasets()[0];
    let first = index_for(dataset).unwrap();
    let again = index_for(dataset).unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    assert_eq!(first.len(), 6);
    assert!(first.terms() > 10 && first.heap_bytes() > 0);
}

#[test]
fn wildcards_that_stand_for_too_many_words_are_refused() {
    let (_dir, snapshot) = snapshot();
    let sorted = |q: &str| {
        let mut ids = found(&snapshot, &SearchRequest::new(q));
        ids.sort();
        ids
    };
    assert_eq!(sorted("kess*"), sorted("kessler"));
    assert_eq!(found(&snapshot, &SearchRequest::new("kesler~1")).len(), 5, "an edit distance given applies");
    assert!(found(&snapshot, &SearchRequest::new("kesler~")).is_empty(), "no edits by default unless fuzzy is on");
    let mut fuzzy = SearchRequest::new("kesler~");
    fuzzy.fuzzy = true;
    assert_eq!(found(&snapshot, &fuzzy).len(), 5);
    assert!(matches!(snapshot.search(&SearchRequest::new("/x/")), Err(SearchError::Syntax(_))));
}

#[test]
fn latin_words_find_cyrillic_names_and_the_reverse() {
    let (_dir, snapshot) = snapshot();
    for q in ["mariya smirnova", "\"mariya smirnova\"", "Смирнова", "smirnova", "mariia", "\"Мария Смирнова\""]
    {
        assert_eq!(found(&snapshot, &SearchRequest::new(q)), ["f"], "{q}");
    }
    assert!(found(&snapshot, &SearchRequest::new("\"smirnova mariya\"")).is_empty(), "a phrase keeps its order");
    assert_eq!(found(&snapshot, &SearchRequest::new("кесслер")).len(), 5, "Cyrillic finds the Latin spellings");
}

#[test]
fn deep_nesting_is_refused_or_flattened_not_a_stack_overflow() {
    let deep = format!("{}a{}", "(".repeat(50_000), ")".repeat(50_000));
    assert!(parse(&deep).unwrap_err().0.contains("parentheses"));
    assert_eq!(parse(&format!("{}a{}", "(".repeat(32), ")".repeat(32))), Ok(word("a")));
    let _ = parse_simple(&deep);
    let _ = parse_simple(&"(".repeat(50_000));
}

#[test]
fn countries_are_labelled_by_their_everyday_names() {
    for (code, label) in [("ru", "Russia"), ("md", "Moldova"), ("de", "Germany"), ("us", "United States")] {
        assert_eq!(country_label(code).as_deref(), Some(label), "{code}");
    }
    assert_eq!(country_label("zz"), None);
}

#[test]
fn a_search_during_a_build_is_told_so_instead_of_waiting() {
    let (_dir, snapshot) = snapshot();
    let dataset = &snapshot.datasets()[0];
    let slot = slot_for(dataset);
    slot.started.store(true, std::sync::atomic::Ordering::SeqCst); // as if another request were building it
    assert!(
        matches!(snapshot.search(&SearchRequest::new("anna")), Err(SearchError::Building(name)) if name == "people")
    );
    let _ = slot.index.set(Ok(Arc::new(SearchIndex::build(dataset).unwrap())));
    assert!(snapshot.search(&SearchRequest::new("anna")).is_ok());
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let snapshot = snapshot.clone();
            std::thread::spawn(move || (0..50).all(|_| snapshot.search(&SearchRequest::new("anna")).is_ok()))
        })
        .collect();
    assert!(threads.into_iter().all(|t| t.join().unwrap()), "a built index is read at once by all");
}

#[test]
fn waiting_until_searchable_returns_once_the_first_build_is_done() {
    let (_dir, snapshot) = snapshot();
    let dataset = snapshot.datasets()[0].clone();
    let slot = slot_for(&dataset);
    slot.started.store(true, std::sync::atomic::Ordering::SeqCst); // as if the server's warm-up were building it
    let waiting = {
        let (dataset, snapshot) = (dataset.clone(), snapshot.clone());
        std::thread::spawn(move || {
            wait_until_searchable(&dataset);
            snapshot.search(&SearchRequest::new("anna")).is_ok()
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(!waiting.is_finished(), "no index yet, none before it: the caller waits");
    let _ = slot.index.set(Ok(Arc::new(SearchIndex::build(&dataset).unwrap())));
    assert!(waiting.join().unwrap(), "then its search is answered");
}

#[test]
fn a_new_version_is_searched_in_the_previous_one_while_its_index_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("data")).unwrap();
    let load = |text: &str| {
        let file = dir.path().join("list.jsonl");
        std::fs::write(&file, text).unwrap();
        let request = LoadRequest {
            files: vec![file],
            options: ReaderOptions { dataset: "list".into(), ..ReaderOptions::default() },
            ..LoadRequest::default()
        };
        engine.load(&request, &Quiet, &Cancel::default()).unwrap();
        engine.snapshot(&["list".to_string()]).unwrap()
    };
    let v1 = load(r#"{"id":"old","schema":"Person","properties":{"name":["Anna Old"]}}"#);
    assert_eq!(found(&v1, &SearchRequest::new("anna")), ["old"]);
    std::thread::sleep(std::time::Duration::from_millis(5)); // versions are named by time
    let v2 = load(r#"{"id":"new","schema":"Person","properties":{"name":["Anna New"]}}"#);
    let slot = slot_for(&v2.datasets()[0]);
    slot.started.store(true, std::sync::atomic::Ordering::SeqCst); // its index being built
    assert_eq!(found(&v2, &SearchRequest::new("anna")), ["old"], "answered from the version before");
    let _ = slot.index.set(Ok(Arc::new(SearchIndex::build(&v2.datasets()[0]).unwrap())));
    assert_eq!(found(&v2, &SearchRequest::new("anna")), ["new"]);
    drop(v1);
}

#[test]
fn hostile_queries_are_answered_or_refused_never_a_panic() {
    let (_dir, snapshot) = snapshot();
    let long = "a".repeat(70_000);
    let hostile = [
        "\\",
        "\"",
        "a~99999",
        "a~1.5.5",
        "a^",
        "a^1.2.3",
        "x:[a TO",
        "x:{a TO b]",
        "*?*?",
        "~",
        "^",
        ":",
        "a:b:c",
        "((a)",
        "a||",
        "&&",
        "!",
        "-",
        "+",
        "NOT NOT a",
        "日本語",
        "\u{0}",
        "a\u{200B}b",
        "ﬁ",
        "İstanbul",
        "x:>",
        "x:<=",
        "x:*",
        "names:",
        "properties.:a",
        "id:a",
        "caption:anna*",
        "schema:Per*",
        "datasets:people",
        "target:true",
        "*a*",
        "?",
        "a OR OR b",
        "-(-(-a))",
        "\"\"",
        "\"a\"~",
        "[a TO b]",
        "text:(kessler AND -anna)",
        &long,
    ];
    for q in hostile {
        for simple in [false, true] {
            let mut request = SearchRequest::new(q);
            request.simple = simple;
            request.fuzzy = true;
            request.facets = FACETS.iter().map(|f| f.to_string()).collect();
            match snapshot.search(&request) {
                Ok(_) | Err(SearchError::Syntax(_) | SearchError::Invalid(_)) => {}
                Err(e) => panic!("{q:?}: {e}"),
            }
        }
    }
}

#[test]
fn results_sort_by_provenance_dates_undated_last() {
    let person = |id: &str, seen: &str| {
        format!(r#"{{"id":"{id}","schema":"Person",{seen}"properties":{{"name":["Olga Berg"]}}}}"#)
    };
    let records = [
        person("a", r#""first_seen":"2023-02-23T18:03:02","#),
        person("b", ""),
        person("c", r#""first_seen":"2024-07-19T18:02:43","last_change":"2024-07-20","#),
        person("d", r#""first_seen":"2023-02-23T18:03:03","#),
    ]
    .join("\n");
    let (_dir, snapshot) = snapshot_of(&records);
    let sorted = |key: SortKey, desc: bool| {
        let mut request = SearchRequest::new("olga");
        request.sort = vec![(key, desc)];
        found(&snapshot, &request)
    };
    assert_eq!(sorted(SortKey::Seen(0), true), ["c", "d", "a", "b"]);
    assert_eq!(sorted(SortKey::Seen(0), false), ["a", "d", "c", "b"], "undated last either way");
    assert_eq!(sorted(SortKey::Seen(2), true), ["c", "a", "b", "d"], "then by score and id");
    assert_eq!(seen_number(Some("2024-07-20")), 20240720000000);
    assert_eq!(seen_number(Some("")), 0);
}

#[test]
fn suggestions_from_the_index_are_those_of_reading_every_record() {
    let records = r#"{"id":"a","schema":"Person","properties":{"name":["Aleksandr Vyacheslavovich Zakharov"]}}
{"id":"b","schema":"Person","properties":{"name":["Александр Захаров"],"alias":["Sasha Zakharov"]}}
{"id":"c","schema":"Person","properties":{"firstName":["Zoë"],"lastName":["Zakharova-Łęcka"]}}
{"id":"d","schema":"Company","properties":{"name":["Zakharov & Sons Ltd."],"weakAlias":["ZAK"]}}
{"id":"e","schema":"Person","properties":{"name":["Alexander Zak"],"notes":["not Zakharov"]}}
{"id":"f","schema":"Person","properties":{"name":["O'Brien Zakharov"]}}
"#;
    let (_dir, snapshot) = snapshot_of(records);
    let scan = |prefix: &str| crate::suggest::suggest_with(&snapshot, prefix, 10, &|_| None).unwrap();
    let indexed =
        |prefix: &str| crate::suggest::suggest_with(&snapshot, prefix, 10, &|d| Some(index_for(d).unwrap())).unwrap();
    let ids = |found: Vec<crate::suggest::Suggestion>| found.into_iter().map(|s| s.entity.id).collect::<Vec<_>>();
    for prefix in [
        "zak",
        "Zakharov",
        "aleksandr zak",
        "Александр Зах",
        "alexander z",
        "zoe",
        "Zoë Zakharova-Ł",
        "lecka",
        "o'brien",
        "obrien",
        "o brien zak",
        "sons",
        "zakharov & s",
        "not",
        "",
        "q",
    ] {
        assert_eq!(ids(indexed(prefix)), ids(scan(prefix)), "{prefix:?}");
    }
    assert_eq!(ids(indexed("aleksandr zak")), ["b", "a"], "the Cyrillic name and the one with a word skipped");
    assert_eq!(ids(indexed("not")), Vec::<String>::new(), "a word only in the notes is no name");
}
