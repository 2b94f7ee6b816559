//! The text report, for a terminal: summary first, then claims with their explanation, findings,
//! warnings, what could not be verified, and the datasets consulted. No colour: the words carry it.
//! Control characters from the case or the data (an escape sequence could drive the terminal)
//! and bidirectional controls (U+202E reorders what is shown) are shown as `?`.

use super::{
    claimed_shown, counts, evidence_where, finding_of, listing_line, neutralise, no_findings, person_findings_head,
    person_name, provenance, value_shown,
};
use crate::report::{Relation, Report};
use std::fmt::Write;

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Case {} (as of {})", r.case, r.as_of);
    let _ = writeln!(o, "Subject: {}", person_name(&r.subject));
    if !r.people.is_empty() {
        let people: Vec<String> = r
            .people
            .iter()
            .map(|p| format!("{} ({})", person_name(p), p.relationship.as_deref().unwrap_or(&p.key)))
            .collect();
        let _ = writeln!(o, "People named: {}", people.join(", "));
    }
    let _ = writeln!(o, "{}", counts(r));
    if r.findings.is_empty() {
        let _ = writeln!(o, "Watchlists: {}", no_findings(r));
    } else {
        for g in &r.findings_by_person {
            let _ = writeln!(o, "Watchlists: {}", person_findings_head(g));
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "CLAIMS");
    let width = r.claims.iter().map(|c| c.id.chars().count()).max().unwrap_or(0);
    for c in &r.claims {
        let _ = writeln!(o, "  {:<13} {:<width$}  {}", c.status.as_str(), c.id, claimed_shown(c));
        let _ = writeln!(o, "  {:<13} {:<width$}  {}", "", "", c.explanation);
        for e in &c.evidence {
            let sign = if e.relation == Relation::Supports { "+" } else { "-" };
            let value = value_shown(e).map(|v| format!(": {v}")).unwrap_or_default();
            let detail = e.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
            let _ = writeln!(o, "  {:<13} {:<width$}    {sign} {}{value}{detail}", "", "", evidence_where(e, r));
        }
        for n in &c.notes {
            let _ = writeln!(o, "  {:<13} {:<width$}    {}", "", "", super::note_line(n));
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "FINDINGS");
        for g in &r.findings_by_person {
            let _ = writeln!(o, "  {}", person_findings_head(g));
            for l in &g.listings {
                let _ = writeln!(o, "    - {}", listing_line(l));
                if let Some(f) = finding_of(r, &g.person, l) {
                    let _ = writeln!(o, "      {}", f.explanation.summary);
                    for (k, v) in f.details.iter().filter(|(k, _)| k.as_str() != "program") {
                        let _ = writeln!(o, "      {k}: {}", v.join("; "));
                    }
                }
            }
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "WARNINGS");
        for w in &r.warnings {
            let _ = writeln!(o, "  {w}");
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "WHAT WE COULD NOT VERIFY");
    if r.could_not_verify.is_empty() {
        let _ = writeln!(o, "  every claim has evidence for or against it");
    }
    for id in &r.could_not_verify {
        let c = r.claims.iter().find(|c| &c.id == id);
        let _ = writeln!(o, "  {id}  {}", c.map(claimed_shown).unwrap_or_default());
    }
    if !r.set_aside.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "SET ASIDE (same name and a birth date or address, not resolved)");
        for x in &r.set_aside {
            let _ = writeln!(
                o,
                "  {} on {}: record {} ({}): {}",
                x.person,
                x.dataset,
                x.record,
                super::set_aside_caption(x),
                x.reason
            );
        }
    }
    if !r.exclusions.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "RULED OUT BY THE DESK");
        for x in &r.exclusions {
            let _ = writeln!(o, "  {}:{}  {}", x.dataset, x.record, x.reason.as_deref().unwrap_or(""));
        }
    }
    if !r.decisions.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "DECISIONS OF THE DESK");
        for d in &r.decisions {
            let _ = writeln!(o, "  {}", super::decision_line(d));
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "DATASETS CONSULTED");
    for d in &r.datasets {
        let file = d.file.as_deref().map(|f| format!(", from {f}")).unwrap_or_default();
        let _ = writeln!(
            o,
            "  {} (origin {}, {}, {} records{file}, {}, loaded {})",
            d.dataset,
            d.origin,
            d.kind,
            d.records,
            provenance(d),
            d.loaded_at
        );
    }
    if !r.sources.is_empty() {
        let sources: Vec<String> = r.sources.iter().map(|s| format!("{} (group {})", s.key, s.group)).collect();
        let _ = writeln!(o, "  human sources: {}", sources.join(", "));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "crosscheck {}, scorer {}", r.crosscheck_version, r.scorer);
    neutralise(&o)
}
