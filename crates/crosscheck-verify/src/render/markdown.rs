//! The Markdown report: the same sections as the text report, as tables, for pasting into notes
//! and tickets. Cell text is escaped (`|`, newlines) so a value cannot break the table.

use super::{claimed, evidence_where};
use crate::report::{Relation, Report};
use std::fmt::Write;

fn cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace(['\n', '\r'], " ")
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let s = &r.summary;
    let _ = writeln!(o, "# Case {}\n", cell(&r.case));
    let _ = writeln!(o, "As of {}. Subject: **{}**.\n", r.as_of, cell(&r.subject.name));
    let _ = writeln!(
        o,
        "{} claims: {} corroborated, {} single-source, {} contradicted, {} unverified. {} watchlist finding(s), {} warning(s).\n",
        s.claims, s.corroborated, s.single_source, s.contradicted, s.unverified, s.findings, s.warnings
    );
    let _ = writeln!(o, "## Claims\n");
    let _ = writeln!(o, "| claim | claimed | status | explanation |");
    let _ = writeln!(o, "|---|---|---|---|");
    for c in &r.claims {
        let _ = writeln!(
            o,
            "| `{}` | {} | **{}** | {} |",
            c.id,
            cell(&claimed(&c.claimed)),
            c.status.as_str(),
            cell(&c.explanation)
        );
    }
    let _ = writeln!(o, "\n## Evidence\n");
    for c in r.claims.iter().filter(|c| !c.evidence.is_empty()) {
        let _ = writeln!(o, "- `{}` ({})", c.id, c.status.as_str());
        for e in &c.evidence {
            let rel = if e.relation == Relation::Supports { "supports" } else { "contradicts" };
            let value = e.value.as_deref().map(|v| format!(": {}", cell(v))).unwrap_or_default();
            let _ = writeln!(o, "  - {rel}: {}{value}", cell(&evidence_where(e, r)));
        }
    }
    let _ = writeln!(o, "\n## Watchlist findings\n");
    if r.findings.is_empty() {
        let _ = writeln!(o, "Nobody in the case was found on a watchlist.");
    }
    for f in &r.findings {
        let _ = writeln!(
            o,
            "- **{}** on `{}`: {} (record `{}`), score {:.2}, {}",
            f.person,
            f.dataset,
            cell(&f.caption),
            f.record,
            f.score,
            if f.resolved { "resolved" } else { "name match only" }
        );
        for (k, v) in &f.details {
            let _ = writeln!(o, "  - {k}: {}", cell(&v.join("; ")));
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(o, "\n## Warnings\n");
        for w in &r.warnings {
            let _ = writeln!(o, "- {}", cell(w));
        }
    }
    let _ = writeln!(o, "\n## What we could not verify\n");
    if r.could_not_verify.is_empty() {
        let _ = writeln!(o, "Every claim has evidence for or against it.");
    }
    for id in &r.could_not_verify {
        let _ = writeln!(o, "- `{id}`");
    }
    let _ = writeln!(o, "\n## Datasets consulted\n");
    let _ = writeln!(o, "| dataset | origin | kind | records | loaded |");
    let _ = writeln!(o, "|---|---|---|---|---|");
    for d in &r.datasets {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            cell(&d.dataset),
            cell(&d.origin),
            d.kind,
            d.records,
            d.loaded_at
        );
    }
    if !r.sources.is_empty() {
        let sources: Vec<String> =
            r.sources.iter().map(|s| format!("{} (group {})", cell(&s.key), cell(&s.group))).collect();
        let _ = writeln!(o, "\nHuman sources: {}.", sources.join(", "));
    }
    let _ = writeln!(o, "\n_crosscheck {}, scorer {}_", r.crosscheck_version, r.scorer);
    o
}
