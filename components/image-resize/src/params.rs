//! [`Transform`]: what a request asks for (`w`, `h`, `fit`, `gravity`,
//! `bg`, `format`, `q`, `dpr`, `preset`), checked against the settings.
//! Every refusal is a `400` that names the parameter.

use edgekit::{Error, StatusCode};

use crate::color;
use crate::negotiate::FormatChoice;
use crate::settings::Settings;

/// How the image is fitted into `w` x `h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Fit inside the box, never enlarging (the default).
    ScaleDown,
    /// Fit inside the box, enlarging if needed.
    Contain,
    /// Fill the box, cropping what overflows (at `gravity`).
    Cover,
    /// Like `cover`, but never enlarging: smaller images are only shrunk.
    Crop,
    /// Fit inside the box and fill the rest with `bg`.
    Pad,
    /// Stretch to exactly the box, ignoring the aspect ratio.
    Fill,
}

impl Fit {
    fn parse(text: &str) -> Option<Fit> {
        Some(match text {
            "scale-down" => Fit::ScaleDown,
            "contain" => Fit::Contain,
            "cover" => Fit::Cover,
            "crop" => Fit::Crop,
            "pad" => Fit::Pad,
            "fill" => Fit::Fill,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Fit::ScaleDown => "scale-down",
            Fit::Contain => "contain",
            Fit::Cover => "cover",
            Fit::Crop => "crop",
            Fit::Pad => "pad",
            Fit::Fill => "fill",
        }
    }
}

/// Which part of the image `cover`, `crop` and `pad` keep in view, as
/// fractions of the free space left of and above it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gravity {
    /// 0 keeps the left edge, 1 the right, 0.5 the centre.
    pub x: f64,
    /// 0 keeps the top edge, 1 the bottom, 0.5 the centre.
    pub y: f64,
}

impl Gravity {
    /// The centre.
    pub const CENTER: Gravity = Gravity { x: 0.5, y: 0.5 };

    fn parse(text: &str) -> Option<Gravity> {
        let (x, y) = match text {
            "center" | "centre" | "c" => (0.5, 0.5),
            "n" | "north" | "top" => (0.5, 0.0),
            "s" | "south" | "bottom" => (0.5, 1.0),
            "e" | "east" | "right" => (1.0, 0.5),
            "w" | "west" | "left" => (0.0, 0.5),
            "ne" => (1.0, 0.0),
            "nw" => (0.0, 0.0),
            "se" => (1.0, 1.0),
            "sw" => (0.0, 1.0),
            _ => return None,
        };
        Some(Gravity { x, y })
    }
}

/// A checked request: the box in output pixels (`dpr` applied), and how to
/// fill and encode it.
#[derive(Debug, Clone, PartialEq)]
pub struct Transform {
    /// Output width in pixels (`w` x `dpr`), when given.
    pub width: Option<u32>,
    /// Output height in pixels (`h` x `dpr`), when given.
    pub height: Option<u32>,
    /// How to fit the box.
    pub fit: Fit,
    /// Where to crop or place.
    pub gravity: Gravity,
    /// Padding and flattening colour (RGBA); `None` is white.
    pub background: Option<[u8; 4]>,
    /// The output format asked for.
    pub format: FormatChoice,
    /// JPEG quality, 1–100.
    pub quality: u8,
}

impl Transform {
    /// The background to pad and flatten with.
    pub fn background(&self) -> [u8; 4] {
        self.background.unwrap_or([255; 4])
    }

    /// A canonical text of everything that shapes the output, for cache keys.
    pub fn cache_key(&self) -> String {
        let bg = self.background();
        format!(
            "w={:?};h={:?};fit={};g={},{};bg={:02x}{:02x}{:02x}{:02x};f={};q={}",
            self.width,
            self.height,
            self.fit.name(),
            self.gravity.x,
            self.gravity.y,
            bg[0],
            bg[1],
            bg[2],
            bg[3],
            self.format.name(),
            self.quality,
        )
    }
}

/// The parameters the component reads from the query.
pub const NAMES: &[&str] = &[
    "w", "h", "fit", "gravity", "bg", "format", "q", "dpr", "preset",
];

fn bad(message: String) -> Error {
    Error::new(StatusCode::BAD_REQUEST, message)
}

