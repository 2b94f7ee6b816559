//! The Markdown report: the same sections as the text report, as tables, for pasting into notes
//! and tickets.
//!
//! Everything from the case or the data is escaped (issue 15), because wikis, ticket systems and
//! pandoc render the HTML inside Markdown: `<`, `>` and `&` become entities (no `<script>`, no
//! `<img onerror>`), Markdown's own punctuation is backslash-escaped (no `[link](javascript:)`,
//! no emphasis or table break from a value), newlines become spaces, and control and bidi
//! characters become `?` (as in the text report). Identifiers shown as code lose their
//! backticks, so a value cannot close its code span.

use super::{claimed_shown, counts, evidence_where, finding_of, neutralise, no_findings, person_name, value_shown};
use crate::report::{Relation, Report};
use std::fmt::Write;

/// A value from the case or the data, safe in a table cell or a line of text.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in neutralise(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            // `[` and `]` escaped, no link can form, so parentheses stay readable: "Kyiv (UA)"
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A value shown as code: no backtick can close the span, no HTML inside (code spans show
/// entities literally in some viewers, so `<` and `>` are replaced by look-alikes).
fn code(s: &str) -> String {
    let inner: String = neutralise(s)
        .chars()
        .map(|c| match c {
            '`' => '\'',
            '<' => '‹',
            '>' => '›',
            '\n' | '\r' | '|' => ' ',
            c => c,
        })
        .collect();
    format!("`{inner}`")
}

/// A sentence of the report (an explanation, a warning, a reason) whose paired backticks mark
/// names (`registry`): those stay code spans, made safe by [`code`], the rest is [`cell`].
fn sentence(s: &str) -> String {
    if !s.matches('`').count().is_multiple_of(2) {
        return cell(s);
    }
    s.split('`').enumerate().map(|(i, part)| if i % 2 == 1 { code(part) } else { cell(part) }).collect()
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let s = &r.summary;
    let _ = writeln!(o, "# Case {}\n", cell(&r.case));
    let _ = writeln!(o, "As of {}. Subject: **{}**.\n", cell(&r.as_of), cell(&person_name(&r.subject)));
    let _ = writeln!(
        o,
        "{}. {} watchlist finding(s), {} record(s) set aside, {} warning(s).\n",
        cell(&counts(r)),
        s.findings,
        r.set_aside.len(),
        s.warnings
    );
    let _ = writeln!(o, "## Claims\n");
    let _ = writeln!(o, "| claim | claimed | status | explanation |");
    let _ = writeln!(o, "|---|---|---|---|");
    for c in &r.claims {
        let _ = writeln!(
            o,
            "| {} | {} | **{}** | {} |",
            code(&c.id),
            cell(&claimed_shown(c)),
            c.status.as_str(),
            sentence(&c.explanation)
                + &c.notes.iter().map(|n| format!(" {}.", cell(&super::note_line(n)))).collect::<String>()
        );
    }
    let _ = writeln!(o, "\n## Evidence\n");
    for c in r.claims.iter().filter(|c| !c.evidence.is_empty()) {
        let _ = writeln!(o, "- {} ({})", code(&c.id), c.status.as_str());
        for e in &c.evidence {
            let rel = if e.relation == Relation::Supports { "supports" } else { "contradicts" };
            let value = value_shown(e).map(|v| format!(": {}", cell(&v))).unwrap_or_default();
            let detail = e.detail.as_deref().map(|d| format!(" ({})", sentence(d))).unwrap_or_default();
            let _ = writeln!(o, "  - {rel}: {}{value}{detail}", cell(&evidence_where(e, r)));
        }
    }
    let _ = writeln!(o, "\n## Watchlist findings\n");
    if r.findings.is_empty() {
        let _ = writeln!(o, "{}", cell(&no_findings(r)));
    }
    for g in &r.findings_by_person {
        let _ = writeln!(
            o,
            "- **{}** ({}): {} listing(s), best score {:.2}, {}",
            cell(&g.person),
            cell(&g.name),
            g.listings.len(),
            g.score,
            if g.resolved { "resolved" } else { "name match only" }
        );
        for l in &g.listings {
            let programme = if l.programme.is_empty() {
                String::new()
            } else {
                format!(", programme {}", cell(&l.programme.join("; ")))
            };
            let _ = writeln!(
                o,
                "  - on {}: {} (record {}){programme}, score {:.2}, {}",
                code(&l.dataset),
                cell(&super::listing_caption(l)),
                code(&l.record),
                l.score,
                if l.resolved { "resolved" } else { "name match only" }
            );
            for (k, v) in finding_of(r, &g.person, l).into_iter().flat_map(|f| &f.details) {
                if k != "program" {
                    let _ = writeln!(o, "    - {}: {}", cell(k), cell(&v.join("; ")));
                }
            }
        }
    }
    if !r.set_aside.is_empty() {
        let _ = writeln!(o, "\n## Set aside\n");
        let _ = writeln!(o, "Records with a person's name and a birth date or address that were not resolved:\n");
        let _ = writeln!(o, "| person | dataset | record | caption | kept out because |");
        let _ = writeln!(o, "|---|---|---|---|---|");
        for x in &r.set_aside {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                cell(&x.person),
                cell(&x.dataset),
                code(&x.record),
                cell(&super::set_aside_caption(x)),
                sentence(&x.reason)
            );
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(o, "\n## Warnings\n");
        for w in &r.warnings {
            let _ = writeln!(o, "- {}", sentence(w));
        }
    }
    let _ = writeln!(o, "\n## What we could not verify\n");
    if r.could_not_verify.is_empty() {
        let _ = writeln!(o, "Every claim has evidence for or against it.");
    }
    for id in &r.could_not_verify {
        let _ = writeln!(o, "- {}", code(id));
    }
    if !r.exclusions.is_empty() {
        let _ = writeln!(o, "\n## Ruled out by the desk\n");
        for x in &r.exclusions {
            let reason = x.reason.as_deref().map(|r| format!(": {}", cell(r))).unwrap_or_default();
            let _ = writeln!(o, "- {}{reason}", code(&format!("{}:{}", x.dataset, x.record)));
        }
    }
    if !r.decisions.is_empty() {
        let _ = writeln!(o, "\n## Decisions of the desk\n");
        for d in &r.decisions {
            let _ = writeln!(o, "- {}", cell(&super::decision_line(d)));
        }
    }
    let _ = writeln!(o, "\n## Datasets consulted\n");
    let _ = writeln!(o, "| dataset | origin | kind | publisher | retrieved | records | file | loaded |");
    let _ = writeln!(o, "|---|---|---|---|---|---|---|---|");
    for d in &r.datasets {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&d.dataset),
            cell(&d.origin),
            cell(&d.kind),
            cell(d.publisher.as_deref().unwrap_or("not given")),
            cell(d.retrieved_at.as_deref().unwrap_or("not given")),
            d.records,
            d.file.as_deref().map(code).unwrap_or_else(|| "loaded dataset".into()),
            cell(&d.loaded_at)
        );
    }
    if !r.sources.is_empty() {
        let sources: Vec<String> =
            r.sources.iter().map(|s| format!("{} (group {})", cell(&s.key), cell(&s.group))).collect();
        let _ = writeln!(o, "\nHuman sources: {}.", sources.join(", "));
    }
    let _ = writeln!(o, "\n_crosscheck {}, scorer {}_", cell(&r.crosscheck_version), cell(&r.scorer));
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_carry_no_html_no_markdown_and_no_controls() {
        let hostile = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<iframe src=javascript:alert(1)>",
            "[click](javascript:alert(1))",
            "a|b\nc",
            "\u{1b}[31mred\u{1b}[0m",
            "abc\u{202E}gpj.exe",
        ];
        for h in hostile {
            let c = cell(h);
            assert!(!c.contains('<') && !c.contains('>'), "{h} → {c}");
            let unescaped = c.replace("\\[", "").replace("\\]", "");
            assert!(!unescaped.contains('[') && !unescaped.contains(']') && !c.contains('\n'), "{h} → {c}");
            assert!(!c.chars().any(super::super::is_hostile), "{h} → {c}");
            assert!(!c.replace("\\|", "").contains('|'), "{h} → {c}");
            let k = code(h);
            assert_eq!(k.matches('`').count(), 2, "{h} → {k}");
            assert!(!k.contains('<') && !k.chars().any(super::super::is_hostile), "{h} → {k}");
        }
        assert_eq!(cell("Іванов & Co"), "Іванов &amp; Co");
        // a sentence keeps its code spans as code, and a hostile value inside one stays inert
        assert_eq!(sentence("in `registry`, one origin"), "in `registry`, one origin");
        let s = sentence("in `<script>alert(1)</script>` and <b>x</b>");
        assert!(!s.contains('<') && s.matches('`').count() == 2, "{s}");
    }
}
