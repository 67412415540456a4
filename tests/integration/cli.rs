//! cli tests (placeholder).
