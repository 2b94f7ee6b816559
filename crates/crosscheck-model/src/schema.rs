//! The FtM schemata crosscheck understands, and the type of each property.
//!
//! Written from FollowTheMoney's schema definitions (MIT; `followthemoney/schema/*.yaml`, 3.x),
//! restricted to the schemata a verification desk meets. A property a schema does not declare is
//! kept as plain text rather than dropped: published FtM exports carry properties of newer FtM
//! versions, and losing them would lose evidence. Only the schema name itself must be known.
//!
//! As in FtM, `firstName`, `lastName` and the other name parts are `string`, not `name`: matching
//! every name part as a full name would over-match.

/// What a property holds; decides how a raw value is cleaned and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PropType {
    Name,
    Date,
    Country,
    Identifier,
    Address,
    Phone,
    Email,
    Url,
    Entity,
    Gender,
    Text,
    String,
    Number,
    Topic,
}

/// One schema: its name, its parents and the properties it declares itself.
/// Schemata are static and unique by name, so equality is by name.
#[derive(Debug)]
pub struct Schema {
    pub name: &'static str,
    pub extends: &'static [&'static str],
    /// Whether entities of this schema are screened (people, companies, ...).
    pub matchable: bool,
    properties: &'static [(&'static str, PropType)],
}

use PropType::*;

const THING: &[(&str, PropType)] = &[
    ("name", Name),
    ("alias", Name),
    ("previousName", Name),
    ("weakAlias", Name),
    ("summary", Text),
    ("description", Text),
    ("notes", Text),
    ("country", Country),
    ("address", Address),
    ("addressEntity", Entity),
    ("sourceUrl", Url),
    ("publisher", String),
    ("wikidataId", Identifier),
    ("keywords", String),
    ("topics", Topic),
    ("program", String),
    ("programId", String),
    ("createdAt", Date),
    ("modifiedAt", Date),
    ("retrievedAt", Date),
    ("proof", Entity),
];

const LEGAL_ENTITY: &[(&str, PropType)] = &[
    ("email", Email),
    ("phone", Phone),
    ("website", Url),
    ("legalForm", String),
    ("incorporationDate", Date),
    ("dissolutionDate", Date),
    ("status", String),
    ("sector", String),
    ("classification", String),
    ("registrationNumber", Identifier),
    ("idNumber", Identifier),
    ("taxNumber", Identifier),
    ("vatCode", Identifier),
    ("jurisdiction", Country),
    ("mainCountry", Country),
    ("innCode", Identifier),
    ("ogrnCode", Identifier),
    ("okpoCode", Identifier),
    ("leiCode", Identifier),
    ("dunsCode", Identifier),
    ("swiftBic", Identifier),
    ("opencorporatesUrl", Url),
    ("parent", Entity),
];

const PERSON: &[(&str, PropType)] = &[
    ("title", String),
    ("firstName", String),
    ("secondName", String),
    ("middleName", String),
    ("fatherName", String),
    ("motherName", String),
    ("lastName", String),
    ("nameSuffix", String),
    ("birthDate", Date),
    ("birthPlace", String),
    ("birthCountry", Country),
    ("deathDate", Date),
    ("position", String),
    ("nationality", Country),
    ("citizenship", Country),
    ("passportNumber", Identifier),
    ("socialSecurityNumber", Identifier),
    ("gender", Gender),
    ("ethnicity", String),
    ("religion", String),
    ("political", String),
    ("education", String),
    ("appearance", Text),
    ("profession", String),
];

const ORGANIZATION: &[(&str, PropType)] =
    &[("imoNumber", Identifier), ("permId", Identifier), ("cageCode", Identifier)];

const COMPANY: &[(&str, PropType)] =
    &[("kppCode", Identifier), ("isinCode", Identifier), ("ticker", Identifier), ("capital", String)];

const VEHICLE: &[(&str, PropType)] = &[
    ("registrationNumber", Identifier),
    ("type", String),
    ("model", String),
    ("owner", Entity),
    ("operator", Entity),
    ("buildDate", Date),
    ("registrationDate", Date),
];

