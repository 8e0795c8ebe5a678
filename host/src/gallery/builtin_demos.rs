//! Demo values for the components edgekit ships, used when their
//! `template.toml` has no `[demo]` table: they point at the gallery's demo
//! origin.

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
        _ => None,
    }
}
