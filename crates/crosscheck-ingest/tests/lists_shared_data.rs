//! Data tests over the real official lists in `../shared/data/watchlists` (never copied into the
//! project). Each test counts the source's records independently of the reader (tag counts,
//! the `csv` crate), checks the reader accounts for every one, and checks known fields against
//! values found in the raw file by plain string search, so no listed person's data is written
//! here. Rejects must be few, and each is printed with its reason.
#![allow(clippy::print_stderr)] // the statistics are the point of these tests

use crosscheck_ingest::{open, Format, ReaderOptions, Record, Reject};
use crosscheck_model::Entity;
use crosscheck_testdata::reference_file;
use std::collections::HashMap;
use std::path::Path;

/// All records of a file: entities by id, and rejects.
struct Read {
    records: usize,
    entities: HashMap<String, Entity>,
    rejects: Vec<Reject>,
    /// Values cleaning dropped, by (property, value), for the diagnostics printed by each test.
    dropped: HashMap<(String, String), usize>,
}

impl Read {
    /// Values cleaning dropped, in all.
    fn n_dropped(&self) -> usize {
        self.dropped.values().sum()
    }

    /// Prints the most frequent dropped values and checks they stay few: at most `per_cent` of
    /// the records (unknown spellings and prose dates are expected, wholesale losses are not).
    fn check_dropped(&self, what: &str, per_cent: usize) {
        self.print_dropped(what);
        assert!(self.n_dropped() * 100 <= self.records * per_cent, "{what}: {} values dropped", self.n_dropped());
    }

    fn print_dropped(&self, what: &str) {
        let mut dropped: Vec<_> = self.dropped.iter().collect();
        dropped.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let total: usize = self.dropped.values().sum();
        eprintln!("{what}: {total} values dropped by cleaning; most frequent: {:?}", &dropped[..dropped.len().min(12)]);
    }
}

