//! Runtime tables derived from the shared reference data (see `scripts/derive_names_*.py`).
//! Loaded lazily on first use.

use crate::gender::Gender;

/// Gender of a given name (Latin form), when the tables know it.
pub(crate) fn given_name_gender(_token: &str) -> Option<Gender> {
    None
}
