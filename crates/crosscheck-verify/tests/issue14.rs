//! Issue 14, "a report an editor can trust": the cases a newcomer's trial got backwards, rebuilt
//! with invented people. A false birth place must not be corroborated, a genuine passport whose
//! spelling differs only by romanisation must not be contradicted, an expired one is warned,
//! records kept out of the case are listed with the field that kept them out, and a report says
//! when no watchlist was consulted.

use crosscheck_verify::evidence::MemSet;
use crosscheck_verify::render::{render, Format};
use crosscheck_verify::Status;

mod common;
use common::{claim, entity, run};

const KHARKIV: &str = "case: t\nas_of: 2024-11-01\n\
    subject: {name: Oleksandr Hnatyuk, birthDate: 1985-04-09, birthPlace: Kharkiv, innCode: \"3123456789\"}\n";

/// Two registries that resolve the subject by his tax number and state a birth place.
fn registries(place: &str) -> Vec<MemSet> {
    let record = |id: &str| {
        entity(
            id,
            "Person",
            &[
                ("name", "Гнатюк Олександр Миколайович"),
                ("birthDate", "1985-04-09"),
                ("birthPlace", place),
                ("innCode", "3123456789"),
            ],
        )
    };
    vec![
        MemSet::new("registry", "registry-2021", "government", vec![record("r1")]),
        MemSet::new("voters", "voters-2019", "government", vec![record("v1")]),
    ]
}

#[test]
fn a_region_or_another_town_of_it_never_corroborates_a_city() {
    // (record's birth place, allowed statuses, why)
    let table: &[(&str, &[Status], &str)] = &[
        (
            "м. Ізюм, Харківська обл.",
            &[Status::Unverified],
            "another town of Kharkiv region the gazetteer does not know",
        ),
        ("Харківська обл.", &[Status::Unverified], "the region alone says less than the city"),
        ("м. Лозова, Харківська обл.", &[Status::Contradicted], "another town of the region the gazetteer knows"),
        ("м. Харків", &[Status::Corroborated], "the city itself, in two registries"),
        ("Харків, Харківська обл.", &[Status::Corroborated], "the city and its region"),
    ];
    for (place, allowed, why) in table {
        let report = run(KHARKIV, registries(place));
        let got = claim(&report, "subject.birthPlace");
        assert!(allowed.contains(&got.status), "{place} ({why}): {:?}: {}", got.status, got.explanation);
    }
}

/// An expired Ukrainian passport (expiry 12 September 2020) whose zone spells HNATIUK, the
/// Ukrainian national scheme's reading of Гнатюк; the subject spells himself Hnatyuk.
const PASSPORT: &str = "documents:\n  - key: passport\n    type: mrz\n    holder: subject\n    value: \
    \"P<UKRHNATIUK<<OLEKSANDR<<<<<<<<<<<<<<<<<<<<<\\nFA123456<6UKR8504098M2009122<<<<<<<<<<<<<<02\"\n";

#[test]
fn an_expired_passport_is_consistent_and_warned_and_a_romanisation_is_no_contradiction() {
    let case = format!(
        "case: t\nas_of: 2024-11-01\n\
         subject: {{name: Oleksandr Hnatyuk, birthDate: 1985-04-09, gender: male, innCode: \"3123456789\"}}\n{PASSPORT}"
    );
    let report = run(&case, registries("м. Харків"));
    let valid = claim(&report, "passport.valid");
    assert_eq!(valid.status, Status::SingleSource, "{}", valid.explanation);
    let detail = valid.evidence[0].detail.as_deref().unwrap_or_default();
    assert!(detail.contains("check digits and format consistent"), "{detail}");
    assert!(detail.contains("expired on 2020-09-12"), "{detail}");
    let warned: Vec<&String> = report.warnings.iter().filter(|w| w.contains("expired on 2020-09-12")).collect();
    assert_eq!(warned.len(), 1, "{:?}", report.warnings);
    assert!(warned[0].contains("passport"), "{}", warned[0]);
    let holder = claim(&report, "passport.holder");
    assert_ne!(holder.status, Status::Contradicted, "{}: {:?}", holder.explanation, holder.evidence);
    assert_ne!(holder.status, Status::Unverified, "{}", holder.explanation);
    // the registry's Cyrillic name agrees under the national scheme; the subject's own
    // spelling stays as a note on romanisation
    let detail = holder.evidence[0].detail.as_deref().unwrap_or_default();
    assert!(detail.contains("Гнатюк") && detail.contains("ukrainian_national_2010"), "{detail}");
    assert!(detail.contains("note:") && detail.contains("romanisation"), "{detail}");
    for format in Format::ALL {
        let out = render(&report, format).to_lowercase();
        assert!(!out.contains("genuine"), "{}: {out}", format.name());
        assert!(
            !out.contains(" valid:") && !out.contains(") valid"),
            "{}: a bare `valid` reads as genuine",
            format.name()
        );
        assert!(out.contains("expired on 2020-09-12"), "{} carries the expiry warning", format.name());
    }
}

