//! Relations between people, and between a person and an organisation.
//!
//! Family relationships across languages: "жена" is a spouse, "чоловік" a husband. A relationship
//! is a category (spouse, parent, child, ...) and, when the word says it, a gender. Two
//! relationships fit when the categories are equal and the genders do not differ (`spouse` fits
//! `wife`; `father` does not fit `мать`). The vocabulary is hand-written: no maintained crate or
//! table covers kinship terms in Russian, Ukrainian and Belarusian, and the list a desk meets is
//! short. Unknown words fit only themselves (case-insensitively).
//!
//! Links to an organisation ([`ORG_LINKS`]): the FtM records that say a person works for an
//! organisation, and so bear on the case's employment claims (employer, position, years) as an
//! `Employment` does.

/// What a relative is, in general.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    Spouse,
    Parent,
    Child,
    Sibling,
    Grandparent,
    Grandchild,
    UncleAunt,
    NephewNiece,
    Cousin,
    ParentInLaw,
    ChildInLaw,
    SiblingInLaw,
    Partner,
}

/// The gender a word implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

/// A relationship as read from a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Kin {
    pub category: Category,
    pub sex: Option<Sex>,
}

use Category::*;
use Sex::*;

const WORDS: &[(&str, Category, Option<Sex>)] = &[
    // English
    ("spouse", Spouse, None),
    ("wife", Spouse, Some(Female)),
    ("husband", Spouse, Some(Male)),
    ("partner", Partner, None),
    ("parent", Parent, None),
    ("father", Parent, Some(Male)),
    ("mother", Parent, Some(Female)),
    ("child", Child, None),
    ("son", Child, Some(Male)),
    ("daughter", Child, Some(Female)),
    ("sibling", Sibling, None),
    ("brother", Sibling, Some(Male)),
    ("sister", Sibling, Some(Female)),
    ("grandparent", Grandparent, None),
    ("grandfather", Grandparent, Some(Male)),
    ("grandmother", Grandparent, Some(Female)),
    ("grandchild", Grandchild, None),
    ("grandson", Grandchild, Some(Male)),
    ("granddaughter", Grandchild, Some(Female)),
    ("uncle", UncleAunt, Some(Male)),
    ("aunt", UncleAunt, Some(Female)),
    ("nephew", NephewNiece, Some(Male)),
    ("niece", NephewNiece, Some(Female)),
    ("cousin", Cousin, None),
    ("father-in-law", ParentInLaw, Some(Male)),
    ("mother-in-law", ParentInLaw, Some(Female)),
    ("son-in-law", ChildInLaw, Some(Male)),
    ("daughter-in-law", ChildInLaw, Some(Female)),
    ("brother-in-law", SiblingInLaw, Some(Male)),
    ("sister-in-law", SiblingInLaw, Some(Female)),
    // Russian
    ("супруг", Spouse, Some(Male)),
    ("супруга", Spouse, Some(Female)),
    ("жена", Spouse, Some(Female)),
    ("муж", Spouse, Some(Male)),
    ("отец", Parent, Some(Male)),
    ("мать", Parent, Some(Female)),
    ("папа", Parent, Some(Male)),
    ("мама", Parent, Some(Female)),
    ("родитель", Parent, None),
    ("сын", Child, Some(Male)),
    ("дочь", Child, Some(Female)),
    ("дочка", Child, Some(Female)),
    ("ребенок", Child, None),
    ("ребёнок", Child, None),
    ("брат", Sibling, Some(Male)),
    ("сестра", Sibling, Some(Female)),
    ("дед", Grandparent, Some(Male)),
    ("дедушка", Grandparent, Some(Male)),
    ("бабушка", Grandparent, Some(Female)),
    ("внук", Grandchild, Some(Male)),
    ("внучка", Grandchild, Some(Female)),
    ("дядя", UncleAunt, Some(Male)),
    ("тетя", UncleAunt, Some(Female)),
    ("тётя", UncleAunt, Some(Female)),
    ("племянник", NephewNiece, Some(Male)),
    ("племянница", NephewNiece, Some(Female)),
    ("двоюродный брат", Cousin, Some(Male)),
    ("двоюродная сестра", Cousin, Some(Female)),
    ("тесть", ParentInLaw, Some(Male)),
    ("теща", ParentInLaw, Some(Female)),
    ("тёща", ParentInLaw, Some(Female)),
    ("свекор", ParentInLaw, Some(Male)),
    ("свёкор", ParentInLaw, Some(Male)),
    ("свекровь", ParentInLaw, Some(Female)),
    ("зять", ChildInLaw, Some(Male)),
    ("невестка", ChildInLaw, Some(Female)),
    ("сожитель", Partner, Some(Male)),
    ("сожительница", Partner, Some(Female)),
    // Ukrainian
    ("дружина", Spouse, Some(Female)),
    ("чоловік", Spouse, Some(Male)),
    ("батько", Parent, Some(Male)),
    ("мати", Parent, Some(Female)),
    ("тато", Parent, Some(Male)),
    ("син", Child, Some(Male)),
    ("донька", Child, Some(Female)),
    ("дочка", Child, Some(Female)),
    ("дитина", Child, None),
    ("сестра", Sibling, Some(Female)),
    ("дід", Grandparent, Some(Male)),
    ("бабуся", Grandparent, Some(Female)),
    ("онук", Grandchild, Some(Male)),
    ("онука", Grandchild, Some(Female)),
    // Belarusian
    ("жонка", Spouse, Some(Female)),
    ("муж", Spouse, Some(Male)),
    ("бацька", Parent, Some(Male)),
    ("маці", Parent, Some(Female)),
    ("сын", Child, Some(Male)),
    ("дачка", Child, Some(Female)),
];