const AIRPLANE: &[(&str, PropType)] = &[("serialNumber", Identifier), ("icaoCode", Identifier)];

const INTERVAL: &[(&str, PropType)] = &[
    ("startDate", Date),
    ("endDate", Date),
    ("date", Date),
    ("summary", Text),
    ("description", Text),
    ("recordId", String),
    ("sourceUrl", Url),
    ("publisher", String),
    ("modifiedAt", Date),
    ("retrievedAt", Date),
    ("proof", Entity),
];

/// FtM's `Value`: what an asset is worth.
const VALUE: &[(&str, PropType)] =
    &[("amount", Number), ("currency", String), ("amountUsd", Number), ("amountEur", Number)];

/// FtM's `Vessel` properties that the official lists fill (OFAC's vessel columns, EU's MMSI).
const VESSEL: &[(&str, PropType)] = &[
    ("imoNumber", Identifier),
    ("flag", Country),
    ("pastFlags", Country),
    ("callSign", Identifier),
    ("mmsi", Identifier),
    ("registrationNumber", Identifier),
    ("type", String),
    ("tonnage", Number),
    ("grossRegisteredTonnage", Number),
    ("buildDate", Date),
];

const ADDRESS: &[(&str, PropType)] = &[
    ("full", Address),
    ("remarks", Text),
    ("postOfficeBox", String),
    ("street", String),
    ("street2", String),
    ("city", String),
    ("postalCode", String),
    ("region", String),
    ("state", String),
    ("latitude", Number),
    ("longitude", Number),
];

const IDENTIFICATION: &[(&str, PropType)] =
    &[("holder", Entity), ("type", String), ("number", Identifier), ("authority", String), ("country", Country)];

const PASSPORT: &[(&str, PropType)] = &[
    ("surname", String),
    ("givenName", String),
    ("birthDate", Date),
    ("birthPlace", String),
    ("gender", Gender),
    ("personalNumber", Identifier),
];

const FAMILY: &[(&str, PropType)] = &[("person", Entity), ("relative", Entity), ("relationship", String)];
const ASSOCIATE: &[(&str, PropType)] = &[("person", Entity), ("associate", Entity), ("relationship", String)];
const EMPLOYMENT: &[(&str, PropType)] = &[("employer", Entity), ("employee", Entity), ("role", String)];
const MEMBERSHIP: &[(&str, PropType)] = &[("member", Entity), ("organization", Entity), ("role", String)];

const SANCTION: &[(&str, PropType)] = &[
    ("entity", Entity),
    ("authority", String),
    ("authorityId", Identifier),
    ("unscId", Identifier),
    ("program", String),
    ("programId", String),
    ("programUrl", Url),
    ("provisions", String),
    ("status", String),
    ("duration", String),
    ("reason", Text),
    ("country", Country),
    ("listingDate", Date),
];

const USER_ACCOUNT: &[(&str, PropType)] = &[
    ("owner", Entity),
    ("service", String),
    ("email", Email),
    ("phone", Phone),
    ("username", String),
    ("number", Identifier),
];

const NOTE: &[(&str, PropType)] = &[("entity", Entity)];

const DOCUMENT: &[(&str, PropType)] = &[
    ("title", String),
    ("author", String),
    ("fileName", String),
    ("mimeType", String),
    ("language", String),
    ("date", Date),
    ("publishedAt", Date),
    ("bodyText", Text),
];