fn read(path: &Path, format: Format) -> Read {
    let options = ReaderOptions { dataset: "test".into(), ..Default::default() };
    let opened = open(path, Some(format), &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Read { records: 0, entities: HashMap::new(), rejects: Vec::new(), dropped: HashMap::new() };
    for record in opened.records {
        out.records += 1;
        match record {
            Record::Entities { entities, .. } => {
                for e in entities {
                    for (prop, value, _) in &e.dropped {
                        *out.dropped.entry((prop.clone(), value.clone())).or_default() += 1;
                    }
                    match out.entities.get_mut(&e.id) {
                        Some(existing) => existing.merge(e).expect("mergeable fragments"),
                        None => {
                            out.entities.insert(e.id.clone(), e);
                        }
                    }
                }
            }
            Record::Rejected(r) => {
                eprintln!("reject {}:{}: {}", r.file, r.line, r.reason);
                out.rejects.push(r);
            }
        }
    }
    out
}

fn count_schema(read: &Read, schema: &str) -> usize {
    read.entities.values().filter(|e| e.schema == schema).count()
}

/// The text between `open` and `close` after `from` in `text`.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

#[test]
fn un_xml_shared_data_all_versions() {
    for (file, want_individuals) in [
        ("watchlists/un_sc/consolidated_un_2018-10-29.xml", 703),
        ("watchlists/un_sc/consolidated_un_2022-09-15.xml", 699),
        ("watchlists/un_sc/consolidated_un_2025-04-19.xml", 684),
    ] {
        let Some(path) = reference_file(file) else { return };
        let text = std::fs::read_to_string(&path).unwrap();
        let individuals = text.matches("<INDIVIDUAL>").count();
        let entities = text.matches("<ENTITY>").count();
        assert_eq!(individuals, want_individuals, "{file}: SOURCES.md's count");
        let got = read(&path, Format::UnXml);
        got.check_dropped(file, 3);
        assert_eq!(got.records, individuals + entities, "{file}: one record per INDIVIDUAL/ENTITY");
        assert!(got.rejects.is_empty(), "{file}: {:?}", got.rejects);
        assert_eq!(count_schema(&got, "Person"), individuals, "{file}");
        assert_eq!(count_schema(&got, "Organization"), entities, "{file}");

        // Individuals whose record has a birth date in some form: nearly all get one.
        let blocks: Vec<&str> =
            text.split("<INDIVIDUAL>").skip(1).map(|b| b.split("</INDIVIDUAL>").next().unwrap_or(b)).collect();
        let dated =
            blocks.iter().filter(|b| b.contains("<DATE>") || b.contains("<YEAR>") || b.contains("<FROM_YEAR>")).count();
        let with_birth_date =
            got.entities.values().filter(|e| e.schema == "Person" && !e.get("birthDate").is_empty()).count();
        eprintln!("{file}: {individuals} individuals, {entities} entities, {dated} with a birth date in the XML, {with_birth_date} parsed");
        assert!(with_birth_date >= dated * 99 / 100, "{file}: {with_birth_date} of {dated}");

        // Known fields, found in the raw text: the first individual with a passport number, an
        // exact birth date and a good-quality alias.
        let block = blocks
            .iter()
            .find(|b| {
                b.contains("<TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT>")
                    && b.contains("<TYPE_OF_DATE>EXACT</TYPE_OF_DATE>")
                    && b.contains("<QUALITY>Good</QUALITY>")
            })
            .expect("some individual with a passport, an exact birth date and an alias");
        let id = format!("unsc-{}", between(block, "<DATAID>", "</DATAID>").unwrap().trim());
        let passport_block = &block[block.find("<TYPE_OF_DOCUMENT>Passport").unwrap()..];
        let passport = between(passport_block, "<NUMBER>", "</NUMBER>").unwrap().trim();
        let date_block = &block[block.find("<TYPE_OF_DATE>EXACT").unwrap()..];
        let birth =
            between(date_block, "<DATE>", "</DATE>").or_else(|| between(date_block, "<YEAR>", "</YEAR>")).unwrap();
        let alias_block = &block[block.find("<QUALITY>Good").unwrap()..];
        let alias = between(alias_block, "<ALIAS_NAME>", "</ALIAS_NAME>").unwrap().trim();
        let e = &got.entities[&id];
        assert!(
            e.get("passportNumber").iter().any(|p| p == passport),
            "{id}: {passport} in {:?}",
            e.get("passportNumber")
        );
        assert!(e.get("birthDate").iter().any(|d| d == birth.trim()), "{id}: {birth} in {:?}", e.get("birthDate"));
        assert!(
            e.get("alias").iter().any(|a| a == &alias.split_whitespace().collect::<Vec<_>>().join(" ")),
            "{id}: {alias}"
        );
        assert!(!e.get("program").is_empty() && !e.get("createdAt").is_empty(), "{id}: listing details");

        // BETWEEN ranges become several years.
        if let Some(block) = blocks.iter().find(|b| b.contains("<TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE>")) {
            let id = format!("unsc-{}", between(block, "<DATAID>", "</DATAID>").unwrap().trim());
            let from: i32 = between(block, "<FROM_YEAR>", "</FROM_YEAR>").unwrap().trim().parse().unwrap();
            let to: i32 = between(block, "<TO_YEAR>", "</TO_YEAR>").unwrap().trim().parse().unwrap();
            let years = got.entities[&id].get("birthDate");
            assert!(years.contains(&from.to_string()) && years.contains(&to.to_string()), "{id}: {years:?}");
        }
    }
}

/// The SDN rows of a file, read with the `csv` crate: (ent_num, fields).
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(path).unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(|f| f.trim().to_string()).collect::<Vec<_>>())
        .filter(|r| !(r.len() == 1 && (r[0].is_empty() || r[0] == "\u{1a}")))
        .collect()
}