/// Relationship words a case may use that name no family category: each fits only itself.
pub const OTHER_WORDS: &[&str] = &[
    "associate",
    "friend",
    "colleague",
    "business-partner",
    "godfather",
    "godmother",
    "godson",
    "goddaughter",
    "guardian",
    "ward",
    "ex-spouse",
    "ex-wife",
    "ex-husband",
    "друг",
    "подруга",
    "коллега",
    "колега",
];

/// Every relationship word a case file accepts (the family words of every language, then
/// [`OTHER_WORDS`]), as docs/case-file.md lists them.
pub fn vocabulary() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for w in WORDS.iter().map(|(w, _, _)| *w).chain(OTHER_WORDS.iter().copied()) {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// Whether a case file may use `word` as a relationship (any spelling [`kin`] reads, or one of
/// [`OTHER_WORDS`]).
pub fn is_known(word: &str) -> bool {
    if kin(word).is_some() {
        return true;
    }
    let w = clean(word);
    let w = w.strip_suffix(" of").unwrap_or(&w);
    OTHER_WORDS.iter().any(|o| *o == w || o.replace('-', " ") == w)
}

/// The accepted word nearest to an unknown one (at most two edits away), for "did you mean".
pub fn suggest(word: &str) -> Option<&'static str> {
    let w = clean(word);
    vocabulary()
        .into_iter()
        .map(|v| (v, strsim::damerau_levenshtein(v, &w)))
        .filter(|(v, d)| *d <= 2 && *d < v.chars().count())
        .min_by_key(|(_, d)| *d)
        .map(|(v, _)| v)
}

/// One FtM schema linking a person to an organisation they work for: the property naming the
/// person, the one naming the organisation, and what the person is to it, as reports say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgLink {
    pub schema: &'static str,
    pub person: &'static str,
    pub organization: &'static str,
    /// "director of": shown beside the evidence, so a desk sees a directorship is no payslip.
    pub kind: &'static str,
    /// The `organization` end is a post (an FtM `Position`: "Governor of Tver Oblast"), not the
    /// organisation: the post's names are the role, and the organisation is the post's own
    /// `organization`, when it has one.
    pub through_post: bool,
}

