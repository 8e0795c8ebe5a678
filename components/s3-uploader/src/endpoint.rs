//! Where a bucket's objects live: the endpoint, path-style or
//! virtual-hosted-style, and the URL of one object.

use http::Uri;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Bytes S3 keys keep unencoded in a URL path: SigV4's unreserved set, and
/// `/` between segments.
const KEY_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');
/// Query values: the unreserved set only.
pub const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A bucket on an S3-compatible endpoint.
#[derive(Debug, Clone)]
pub struct Bucket {
    name: String,
    path_style: bool,
    scheme: String,
    /// `host[:port]` the requests go to (with the bucket when virtual-hosted).
    authority: String,
    /// `/bucket` for path-style, empty otherwise (no trailing slash).
    base_path: String,
}

impl Bucket {
    /// The bucket `name` at `endpoint` (`https://s3.eu-west-1.amazonaws.com`).
    ///
    /// ```ignore
    /// let bucket = Bucket::new("http://127.0.0.1:9000", "photos", true)?;
    /// assert_eq!(bucket.object_url("a b.jpg"), "http://127.0.0.1:9000/photos/a%20b.jpg");
    /// ```
    pub fn new(endpoint: &str, name: &str, path_style: bool) -> Result<Self, String> {
        let uri: Uri = endpoint
            .parse()
            .map_err(|_| "S3_ENDPOINT is not a URL".to_owned())?;
        let scheme = match uri.scheme_str() {
            Some(scheme @ ("http" | "https")) => scheme.to_owned(),
            _ => return Err("S3_ENDPOINT must start with http:// or https://".into()),
        };
        let authority = uri
            .authority()
            .ok_or("S3_ENDPOINT has no host")?
            .as_str()
            .to_owned();
        if authority.contains('@') {
            return Err("S3_ENDPOINT must not hold credentials".into());
        }
        if uri.query().is_some() || !matches!(uri.path(), "" | "/") {
            return Err("S3_ENDPOINT must be scheme://host[:port] with no path".into());
        }
        let valid_name = (3..=63).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && !name.starts_with(['-', '.'])
            && !name.ends_with(['-', '.']);
        if !valid_name {
            return Err("S3_BUCKET is not a valid bucket name".into());
        }
        let (authority, base_path) = if path_style {
            (authority, format!("/{name}"))
        } else {
            (format!("{name}.{authority}"), String::new())
        };
        Ok(Bucket {
            name: name.to_owned(),
            path_style,
            scheme,
            authority,
            base_path,
        })
    }

    /// The bucket's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the bucket is in the path rather than the host.
    pub fn is_path_style(&self) -> bool {
        self.path_style
    }

    /// The URL of the object `key`, its path encoded the way SigV4 signs it.
    pub fn object_url(&self, key: &str) -> String {
        format!(
            "{}://{}{}/{}",
            self.scheme,
            self.authority,
            self.base_path,
            utf8_percent_encode(key, KEY_PATH)
        )
    }

    /// [`object_url`](Self::object_url) with a query (`uploads`,
    /// `partNumber=1&uploadId=...`), its values already encoded.
    pub fn object_url_with_query(&self, key: &str, query: &str) -> String {
        format!("{}?{query}", self.object_url(key))
    }
}

/// `value` encoded for a query string.
pub fn query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_style_puts_the_bucket_in_the_path() {
        let bucket = Bucket::new("http://127.0.0.1:9000", "photos", true).unwrap();
        assert_eq!(
            bucket.object_url("a/b c+ü.jpg"),
            "http://127.0.0.1:9000/photos/a/b%20c%2B%C3%BC.jpg"
        );
    }

    #[test]
    fn virtual_hosted_style_puts_it_in_the_host() {
        let bucket =
            Bucket::new("https://s3.eu-west-1.amazonaws.com/", "my.bucket-1", false).unwrap();
        assert_eq!(
            bucket.object_url_with_query("k~_-.x", "uploads"),
            "https://my.bucket-1.s3.eu-west-1.amazonaws.com/k~_-.x?uploads"
        );
    }

    #[test]
    fn bad_endpoints_and_buckets_are_refused() {
        assert!(Bucket::new("ftp://x", "bucket", true).is_err());
        assert!(Bucket::new("s3.amazonaws.com", "bucket", true).is_err());
        assert!(Bucket::new("https://user:pw@x", "bucket", true).is_err());
        assert!(Bucket::new("https://x/base", "bucket", true).is_err());
        assert!(Bucket::new("https://x", "Bucket", true).is_err());
        assert!(Bucket::new("https://x", "b", true).is_err());
        assert!(Bucket::new("https://x", "b/../c", true).is_err());
    }

    #[test]
    fn query_values_encode_everything_but_unreserved() {
        assert_eq!(query_value("a+b/c=d"), "a%2Bb%2Fc%3Dd");
    }
}
