//! The URL fetch is given: http or https only (other schemes name the command that carries
//! them), its userinfo taken out as credentials; and how a URL is shown (redacted, or as a
//! progress bar's label).

use url::Url;

use crate::Error;
use crate::auth::secret::Secret;
use crate::http::names;

/// Parses a fetch URL: http or https, the userinfo taken out as credentials.
pub(super) fn parse_url(text: &str) -> Result<(Url, Option<(String, Secret)>), Error> {
    let shown = crate::net::target::redacted(text);
    let mut url = Url::parse(text).map_err(|e| Error::usage(format!("'{shown}': {e}")))?;
    match url.scheme() {
        "http" | "https" => {}
        "ftp" | "ftps" => {
            return Err(Error::usage(format!(
                "{}:// is not routed through fetch yet: use `netkit ftp get URL`",
                url.scheme()
            )));
        }
        "gopher" | "gophers" => {
            return Err(Error::usage(format!(
                "{}:// goes through the gopher module: fetch it as a URL of its own, not by a redirect",
                url.scheme()
            )));
        }
        other => {
            return Err(Error::usage(format!(
                "'{shown}': fetch speaks http:// and https://, not {other}://"
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::usage(format!("'{shown}': no host")));
    }
    let creds = if url.username().is_empty() && url.password().is_none() {
        None
    } else {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let user = decode(url.username());
        let password = Secret::new(url.password().map(decode).unwrap_or_default());
        let _ = url.set_username("");
        let _ = url.set_password(None);
        Some((user, password))
    };
    Ok((url, creds))
}

pub(super) fn redact(url: &Url) -> String {
    crate::net::target::redacted(url.as_str())
}

pub(super) fn label(url: &Url) -> String {
    names::from_url_path(url.path()).unwrap_or_else(|| url.host_str().unwrap_or("").to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn url_credentials_are_taken_out_and_decoded() {
        let (url, creds) = parse_url("http://al%40ice:p%2Fw@h.example/x").expect("parse");
        assert_eq!(url.as_str(), "http://h.example/x");
        let (user, pass) = creds.expect("creds");
        assert_eq!(user, "al@ice");
        assert_eq!(pass.expose(), "p/w");
    }

    #[test]
    fn other_schemes_name_the_command_that_will_carry_them() {
        let err = parse_url("ftp://h/x").expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Usage);
        assert!(
            err.message().contains("netkit ftp get"),
            "{}",
            err.message()
        );
        assert!(parse_url("mailto:x@y").is_err());
    }
}
