//! FollowTheMoney entities, schemata and value cleaning: the vocabulary every other crate speaks.
//!
//! This crate does no IO. An [`Entity`] is the FtM wire object `{"id", "schema", "properties"}`;
//! [`schema`] knows which properties each schema has and what type each property holds;
//! [`clean`] turns a raw string into the canonical value of that type, or into no value at all
//! (messy data is data, not an error: an unparseable date is dropped and reported, never fatal).
//!
//! ```
//! use crosscheck_model::{Entity, PartialDate};
//!
//! let mut e = Entity::new("p1", "Person");
//! e.add("name", "Gleb Ivanov");
//! e.add("birthDate", "14.03.1991");
//! assert_eq!(e.first("birthDate"), Some("1991-03-14"));
//! assert_eq!(PartialDate::parse("1991-03").unwrap().year, 1991);
//! ```

pub mod caption;
pub mod clean;
pub mod country;
pub mod date;
mod entity;
pub mod graph;
pub mod identifier;
pub mod labels;
pub mod schema;

pub use clean::{clean_value, Cleaned};
pub use date::PartialDate;
pub use entity::{Entity, EntityError, PropName};
pub use graph::{EntityProp, GraphSchema};
pub use schema::{PropType, Schema};