#[test]
fn ofac_sdn_2024_shared_data() {
    let Some(path) = reference_file("watchlists/ofac_sdn/sdn_2024-05-03.csv") else { return };
    let rows = csv_rows(&path);
    assert_eq!(rows.len(), 14_965, "SOURCES.md's count");
    let got = read(&path, Format::OfacSdn);
    assert_eq!(got.records, rows.len());
    got.check_dropped("OFAC 2024", 1);
    assert!(got.rejects.is_empty(), "{:?}", got.rejects);
    let individuals = rows.iter().filter(|r| r[2] == "individual").count();
    assert_eq!(count_schema(&got, "Person"), individuals);
    assert_eq!(count_schema(&got, "Vessel"), rows.iter().filter(|r| r[2] == "vessel").count());

    // Coverage of what the remarks say, counted from the raw remarks.
    let remarks_with = |label: &str| rows.iter().filter(|r| r[11].contains(label)).count();
    let entities_with = |prop: &str| got.entities.values().filter(|e| !e.get(prop).is_empty()).count();
    let stats = [
        ("DOB ", "birthDate", remarks_with("DOB ")),
        ("Passport ", "passportNumber", remarks_with("Passport ")),
        ("a.k.a. '", "weakAlias", remarks_with("a.k.a. '")),
        (
            "nationality ",
            "nationality",
            rows.iter().filter(|r| r[2] == "individual" && r[11].contains("nationality ")).count(),
        ),
        ("Vessel Registration Identification IMO", "imoNumber", remarks_with("Vessel Registration Identification IMO")),
        ("Gender ", "gender", remarks_with("Gender ")),
    ];
    for (label, prop, n_rows) in stats {
        let n_entities = entities_with(prop);
        eprintln!("OFAC 2024: {n_rows} rows mention `{label}`, {n_entities} entities have `{prop}`");
        assert!(n_entities * 100 >= n_rows * 97, "`{prop}`: {n_entities} of {n_rows}");
    }

    // Known fields: the first individual whose remarks give an exact birth date and a passport.
    let row = rows
        .iter()
        .find(|r| {
            r[2] == "individual"
                && r[11].starts_with("DOB ")
                && r[11].contains("; Passport ")
                && r[11].contains("a.k.a. '")
        })
        .expect("an individual with a DOB, a passport and a weak alias");
    let e = &got.entities[&format!("ofac-{}", row[0])];
    let passport = row[11].split("; Passport ").nth(1).unwrap().split([' ', ';']).next().unwrap();
    assert!(e.get("passportNumber").iter().any(|p| p == passport), "{passport} in {:?}", e.get("passportNumber"));
    let dob = row[11].trim_start_matches("DOB ").split(';').next().unwrap();
    let want = crosscheck_model::PartialDate::parse_loose(dob).map(|d| d.to_string());
    if let Some(want) = want {
        assert!(e.get("birthDate").contains(&want), "{dob} in {:?}", e.get("birthDate"));
    }
    // The alias ends at the quote that ends the item (names contain apostrophes: `ABU-'UMAR`).
    let after = row[11].split("a.k.a. '").nth(1).unwrap();
    let end = after
        .match_indices('\'')
        .map(|(i, _)| i)
        .find(|&i| matches!(after.as_bytes().get(i + 1), None | Some(b';' | b'.' | b')')))
        .unwrap();
    let alias = &after[..end];
    assert!(e.get("weakAlias").iter().any(|a| a == alias), "{alias} in {:?}", e.get("weakAlias"));
    let (last, given) = row[1].split_once(", ").unwrap();
    assert_eq!(e.get("name"), [format!("{given} {last}")]);
}

#[test]
fn ofac_2022_with_alt_and_add_shared_data() {
    let dir = "watchlists/ofac_sdn/2022-01_consistent";
    let (Some(sdn), Some(alt), Some(add)) = (
        reference_file(&format!("{dir}/sdn.csv")),
        reference_file(&format!("{dir}/alt.csv")),
        reference_file(&format!("{dir}/add.csv")),
    ) else {
        return;
    };
    let (sdn_rows, alt_rows, add_rows) = (csv_rows(&sdn), csv_rows(&alt), csv_rows(&add));
    assert_eq!((sdn_rows.len(), alt_rows.len()), (9_044, 12_409), "SOURCES.md's counts");
    let mut ent_nums: HashMap<&str, usize> = HashMap::new();
    for r in &sdn_rows {
        *ent_nums.entry(r[0].as_str()).or_default() += 1;
    }
    let duplicates: usize = ent_nums.values().map(|n| n - 1).sum();

    // Through the whole pipeline, so the store merges the fragments as a user's load would.
    let store_dir = tempfile::tempdir().unwrap();
    let store = crosscheck_store::Store::open(store_dir.path()).unwrap();
    let request = crosscheck_ingest::LoadRequest {
        files: vec![alt.clone(), add.clone(), sdn.clone()], // any order: the fragments merge by id
        format: None,
        options: ReaderOptions { dataset: "ofac-2022".into(), ..Default::default() },
        ..Default::default()
    };
    let report = crosscheck_ingest::load(&store, &request, &mut crosscheck_ingest::pipeline::Unobserved).unwrap();
    if let Some(rejects) = &report.rejects_file {
        for line in std::fs::read_to_string(rejects).unwrap().lines().take(5) {
            eprintln!("OFAC 2022 reject: {}", &line[..line.len().min(300)]);
        }
    }
    let rows = sdn_rows.len() + alt_rows.len() + add_rows.len();
    assert_eq!(report.read as usize, rows, "every row of the three files is one record");
    // Alias and address rows of an ent_num the SDN file does not have are rejected.
    let orphans = alt_rows.iter().chain(&add_rows).filter(|r| !ent_nums.contains_key(r[0].as_str())).count();
    eprintln!(
        "OFAC 2022: {rows} rows read, {} entities, {} rejected ({duplicates} repeated ent_num, {orphans} alias/address rows without an SDN entry)",
        report.loaded,
        report.rejected
    );
    assert_eq!(report.rejected as usize, duplicates + orphans);
    assert_eq!(report.loaded as usize, ent_nums.len(), "one entity per SDN ent_num");

    let dataset = store.dataset("ofac-2022").unwrap();
    // An individual with aliases in alt.csv and an address in add.csv carries all of them.
    let joined = sdn_rows
        .iter()
        .find(|r| {
            r[2] == "individual"
                && alt_rows.iter().any(|a| a[0] == r[0])
                && add_rows.iter().any(|a| a[0] == r[0] && !a[4].is_empty() && a[4] != "-0-")
        })
        .expect("an individual with aliases and an address");
    let e = dataset.get(&format!("ofac-{}", joined[0])).unwrap().unwrap();
    assert_eq!(e.schema, "Person");
    let n_alt = alt_rows.iter().filter(|a| a[0] == joined[0]).count();
    assert!(e.get("alias").len() + e.get("previousName").len() >= n_alt.min(1), "{:?}", e.properties);
    assert!(!e.get("address").is_empty() && !e.get("country").is_empty(), "{:?}", e.properties);
}