/// The links that count as working for an organisation. A director runs it and a member belongs
/// to it (a party, a board, a union: the same `role` and years as an employment), an agent acts
/// on behalf of its client (FtM's `Representation`: a lawyer, a broker, a registered agent), and
/// the holder of a post (FtM's `Occupancy` of a `Position`, as PEP lists give public offices)
/// serves in it; each is a claim of working for it that the record can support, with its kind
/// shown.
///
/// Left out on purpose: `Ownership` (owner to asset): holding shares of a company, or owning a
/// vessel, is no employment, and counting it would corroborate "employer: X" for every
/// shareholder of X. `Associate`/`Family` link people, not organisations (see `resolve`).
pub const ORG_LINKS: &[OrgLink] = &[
    OrgLink {
        schema: "Employment",
        person: "employee",
        organization: "employer",
        kind: "employee of",
        through_post: false,
    },
    OrgLink {
        schema: "Directorship",
        person: "director",
        organization: "organization",
        kind: "director of",
        through_post: false,
    },
    OrgLink {
        schema: "Membership",
        person: "member",
        organization: "organization",
        kind: "member of",
        through_post: false,
    },
    OrgLink {
        schema: "Representation",
        person: "agent",
        organization: "client",
        kind: "agent of",
        through_post: false,
    },
    OrgLink { schema: "Occupancy", person: "holder", organization: "post", kind: "holder of", through_post: true },
];

/// The organisation link a record of `schema` is, if any (a schema descending from one counts).
pub fn org_link(schema: &crosscheck_model::Schema) -> Option<&'static OrgLink> {
    ORG_LINKS.iter().find(|l| schema.is_a(l.schema))
}

fn clean(word: &str) -> String {
    word.trim().to_lowercase().replace(['_', '–'], "-")
}

/// Reads a relationship word in any of the languages above.
pub fn kin(word: &str) -> Option<Kin> {
    let w = clean(word);
    let w = w.strip_suffix(" of").unwrap_or(&w);
    WORDS
        .iter()
        .find(|(text, _, _)| *text == w || text.replace(' ', "-") == w || text.replace('-', " ") == w)
        .map(|(_, category, sex)| Kin { category: *category, sex: *sex })
}

/// Whether two relationship words fit each other (see the module docs).
pub fn fits(a: &str, b: &str) -> bool {
    match (kin(a), kin(b)) {
        (Some(x), Some(y)) => {
            x.category == y.category && (x.sex.is_none() || y.sex.is_none() || x.sex == y.sex)
                || matches!((x.category, y.category), (Spouse, Partner) | (Partner, Spouse))
        }
        _ => clean(a) == clean(b),
    }
}

/// The converse relationship: if X is `kin` of Y, what is Y of X (gender unknown).
pub fn converse(kin: Kin) -> Kin {
    let category = match kin.category {
        Parent => Child,
        Child => Parent,
        Grandparent => Grandchild,
        Grandchild => Grandparent,
        UncleAunt => NephewNiece,
        NephewNiece => UncleAunt,
        ParentInLaw => ChildInLaw,
        ChildInLaw => ParentInLaw,
        other => other,
    };
    Kin { category, sex: None }
}

/// What X is to the subject when P is `to_subject` of the subject and X is `to_p` of P; `None`
/// when the data cannot say (the parent of the subject's child may or may not be the spouse).
pub fn compose(to_subject: Kin, to_p: Kin) -> Option<Kin> {
    let category = match (to_subject.category, to_p.category) {
        (Parent, Child) => Sibling,
        (Parent, Spouse) => Parent,
        (Parent, Parent) => Grandparent,
        (Parent, Sibling) => UncleAunt,
        (Spouse, Child) => Child,
        (Spouse, Parent) => ParentInLaw,
        (Spouse, Sibling) => SiblingInLaw,
        (Sibling, Parent) => Parent,
        (Sibling, Sibling) => Sibling,
        (Sibling, Child) => NephewNiece,
        (Child, Child) => Grandchild,
        (Child, Sibling) => Child,
        (Grandparent, Child) => return None, // a parent or an uncle: cannot tell
        _ => return None,
    };
    Some(Kin { category, sex: to_p.sex })
}