static SCHEMATA: &[Schema] = &[
    Schema { name: "Thing", extends: &[], matchable: false, properties: THING },
    Schema { name: "LegalEntity", extends: &["Thing"], matchable: true, properties: LEGAL_ENTITY },
    Schema { name: "Person", extends: &["LegalEntity"], matchable: true, properties: PERSON },
    Schema { name: "Organization", extends: &["LegalEntity"], matchable: true, properties: ORGANIZATION },
    Schema { name: "Company", extends: &["Organization"], matchable: true, properties: COMPANY },
    Schema { name: "PublicBody", extends: &["Organization"], matchable: true, properties: &[] },
    Schema { name: "Value", extends: &[], matchable: false, properties: VALUE },
    // Sanctioned assets (the EU lists ports and a digital currency) are screened by name, as
    // vessels are; a person or company query never meets one (unrelated schemata).
    Schema { name: "Asset", extends: &["Thing", "Value"], matchable: true, properties: &[] },
    Schema { name: "Vessel", extends: &["Thing"], matchable: true, properties: VESSEL },
    Schema { name: "Vehicle", extends: &["Thing"], matchable: true, properties: VEHICLE },
    Schema { name: "Airplane", extends: &["Vehicle"], matchable: true, properties: AIRPLANE },
    Schema { name: "Address", extends: &["Thing"], matchable: false, properties: ADDRESS },
    Schema { name: "Interval", extends: &[], matchable: false, properties: INTERVAL },
    Schema { name: "Identification", extends: &["Interval"], matchable: false, properties: IDENTIFICATION },
    Schema { name: "Passport", extends: &["Identification"], matchable: false, properties: PASSPORT },
    Schema { name: "Family", extends: &["Interval"], matchable: false, properties: FAMILY },
    Schema { name: "Associate", extends: &["Interval"], matchable: false, properties: ASSOCIATE },
    Schema { name: "Employment", extends: &["Interval"], matchable: false, properties: EMPLOYMENT },
    Schema { name: "Membership", extends: &["Interval"], matchable: false, properties: MEMBERSHIP },
    Schema { name: "Sanction", extends: &["Interval"], matchable: false, properties: SANCTION },
    Schema { name: "UserAccount", extends: &["Thing"], matchable: false, properties: USER_ACCOUNT },
    Schema { name: "Note", extends: &["Thing"], matchable: false, properties: NOTE },
    Schema { name: "Document", extends: &["Thing"], matchable: false, properties: DOCUMENT },
];

impl PartialEq for Schema {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Schema {}

impl Schema {
    /// Looks a schema up by its FtM name (`Person`, `Company`, ...).
    pub fn get(name: &str) -> Option<&'static Schema> {
        // Called for every value cleaned and every feature prepared: compare lengths first
        // (cheap) before bytes; two dozen entries do not pay for a hash map.
        SCHEMATA.iter().find(|s| s.name.len() == name.len() && s.name == name)
    }

