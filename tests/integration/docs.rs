//! docs tests (placeholder).
