//! URL parsing, joining and building (placeholder).