#[test]
fn the_holders_resolved_records_names_are_compared_with_the_zone() {
    // the subject gives only a spelling the zone does not use; the registry resolved by tax
    // number holds the Cyrillic name, which agrees under the Ukrainian national scheme
    let case = format!(
        "case: t\nas_of: 2024-11-01\n\
         subject: {{name: Aleksandr Gnatyuk, birthDate: 1985-04-09, innCode: \"3123456789\"}}\n{PASSPORT}"
    );
    let report = run(&case, registries("м. Харків"));
    let holder = claim(&report, "passport.holder");
    assert_ne!(holder.status, Status::Contradicted, "{}: {:?}", holder.explanation, holder.evidence);
    let details: Vec<&str> = holder.evidence.iter().filter_map(|e| e.detail.as_deref()).collect();
    assert!(details.iter().any(|d| d.contains("Гнатюк") && d.contains("r1")), "{details:?}");
}

#[test]
fn records_kept_out_by_one_field_are_set_aside_with_the_field() {
    let case = "case: t\nas_of: 2024-11-01\n\
        subject: {name: Oleksandr Hnatyuk, birthDate: 1985-04-09, birthPlace: Kharkiv, address: \"Kharkiv, vul. Sumska 10\"}\n\
        people:\n  - {key: wife, relationship: spouse, name: Iryna Hnatyuk, birthDate: 1987-06-01, birthPlace: Lviv}\n";
    let entities = vec![
        // name, birth date and address agree; the birth place is another town the gazetteer knows
        entity(
            "r9",
            "Person",
            &[
                ("name", "Гнатюк Олександр Миколайович"),
                ("birthDate", "1985-04-09"),
                ("birthPlace", "м. Лозова, Харківська обл."),
                ("address", "м. Харків, вул. Сумська, 10"),
            ],
        ),
        // the wife's record states her birth date only through the family link to r9
        entity(
            "w1",
            "Person",
            &[("name", "Гнатюк Ірина Петрівна"), ("birthDate", "1987-06-01"), ("birthPlace", "Kyiv")],
        ),
        entity("f1", "Family", &[("person", "r9"), ("relative", "w1"), ("relationship", "дружина")]),
        // the same name and address, a contrary birth date
        entity(
            "r10",
            "Person",
            &[("name", "Гнатюк Олександр"), ("birthDate", "1979-12-30"), ("address", "м. Харків, вул. Сумська, 10")],
        ),
        // a namesake sharing nothing but the name: not listed
        entity("r11", "Person", &[("name", "Гнатюк Олександр"), ("birthDate", "1990-01-01")]),
    ];
    let report = run(case, vec![MemSet::new("registry", "registry-2021", "government", entities)]);
    let listed: Vec<(&str, &str)> = report.set_aside.iter().map(|x| (x.record.as_str(), x.reason.as_str())).collect();
    assert_eq!(listed.len(), 3, "{listed:?}");
    let w1 = report.set_aside.iter().find(|x| x.record == "w1").expect("the wife's own record set aside");
    assert_eq!(w1.person, "wife");
    let r9 = report.set_aside.iter().find(|x| x.record == "r9").expect("r9 set aside");
    assert_eq!((r9.person.as_str(), r9.dataset.as_str()), ("subject", "registry"));
    assert!(
        r9.reason.starts_with("birth place differs") && r9.reason.contains("Лозова") && r9.reason.contains("Kharkiv")
    );
    let r10 = report.set_aside.iter().find(|x| x.record == "r10").expect("r10 set aside");
    assert!(r10.reason.starts_with("birth date differs") && r10.reason.contains("1979-12-30"), "{}", r10.reason);
    // the wife's record hangs off the set-aside one: her claims say so, not "nothing bears on it"
    let wife = claim(&report, "wife.birthDate");
    assert_eq!(wife.status, Status::Unverified);
    assert!(wife.explanation.contains("set aside"), "{}", wife.explanation);
    assert!(wife.explanation.contains("subject's `registry` record r9"), "{}", wife.explanation);
    assert!(wife.explanation.contains("`registry` record w1"), "{}", wife.explanation);
    assert!(!wife.explanation.contains("nothing in"), "{}", wife.explanation);
    // a claim the set-aside record would contradict says so beside its status
    let place = claim(&report, "subject.birthPlace");
    assert!(place.explanation.contains("record r9 (birth place differs"), "{}", place.explanation);
    // every format lists them, with the reason
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["set_aside"].as_array().map(Vec::len), Some(3));
    for format in Format::ALL {
        let out = render(&report, format);
        assert!(out.contains("r9") && out.contains("birth place differs"), "{} lists r9 and why", format.name());
    }
}