    /// Every schema crosscheck knows, in declaration order.
    pub fn all() -> impl Iterator<Item = &'static Schema> {
        SCHEMATA.iter()
    }

    /// The type of `prop` as declared here or by an ancestor; `None` when no schema in the chain
    /// declares it.
    pub fn prop_type(&self, prop: &str) -> Option<PropType> {
        // Asked for every value cleaned and every property read: one table per schema with its
        // inherited properties, built once, found by the schema's place in `SCHEMATA` (every
        // `Schema` is one of its entries: the type has private fields), so a call is one lookup.
        type Index = Vec<rustc_hash::FxHashMap<&'static str, PropType>>;
        static INDEX: std::sync::LazyLock<Index> = std::sync::LazyLock::new(|| {
            SCHEMATA
                .iter()
                .map(|s| {
                    let mut chain = vec![s];
                    let mut i = 0;
                    while i < chain.len() {
                        chain.extend(chain[i].parents());
                        i += 1;
                    }
                    let props = chain.iter().flat_map(|c| c.properties.iter()).map(|(p, _)| *p);
                    props.filter_map(|p| s.declared_type(p).map(|t| (p, t))).collect()
                })
                .collect()
        });
        match self.position().and_then(|i| INDEX.get(i)) {
            Some(props) => props.get(prop).copied(),
            None => self.declared_type(prop),
        }
    }

    /// This schema's index in `SCHEMATA`.
    fn position(&self) -> Option<usize> {
        let offset = (self as *const Schema as usize).wrapping_sub(SCHEMATA.as_ptr() as usize);
        let i = offset / std::mem::size_of::<Schema>();
        (offset.is_multiple_of(std::mem::size_of::<Schema>()) && i < SCHEMATA.len()).then_some(i)
    }

    /// [`Schema::prop_type`] by walking the chain: here first, then each parent in order.
    fn declared_type(&self, prop: &str) -> Option<PropType> {
        if let Some((_, t)) = self.properties.iter().find(|(p, _)| *p == prop) {
            return Some(*t);
        }
        self.parents().find_map(|p| p.declared_type(prop))
    }

    fn parents(&self) -> impl Iterator<Item = &'static Schema> + '_ {
        self.extends.iter().filter_map(|n| Schema::get(n))
    }

    /// Whether this schema is `other` or descends from it.
    pub fn is_a(&self, other: &str) -> bool {
        self.name == other || self.parents().any(|p| p.is_a(other))
    }

    /// The more specific of two schemata when one descends from the other (merging a
    /// `LegalEntity` record into a `Person` keeps `Person`); `None` when they are unrelated.
    pub fn common(&'static self, other: &'static Schema) -> Option<&'static Schema> {
        if self.is_a(other.name) {
            Some(self)
        } else if other.is_a(self.name) {
            Some(other)
        } else {
            None
        }
    }

    /// Whether a candidate of schema `candidate` may be offered as a match for a query of this
    /// schema: the candidate is matchable (a person, a company, a vessel; not a Family link or an
    /// Address) and one of the two descends from the other. A `LegalEntity` query may find a
    /// `Person` or a `Company`; a `Person` query never finds a `Company`, and an `Organization`
    /// never a `Person`: the same name on a different kind of thing is a different thing. The
    /// one rule for `match`, `verify`'s watchlist findings and every later front end.
    pub fn can_match(&'static self, candidate: &'static Schema) -> bool {
        candidate.matchable && self.common(candidate).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_query_may_find() {
        let s = |n| Schema::get(n).unwrap();
        for (query, candidate, may) in [
            ("Person", "Person", true),
            ("Person", "LegalEntity", true),
            ("LegalEntity", "Person", true),
            ("LegalEntity", "Company", true),
            ("Person", "Company", false),
            ("Company", "Person", false),
            ("Organization", "Person", false),
            ("Person", "Family", false),
            ("Vessel", "Vessel", true),
            ("Person", "Vessel", false),
        ] {
            assert_eq!(s(query).can_match(s(candidate)), may, "{query} finding {candidate}");
        }
    }

    #[test]
    fn inheritance_and_types() {
        let person = Schema::get("Person").unwrap();
        assert!(person.is_a("LegalEntity"));
        assert!(person.is_a("Thing"));
        assert!(!person.is_a("Company"));
        assert_eq!(person.prop_type("name"), Some(PropType::Name));
        assert_eq!(person.prop_type("birthDate"), Some(PropType::Date));
        assert_eq!(person.prop_type("innCode"), Some(PropType::Identifier));
        assert_eq!(person.prop_type("firstName"), Some(PropType::String));
        assert_eq!(person.prop_type("imoNumber"), None);
        let asset = Schema::get("Asset").unwrap();
        assert!(asset.is_a("Thing") && asset.is_a("Value") && !asset.is_a("LegalEntity"));
        assert_eq!(asset.prop_type("amount"), Some(PropType::Number));
        assert!(asset.common(person).is_none());
        let passport = Schema::get("Passport").unwrap();
        assert_eq!(passport.prop_type("number"), Some(PropType::Identifier));
        assert_eq!(passport.prop_type("startDate"), Some(PropType::Date));
    }

    #[test]
    fn common_schema() {
        let le = Schema::get("LegalEntity").unwrap();
        let person = Schema::get("Person").unwrap();
        let company = Schema::get("Company").unwrap();
        assert_eq!(le.common(person).map(|s| s.name), Some("Person"));
        assert!(person.common(company).is_none());
    }
}

#[cfg(test)]
mod index {
    use super::*;

    #[test]
    fn the_property_index_answers_as_the_chain_does() {
        for s in Schema::all() {
            let every: Vec<&str> = Schema::all().flat_map(|o| o.properties.iter().map(|(p, _)| *p)).collect();
            for p in every.iter().copied().chain(["nope", ""]) {
                assert_eq!(s.prop_type(p), s.declared_type(p), "{} {p}", s.name);
            }
        }
        assert_eq!(Schema::get("Person").and_then(|s| s.prop_type("name")), Some(PropType::Name));
    }
}