/// Checks the query's `(name, value)` pairs (other names are ignored, as
/// cache-busting suffixes often are) into a [`Transform`].
pub fn parse(query: &[(String, String)], settings: &Settings) -> Result<Transform, Error> {
    let mut given: Vec<(&str, &str)> = Vec::new();
    for (name, value) in query {
        if !NAMES.contains(&name.as_str()) {
            if settings.only_presets {
                return Err(bad(format!(
                    "{name}: only presets are allowed here (use preset=<name>)"
                )));
            }
            continue;
        }
        if given.iter().any(|(n, _)| n == name) {
            return Err(bad(format!("{name}: given more than once")));
        }
        given.push((name, value));
    }
    let preset = given.iter().find(|(n, _)| *n == "preset").map(|(_, v)| *v);
    if settings.only_presets {
        if let Some((name, _)) = given.iter().find(|(n, _)| *n != "preset") {
            return Err(bad(format!(
                "{name}: only presets are allowed here (use preset=<name>)"
            )));
        }
        if preset.is_none() {
            return Err(bad(
                "preset: required (sizes are limited to the presets)".into()
            ));
        }
    }
    // A preset's values come first; the query's own values override them.
    let mut values: Vec<(&str, &str)> = Vec::new();
    if let Some(name) = preset {
        let Some(preset) = settings.presets.get(name) else {
            return Err(bad(format!("preset: no preset named {name:?}")));
        };
        values.extend(preset.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    }
    values.extend(given.iter().filter(|(n, _)| *n != "preset"));
    build(&values, settings)
}

fn build(values: &[(&str, &str)], settings: &Settings) -> Result<Transform, Error> {
    let value = |name: &str| {
        values
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    };
    let side = |name: &str, max: u32| -> Result<Option<u32>, Error> {
        value(name)
            .map(|text| match text.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(bad(format!(
                    "{name}: must be a whole number from 1 to {max}"
                ))),
            })
            .transpose()
    };
    let width = side("w", settings.max_width)?;
    let height = side("h", settings.max_height)?;
    let dpr = match value("dpr") {
        None => 1.0,
        Some(text) => match text.parse::<f64>() {
            Ok(d) if (1.0..=4.0).contains(&d) => d,
            _ => return Err(bad("dpr: must be a number from 1 to 4".into())),
        },
    };
    let fit = match value("fit") {
        None => Fit::ScaleDown,
        Some(text) => Fit::parse(text).ok_or_else(|| {
            bad("fit: must be one of scale-down, contain, cover, crop, pad, fill".into())
        })?,
    };
    let gravity = match value("gravity") {
        None => Gravity::CENTER,
        Some(text) => Gravity::parse(text).ok_or_else(|| {
            bad("gravity: must be one of center, n, s, e, w, ne, nw, se, sw".into())
        })?,
    };
    let background = value("bg")
        .map(|text| {
            color::parse_hex(text).ok_or_else(|| {
                bad("bg: must be a hex colour such as fff, ff8800 or ff880080".into())
            })
        })
        .transpose()?;
    let format = match value("format") {
        None => settings.default_format,
        Some(text) => FormatChoice::parse(text)
            .ok_or_else(|| bad("format: must be one of auto, jpeg, png, webp".into()))?,
    };
    let quality = match value("q") {
        None => settings.quality,
        Some(text) => match text.parse::<u8>() {
            Ok(q) if (1..=100).contains(&q) => q,
            _ => return Err(bad("q: must be a whole number from 1 to 100".into())),
        },
    };
    // `dpr` multiplies the box; the result is capped at the largest size
    // allowed rather than refused, as a 3x screen asking for a wide image
    // should still get the widest one there is.
    let scaled =
        |n: Option<u32>, max: u32| n.map(|n| ((f64::from(n) * dpr).round() as u32).min(max));
    let mut width = scaled(width, settings.max_width);
    let height = scaled(height, settings.max_height);
    if let Some(w) = width {
        width = Some(settings.allowed_width(w)?);
    }
    // A height alone sets the width from the image's proportions: any
    // width at all, which ALLOWED_WIDTHS exists to prevent.
    if !settings.allowed_widths.is_empty() && width.is_none() && height.is_some() {
        return Err(bad(
            "h: needs w when only some widths are allowed (ALLOWED_WIDTHS)".into(),
        ));
    }
    Ok(Transform {
        width,
        height,
        fit,
        gravity,
        background,
        format,
        quality,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(text: &str) -> Vec<(String, String)> {
        text.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (n, v) = p.split_once('=').unwrap_or((p, ""));
                (n.to_string(), v.to_string())
            })
            .collect()
    }

    fn settings(vars: &[(&str, &str)]) -> Settings {
        let mut all = vec![("ORIGIN", "http://origin.test")];
        all.extend_from_slice(vars);
        Settings::from_vars(&all).unwrap()
    }

    fn refusal(text: &str, s: &Settings) -> String {
        let e = parse(&query(text), s).unwrap_err();
        assert_eq!(e.status(), 400, "{text}");
        e.message().to_string()
    }

    #[test]
    fn defaults_and_values() {
        let s = settings(&[]);
        let t = parse(&query(""), &s).unwrap();
        assert_eq!(
            (t.width, t.height, t.fit, t.quality),
            (None, None, Fit::ScaleDown, 80)
        );
        assert_eq!(t.format, FormatChoice::Auto);
        let t = parse(
            &query("w=300&h=200&fit=cover&gravity=ne&bg=000&format=png&q=55&dpr=2"),
            &s,
        )
        .unwrap();
        assert_eq!((t.width, t.height), (Some(600), Some(400)));
        assert_eq!(t.fit, Fit::Cover);
        assert_eq!(t.gravity, Gravity { x: 1.0, y: 0.0 });
        assert_eq!(t.background, Some([0, 0, 0, 255]));
        assert_eq!((t.format, t.quality), (FormatChoice::Png, 55));
    }

    #[test]
    fn bad_values_name_their_parameter() {
        let s = settings(&[]);
        for (text, name) in [
            ("w=-1", "w:"),
            ("w=abc", "w:"),
            ("w=0", "w:"),
            ("w=4097", "w:"),
            ("h=1.5", "h:"),
            ("q=500", "q:"),
            ("q=0", "q:"),
            ("fit=squash", "fit:"),
            ("gravity=up", "gravity:"),
            ("bg=purple", "bg:"),
            ("format=avif", "format:"),
            ("dpr=5", "dpr:"),
            ("dpr=x", "dpr:"),
            ("w=1&w=2", "w:"),
            ("preset=nope", "preset:"),
        ] {
            assert!(
                refusal(text, &s).starts_with(name),
                "{text}: {}",
                refusal(text, &s)
            );
        }
    }

    #[test]
    fn dpr_scaled_sizes_are_capped() {
        let s = settings(&[("MAX_WIDTH", "1000")]);
        assert_eq!(parse(&query("w=800&dpr=2"), &s).unwrap().width, Some(1000));
        assert_eq!(parse(&query("w=333&dpr=1.5"), &s).unwrap().width, Some(500));
    }

    #[test]
    fn presets_fill_in_and_can_be_enforced() {
        let presets =
            r#"{"thumb": {"w": 150, "h": 150, "fit": "cover"}, "hero": {"w": "1200", "q": 70}}"#;
        let s = settings(&[("PRESETS", presets)]);
        let t = parse(&query("preset=thumb&format=webp"), &s).unwrap();
        assert_eq!(
            (t.width, t.height, t.fit),
            (Some(150), Some(150), Fit::Cover)
        );
        assert_eq!(t.format, FormatChoice::Webp);
        assert_eq!(parse(&query("preset=hero&q=90"), &s).unwrap().quality, 90);
        assert_eq!(parse(&query("preset=hero&cb=1"), &s).unwrap().quality, 70);

        let strict = settings(&[("PRESETS", presets), ("ONLY_PRESETS", "true")]);
        assert_eq!(
            parse(&query("preset=thumb"), &strict).unwrap().width,
            Some(150)
        );
        assert!(refusal("w=100", &strict).starts_with("w:"));
        assert!(refusal("preset=thumb&w=100", &strict).starts_with("w:"));
        assert!(refusal("preset=thumb&cb=1", &strict).starts_with("cb:"));
        assert!(refusal("", &strict).starts_with("preset:"));
    }

    #[test]
    fn widths_snap_or_are_refused() {
        let snap = settings(&[("ALLOWED_WIDTHS", "320, 640, 1280")]);
        assert_eq!(parse(&query("w=100"), &snap).unwrap().width, Some(320));
        assert_eq!(parse(&query("w=641"), &snap).unwrap().width, Some(1280));
        assert_eq!(parse(&query("w=2000"), &snap).unwrap().width, Some(1280));
        assert_eq!(
            parse(&query("w=320&dpr=2"), &snap).unwrap().width,
            Some(640)
        );
        let refuse = settings(&[("ALLOWED_WIDTHS", "320,640"), ("SNAP_WIDTHS", "false")]);
        assert_eq!(parse(&query("w=640"), &refuse).unwrap().width, Some(640));
        assert!(refusal("w=500", &refuse).starts_with("w:"));
        // A height alone would pick any width from the image's proportions.
        assert!(refusal("h=500", &refuse).starts_with("h:"));
        assert!(refusal("h=500", &snap).starts_with("h:"));
        assert_eq!(
            parse(&query("w=320&h=500"), &refuse).unwrap().height,
            Some(500)
        );
    }
}
