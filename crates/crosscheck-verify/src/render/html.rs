//! The HTML report: one self-contained page (inline CSS and SVG; no script, font, image or link
//! to anything outside), so it can be mailed, archived and opened offline without making a
//! request. Sections: summary, claims table coloured by status, a diagram of the subject, the
//! people and the evidence origins, the evidence behind each claim, watchlist findings grouped per
//! person, warnings, the records set aside,
//! "What we could not verify", the datasets consulted and the crosscheck version.
//!
//! A Content-Security-Policy forbids every request (styles inline only), so even a value that slipped
//! through escaping could not fetch anything. Every text from the case or the data is escaped ([`esc`]). The diagram is laid out in two
//! columns (people left, origins right) with one line per (person, origin) pair that has evidence,
//! red when any of it contradicts: a fixed layout keeps it readable and needs no layout engine.

use super::{claimed_shown, evidence_where, finding_of, person_findings_head, person_name, value_shown};
use crate::report::{Relation, Report, Status};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A sentence of the report (an explanation, a warning): escaped, and its `code` spans (dataset
/// names, keys) shown as code rather than as Markdown backticks (issue 14).
fn inline(s: &str) -> String {
    let escaped = esc(s);
    if !escaped.matches('`').count().is_multiple_of(2) {
        return escaped;
    }
    let mut out = String::with_capacity(escaped.len() + 16);
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::neutralise(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Corroborated => "corroborated",
        Status::SingleSource => "single",
        Status::Contradicted => "contradicted",
        Status::Unverified => "unverified",
    }
}

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330;line-height:1.45}
h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d8dce4;padding-bottom:.2rem}
.muted{color:#5b6475}.cards{display:flex;gap:.8rem;flex-wrap:wrap;margin:1rem 0}
.card{border-radius:.5rem;padding:.6rem 1rem;min-width:8rem}.card b{display:block;font-size:1.6rem}
table{border-collapse:collapse;width:100%;font-size:.93rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e4e7ee;vertical-align:top}
th{background:#f3f5f9}code{font-size:.88rem}
.corroborated{background:#dff3e4}.single{background:#fff4cf}.contradicted{background:#fbdcdc}.unverified{background:#eceef2}
.tag{border-radius:.3rem;padding:.05rem .4rem;font-weight:600;font-size:.82rem;white-space:nowrap}
.sup{color:#1b6e35}.con{color:#a31f1f}ul.ev{margin:.2rem 0 .6rem 0}
svg text{font-family:system-ui,sans-serif;font-size:12px}
.nw{white-space:nowrap}
"#;

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let s = &r.summary;
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>Case {}</title><style>{STYLE}</style></head><body>\n",
        esc(&r.case)
    );
    let _ = writeln!(o, "<h1>Case {}</h1>", esc(&r.case));
    let _ = writeln!(
        o,
        "<p class=\"muted\">Subject: <b>{}</b>. As of {}. crosscheck {}, scorer {}.</p>",
        esc(&person_name(&r.subject)),
        esc(&r.as_of),
        esc(&r.crosscheck_version),
        esc(&r.scorer)
    );
    let _ = writeln!(o, "<h2>Summary</h2><div class=\"cards\">");
    // contradicted first: what an editor must look at before anything else (issue 14)
    for (label, n, class) in [
        ("contradicted", s.contradicted, "contradicted"),
        ("corroborated", s.corroborated, "corroborated"),
        ("single-source", s.single_source, "single"),
        ("unverified", s.unverified, "unverified"),
    ] {
        let _ = writeln!(o, "<div class=\"card {class}\"><b>{n}</b>{label}</div>");
    }
    let _ = writeln!(o, "</div>");
    if r.findings.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", esc(&super::no_findings(r)));
    } else {
        for g in &r.findings_by_person {
            let _ = writeln!(
                o,
                "<p class=\"contradicted\" style=\"padding:.4rem .6rem;border-radius:.4rem\">{}</p>",
                esc(&person_findings_head(g))
            );
        }
    }
    let _ =
        writeln!(o, "<h2>Claims</h2><table><tr><th>claim</th><th>claimed</th><th>status</th><th>explanation</th></tr>");
    for c in &r.claims {
        let class = status_class(c.status);
        let _ = writeln!(
            o,
            "<tr class=\"{class}\"><td><code>{}</code></td><td>{}</td><td><span class=\"tag\">{}</span></td><td>{}</td></tr>",
            esc(&c.id),
            esc(&claimed_shown(c)),
            c.status.as_str(),
            inline(&c.explanation)
                + &c.notes.iter().map(|n| format!("<br><em>{}</em>", esc(&super::note_line(n)))).collect::<String>()
        );
    }
    let _ = writeln!(o, "</table>");
    let _ = writeln!(o, "<h2>People and evidence</h2>");
    o.push_str(&diagram(r));
    let _ = writeln!(o, "<h2>Evidence per claim</h2>");
    for c in &r.claims {
        let _ = writeln!(
            o,
            "<p><code>{}</code> <span class=\"tag {}\">{}</span></p>",
            esc(&c.id),
            status_class(c.status),
            c.status.as_str()
        );
        if c.evidence.is_empty() {
            let _ = writeln!(o, "<ul class=\"ev\"><li class=\"muted\">no evidence</li></ul>");
            continue;
        }
        let _ = writeln!(o, "<ul class=\"ev\">");
        for e in &c.evidence {
            let (class, word) =
                if e.relation == Relation::Supports { ("sup", "supports") } else { ("con", "contradicts") };
            let value = value_shown(e).map(|v| format!(": {}", esc(&v))).unwrap_or_default();
            let detail = e
                .detail
                .as_deref()
                .map(|d| format!(" <span class=\"muted\">({})</span>", inline(d)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "<li><span class=\"{class}\">{word}</span> {}{value}{detail}</li>",
                esc(&evidence_where(e, r))
            );
        }
        let _ = writeln!(o, "</ul>");
    }
    if !r.findings_by_person.is_empty() {
        let _ = writeln!(o, "<h2>Watchlist findings</h2><table><tr><th>person</th><th>list</th><th>listing</th><th>programme</th><th>score</th><th>resolved</th><th>details</th></tr>");
        for g in &r.findings_by_person {
            for (i, l) in g.listings.iter().enumerate() {
                let person = if i == 0 {
                    format!("<td rowspan=\"{}\"><b>{}</b><br>{}</td>", g.listings.len(), esc(&g.person), esc(&g.name))
                } else {
                    String::new()
                };
                let f = finding_of(r, &g.person, l);
                let details: Vec<String> = f
                    .into_iter()
                    .flat_map(|f| &f.details)
                    .filter(|(k, _)| k.as_str() != "program")
                    .map(|(k, v)| format!("{}: {}", esc(k), esc(&v.join("; "))))
                    .collect();
                let summary = f.map(|f| inline(&f.explanation.summary)).unwrap_or_default();
                let _ = writeln!(
                    o,
                    "<tr>{person}<td class=\"nw\">{}</td><td>{} <span class=\"muted nw\">{}</span></td><td>{}</td><td>{:.2}</td><td>{}</td><td>{}<br><span class=\"muted\">{}</span></td></tr>",
                    esc(&l.dataset),
                    esc(&super::listing_caption(l)),
                    esc(&l.record),
                    esc(&l.programme.join("; ")),
                    l.score,
                    if l.resolved { "yes" } else { "name match only" },
                    details.join("<br>"),
                    summary
                );
            }
        }
        let _ = writeln!(o, "</table>");
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(o, "<h2>Warnings</h2><ul>");
        for w in &r.warnings {
            let _ = writeln!(o, "<li>{}</li>", inline(w));
        }
        let _ = writeln!(o, "</ul>");
    }
    if !r.set_aside.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Set aside</h2><p class=\"muted\">Records with a person's name and a birth date or address that were not resolved.</p>\
             <table><tr><th>person</th><th>dataset</th><th>record</th><th>caption</th><th>kept out because</th></tr>"
        );
        for x in &r.set_aside {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"nw\">{}</td><td class=\"nw\"><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(&x.person),
                esc(&x.dataset),
                esc(&x.record),
                esc(&super::set_aside_caption(x)),
                inline(&x.reason)
            );
        }
        let _ = writeln!(o, "</table>");
    }
    let _ = writeln!(o, "<h2>What we could not verify</h2>");
    if r.could_not_verify.is_empty() {
        let _ = writeln!(o, "<p>Every claim has evidence for or against it.</p>");
    } else {
        let _ = writeln!(o, "<ul>");
        for id in &r.could_not_verify {
            let c = r.claims.iter().find(|c| &c.id == id);
            let _ = writeln!(o, "<li><code>{}</code> {}</li>", esc(id), esc(&c.map(claimed_shown).unwrap_or_default()));
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "<h2>Datasets consulted</h2><table><tr><th>dataset</th><th>origin</th><th>kind</th><th>publisher</th><th>retrieved</th><th>records</th><th>file</th><th>loaded</th></tr>");
    for d in &r.datasets {
        let file =
            d.file.as_deref().map_or_else(|| "loaded dataset".to_string(), |f| format!("<code>{}</code>", esc(f)));
        let _ = writeln!(
            o,
            "<tr><td class=\"nw\">{}</td><td class=\"nw\">{}</td><td>{}</td><td>{}</td><td class=\"nw\">{}</td><td>{}</td><td>{file}</td><td class=\"nw\">{}</td></tr>",
            esc(&d.dataset),
            esc(&d.origin),
            esc(&d.kind),
            esc(d.publisher.as_deref().unwrap_or("not given")),
            esc(d.retrieved_at.as_deref().unwrap_or("not given")),
            d.records,
            esc(&d.loaded_at)
        );
    }
    let _ = writeln!(o, "</table>");
    if !r.sources.is_empty() {
        let sources: Vec<String> =
            r.sources.iter().map(|s| format!("{} (group {})", esc(&s.key), esc(&s.group))).collect();
        let _ = writeln!(o, "<p>Human sources: {}.</p>", sources.join(", "));
    }
    if !r.exclusions.is_empty() {
        let _ = writeln!(o, "<h2>Ruled out by the desk</h2><ul>");
        for x in &r.exclusions {
            let _ = writeln!(
                o,
                "<li><code>{}:{}</code> {}</li>",
                esc(&x.dataset),
                esc(&x.record),
                esc(x.reason.as_deref().unwrap_or(""))
            );
        }
        let _ = writeln!(o, "</ul>");
    }
    if !r.decisions.is_empty() {
        let _ = writeln!(o, "<h2>Decisions of the desk</h2><ul>");
        for d in &r.decisions {
            let _ = writeln!(o, "<li>{}</li>", esc(&super::decision_line(d)));
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ =
        writeln!(o, "<p class=\"muted\">Generated by crosscheck {}.</p>\n</body></html>", esc(&r.crosscheck_version));
    o
}

/// People (left) and evidence origins (right), one line per pair with evidence.
fn diagram(r: &Report) -> String {
    let mut people: Vec<(String, String)> = vec![("subject".into(), person_name(&r.subject))];
    people.extend(r.people.iter().map(|p| (p.key.clone(), person_name(p))));
    let mut origins: Vec<String> = Vec::new();
    // (person, origin) -> any contradiction
    let mut edges: BTreeMap<(usize, usize), bool> = BTreeMap::new();
    for c in &r.claims {
        let Some(pi) = people.iter().position(|(k, _)| *k == c.person) else { continue };
        for e in &c.evidence {
            let oi = match origins.iter().position(|o| *o == e.origin) {
                Some(i) => i,
                None => {
                    origins.push(e.origin.clone());
                    origins.len() - 1
                }
            };
            *edges.entry((pi, oi)).or_default() |= e.relation == Relation::Contradicts;
        }
    }
    let row = 34;
    let height = 30 + row * people.len().max(origins.len()).max(1);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 760 {height}\" role=\"img\" aria-label=\"people of the case and the origins of the evidence\">"
    );
    let y = |i: usize| 24 + i * row;
    for ((pi, oi), contradicted) in &edges {
        let color = if *contradicted { "#c0392b" } else { "#2e8b57" };
        let _ = writeln!(
            o,
            "<line x1=\"290\" y1=\"{}\" x2=\"470\" y2=\"{}\" stroke=\"{color}\" stroke-width=\"1.6\" opacity=\"0.75\"/>",
            y(*pi),
            y(*oi)
        );
    }
    for (i, (key, name)) in people.iter().enumerate() {
        let fill = if i == 0 { "#1d3f72" } else { "#4a6fa5" };
        let _ =
            writeln!(o, "<rect x=\"10\" y=\"{}\" width=\"280\" height=\"24\" rx=\"5\" fill=\"{fill}\"/>", y(i) - 12);
        let label = clip(&format!("{key}: {name}"), 33);
        let _ = writeln!(o, "<text x=\"18\" y=\"{}\" fill=\"#fff\">{}</text>", y(i) + 4, esc(&label));
    }
    for (i, origin) in origins.iter().enumerate() {
        let fill = if origin.starts_with("group:") {
            "#8e6c8a"
        } else if origin.starts_with("document:") {
            "#a0783c"
        } else {
            "#3c7a6e"
        };
        let _ =
            writeln!(o, "<rect x=\"470\" y=\"{}\" width=\"280\" height=\"24\" rx=\"5\" fill=\"{fill}\"/>", y(i) - 12);
        let label = clip(origin, 33);
        let _ = writeln!(o, "<text x=\"478\" y=\"{}\" fill=\"#fff\">{}</text>", y(i) + 4, esc(&label));
    }
    let _ = writeln!(o, "</svg>");
    let _ = writeln!(
        o,
        "<p class=\"muted\">Left: the subject and the people named. Right: evidence origins (datasets by origin, human sources by group, documents). Green: evidence supports; red: some contradicts.</p>"
    );
    o
}

/// At most `n` characters, with an ellipsis when cut.
fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    let mut out: String = text.chars().take(n - 1).collect();
    out.push('…');
    out
}
