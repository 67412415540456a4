//! hostinfo tests (placeholder).
