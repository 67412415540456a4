//! urlparse tests (placeholder).
