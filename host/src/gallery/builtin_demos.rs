//! Demo values for the components edgekit ships, used when their
//! `template.toml` has no `[demo]` table: they point at the gallery's demo
//! origin and its S3 server (whose generated credentials replace the
//! `${S3_DEMO_...}` placeholders when the values are applied).

use crate::template::TryLink;

/// `(values as TOML, try links)` for a template named `name`.
pub(crate) fn for_template(name: &str) -> Option<(&'static str, Vec<TryLink>)> {
    let link = |title: &str, path: &str| TryLink {
        title: title.to_string(),
        path: path.to_string(),
    };
    match name {
        "markdown" => Some((
            "ORIGIN = \"http://origin.demo/markdown/\"",
            vec![
                link("The home page", "/index.md"),
                link("A guide with code", "/guide.md"),
                link("Tables and raw HTML", "/tables.md"),
            ],
        )),
        "image-resize" => Some((
            "ORIGIN = \"http://origin.demo/images/\"",
            vec![
                link("A photo, 300 px wide", "/photo.jpg?w=300"),
                link("A PNG as WebP, 200 px", "/small.png?w=200&format=webp"),
                link(
                    "A wide image cropped to a square",
                    "/wide.webp?w=400&h=400&fit=cover",
                ),
            ],
        )),
        "anon-proxy" => Some((
            "ALLOWED_HOSTS = [\"origin.demo\"]\nALLOWED_PORTS = [\"80\"]",
            vec![
                link(
                    "Fetch a page through the proxy",
                    "/?url=http%3A%2F%2Forigin.demo%2Fmarkdown%2Findex.md",
                ),
                link("A host it refuses", "/?url=http%3A%2F%2Fexample.com%2F"),
            ],
        )),
        "geo-router" => Some((
            "ROUTES = '{\"DE\": \"http://origin.demo/markdown\", \"default\": \"http://origin.demo/images\"}'\n\
             MODE = \"proxy\"\nPLATFORM = \"generic\"\nALLOW_OVERRIDE = true\nDEBUG_HEADER = true",
            vec![
                link(
                    "A visitor from Germany gets the Markdown origin",
                    "/index.md?geo_country=DE",
                ),
                link(
                    "A visitor from Brazil gets the image origin",
                    "/small.png?geo_country=BR",
                ),
            ],
        )),
        // Anonymous uploads: the console's try-it form cannot hold a
        // secret token, and the gallery listens on loopback. Files are kept
        // small: they land in a temporary directory.
        "s3-uploader" => Some((
            "S3_ENDPOINT = \"http://s3.demo\"\nS3_BUCKET = \"uploads\"\nS3_PATH_STYLE = true\n\
             S3_ACCESS_KEY_ID = \"${S3_DEMO_ACCESS_KEY_ID}\"\n\
             S3_SECRET_ACCESS_KEY = \"${S3_DEMO_SECRET_ACCESS_KEY}\"\n\
             ALLOW_ANONYMOUS = true\nMAX_UPLOAD_BYTES = 10485760",
            Vec::new(),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_values_are_toml_and_links_are_paths() {
        for name in [
            "markdown",
            "image-resize",
            "anon-proxy",
            "geo-router",
            "s3-uploader",
        ] {
            let (values, links) = for_template(name).unwrap();
            assert!(values.parse::<toml::Table>().is_ok(), "{name}: {values}");
            assert!(links.iter().all(|l| l.path.starts_with('/')), "{name}");
        }
        assert!(for_template("unknown").is_none());
    }

    #[test]
    fn the_uploader_points_at_the_embedded_s3_server() {
        use crate::gallery::{S3_BUCKET, S3_HOST};
        let values: toml::Table = for_template("s3-uploader").unwrap().0.parse().unwrap();
        assert_eq!(
            values["S3_ENDPOINT"].as_str(),
            Some(&*format!("http://{S3_HOST}"))
        );
        assert_eq!(values["S3_BUCKET"].as_str(), Some(S3_BUCKET));
        assert_eq!(values["S3_PATH_STYLE"].as_bool(), Some(true));
    }
}