/// Whether a word fits a [`Kin`].
pub fn fits_kin(word: &str, other: Kin) -> bool {
    match kin(word) {
        Some(x) => x.category == other.category && (x.sex.is_none() || other.sex.is_none() || x.sex == other.sex),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationships_across_languages() {
        let table = [
            ("spouse", "жена", true),
            ("wife", "дружина", true),
            ("husband", "чоловік", true),
            ("wife", "чоловік", false),
            ("father", "отец", true),
            ("father", "мать", false),
            ("daughter", "дочь", true),
            ("daughter", "son", false),
            ("brother", "брат", true),
            ("Father", "батько", true),
            ("godfather", "godfather", true),
            ("godfather", "father", false),
        ];
        for (a, b, want) in table {
            assert_eq!(fits(a, b), want, "{a} / {b}");
        }
    }

    #[test]
    fn relations_compose() {
        let k = |w| kin(w).unwrap();
        let brother = compose(k("father"), k("сын")).unwrap();
        assert!(fits_kin("brother", brother));
        assert!(!fits_kin("sister", brother));
        assert!(fits_kin("mother", compose(k("father"), k("жена")).unwrap()));
        assert!(fits_kin("daughter", compose(k("wife"), k("дочь")).unwrap()));
        assert_eq!(compose(k("son"), k("mother")), None);
    }

    #[test]
    fn links_to_organisations_name_real_ftm_properties() {
        use crosscheck_model::{PropType, Schema};
        for link in ORG_LINKS {
            let schema = Schema::get(link.schema).unwrap_or_else(|| panic!("no schema {}", link.schema));
            assert_eq!(org_link(schema), Some(link));
            for prop in [link.person, link.organization] {
                assert_eq!(schema.prop_type(prop), Some(PropType::Entity), "{}.{prop}", link.schema);
            }
            if link.through_post {
                let post = Schema::get("Position").unwrap();
                assert_eq!(post.prop_type("organization"), Some(PropType::Entity));
                assert_eq!(post.prop_type("name"), Some(PropType::Name));
            } else {
                assert_eq!(schema.prop_type("role"), Some(PropType::String), "{}.role", link.schema);
            }
            assert_eq!(schema.prop_type("startDate"), Some(PropType::Date), "{}.startDate", link.schema);
        }
        for other in ["Ownership", "Family", "Associate", "UnknownLink", "Sanction", "Person"] {
            assert_eq!(org_link(Schema::get(other).unwrap()), None, "{other}");
        }
    }

    #[test]
    fn the_vocabulary_is_closed() {
        for w in ["son", "Son", "сын", "син", "wife", "father-in-law", "father in law", "friend", "business partner"]
        {
            assert!(is_known(w), "{w}");
        }
        for w in ["sn", "wief", "godfahter", "boss"] {
            assert!(!is_known(w), "{w}");
        }
        assert_eq!(suggest("sn"), Some("son"));
        assert_eq!(suggest("wief"), Some("wife"));
        assert_eq!(suggest("дочъ"), Some("дочь"));
        assert_eq!(suggest("xyzzy"), None);
        assert!(vocabulary().iter().all(|w| is_known(w)));
    }

    #[test]
    fn converse_of_parent_is_child() {
        let son = kin("son").unwrap();
        assert_eq!(converse(son).category, Parent);
        assert!(fits_kin("father", converse(son)));
        assert!(!fits_kin("wife", converse(son)));
    }
}
