//! URL text handling: Python-compatible percent-encoding (`quote`) and URL parsing, joining
//! and building (`parse`), over netkit's scheme table.

pub mod parse;
pub mod quote;
pub mod scheme;
