//! Writing a [`Report`]: text for a terminal (the default), JSON (the contract), Markdown, and
//! one self-contained HTML page. Each renderer builds the whole output as a `String`, so the
//! caller writes it at once or not at all (nothing half-written on an error).
//!
//! Every renderer reads only the report, and the report holds human sources by key and group
//! only, so no format can show a source's note.

mod html;
mod markdown;
mod text;

use crate::report::Report;

/// The output formats of `verify --output-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Html,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Markdown, Format::Html];

    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

/// Renders `report` as `format`.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => text::render(report),
        Format::Json => {
            let mut out = serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".into());
            out.push('\n');
            out
        }
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report),
    }
}

/// A desk note on a claim, in words: "desk note (decision 4, alice, 2024-11-02T10:00:00Z): reason".
pub(crate) fn note_line(n: &crate::report::ClaimNote) -> String {
    let reason = n.reason.as_deref().filter(|r| !r.is_empty()).map(|r| format!(": {r}")).unwrap_or_default();
    format!("desk note (decision {}, {}, {}){reason}", n.decision, n.by, n.at)
}

/// One of the desk's decisions, in words: "4 2024-11-02T10:00:00Z alice: registry:r7 same as
/// subject (reason) — applied: the record is about subject, by desk decision".
pub(crate) fn decision_line(d: &crate::report::DecisionLine) -> String {
    let person = d.person.as_deref().map(|p| format!(" as {p}")).unwrap_or_default();
    let reason = d.reason.as_deref().filter(|r| !r.is_empty()).map(|r| format!(" ({r})")).unwrap_or_default();
    let applied = if d.applied { "applied" } else { "not applied" };
    format!(
        "decision {} at {} by {}: {} {}{person}{reason} — {applied}: {}",
        d.id,
        d.at,
        d.by,
        d.target,
        d.judgement.as_str(),
        d.effect
    )
}

/// A claim's value for display: text as is, numbers as numbers, document claims as a dash.
pub(crate) fn claimed(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// A claim's value for display with its Latin reading beside a Cyrillic one.
pub(crate) fn claimed_shown(c: &crate::report::ClaimResult) -> String {
    crate::latin::beside(&claimed(&c.claimed), c.claimed_latin.as_deref())
}

/// An evidence value with its Latin reading beside a Cyrillic one.
pub(crate) fn value_shown(e: &crate::report::EvidenceItem) -> Option<String> {
    e.value.as_deref().map(|v| crate::latin::beside(v, e.latin.as_deref()))
}

/// A listing's caption with its Latin reading beside a Cyrillic one.
pub(crate) fn listing_caption(l: &crate::report::Listing) -> String {
    crate::latin::beside(&l.caption, l.caption_latin.as_deref())
}

/// A set-aside record's caption with its Latin reading beside a Cyrillic one.
pub(crate) fn set_aside_caption(x: &crate::report::SetAside) -> String {
    crate::latin::beside(&x.caption, x.caption_latin.as_deref())
}

/// A dataset's provenance in words: who published it and when it was retrieved, each said to
/// be unknown when the case or the load did not give it (issue 14: an editor must see both).
pub(crate) fn provenance(d: &crate::evidence::DatasetInfo) -> String {
    let publisher =
        d.publisher.as_deref().map_or_else(|| "publisher not given".to_string(), |p| format!("published by {p}"));
    let retrieved =
        d.retrieved_at.as_deref().map_or_else(|| "retrieval date not given".to_string(), |r| format!("retrieved {r}"));
    format!("{publisher}, {retrieved}")
}

/// A listing in one line: `mvd-wanted record w-7 (Лебедев Кирилл (Lebedev Kirill)), programme X,
/// score 0.93, resolved`.
pub(crate) fn listing_line(l: &crate::report::Listing) -> String {
    let programme =
        if l.programme.is_empty() { String::new() } else { format!(", programme {}", l.programme.join("; ")) };
    format!(
        "{} record {} ({}){programme}, score {:.2}, {}",
        l.dataset,
        l.record,
        listing_caption(l),
        l.score,
        if l.resolved { "resolved" } else { "name match only, not resolved" }
    )
}

/// A person's findings in one line: `brother (Serhii Koval) found in 2 listings on 2 lists
/// (list-a, list-b), best score 0.99, resolved`.
pub(crate) fn person_findings_head(g: &crate::report::PersonFindings) -> String {
    let mut lists: Vec<&str> = g.listings.iter().map(|l| l.dataset.as_str()).collect();
    lists.sort_unstable();
    lists.dedup();
    let state = if g.resolved { "resolved" } else { "name match only, not resolved" };
    let what = match (g.listings.len(), lists.len()) {
        (1, _) => format!("in one listing of {}, score {:.2}", lists[0], g.score),
        (n, 1) => format!("in {n} listings of {}, best score {:.2}", lists[0], g.score),
        (n, l) => format!("in {n} listings on {l} lists ({}), best score {:.2}", lists.join(", "), g.score),
    };
    format!("{} ({}) found {what}, {state}", g.person, g.name)
}

/// The finding behind a listing (for its explanation and details).
pub(crate) fn finding_of<'a>(
    r: &'a Report,
    person: &str,
    l: &crate::report::Listing,
) -> Option<&'a crate::report::Finding> {
    r.findings.iter().find(|f| f.person == person && f.dataset == l.dataset && f.record == l.record)
}

