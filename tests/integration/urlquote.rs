//! urlquote tests (placeholder).