#[test]
fn no_watchlist_consulted_is_said_so() {
    let report = run(KHARKIV, registries("м. Харків"));
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let out = render(&report, format);
        assert!(out.contains("No watchlist consulted"), "{}: {out}", format.name());
        assert!(!out.to_lowercase().contains("nobody in the case was found on a watchlist"), "{}", format.name());
    }
    let mut sets = registries("м. Харків");
    sets.push(MemSet::new("wanted", "mvd", "watchlist", vec![]));
    let report = run(KHARKIV, sets);
    let out = render(&report, Format::Text);
    assert!(out.contains("the one watchlist consulted") && !out.contains("No watchlist consulted"), "{out}");
}

#[test]
fn contradicted_claims_come_first_in_the_summary() {
    let report = run(KHARKIV, registries("м. Лозова, Харківська обл."));
    let place = claim(&report, "subject.birthPlace");
    assert_eq!(place.status, Status::Contradicted);
    // the why, in every format: the gazetteer's reason beside how the record resolved
    let detail = place.evidence[0].detail.as_deref().unwrap_or_default();
    assert!(detail.contains("resolved by identifier") && detail.contains("Lozova"), "{detail}");
    assert!(detail.contains("is not"), "{detail}");
    for format in Format::ALL {
        assert!(render(&report, format).contains(detail), "{} shows {detail}", format.name());
    }
    for format in [Format::Text, Format::Markdown] {
        let out = render(&report, format);
        let line = out.lines().find(|l| l.contains(" claims: ")).unwrap_or_else(|| panic!("{}: {out}", format.name()));
        let (contra, corro) = (line.find("contradicted").unwrap(), line.find("corroborated").unwrap());
        assert!(contra < corro && line.contains("subject.birthPlace"), "{}: {line}", format.name());
    }
}

#[test]
fn hostile_data_is_neutralised_in_text_and_markdown() {
    let hostile =
        "<script>alert(1)</script><img src=x onerror=alert(2)><iframe src=javascript:alert(3)>\u{1b}[2J\u{202E}kcatta";
    let case =
        "case: t\nas_of: 2024-11-01\nsubject: {name: Oleksandr Hnatyuk, birthDate: 1985-04-09, innCode: \"3123456789\"}\n";
    let record = entity(
        "r1",
        "Person",
        &[("name", "Гнатюк Олександр"), ("innCode", "3123456789"), ("birthDate", "1985-04-09"), ("position", hostile)],
    );
    let mut watch = entity("w<b>1</b>", "Person", &[("name", "Гнатюк Олександр"), ("birthDate", "1985-04-09")]);
    watch.add("notes", hostile);
    let report = run(
        case,
        vec![
            MemSet::new("registry", "registry-2021", "government", vec![record]),
            MemSet::new("wanted", "mvd", "watchlist", vec![watch]),
        ],
    );
    assert!(!report.findings.is_empty(), "the hostile notes reach the report");
    let md = render(&report, Format::Markdown);
    for bad in ["<script", "<img", "<iframe", "<b>", "\u{1b}", "\u{202E}"] {
        assert!(!md.contains(bad), "Markdown carries {bad:?}");
    }
    assert!(md.contains("&lt;script&gt;"), "escaped, not dropped: {md}");
    let text = render(&report, Format::Text);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202E}'), "text neutralises controls and bidi");
}

#[test]
fn html_shows_code_spans_as_code_not_backticks() {
    let report = run(KHARKIV, registries("м. Харків"));
    let html = render(&report, Format::Html);
    assert!(html.contains("<code>registry</code>"), "dataset names in explanations are code");
    let claims_table = &html[html.find("<h2>Claims</h2>").unwrap()..html.find("<h2>People and evidence</h2>").unwrap()];
    assert!(!claims_table.contains('`'), "no Markdown backtick in the claims table");
}

#[test]
fn the_subjects_own_document_is_shown_beside_birth_date_and_gender_but_not_counted() {
    let case = format!(
        "case: t\nas_of: 2024-11-01\n\
         subject: {{name: Oleksandr Hnatyuk, birthDate: 1985-04-09, gender: male, innCode: \"3123456789\"}}\n{PASSPORT}"
    );
    let report = run(&case, vec![]);
    for id in ["subject.birthDate", "subject.gender"] {
        let c = claim(&report, id);
        assert_eq!(c.status, Status::Unverified, "{id}: the document is no origin for it");
        assert!(c.explanation.contains("own document `passport` states"), "{id}: {}", c.explanation);
        assert!(c.explanation.ends_with('.') && c.explanation.matches(". ").count() == 0, "one sentence");
    }
    assert!(claim(&report, "subject.birthDate").explanation.contains("1985-04-09"));
    assert!(claim(&report, "subject.gender").explanation.contains("states male"));
}

