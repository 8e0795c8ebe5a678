//! [`Plan`]: where the output's pixels come from — the part of the
//! (upright) source kept, the size it is resized to, and the canvas it is
//! placed on — for each `fit`.

use crate::params::{Fit, Transform};

/// A rectangle of the source, in (fractional) source pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Region {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// How one request turns the source into the output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// The part of the source that is kept.
    pub region: Region,
    /// The size `region` is resized to.
    pub size: (u32, u32),
    /// The output's size (larger than `size` only for `pad`).
    pub canvas: (u32, u32),
    /// Where the resized image sits on the canvas.
    pub offset: (u32, u32),
}

impl Plan {
    /// How many source pixels go into one output pixel, per axis (above 1
    /// when shrinking): how far the decoder may shrink without losing detail.
    pub fn reduction(&self) -> (f64, f64) {
        (
            self.region.width / f64::from(self.size.0),
            self.region.height / f64::from(self.size.1),
        )
    }
}

fn px(v: f64) -> u32 {
    (v.round() as u32).max(1)
}

/// Plans `t` for an upright source of `source` pixels, the output kept
/// within `max` (width, height).
pub fn plan(source: (u32, u32), t: &Transform, max: (u32, u32)) -> Plan {
    let (sw, sh) = (f64::from(source.0), f64::from(source.1));
    let full = Region {
        x: 0.0,
        y: 0.0,
        width: sw,
        height: sh,
    };
    let scaled = |s: f64| {
        // Never past the largest output, whatever enlarging asked for.
        let s = s.min(f64::from(max.0) / sw).min(f64::from(max.1) / sh);
        (px(sw * s), px(sh * s))
    };
    let simple = |size: (u32, u32)| Plan {
        region: full,
        size,
        canvas: size,
        offset: (0, 0),
    };
    let enlarges = !matches!(t.fit, Fit::ScaleDown | Fit::Crop);
    let (bw, bh) = match (t.width, t.height) {
        (None, None) => return simple(scaled(1.0)),
        (Some(w), None) => {
            let s = f64::from(w) / sw;
            return simple(scaled(if enlarges { s } else { s.min(1.0) }));
        }
        (None, Some(h)) => {
            let s = f64::from(h) / sh;
            return simple(scaled(if enlarges { s } else { s.min(1.0) }));
        }
        (Some(w), Some(h)) => (f64::from(w), f64::from(h)),
    };
    let inside = (bw / sw).min(bh / sh);
    let outside = (bw / sw).max(bh / sh);
    match t.fit {
        Fit::ScaleDown => simple(scaled(inside.min(1.0))),
        Fit::Contain => simple(scaled(inside)),
        Fit::Fill => simple((px(bw), px(bh))),
        Fit::Pad => {
            let size = scaled(inside);
            let canvas = (px(bw), px(bh));
            let free = (
                canvas.0.saturating_sub(size.0),
                canvas.1.saturating_sub(size.1),
            );
            let offset = (
                (f64::from(free.0) * t.gravity.x).round() as u32,
                (f64::from(free.1) * t.gravity.y).round() as u32,
            );
            Plan {
                region: full,
                size,
                canvas,
                offset,
            }
        }
        Fit::Cover | Fit::Crop => {
            let s = if t.fit == Fit::Crop {
                outside.min(1.0)
            } else {
                outside
            };
            let size = (px(bw.min(sw * s)), px(bh.min(sh * s)));
            let (cw, ch) = (
                (f64::from(size.0) / s).min(sw),
                (f64::from(size.1) / s).min(sh),
            );
            let region = Region {
                x: (sw - cw) * t.gravity.x,
                y: (sh - ch) * t.gravity.y,
                width: cw,
                height: ch,
            };
            Plan {
                region,
                size,
                canvas: size,
                offset: (0, 0),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::negotiate::FormatChoice;
    use crate::params::Gravity;

    fn t(w: Option<u32>, h: Option<u32>, fit: Fit) -> Transform {
        Transform {
            width: w,
            height: h,
            fit,
            gravity: Gravity::CENTER,
            background: None,
            format: FormatChoice::Auto,
            quality: 80,
        }
    }

    const MAX: (u32, u32) = (4096, 4096);

    #[test]
    fn one_side_keeps_the_aspect_ratio() {
        let p = plan((4000, 3000), &t(Some(800), None, Fit::ScaleDown), MAX);
        assert_eq!(p.size, (800, 600));
        assert_eq!(
            plan((4000, 3000), &t(None, Some(300), Fit::Contain), MAX).size,
            (400, 300)
        );
        assert_eq!(p.reduction(), (5.0, 5.0));
    }

    #[test]
    fn scale_down_never_enlarges_and_contain_does() {
        let small = (400, 300);
        assert_eq!(
            plan(small, &t(Some(800), None, Fit::ScaleDown), MAX).size,
            (400, 300)
        );
        assert_eq!(
            plan(small, &t(Some(800), Some(800), Fit::ScaleDown), MAX).size,
            (400, 300)
        );
        assert_eq!(
            plan(small, &t(Some(800), Some(800), Fit::Contain), MAX).size,
            (800, 600)
        );
        assert_eq!(
            plan((4000, 3000), &t(Some(800), Some(800), Fit::ScaleDown), MAX).size,
            (800, 600)
        );
    }

    #[test]
    fn no_size_keeps_the_source_within_the_limits() {
        assert_eq!(
            plan((640, 480), &t(None, None, Fit::ScaleDown), MAX).size,
            (640, 480)
        );
        assert_eq!(
            plan((8000, 2000), &t(None, None, Fit::ScaleDown), MAX).size,
            (4096, 1024)
        );
        assert_eq!(
            plan((100, 100), &t(Some(5000), None, Fit::Contain), (4096, 4096)).size,
            (4096, 4096)
        );
    }

    #[test]
    fn cover_crops_at_the_gravity() {
        let mut cover = t(Some(300), Some(300), Fit::Cover);
        let p = plan((4000, 3000), &cover, MAX);
        assert_eq!(p.size, (300, 300));
        assert_eq!(
            p.region,
            Region {
                x: 500.0,
                y: 0.0,
                width: 3000.0,
                height: 3000.0
            }
        );
        cover.gravity = Gravity { x: 1.0, y: 0.5 };
        assert_eq!(plan((4000, 3000), &cover, MAX).region.x, 1000.0);
        cover.gravity = Gravity { x: 0.0, y: 0.5 };
        assert_eq!(plan((4000, 3000), &cover, MAX).region.x, 0.0);
        // Cover enlarges a small source; crop does not.
        assert_eq!(
            plan((100, 50), &t(Some(300), Some(300), Fit::Cover), MAX).size,
            (300, 300)
        );
        let crop = plan((100, 50), &t(Some(300), Some(300), Fit::Crop), MAX);
        assert_eq!((crop.size, crop.region.width), ((100, 50), 100.0));
        let crop = plan((400, 100), &t(Some(200), Some(200), Fit::Crop), MAX);
        assert_eq!(crop.size, (200, 100));
        assert_eq!(
            crop.region,
            Region {
                x: 100.0,
                y: 0.0,
                width: 200.0,
                height: 100.0
            }
        );
    }

    #[test]
    fn pad_centres_on_a_canvas_and_fill_stretches() {
        let p = plan((4000, 3000), &t(Some(400), Some(400), Fit::Pad), MAX);
        assert_eq!(
            (p.size, p.canvas, p.offset),
            ((400, 300), (400, 400), (0, 50))
        );
        let f = plan((4000, 3000), &t(Some(400), Some(400), Fit::Fill), MAX);
        assert_eq!((f.size, f.canvas), ((400, 400), (400, 400)));
    }
}
