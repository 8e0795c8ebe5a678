//! Path parameters of the route that matched, kept in the request's
//! extensions for [`RequestExt::param`](crate::RequestExt::param).

/// The `{name}` and `{*tail}` values of the matched route, in order.
///
/// ```
/// use edgekit::router::{Params, Router};
/// use edgekit::{Request, RequestExt};
///
/// let router = Router::new().get("/files/{*path}", |req: Request| {
///     let params = req.extensions().get::<Params>().cloned().unwrap_or_default();
///     format!("{} params, path {}", params.len(), req.param("path").unwrap_or(""))
/// });
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub(crate) Vec<(String, String)>);

impl Params {
    /// The value of `name`, percent-decoded.
    ///
    /// ```
    /// let params = edgekit::router::Params::default();
    /// assert_eq!(params.get("id"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// How many parameters matched.
    ///
    /// ```
    /// assert!(edgekit::router::Params::default().is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none matched.
    ///
    /// ```
    /// assert_eq!(edgekit::router::Params::default().len(), 0);
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `(name, value)` pairs in route order.
    ///
    /// ```
    /// for (name, value) in edgekit::router::Params::default().iter() {
    ///     println!("{name} = {value}");
    /// }
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Decodes `%XX` escapes; a value that does not decode to UTF-8 stays as
/// it was written.
pub(crate) fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}