#[test]
fn a_set_aside_record_is_named_beside_a_claim_it_would_contradict() {
    let mut sets = registries("м. Харків");
    let namesake = entity(
        "n1",
        "Person",
        &[("name", "Гнатюк Олександр Миколайович"), ("birthDate", "1985-04-09"), ("birthPlace", "м. Лозова")],
    );
    sets.push(MemSet::new("leak", "leak-2020", "leak", vec![namesake]));
    let report = run(KHARKIV, sets);
    let place = claim(&report, "subject.birthPlace");
    assert_eq!(place.status, Status::Corroborated, "{}", place.explanation);
    assert!(place.explanation.contains("`leak` record n1 set aside"), "{}", place.explanation);
    let date = claim(&report, "subject.birthDate");
    assert!(!date.explanation.contains("n1"), "the set-aside record agrees on the birth date: {}", date.explanation);
}

#[test]
fn one_person_on_several_lists_is_one_finding_with_each_listing_under_it() {
    let case = "case: t\nas_of: 2024-11-01\nsubject: {name: Marko Savchenko, birthDate: 1970-02-03}\n";
    let listed = |id: &str, programme: &str| {
        entity(id, "Person", &[("name", "Савченко Марко"), ("birthDate", "1970-02-03"), ("program", programme)])
    };
    let report = run(
        case,
        vec![
            MemSet::new(
                "list-a",
                "list-a",
                "watchlist",
                vec![listed("a1", "Programme A"), listed("a2", "Programme A2")],
            ),
            MemSet::new("list-b", "list-b", "watchlist", vec![listed("b1", "Programme B")]),
        ],
    );
    assert_eq!(report.findings.len(), 3, "{:?}", report.findings);
    assert_eq!(report.findings_by_person.len(), 1);
    let g = &report.findings_by_person[0];
    assert_eq!((g.person.as_str(), g.name.as_str(), g.listings.len()), ("subject", "Marko Savchenko", 3));
    let mut programmes: Vec<&str> = g.listings.iter().map(|l| l.programme[0].as_str()).collect();
    programmes.sort_unstable();
    assert_eq!(programmes, ["Programme A", "Programme A2", "Programme B"]);
    assert_eq!(g.listings[0].caption_latin.as_deref(), Some("Savchenko Marko"));
    let text = render(&report, Format::Text);
    assert_eq!(text.matches("Watchlists:").count(), 1, "{text}");
    assert!(text.contains("3 listings on 2 lists"), "{text}");
    for format in [Format::Markdown, Format::Html] {
        let out = render(&report, format);
        for needle in ["Programme A2", "Programme B", "a1", "b1", "Савченко Марко (Savchenko Marko)"] {
            assert!(out.contains(needle), "{}: no {needle}", format.name());
        }
    }
}

#[test]
fn records_from_a_case_file_carry_the_file_and_line_in_every_format() {
    let sets = registries("м. Харків");
    let mut sets = sets.into_iter();
    let registry = sets.next().unwrap().from_file("evidence/registry.csv", &[("r1", 4)]);
    let voters = sets.next().unwrap(); // a loaded dataset: no file, no line
    let report = run(KHARKIV, vec![registry, voters]);
    let name = claim(&report, "subject.name");
    let from_file = name.evidence.iter().find(|e| e.dataset.as_deref() == Some("registry")).unwrap();
    assert_eq!((from_file.file.as_deref(), from_file.lines.as_slice()), (Some("evidence/registry.csv"), &[4][..]));
    assert!(from_file.detail.as_deref().unwrap().ends_with("evidence/registry.csv line 4"), "{from_file:?}");
    let loaded = name.evidence.iter().find(|e| e.dataset.as_deref() == Some("voters")).unwrap();
    assert!(loaded.file.is_none() && loaded.lines.is_empty() && !loaded.detail.as_deref().unwrap().contains(" line "));
    for format in Format::ALL {
        assert!(render(&report, format).contains("evidence/registry.csv line 4"), "{}", format.name());
    }
    // the value stays as the record has it, its reading beside it
    assert_eq!(from_file.value.as_deref(), Some("Гнатюк Олександр Миколайович"));
    assert_eq!(from_file.latin.as_deref(), Some("Hnatiuk Oleksandr Mykolaiovych"));
    assert!(render(&report, Format::Text).contains("Гнатюк Олександр Миколайович (Hnatiuk Oleksandr Mykolaiovych)"));
}
