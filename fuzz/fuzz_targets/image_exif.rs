//! image-resize: EXIF orientation, read from a raw EXIF block and from a
//! JPEG's APP1, and applied to pixels.
#![no_main]

use image_resize::decode::jpeg_header::JpegHeader;
use image_resize::orientation::{apply, from_exif, swaps_axes};
use image_resize::pixels::Pixels;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&shape, exif)) = data.split_first() else {
        return;
    };
    if let Some(o) = JpegHeader::parse(exif).and_then(|h| h.orientation) {
        assert!((1..=8).contains(&o));
    }
    let orientation = from_exif(exif);
    let Some(orientation) = orientation else {
        return;
    };
    assert!((1..=8).contains(&orientation));
    let (w, h, alpha) = (
        u32::from(shape % 7 + 1),
        u32::from(shape / 32 + 1),
        shape & 8 != 0,
    );
    let channels = if alpha { 4 } else { 3 };
    let data: Vec<u8> = (0..w * h * channels).map(|i| i as u8).collect();
    let image = Pixels {
        width: w,
        height: h,
        alpha,
        data,
    };
    let upright = apply(image.clone(), orientation);
    let expected = if swaps_axes(orientation) {
        (h, w)
    } else {
        (w, h)
    };
    assert_eq!((upright.width, upright.height), expected);
    assert_eq!(upright.data.len(), image.data.len());
    // The same pixels, moved: as a multiset of pixels, nothing changes.
    let mut a: Vec<&[u8]> = image.data.chunks(channels as usize).collect();
    let mut b: Vec<&[u8]> = upright.data.chunks(channels as usize).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
});