#[test]
fn eu_journal_shared_data() {
    let Some(dir) = reference_file("watchlists/eu_journal_sanctions/consolidated") else { return };
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let (mut rows, mut records, mut persons, mut cyrillic_rows, mut cyrillic_entities) = (0, 0, 0, 0, 0);
    let (mut dated_rows, mut dated_entities, mut rejects, mut n_dropped) = (0, 0, Vec::new(), 0);
    let is_cyrillic = |s: &str| s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c));
    for file in &files {
        let mut reader = csv::Reader::from_path(file).unwrap();
        let header = reader.headers().unwrap().clone();
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (alias, birth) = (col("alias"), col("birthDate"));
        for r in reader.records() {
            let r = r.unwrap();
            rows += 1;
            cyrillic_rows += usize::from(is_cyrillic(&r[alias]));
            dated_rows += usize::from(!r[birth].trim().is_empty());
        }
        let got = read(file, Format::EuJournal);
        got.print_dropped(&file.display().to_string());
        n_dropped += got.n_dropped();
        records += got.records;
        persons += count_schema(&got, "Person");
        cyrillic_entities += got.entities.values().filter(|e| e.get("alias").iter().any(|a| is_cyrillic(a))).count();
        dated_entities += got.entities.values().filter(|e| !e.get("birthDate").is_empty()).count();
        rejects.extend(got.rejects);
    }
    eprintln!("EU: {rows} rows in {} files, {persons} persons, Cyrillic aliases on {cyrillic_entities} of {cyrillic_rows}, birth dates on {dated_entities} of {dated_rows}, {} rejected", files.len(), rejects.len());
    assert_eq!(rows, 8_017, "SOURCES.md's count");
    assert!(n_dropped * 100 <= rows * 5, "{n_dropped} values dropped");
    assert_eq!(records, rows);
    assert!(rejects.is_empty(), "{rejects:?}");
    assert_eq!(persons, 4_500);
    assert_eq!(cyrillic_rows, 4_063, "SOURCES.md's count");
    assert_eq!(cyrillic_entities, cyrillic_rows);
    assert!(dated_entities * 100 >= dated_rows * 97, "{dated_entities} of {dated_rows}");
}

#[test]
fn opensanctions_simple_shared_data() {
    for (file, want) in [
        ("watchlists/opensanctions_exports/interpol_red_notices_targets.simple.csv", 6_561),
        ("watchlists/opensanctions_exports/ua_war_sanctions_targets.simple.csv", 5_600),
    ] {
        let Some(path) = reference_file(file) else { return };
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let header = reader.headers().unwrap().clone();
        let schema_col = header.iter().position(|h| h == "schema").unwrap();
        let mut by_schema: HashMap<String, usize> = HashMap::new();
        let mut n_rows = 0;
        for r in reader.records() {
            *by_schema.entry(r.unwrap()[schema_col].to_string()).or_default() += 1;
            n_rows += 1;
        }
        assert_eq!(n_rows, want, "{file}: SOURCES.md's count");
        assert_eq!(crosscheck_ingest::detect_format(&path, false).unwrap(), Format::OpenSanctionsSimple, "{file}");
        let got = read(&path, Format::OpenSanctionsSimple);
        got.check_dropped(file, 1);
        assert_eq!(got.records, n_rows, "{file}");
        assert!(got.rejects.is_empty(), "{file}: {:?}", got.rejects);
        assert_eq!(got.entities.len(), n_rows, "{file}: ids are unique");
        for (schema, n) in &by_schema {
            assert_eq!(count_schema(&got, schema), *n, "{file}: {schema}");
        }
        let vessels_with_imo =
            got.entities.values().filter(|e| e.schema == "Vessel" && !e.get("imoNumber").is_empty()).count();
        eprintln!("{file}: {n_rows} rows, {by_schema:?}, {vessels_with_imo} vessels with an IMO number");
    }
}
