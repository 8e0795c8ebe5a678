//! The "try it" forms the console shows for the components edgekit ships,
//! beside their links: what each form offers, as the console's script
//! receives it (`"tryForm"` in the template list).

use super::images::{FORMATS, SIZES};
use serde::Serialize;

/// A small form that exercises a running template.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum TryForm {
    /// A file input: the file is sent to the template (`POST /`, as
    /// `multipart/form-data` in a field named `file`) and its answer shown.
    Upload,
    /// A source image, a width and an output format: the result is shown
    /// with its real size.
    Image {
        /// Source paths under the template, on the demo origin.
        images: Vec<String>,
        widths: Vec<u32>,
        /// `format=` values.
        formats: Vec<&'static str>,
    },
    /// A page to open.
    Page {
        /// Paths under the template, on the demo origin.
        pages: Vec<&'static str>,
    },
}

/// The form for a template named `name`, if it has one.
pub(crate) fn for_template(name: &str) -> Option<TryForm> {
    match name {
        "s3-uploader" => Some(TryForm::Upload),
        "image-resize" => Some(TryForm::Image {
            images: images(),
            // Up to the photo's 1600 px: the default `fit` never enlarges,
            // so a wider request gets the source's own width.
            widths: vec![100, 200, 320, 480, 640, 800, 1200, 1600],
            formats: vec!["auto", "jpeg", "png", "webp"],
        }),
        "markdown" => Some(TryForm::Page {
            pages: super::demo_origin::PAGES
                .iter()
                .map(|(name, _)| *name)
                .collect(),
        }),
        _ => None,
    }
}

/// Every sample image, the photos first: the console picks the first one,
/// and a photo is wide enough for every width offered.
fn images() -> Vec<String> {
    let mut images: Vec<String> = SIZES
        .iter()
        .flat_map(|(size, _, _)| {
            FORMATS
                .iter()
                .map(move |(extension, _)| format!("/{size}.{extension}"))
        })
        .collect();
    images.sort_by_key(|path| !path.starts_with("/photo."));
    images
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_offer_what_the_demo_origin_serves() {
        let Some(TryForm::Image { images, widths, .. }) = for_template("image-resize") else {
            panic!("image-resize has an image form");
        };
        assert_eq!(images[0], "/photo.jpg", "{images:?}");
        assert_eq!(images.len(), SIZES.len() * FORMATS.len());
        assert!(widths.windows(2).all(|w| w[0] < w[1]));
        let Some(TryForm::Page { pages }) = for_template("markdown") else {
            panic!("markdown has a page form");
        };
        assert_eq!(pages, ["index.md", "guide.md", "tables.md"]);
        assert_eq!(for_template("s3-uploader"), Some(TryForm::Upload));
        assert_eq!(for_template("anon-proxy"), None);
    }

    #[test]
    fn the_console_reads_the_kind_from_a_tag() {
        let json = serde_json::to_value(TryForm::Upload).unwrap();
        assert_eq!(json, serde_json::json!({ "kind": "upload" }));
    }
}
