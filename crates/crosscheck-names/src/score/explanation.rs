//! Explanation: the one plain sentence of a [`crate::NameMatch`]: which tokens aligned and how
//! (with the transliteration schemes that turn a Cyrillic word into the other side's Latin
//! spelling), which disagree, which only one side has, and the gender and father remarks.
//!
//! Decision: written only when asked ([`crate::compare`], not [`crate::compare_score`]) and
//! after the score is final, so ranking many pairs never pays for the text.

use super::aggregation::Tally;
use super::alignment::Alignment;
use super::pairing::Rel;
use crate::translit::Scheme;
use crate::{Script, Token};

/// The sentence for an alignment, its tally and the fallback that set the score, if any.
pub(super) fn explain(t: &Alignment<'_>, tally: &Tally, fallback: Option<String>) -> String {
    let Alignment { rows, cols, swap, n, ref rel, ref aligned, .. } = *t;
    let Tally {
        gender_mismatch,
        gender_form,
        father_differs,
        single_word,
        patronymic_differs,
        split,
        ref conflicts,
        n_conflicts,
        ref omitted,
        n_omitted,
        ..
    } = *tally;
    let tok = |(is_row, k): (bool, usize)| if is_row { &rows[k] } else { &cols[k] };
    let mut detail = String::with_capacity(96);
    if let Some(f) = fallback {
        detail.push_str(&f);
    } else {
        let mut first = true;
        for i in 0..n {
            if let Some(j) = aligned[i] {
                let (x, y) = if swap { (&cols[j], &rows[i]) } else { (&rows[i], &cols[j]) };
                detail.push_str(if first { "aligned " } else { ", " });
                first = false;
                describe_pair(x, y, rel[i][j], &mut detail);
            }
        }
        if let Some((is_row, k, o, _)) = split {
            let (side, other) = if is_row { (rows, cols) } else { (cols, rows) };
            detail.push_str(if first { "aligned " } else { ", " });
            first = false;
            detail.push_str(&side[k].orig);
            detail.push('+');
            detail.push_str(&side[k + 1].orig);
            detail.push('~');
            detail.push_str(&other[o].orig);
            detail.push_str(" (written apart)");
        }
        if first {
            detail.push_str("no tokens aligned");
        }
        for &(i, j) in &conflicts[..n_conflicts] {
            let (x, y) = if swap { (&cols[j], &rows[i]) } else { (&rows[i], &cols[j]) };
            detail.push_str("; differ ");
            detail.push_str(&x.text);
            detail.push('/');
            detail.push_str(&y.text);
        }
        if n_omitted > 0 {
            detail.push_str("; only one side has ");
            for (k, &o) in omitted[..n_omitted].iter().enumerate() {
                if k > 0 {
                    detail.push(' ');
                }
                detail.push_str(&tok(o).text);
            }
        }
    }
    if father_differs {
        detail.push_str("; the fathers' names (after bin/ibn) differ");
    }
    if patronymic_differs {
        detail.push_str("; the patronymics name different fathers");
    }
    if single_word {
        detail.push_str("; only a given name in common, weak evidence");
    }
    if gender_mismatch {
        detail.push_str("; the names point to different genders");
    } else if gender_form {
        detail.push_str("; surname in the other gender's form");
    }
    detail
}

fn rel_name(rel: Rel) -> &'static str {
    match rel {
        Rel::Exact => "same",
        Rel::Variant => "spelling variant",
        Rel::GenderForm => "gendered form",
        Rel::Equivalent => "name variant",
        Rel::Initial => "initial",
        Rel::Typo => "close spelling",
        Rel::Scrambled => "letters scrambled",
        Rel::LegalGeneric => "same legal form",
        Rel::Reading => "read as Russian writes it",
        Rel::None => "",
    }
}

fn describe_pair(x: &Token, y: &Token, rel: Rel, out: &mut String) {
    out.push_str(&x.orig);
    out.push('~');
    out.push_str(&y.orig);
    if rel == Rel::Exact && x.orig == y.orig {
        return;
    }
    out.push_str(" (");
    out.push_str(rel_name(rel));
    // which transliteration turns the Cyrillic side into the Latin side
    let (cyr, lat) = if x.script == Script::Cyrillic && y.script == Script::Latin {
        (x, y)
    } else if y.script == Script::Cyrillic && x.script == Script::Latin {
        (y, x)
    } else {
        out.push(')');
        return;
    };
    if let Some((_, bits)) = cyr.spellings().iter().find(|(s, _)| *s == lat.text) {
        out.push_str(", as ");
        let mut k = 0;
        for (i, s) in Scheme::all().iter().enumerate() {
            if bits & (1 << i) != 0 {
                if k > 0 {
                    out.push('/');
                }
                out.push_str(s.name());
                k += 1;
                if k == 3 && bits.count_ones() > 3 {
                    out.push_str("...");
                    break;
                }
            }
        }
    }
    out.push(')');
}
