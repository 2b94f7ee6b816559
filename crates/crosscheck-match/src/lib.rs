//! Features and versioned scorers with explanations; no IO.
