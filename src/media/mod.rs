//! Media types from file names, for attachments (`smtp-send --attach`) and form uploads
//! (`fetch -F name=@FILE`). The table is mime_guess 2.0.5's (MIT, (c) 2015 Austin Bonander;
//! from jshttp/mime-db and MimeTypeMap), the first type of each extension, kept as one sorted
//! text blob: the crate's table of `&str` pairs was ~2,800 pointers that the loader relocated at
//! the start of every command (61 KB of `.data.rel.ro`, 15 copy-on-write page faults); a blob
//! has none.

use std::path::Path;

/// `extension TAB type` lines, sorted by extension (lower case ASCII).
const TABLE: &str = include_str!("types.tsv");

/// What a file of unknown type is sent as.
pub const UNKNOWN: &str = "application/octet-stream";

/// The media type for `path`'s extension (any case), or [`UNKNOWN`].
pub fn of_path(path: &Path) -> &'static str {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(of_extension)
        .unwrap_or(UNKNOWN)
}

/// The media type registered for `ext` (no dot, any case).
pub fn of_extension(ext: &str) -> Option<&'static str> {
    // Attachments are looked up a few at a time: a scan of 38 KB beats building an index.
    TABLE.lines().find_map(|line| {
        let (known, media_type) = line.split_once('\t')?;
        known.eq_ignore_ascii_case(ext).then_some(media_type)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_extensions_have_their_registered_types_in_any_case() {
        assert_eq!(of_path(Path::new("report.PDF")), "application/pdf");
        assert_eq!(of_path(Path::new("/tmp/a.b/photo.jpg")), "image/jpeg");
        assert_eq!(of_path(Path::new("notes.txt")), "text/plain");
        assert_eq!(of_path(Path::new("x.tar.gz")), "application/gzip");
        assert_eq!(
            of_path(Path::new("cv.docx")),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert_eq!(of_path(Path::new("mail.eml")), "message/rfc822");
    }

    #[test]
    fn no_extension_or_an_unknown_one_is_octet_stream() {
        assert_eq!(of_path(Path::new("Makefile")), UNKNOWN);
        assert_eq!(of_path(Path::new("archive.nosuchext")), UNKNOWN);
        assert_eq!(of_path(Path::new(".bashrc")), UNKNOWN);
        assert_eq!(of_path(Path::new("trailing.")), UNKNOWN);
        assert_eq!(of_extension(""), None);
    }

    #[test]
    fn the_table_is_sorted_lower_case_and_one_type_per_extension() {
        let mut last = "";
        for line in TABLE.lines() {
            let (ext, media_type) = line.split_once('\t').unwrap_or_default();
            assert!(!ext.is_empty() && ext > last, "{line:?} after {last:?}");
            assert_eq!(ext, ext.to_ascii_lowercase());
            assert!(
                media_type.contains('/') && !media_type.contains(['\t', ' ']),
                "{line:?}"
            );
            last = ext;
        }
    }

    #[test]
    fn the_table_gives_what_mime_guess_gave() {
        for line in TABLE.lines() {
            let (ext, media_type) = line.split_once('\t').unwrap_or_default();
            let theirs = mime_guess::from_ext(ext).first_raw();
            assert_eq!(Some(media_type), theirs, "{ext}");
            let upper = ext.to_ascii_uppercase();
            assert_eq!(of_extension(&upper), theirs, "{upper}");
        }
    }
}
