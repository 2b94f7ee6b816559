//! In-process tests of the review page.
