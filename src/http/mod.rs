//! HTTP(S) for `fetch`: ureq does the wire protocol; netkit decides the rest (redirect and
//! credential rules, retries that resume, names from servers, atomic files, `--json`).
//! Sans-IO decisions live in `policy`, `names` and `form`; `download` runs one URL.

pub mod download;
pub mod form;
pub mod names;
pub mod policy;
pub mod transport;

pub use download::{Client, Destination, Report, Settings};