/// A person's name with its Latin reading.
pub(crate) fn person_name(p: &crate::report::PersonSummary) -> String {
    crate::latin::beside(&p.name, p.latin.as_deref())
}

/// Where an item of evidence comes from, for display: `registry: r-12`, `source B (group g)`.
pub(crate) fn evidence_where(e: &crate::report::EvidenceItem, report: &Report) -> String {
    if let Some(key) = e.record.strip_prefix("source:") {
        let group = report.sources.iter().find(|s| s.key == key).map_or("", |s| s.group.as_str());
        return format!("source {key} (group {group})");
    }
    match &e.dataset {
        Some(d) => format!("{d} ({}) record {}", e.origin, e.record),
        None => e.origin.clone(),
    }
}

/// Characters that must never reach a terminal or a Markdown viewer from the data: control
/// characters (an escape sequence drives the terminal) and the bidirectional controls that
/// reorder what is shown (U+202E makes `gpj.exe` read `exe.jpg`), issue 15. Each becomes `?`.
pub(crate) fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every [`is_hostile`] character shown as `?`.
pub(crate) fn neutralise(text: &str) -> String {
    text.chars().map(|c| if is_hostile(c) { '?' } else { c }).collect()
}

/// The watchlist line when nobody was found: whether any watchlist was consulted at all (issue
/// 14: "nobody was found" reads as a clean screening when nothing was screened).
pub(crate) fn no_findings(r: &Report) -> String {
    let lists = r.datasets.iter().filter(|d| d.kind == "watchlist").count();
    match lists {
        0 => "No watchlist consulted: nobody in the case was screened against one.".into(),
        1 => "Nobody in the case was found on the one watchlist consulted.".into(),
        n => format!("Nobody in the case was found on the {n} watchlists consulted."),
    }
}

/// The summary's counts, contradicted claims first with their ids (issue 14: what an editor
/// must look at before anything else).
pub(crate) fn counts(r: &Report) -> String {
    let s = &r.summary;
    let contradicted: Vec<&str> =
        r.claims.iter().filter(|c| c.status == crate::report::Status::Contradicted).map(|c| c.id.as_str()).collect();
    let ids = if contradicted.is_empty() { String::new() } else { format!(" ({})", contradicted.join(", ")) };
    format!(
        "{} claims: {} contradicted{ids}, {} corroborated, {} single-source, {} unverified",
        s.claims, s.contradicted, s.corroborated, s.single_source, s.unverified
    )
}
