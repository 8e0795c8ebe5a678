//! The parsers of untrusted bytes, reachable from the fuzz targets in
//! `fuzz/`: the multipart form reader, S3's XML answers and object keys.
//! Not an API; the component itself uses the modules directly.

pub use crate::form::{FileField, Form, MAX_FIELD, PartHead, boundary, until_file};
pub use crate::key::{MAX_KEY_BYTES, check_name, check_prefix, checked, extension, key_from_path};
pub use crate::source::{ReadError, Source};
pub use crate::xml::{element, escape, root_is};
