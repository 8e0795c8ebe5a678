//! `components/image-resize` end to end: the real `.wasm` under
//! `edgekit-host`, images served by loopback origins (or uploaded), every
//! output decoded and checked. Test images are generated here (the one
//! lossy WebP is vendored: see `components/image-resize/tests/data/`).

use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use edgekit_host::{Exchange, Host};
use edgekit_tests::image_resize::{CHUNK, StreamingOrigin};
use edgekit_tests::portable::{Other, Server, assert_same, get as portable_get};
use edgekit_tests::{Backend, IMAGE_RESIZE, Received};
use http_body_util::{Full, StreamBody};
use image::{DynamicImage, GenericImageView, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

// ---------------------------------------------------------------- images

/// A smooth photo-like image: gradients with a ripple, so JPEG has work.
fn photo(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let ripple = (((x as f32 / 7.0).sin() + (y as f32 / 5.0).cos()) * 20.0) as i32;
        let r = (x * 255 / width.max(1)) as i32 + ripple;
        let g = (y * 255 / height.max(1)) as i32 - ripple;
        Rgb([r.clamp(0, 255) as u8, g.clamp(0, 255) as u8, 120])
    })
}

/// Left half red, right half blue.
fn halves(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            Rgb([230, 20, 20])
        } else {
            Rgb([20, 20, 230])
        }
    })
}

fn encode(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .unwrap();
    out
}

fn png(image: DynamicImage) -> Vec<u8> {
    encode(image, ImageFormat::Png)
}

/// A JPEG with EXIF (orientation and a GPS position) and XMP inserted
/// after SOI, as cameras and phones write them.
fn with_metadata(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
    // IFD0: Orientation, GPS IFD pointer; then the GPS IFD at offset 38.
    tiff.extend([0, 2]);
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend(orientation.to_be_bytes());
    tiff.extend([0, 0]);
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend([0, 0, 0, 0]);
    tiff.extend([0, 1]);
    tiff.extend([0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend([0, 0, 0, 0]);
    tiff.extend(b"GPS secret position");
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(tiff);
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>secret</x:xmpmeta>".to_vec();
    let mut out = jpeg[..2].to_vec();
    for segment in [exif, xmp] {
        out.extend([0xFF, 0xE1]);
        out.extend(((segment.len() + 2) as u16).to_be_bytes());
        out.extend(segment);
    }
    out.extend(&jpeg[2..]);
    out
}

/// The marker bytes of a JPEG's segments before its first scan.
fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut at = 2;
    while at + 4 <= bytes.len() && bytes[at] == 0xFF {
        let marker = bytes[at + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        at += 2 + usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
    }
    markers
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// CRC-32 as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A 60-byte PNG that declares `width` x `height` (a decompression bomb's
/// header): signature, IHDR and IEND only.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], {
            let mut d = width.to_be_bytes().to_vec();
            d.extend(height.to_be_bytes());
            d.extend([8, 6, 0, 0, 0]);
            d
        }),
        (&b"IEND"[..], Vec::new()),
    ] {
        out.extend((data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend(&data);
        out.extend(&chunk);
        out.extend(crc32(&chunk).to_be_bytes());
    }
    out
}

// ---------------------------------------------------------------- origin

/// A loopback origin serving fixed files by path.
struct Origin {
    backend: Backend,
}

#[derive(Clone)]
struct File {
    path: &'static str,
    content_type: &'static str,
    body: Bytes,
    etag: Option<&'static str>,
}

fn file(path: &'static str, content_type: &'static str, body: Vec<u8>) -> File {
    File {
        path,
        content_type,
        body: body.into(),
        etag: None,
    }
}

impl Origin {
    async fn start(files: Vec<File>) -> Origin {
        let files = Arc::new(files);
        let backend = Backend::start(move |received: Received| {
            let files = files.clone();
            async move {
                let path = received.uri.path().to_string();
                match files.iter().find(|f| f.path == path) {
                    Some(f) => {
                        let mut response = http::Response::builder()
                            .header("content-type", f.content_type)
                            .header("cache-control", "public, max-age=60");
                        if let Some(etag) = f.etag {
                            response = response.header("etag", etag);
                        }
                        response.body(f.body.clone()).unwrap()
                    }
                    None if path == "/fail" => http::Response::builder()
                        .status(500)
                        .body(Bytes::from_static(b"boom"))
                        .unwrap(),
                    None => http::Response::builder()
                        .status(404)
                        .body(Bytes::from_static(b"not here"))
                        .unwrap(),
                }
            }
        })
        .await;
        Origin { backend }
    }

    fn url(&self) -> String {
        format!("http://{}", self.backend.addr)
    }

    fn requests(&self) -> usize {
        self.backend.received().len()
    }
}

async fn host(origin: &str, env: &[(&str, &str)]) -> Host {
    let mut builder = Host::builder(IMAGE_RESIZE).env("ORIGIN", origin);
    for (key, value) in env {
        builder = builder.env(*key, *value);
    }
    builder.build().await.unwrap()
}

async fn get(host: &Host, uri: &str) -> Exchange {
    get_with(host, uri, &[]).await
}

async fn get_with(host: &Host, uri: &str, headers: &[(&str, &str)]) -> Exchange {
    let mut request = http::Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let ex = host
        .send(request.body(Full::new(Bytes::new())).unwrap())
        .await
        .unwrap();
    assert!(
        ex.stats.failure.is_none(),
        "{uri}: {:?}\n{}",
        ex.stats.failure,
        ex.stats.stderr
    );
    ex
}

async fn upload(host: &Host, uri: &str, body: Vec<u8>) -> Exchange {
    let request = http::Request::post(uri)
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    host.send(request).await.unwrap()
}

fn decoded(ex: &Exchange) -> DynamicImage {
    assert_eq!(
        ex.response.status(),
        200,
        "{}",
        String::from_utf8_lossy(ex.response.body())
    );
    image::load_from_memory(ex.response.body()).unwrap()
}

fn format_of(ex: &Exchange) -> ImageFormat {
    image::guess_format(ex.response.body()).unwrap()
}

fn header<'a>(ex: &'a Exchange, name: &str) -> &'a str {
    ex.response
        .headers()
        .get(name)
        .map_or("", |v| v.to_str().unwrap())
}

fn body_text(ex: &Exchange) -> String {
    String::from_utf8_lossy(ex.response.body()).into_owned()
}

/// Asserts a refusal: status, a message naming `names`, and nothing fetched.
fn assert_refused(ex: &Exchange, status: u16, names: &str, origin: &Origin, fetched: usize) {
    assert_eq!(ex.response.status(), status, "{}", body_text(ex));
    assert!(
        body_text(ex).contains(names),
        "{:?} does not say {names:?}",
        body_text(ex)
    );
    assert_eq!(origin.requests(), fetched, "the origin was asked");
}

fn close(a: Rgba<u8>, b: [u8; 3], tolerance: i32) -> bool {
    (0..3).all(|i| (i32::from(a[i]) - i32::from(b[i])).abs() <= tolerance)
}

// ---------------------------------------------------------------- behaviour

#[tokio::test]
async fn a_photo_is_resized_to_the_width_asked() {
    let origin = Origin::start(vec![file(
        "/p.jpg",
        "image/jpeg",
        jpeg(&photo(1200, 900), 90),
    )])
    .await;
    let host = host(&origin.url(), &[("CACHE_TTL", "3600")]).await;
    let ex = get(&host, "/p.jpg?w=300").await;
    let image = decoded(&ex);
    assert_eq!(image.dimensions(), (300, 225));
    assert_eq!(format_of(&ex), ImageFormat::Jpeg);
    assert_eq!(header(&ex, "content-type"), "image/jpeg");
    assert_eq!(header(&ex, "cache-control"), "public, max-age=3600");
    assert_eq!(header(&ex, "vary"), "Accept");
    assert!(header(&ex, "etag").starts_with('"'), "a strong ETag");
    // Only the path goes to the origin, never the query.
    assert_eq!(origin.backend.received()[0].uri, "/p.jpg");
    // Only h keeps the aspect ratio too; dpr multiplies.
    assert_eq!(
        decoded(&get(&host, "/p.jpg?h=90").await).dimensions(),
        (120, 90)
    );
    assert_eq!(
        decoded(&get(&host, "/p.jpg?w=150&dpr=2").await).dimensions(),
        (300, 225)
    );
    // No size: format conversion only.
    assert_eq!(
        decoded(&get(&host, "/p.jpg?format=png").await).dimensions(),
        (1200, 900)
    );
}

#[tokio::test]
async fn every_fit_places_the_image_as_documented() {
    let origin = Origin::start(vec![
        file(
            "/halves.png",
            "image/png",
            png(DynamicImage::ImageRgb8(halves(400, 200))),
        ),
        file(
            "/small.png",
            "image/png",
            png(DynamicImage::ImageRgb8(halves(100, 50))),
        ),
    ])
    .await;
    let host = host(&origin.url(), &[]).await;
    let size = |uri: &'static str| {
        let host = host.clone();
        async move { decoded(&get(&host, uri).await).dimensions() }
    };
    assert_eq!(
        size("/small.png?w=400").await,
        (100, 50),
        "scale-down never enlarges"
    );
    assert_eq!(size("/small.png?w=400&h=400").await, (100, 50));
    assert_eq!(size("/small.png?w=400&h=400&fit=contain").await, (400, 200));
    assert_eq!(
        size("/halves.png?w=100&h=100&fit=scale-down").await,
        (100, 50)
    );
    assert_eq!(size("/halves.png?w=100&h=100&fit=fill").await, (100, 100));
    assert_eq!(
        size("/small.png?w=300&h=300&fit=crop").await,
        (100, 50),
        "crop never enlarges"
    );
    assert_eq!(size("/halves.png?w=150&h=150&fit=crop").await, (150, 150));

    // cover keeps the side the gravity names.
    let west = decoded(&get(&host, "/halves.png?w=100&h=100&fit=cover&gravity=w").await);
    assert_eq!(west.dimensions(), (100, 100));
    assert!(
        close(west.get_pixel(90, 50), [230, 20, 20], 12),
        "{:?}",
        west.get_pixel(90, 50)
    );
    let east = decoded(&get(&host, "/halves.png?w=100&h=100&fit=cover&gravity=e").await);
    assert!(
        close(east.get_pixel(10, 50), [20, 20, 230], 12),
        "{:?}",
        east.get_pixel(10, 50)
    );

    // pad fills the rest with bg.
    let padded = decoded(&get(&host, "/halves.png?w=200&h=200&fit=pad&bg=00ff00").await);
    assert_eq!(padded.dimensions(), (200, 200));
    assert!(
        close(padded.get_pixel(100, 10), [0, 255, 0], 0),
        "{:?}",
        padded.get_pixel(100, 10)
    );
    assert!(close(padded.get_pixel(20, 100), [230, 20, 20], 12));
    assert!(close(padded.get_pixel(180, 100), [20, 20, 230], 12));
    let top = decoded(&get(&host, "/halves.png?w=200&h=200&fit=pad&gravity=n").await);
    assert!(
        close(top.get_pixel(100, 190), [255, 255, 255], 0),
        "white by default, image at the top"
    );
}

#[tokio::test]
async fn every_input_format_decodes() {
    let gray = image::GrayImage::from_fn(320, 240, |x, _| image::Luma([(x * 255 / 320) as u8]));
    let mut gray_jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut gray_jpeg, 90)
        .encode_image(&gray)
        .unwrap();

    let mut progressive = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut progressive, 90);
    encoder.set_progressive(true);
    encoder
        .encode(
            photo(320, 240).as_raw(),
            320,
            240,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap();

    // Pure cyan in CMYK: no red, full green and blue.
    let cmyk_pixels: Vec<u8> = [255u8, 0, 0, 0].repeat(320 * 240);
    let mut cmyk = Vec::new();
    jpeg_encoder::Encoder::new(&mut cmyk, 95)
        .encode(&cmyk_pixels, 320, 240, jpeg_encoder::ColorType::Cmyk)
        .unwrap();

    let rgba16 = image::ImageBuffer::<Rgba<u16>, _>::from_fn(320, 240, |x, _| {
        Rgba([65535, 0, 0, if x < 160 { 65535 } else { 0 }])
    });

    // A palette PNG whose second colour is fully transparent.
    let mut palette = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut palette, 320, 240);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(vec![0, 0, 255, 0, 0, 0]);
        encoder.set_trns(vec![255, 0]);
        let mut writer = encoder.write_header().unwrap();
        let data: Vec<u8> = (0..320 * 240).map(|i| u8::from(i % 320 >= 160)).collect();
        writer.write_image_data(&data).unwrap();
    }

    // Two GIF frames: only the first (green) counts.
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        for colour in [[0, 255, 0, 255], [255, 0, 255, 255]] {
            let frame = image::Frame::new(RgbaImage::from_pixel(320, 240, Rgba(colour)));
            encoder.encode_frame(frame).unwrap();
        }
    }

    let origin = Origin::start(vec![
        file("/gray.jpg", "image/jpeg", gray_jpeg),
        file("/progressive.jpg", "image/jpeg", progressive),
        file("/cmyk.jpg", "image/jpeg", cmyk),
        file(
            "/rgba16.png",
            "image/png",
            png(DynamicImage::ImageRgba16(rgba16)),
        ),
        file("/palette.png", "image/png", palette),
        file("/anim.gif", "image/gif", gif),
        file(
            "/lossless.webp",
            "image/webp",
            encode(DynamicImage::ImageRgb8(photo(320, 240)), ImageFormat::WebP),
        ),
        file(
            "/lossy.webp",
            "image/webp",
            include_bytes!("../../components/image-resize/tests/data/gradient-lossy.webp").to_vec(),
        ),
        file(
            "/b.bmp",
            "image/bmp",
            encode(DynamicImage::ImageRgb8(halves(320, 240)), ImageFormat::Bmp),
        ),
    ])
    .await;
    let host = host(&origin.url(), &[]).await;

    for path in [
        "/gray.jpg",
        "/progressive.jpg",
        "/cmyk.jpg",
        "/lossless.webp",
        "/b.bmp",
    ] {
        let ex = get(&host, &format!("{path}?w=160&format=png")).await;
        assert_eq!(decoded(&ex).dimensions(), (160, 120), "{path}");
    }
    let cyan = decoded(&get(&host, "/cmyk.jpg?w=160&format=png").await);
    assert!(
        close(cyan.get_pixel(80, 60), [0, 255, 255], 12),
        "CMYK: {:?}",
        cyan.get_pixel(80, 60)
    );
    let gray = decoded(&get(&host, "/gray.jpg?w=160&format=png").await);
    let p = gray.get_pixel(120, 60);
    assert!(
        p[0] == p[1] && p[1] == p[2] && p[0] > 150,
        "gray stays gray: {p:?}"
    );

    // Alpha survives into PNG; 16 bits become 8.
    let ex = get(&host, "/rgba16.png?w=160&format=png").await;
    let rgba = decoded(&ex);
    assert_eq!(rgba.color(), image::ColorType::Rgba8);
    assert_eq!(rgba.get_pixel(20, 60), Rgba([255, 0, 0, 255]));
    assert_eq!(rgba.get_pixel(140, 60)[3], 0);
    let palette = decoded(&get(&host, "/palette.png?w=160&format=png").await);
    assert_eq!(palette.get_pixel(20, 60), Rgba([0, 0, 255, 255]));
    assert_eq!(palette.get_pixel(140, 60)[3], 0);

    let first = decoded(&get(&host, "/anim.gif?w=160&format=png").await);
    assert!(
        close(first.get_pixel(80, 60), [0, 255, 0], 2),
        "{:?}",
        first.get_pixel(80, 60)
    );

    let lossy = decoded(&get(&host, "/lossy.webp?w=32&format=png").await);
    assert_eq!(lossy.dimensions(), (32, 24));
    // Red rises left to right, green top to bottom.
    assert!(lossy.get_pixel(30, 12)[0] > lossy.get_pixel(2, 12)[0] + 150);
    assert!(lossy.get_pixel(16, 22)[1] > lossy.get_pixel(16, 2)[1] + 150);
}

#[tokio::test]
async fn orientation_is_applied_and_metadata_stripped() {
    // Stored 400x200, left red and right blue, EXIF orientation 6 (turn
    // 90° clockwise to view): upright it is 200x400, red on top.
    let source = with_metadata(&jpeg(&halves(400, 200), 92), 6);
    assert!(contains(&source, b"GPS secret"));
    let origin = Origin::start(vec![file("/o.jpg", "image/jpeg", source.clone())]).await;
    let host = host(&origin.url(), &[]).await;
    for format in ["jpeg", "png", "webp"] {
        let ex = get(&host, &format!("/o.jpg?w=100&format={format}")).await;
        let image = decoded(&ex);
        assert_eq!(image.dimensions(), (100, 200), "{format}");
        assert!(
            close(image.get_pixel(50, 20), [230, 20, 20], 20),
            "{format}: {:?}",
            image.get_pixel(50, 20)
        );
        assert!(
            close(image.get_pixel(50, 180), [20, 20, 230], 20),
            "{format}"
        );
        let body = ex.response.body();
        for secret in [&b"Exif"[..], b"GPS", b"secret", b"xmpmeta", b"ns.adobe.com"] {
            assert!(
                !contains(body, secret),
                "{format} output keeps {:?}",
                String::from_utf8_lossy(secret)
            );
        }
        if format == "jpeg" {
            let markers = jpeg_markers(body);
            assert!(
                !markers.contains(&0xE1) && !markers.contains(&0xE2),
                "APP1/APP2 in {markers:x?}"
            );
        }
    }
    // The upload path applies orientation too.
    let host = Host::builder(IMAGE_RESIZE)
        .env("ALLOW_UPLOAD", "true")
        .build()
        .await
        .unwrap();
    let image = decoded(&upload(&host, "/?w=50", source).await);
    assert_eq!(image.dimensions(), (50, 100));
}

#[tokio::test]
async fn auto_format_follows_accept_and_the_image() {
    let alpha = RgbaImage::from_fn(200, 100, |x, _| {
        Rgba([10, 100, 200, if x < 100 { 255 } else { 40 }])
    });
    let origin = Origin::start(vec![
        file("/p.jpg", "image/jpeg", jpeg(&photo(400, 300), 90)),
        file("/a.png", "image/png", png(DynamicImage::ImageRgba8(alpha))),
        file(
            "/flat.png",
            "image/png",
            png(DynamicImage::ImageRgb8(halves(200, 100))),
        ),
    ])
    .await;
    let host = host(&origin.url(), &[]).await;
    const WEBP: &[(&str, &str)] = &[("accept", "image/avif,image/webp,*/*;q=0.8")];
    const PLAIN: &[(&str, &str)] = &[("accept", "image/png,image/*;q=0.8")];
    let format = |uri: &'static str, headers: &'static [(&'static str, &'static str)]| {
        let host = host.clone();
        async move {
            let ex = get_with(&host, uri, headers).await;
            assert_eq!(ex.response.status(), 200);
            (
                format_of(&ex),
                header(&ex, "vary").to_string(),
                header(&ex, "content-type").to_string(),
            )
        }
    };
    assert_eq!(
        format("/p.jpg?w=100", WEBP).await.0,
        ImageFormat::Jpeg,
        "photos stay JPEG"
    );
    assert_eq!(
        format("/a.png?w=100", WEBP).await,
        (ImageFormat::WebP, "Accept".into(), "image/webp".into())
    );
    assert_eq!(format("/a.png?w=100", PLAIN).await.0, ImageFormat::Png);
    assert_eq!(
        format("/flat.png?w=100", WEBP).await.0,
        ImageFormat::WebP,
        "lossless stays lossless"
    );
    let (f, vary, _) = format("/p.jpg?w=100&format=webp", PLAIN).await;
    assert_eq!(
        (f, vary.as_str()),
        (ImageFormat::WebP, ""),
        "explicit formats do not vary"
    );
    // JPEG output of an image with alpha is flattened onto bg.
    let flat = decoded(&get(&host, "/a.png?w=200&format=jpeg&bg=000").await);
    assert!(
        close(flat.get_pixel(150, 50), [2, 16, 31], 4),
        "{:?}",
        flat.get_pixel(150, 50)
    );
    // The alpha image as WebP keeps its alpha.
    let ex = get_with(&host, "/a.png?w=200", WEBP).await;
    assert_eq!(decoded(&ex).get_pixel(150, 50)[3], 40);

    let small = get(&host, "/p.jpg?w=300&q=20").await.response.body().len();
    let large = get(&host, "/p.jpg?w=300&q=95").await.response.body().len();
    assert!(small * 2 < large, "q=20 gives {small} bytes, q=95 {large}");
    let default = Host::builder(IMAGE_RESIZE)
        .env("ORIGIN", origin.url())
        .env("DEFAULT_FORMAT", "png")
        .build()
        .await
        .unwrap();
    assert_eq!(
        format_of(&get(&default, "/p.jpg?w=100").await),
        ImageFormat::Png
    );
}

#[tokio::test]
async fn etags_answer_revalidation_with_304() {
    let mut tagged = file("/t.jpg", "image/jpeg", jpeg(&photo(300, 200), 90));
    tagged.etag = Some("\"source-v1\"");
    let origin = Origin::start(vec![
        tagged,
        file("/u.jpg", "image/jpeg", jpeg(&photo(300, 200), 80)),
    ])
    .await;
    let host = host(&origin.url(), &[]).await;
    for path in ["/t.jpg?w=100", "/u.jpg?w=100"] {
        let first = get(&host, path).await;
        assert_eq!(first.response.status(), 200);
        assert_eq!(
            header(&first, "cache-control"),
            "public, max-age=60",
            "the origin's, without CACHE_TTL"
        );
        let tag = header(&first, "etag").to_string();
        assert!(tag.starts_with('"') && !tag.starts_with("W/"));
        let again = get_with(&host, path, &[("if-none-match", &tag)]).await;
        assert_eq!(again.response.status(), 304, "{path}");
        assert!(again.response.body().is_empty());
        assert_eq!(header(&again, "etag"), tag);
        // Other parameters, another tag.
        let other = get(&host, &format!("{path}0")).await;
        assert_ne!(header(&other, "etag"), tag);
        let stale = get_with(&host, path, &[("if-none-match", "\"old\"")]).await;
        assert_eq!(stale.response.status(), 200);
    }
}

#[tokio::test]
async fn presets_and_allowed_widths_limit_what_is_served() {
    let origin = Origin::start(vec![file(
        "/p.jpg",
        "image/jpeg",
        jpeg(&photo(800, 600), 90),
    )])
    .await;
    let presets = r#"{"thumb": {"w": 120, "h": 120, "fit": "cover"}, "wide": {"w": 400}}"#;
    let strict = host(
        &origin.url(),
        &[("PRESETS", presets), ("ONLY_PRESETS", "true")],
    )
    .await;
    assert_eq!(
        decoded(&get(&strict, "/p.jpg?preset=thumb").await).dimensions(),
        (120, 120)
    );
    assert_eq!(
        decoded(&get(&strict, "/p.jpg?preset=wide").await).dimensions(),
        (400, 300)
    );
    let before = origin.requests();
    assert_refused(
        &get(&strict, "/p.jpg?w=300").await,
        400,
        "w:",
        &origin,
        before,
    );
    assert_refused(
        &get(&strict, "/p.jpg?preset=thumb&w=300").await,
        400,
        "w:",
        &origin,
        before,
    );
    assert_refused(
        &get(&strict, "/p.jpg?preset=thumb&v=2").await,
        400,
        "v:",
        &origin,
        before,
    );
    assert_refused(
        &get(&strict, "/p.jpg?preset=huge").await,
        400,
        "preset:",
        &origin,
        before,
    );

    let snap = host(&origin.url(), &[("ALLOWED_WIDTHS", "100,250,500")]).await;
    assert_eq!(
        decoded(&get(&snap, "/p.jpg?w=180").await).dimensions(),
        (250, 188)
    );
    let refuse = host(
        &origin.url(),
        &[("ALLOWED_WIDTHS", "100,250"), ("SNAP_WIDTHS", "false")],
    )
    .await;
    assert_eq!(
        decoded(&get(&refuse, "/p.jpg?w=250").await).dimensions(),
        (250, 188)
    );
    let before = origin.requests();
    assert_refused(
        &get(&refuse, "/p.jpg?w=180").await,
        400,
        "w: must be one of 100, 250",
        &origin,
        before,
    );
}

// ---------------------------------------------------------------- bad input

#[tokio::test]
async fn bad_parameters_are_400_naming_the_parameter_before_any_fetch() {
    let origin = Origin::start(vec![file(
        "/p.jpg",
        "image/jpeg",
        jpeg(&photo(100, 100), 90),
    )])
    .await;
    let host = host(&origin.url(), &[]).await;
    for (query, name) in [
        ("w=-1", "w:"),
        ("w=abc", "w:"),
        ("w=4097", "w:"),
        ("h=0", "h:"),
        ("q=500", "q:"),
        ("fit=stretchy", "fit:"),
        ("gravity=up", "gravity:"),
        ("bg=chartreuse", "bg:"),
        ("format=avif", "format:"),
        ("dpr=9", "dpr:"),
        ("w=10&w=20", "w:"),
    ] {
        let ex = get(&host, &format!("/p.jpg?{query}")).await;
        assert_refused(&ex, 400, name, &origin, 0);
    }
    let narrow = Host::builder(IMAGE_RESIZE)
        .env("ORIGIN", origin.url())
        .env("MAX_WIDTH", "500")
        .build()
        .await
        .unwrap();
    assert_refused(
        &get(&narrow, "/p.jpg?w=501").await,
        400,
        "w: must be a whole number from 1 to 500",
        &origin,
        0,
    );
    for path in ["/../secret.jpg", "/a/%2e%2e/secret.jpg"] {
        assert_refused(&get(&host, path).await, 400, "path:", &origin, 0);
    }
    let put = host
        .send(
            http::Request::put("/p.jpg")
                .body(Full::new(Bytes::new()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(put.response.status(), 405);
    assert_eq!(header(&put, "allow"), "GET");
    let post = upload(&host, "/", jpeg(&photo(10, 10), 90)).await;
    assert_eq!(post.response.status(), 405, "uploads are off by default");
    assert_eq!(origin.requests(), 0);
}

#[tokio::test]
async fn data_that_is_not_a_valid_image_is_415_or_422() {
    let good = jpeg(&photo(300, 200), 90);
    let good_png = png(DynamicImage::ImageRgb8(photo(300, 200)));
    let mut scrambled = good.clone();
    for b in scrambled.iter_mut().skip(700) {
        *b = 0x5A;
    }
    let origin = Origin::start(vec![
        file(
            "/text.jpg",
            "image/jpeg",
            b"hello, I am not a picture".to_vec(),
        ),
        file(
            "/truncated.jpg",
            "image/jpeg",
            good[..good.len() / 3].to_vec(),
        ),
        file("/header-only.jpg", "image/jpeg", good[..150].to_vec()),
        file("/scrambled.jpg", "image/jpeg", scrambled),
        file(
            "/truncated.png",
            "image/png",
            good_png[..good_png.len() / 2].to_vec(),
        ),
        file(
            "/bad.gif",
            "image/gif",
            b"GIF89a\x10\x00\x10\x00garbage".to_vec(),
        ),
        file(
            "/bad.webp",
            "image/webp",
            b"RIFF\x20\0\0\0WEBPVP8 garbage garbage".to_vec(),
        ),
    ])
    .await;
    let host = host(&origin.url(), &[]).await;
    // The origin sent something that is not an image: its fault.
    let ex = get(&host, "/text.jpg?w=100").await;
    assert_eq!(ex.response.status(), 502);
    assert!(
        body_text(&ex).contains("not an image"),
        "{}",
        body_text(&ex)
    );
    for path in [
        "/truncated.jpg",
        "/header-only.jpg",
        "/scrambled.jpg",
        "/truncated.png",
        "/bad.gif",
        "/bad.webp",
    ] {
        let ex = get(&host, &format!("{path}?w=100")).await;
        // A JPEG's entropy-coded data has no checksum: a decoder may fill
        // what is missing with grey rather than fail; either way, no trap.
        let status = ex.response.status().as_u16();
        if path == "/scrambled.jpg" && status == 200 {
            continue;
        }
        assert_eq!(status, 422, "{path}: {}", body_text(&ex));
        assert!(
            body_text(&ex).contains("could not be decoded"),
            "{path}: {}",
            body_text(&ex)
        );
    }
    let uploads = Host::builder(IMAGE_RESIZE)
        .env("ALLOW_UPLOAD", "true")
        .build()
        .await
        .unwrap();
    let ex = upload(&uploads, "/?w=10", b"<html>nope</html>".to_vec()).await;
    assert_eq!(ex.response.status(), 415);
}

#[tokio::test]
async fn a_decompression_bomb_is_refused_before_any_pixel_buffer() {
    let bomb = png_declaring(50_000, 50_000);
    assert!(bomb.len() < 100);
    let origin = Origin::start(vec![file("/bomb.png", "image/png", bomb.clone())]).await;
    let host = host(&origin.url(), &[]).await;
    let ex = get(&host, "/bomb.png?w=100").await;
    assert_eq!(ex.response.status(), 413);
    assert!(body_text(&ex).contains("50000x50000"), "{}", body_text(&ex));
    // 2.5 gigapixels would take 10 GB; the whole request stayed tiny.
    assert!(
        ex.stats.peak_memory < 8 << 20,
        "peak {} bytes",
        ex.stats.peak_memory
    );
    let uploads = Host::builder(IMAGE_RESIZE)
        .env("ALLOW_UPLOAD", "true")
        .build()
        .await
        .unwrap();
    assert_eq!(
        upload(&uploads, "/?w=10", bomb).await.response.status(),
        413
    );
    // The limit is MAX_INPUT_PIXELS: a small image over a small limit.
    let strict = host_with_pixels(&origin.url(), "1000").await;
    let origin2 = Origin::start(vec![file("/p.jpg", "image/jpeg", jpeg(&photo(40, 30), 90))]).await;
    let strict2 = host_with_pixels(&origin2.url(), "1000").await;
    assert_eq!(get(&strict2, "/p.jpg").await.response.status(), 413);
    assert_eq!(get(&strict, "/bomb.png").await.response.status(), 413);
}

async fn host_with_pixels(origin: &str, pixels: &str) -> Host {
    host(origin, &[("MAX_INPUT_PIXELS", pixels)]).await
}

#[tokio::test]
async fn sources_over_max_input_bytes_are_413_without_reading_the_rest() {
    // Declared by Content-Length: refused before reading.
    let big = jpeg(&photo(600, 400), 95);
    let origin = Origin::start(vec![file("/big.jpg", "image/jpeg", big.clone())]).await;
    let limit = (big.len() / 2).to_string();
    let host1 = host(&origin.url(), &[("MAX_INPUT_BYTES", &limit)]).await;
    let ex = get(&host1, "/big.jpg?w=100").await;
    assert_eq!(ex.response.status(), 413);
    assert!(
        body_text(&ex).contains(&format!("limit of {limit} bytes")),
        "{}",
        body_text(&ex)
    );

    // Streamed without a length: reading stops at the limit.
    let total: u64 = 256 << 20;
    let streaming = StreamingOrigin::start(total).await;
    let host2 = host(
        &format!("http://{}", streaming.addr),
        &[("MAX_INPUT_BYTES", "1048576")],
    )
    .await;
    let ex = get(&host2, "/huge.jpg?w=100").await;
    assert_eq!(ex.response.status(), 413);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        streaming.sent() < 16 << 20,
        "{} of {total} bytes were produced",
        streaming.sent()
    );
    assert!(
        ex.stats.peak_memory < 16 << 20,
        "peak {} bytes",
        ex.stats.peak_memory
    );

    // Uploads: declared, and streamed.
    let uploads = Host::builder(IMAGE_RESIZE)
        .env("ALLOW_UPLOAD", "true")
        .env("MAX_INPUT_BYTES", "1048576")
        .build()
        .await
        .unwrap();
    let mut large = vec![0xFF; 2 << 20];
    large[1] = 0xD8;
    assert_eq!(
        upload(&uploads, "/?w=10", large).await.response.status(),
        413
    );
    let pulled = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = pulled.clone();
    let chunks = futures_lite::stream::iter(0..(total / CHUNK as u64)).map(move |_| {
        counter.fetch_add(CHUNK as u64, std::sync::atomic::Ordering::SeqCst);
        // Each chunk starts like a JPEG, so only the size can stop it.
        let mut chunk = vec![0xFFu8; CHUNK];
        chunk[1] = 0xD8;
        Ok::<_, std::convert::Infallible>(hyper::body::Frame::data(Bytes::from(chunk)))
    });
    let request = http::Request::post("/?w=10")
        .body(StreamBody::new(chunks))
        .unwrap();
    let ex = uploads.send(request).await.unwrap();
    assert_eq!(ex.response.status(), 413);
    let pulled = pulled.load(std::sync::atomic::Ordering::SeqCst);
    assert!(pulled < 16 << 20, "{pulled} of {total} bytes were read");
}

use futures_lite::StreamExt;

#[tokio::test]
async fn origin_failures_map_to_404_and_502() {
    let origin = Origin::start(vec![file(
        "/page.html",
        "text/html; charset=utf-8",
        b"<html></html>".to_vec(),
    )])
    .await;
    let host1 = host(&origin.url(), &[]).await;
    let ex = get(&host1, "/missing.jpg?w=10").await;
    assert_eq!(ex.response.status(), 404);
    let ex = get(&host1, "/page.html?w=10").await;
    assert_eq!(ex.response.status(), 502);
    assert!(
        body_text(&ex).contains("not an image"),
        "{}",
        body_text(&ex)
    );
    let ex = get(&host1, "/fail?w=10").await;
    assert_eq!(ex.response.status(), 502);
    assert!(
        body_text(&ex).contains("answered 500"),
        "{}",
        body_text(&ex)
    );
    // Nothing listens on a port just released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let host2 = host(&format!("http://{closed}"), &[]).await;
    let ex = get(&host2, "/p.jpg?w=10").await;
    assert_eq!(ex.response.status(), 502);
    assert!(body_text(&ex).contains("unreachable"), "{}", body_text(&ex));
}

#[tokio::test]
async fn configuration_mistakes_are_reported_by_key() {
    let ex = get(
        &Host::builder(IMAGE_RESIZE).build().await.unwrap(),
        "/p.jpg",
    )
    .await;
    assert_eq!(ex.response.status(), 500);
    assert!(body_text(&ex).contains("ORIGIN"), "{}", body_text(&ex));
    let bad = Host::builder(IMAGE_RESIZE)
        .env("ORIGIN", "http://o.test")
        .env("QUALITY", "101")
        .build()
        .await
        .unwrap();
    let ex = get(&bad, "/p.jpg").await;
    assert_eq!(ex.response.status(), 500);
    assert!(body_text(&ex).contains("QUALITY"), "{}", body_text(&ex));
    assert!(!body_text(&ex).contains("101"));
}

// ---------------------------------------------------------------- memory

/// Every input up to `MAX_INPUT_PIXELS` (40 MP) stays within the default
/// 128 MiB of linear memory; the peaks are printed for BENCHMARKS.md.
#[tokio::test]
async fn forty_megapixel_sources_fit_in_128_mib() {
    let big = photo(7300, 5475);
    let origin = Origin::start(vec![
        file("/12.jpg", "image/jpeg", jpeg(&photo(4000, 3000), 85)),
        file(
            "/12.png",
            "image/png",
            png(DynamicImage::ImageRgb8(photo(4000, 3000))),
        ),
        file("/40.jpg", "image/jpeg", jpeg(&big, 85)),
        file("/40.png", "image/png", png(DynamicImage::ImageRgb8(big))),
    ])
    .await;
    let host = Host::builder(IMAGE_RESIZE)
        .env("ORIGIN", origin.url())
        .env("MAX_INPUT_BYTES", "104857600")
        // Decoding 40 MP of PNG takes longer than the default CPU budget.
        .deadline(Duration::from_secs(20))
        .build()
        .await
        .unwrap();
    assert_eq!(host.limits().max_memory, 128 << 20);
    for uri in [
        "/12.jpg?w=800",
        "/12.png?w=800",
        "/40.jpg?w=800",
        "/40.png?w=800",
        "/40.jpg?w=4096",
        "/40.png?w=4096",
    ] {
        let ex = get(&host, uri).await;
        let image = decoded(&ex);
        assert!(image.width() == 800 || image.width() == 4096, "{uri}");
        println!(
            "{uri}: peak {:.1} MiB, {:?} in the handler",
            ex.stats.peak_memory as f64 / 1048576.0,
            ex.stats.handler
        );
        assert!(ex.stats.peak_memory <= 128 << 20);
    }
}

// ---------------------------------------------------------------- portability

async fn assert_portable(other: Other) {
    let alpha = RgbaImage::from_fn(120, 80, |x, _| {
        Rgba([10, 100, 200, if x < 60 { 255 } else { 40 }])
    });
    let origin = Origin::start(vec![
        file("/p.jpg", "image/jpeg", jpeg(&photo(640, 480), 90)),
        file("/a.png", "image/png", png(DynamicImage::ImageRgba8(alpha))),
    ])
    .await;
    let env = [("ORIGIN", origin.url()), ("CACHE_TTL", "60".to_string())];
    let mut accept_webp = portable_get("/a.png?w=60");
    accept_webp
        .headers_mut()
        .insert("accept", "image/webp".parse().unwrap());
    let requests = vec![
        portable_get("/p.jpg?w=200"),
        portable_get("/p.jpg?w=100&h=100&fit=cover&format=png"),
        accept_webp,
        portable_get("/p.jpg?w=abc"),
        portable_get("/missing.jpg"),
    ];
    assert_same(other, IMAGE_RESIZE, &env, requests).await;
}

#[tokio::test]
async fn runs_unchanged_under_jco() {
    assert_portable(Other::Jco).await;
}

#[tokio::test]
async fn runs_unchanged_under_wasmtime_serve() {
    assert_portable(Other::Wasmtime).await;
}

// ---------------------------------------------------------------- budgets

/// The 128 MiB a platform gives, as `wasmtime serve` is told it.
const WASMTIME_128_MIB: &[&str] = &["-W", "max-memory-size=134217728"];

fn png_rgba(width: u32, height: u32) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |x, y| {
        Rgba([
            (x % 251) as u8,
            (y % 241) as u8,
            ((x + y) % 239) as u8,
            (x % 200 + 55) as u8,
        ])
    });
    png(DynamicImage::ImageRgba8(image))
}

fn gray_jpeg(width: u16, height: u16) -> Vec<u8> {
    let pixels: Vec<u8> = (0..usize::from(width) * usize::from(height))
        .map(|i| (i % 251) as u8)
        .collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 80)
        .encode(&pixels, width, height, jpeg_encoder::ColorType::Luma)
        .unwrap();
    out
}

/// A progressive JPEG whose last scan is repeated `times` times: each
/// repeat costs a pass over every block when decoded.
fn scan_bomb(times: usize) -> Vec<u8> {
    let mut encoder_out = Vec::new();
    let image = photo(512, 512);
    let mut encoder = jpeg_encoder::Encoder::new(&mut encoder_out, 80);
    encoder.set_progressive(true);
    encoder
        .encode(image.as_raw(), 512, 512, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    // The last scan: from its SOS to the EOI at the end.
    let last_sos = (0..encoder_out.len() - 1)
        .rev()
        .find(|&i| encoder_out[i] == 0xFF && encoder_out[i + 1] == 0xDA)
        .unwrap();
    let scan = encoder_out[last_sos..encoder_out.len() - 2].to_vec();
    let mut out = encoder_out[..encoder_out.len() - 2].to_vec();
    for _ in 0..times {
        out.extend_from_slice(&scan);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// A 5 KB PNG of `width` x 1 RGBA: its header and image data (whose
/// content is never looked at: the rows' size is refused first).
fn png_one_line(width: u32) -> Vec<u8> {
    let declared = png_declaring(width, 1);
    let (head, iend) = declared.split_at(declared.len() - 12);
    let mut out = head.to_vec();
    let data: Vec<u8> = (0..4900u32).map(|i| (i * 7 % 251) as u8).collect();
    out.extend((data.len() as u32).to_be_bytes());
    let mut chunk = b"IDAT".to_vec();
    chunk.extend(&data);
    out.extend(&chunk);
    out.extend(crc32(&chunk).to_be_bytes());
    out.extend(iend);
    out
}

/// The requests of the issue that need more than 128 MiB done naively,
/// each with the statuses it may get: rendered within the budget, or
/// refused with `413` before anything is decoded.
fn memory_cases() -> (Vec<File>, Vec<(&'static str, &'static [u16])>) {
    let files = vec![
        file("/small.jpg", "image/jpeg", jpeg(&photo(64, 48), 90)),
        file("/40.png", "image/png", png_rgba(7300, 5475)),
        file("/12.png", "image/png", png_rgba(4000, 3000)),
        file("/line.png", "image/png", png_one_line(39_999_999)),
        file("/gray.jpg", "image/jpeg", gray_jpeg(7300, 5475)),
    ];
    let cases: Vec<(&'static str, &'static [u16])> = vec![
        ("/small.jpg?w=4096&h=4096&fit=pad", &[200]),
        ("/small.jpg?w=4096&h=4096&fit=pad&bg=0000", &[413]),
        ("/40.png", &[413]),
        ("/40.png?w=800", &[200]),
        ("/12.png?w=2400", &[200]),
        ("/line.png?w=100", &[413]),
        // Without w, outputs are capped at MAX_WIDTH (4096): a gray 40 MP
        // JPEG turned RGB at that size fits.
        ("/gray.jpg", &[200]),
        ("/gray.jpg?w=4096&format=png", &[200, 413]),
    ];
    (files, cases)
}

#[tokio::test]
async fn every_request_stays_within_128_mib_or_is_refused_first() {
    let (files, cases) = memory_cases();
    let origin = Origin::start(files).await;
    let host = Host::builder(IMAGE_RESIZE)
        .env("ORIGIN", origin.url())
        .env("MAX_INPUT_BYTES", "104857600")
        .deadline(Duration::from_secs(60))
        .build()
        .await
        .unwrap();
    assert_eq!(host.limits().max_memory, 128 << 20);
    for (uri, statuses) in cases {
        let ex = get(&host, uri).await;
        let status = ex.response.status().as_u16();
        println!(
            "{uri}: {status}, peak {:.1} MiB, {:?} of wasm time",
            ex.stats.peak_memory as f64 / 1048576.0,
            ex.stats.wasm_time
        );
        assert!(
            statuses.contains(&status),
            "{uri}: {status} {}",
            body_text(&ex)
        );
        if status == 413 {
            assert!(body_text(&ex).contains("413") || body_text(&ex).contains("limit"));
        }
    }
}

#[tokio::test]
async fn every_request_stays_within_128_mib_under_wasmtime_serve() {
    let (files, cases) = memory_cases();
    let origin = Origin::start(files).await;
    let env = [
        ("ORIGIN", origin.url()),
        ("MAX_INPUT_BYTES", "104857600".to_string()),
    ];
    let server = Server::start_with(Other::Wasmtime, IMAGE_RESIZE, &env, WASMTIME_128_MIB).await;
    for (uri, statuses) in cases {
        let response = server.send(portable_get(uri)).await;
        let status = response.status().as_u16();
        assert!(statuses.contains(&status), "{uri}: {status}");
    }
}

#[tokio::test]
async fn a_jpeg_with_thousands_of_scans_is_refused_at_once() {
    let bomb = scan_bomb(10_000);
    let origin = Origin::start(vec![file("/scans.jpg", "image/jpeg", bomb)]).await;
    let bombed = host(&origin.url(), &[]).await;
    let ex = get(&bombed, "/scans.jpg?w=100").await;
    assert_eq!(ex.response.status(), 422, "{}", body_text(&ex));
    assert!(body_text(&ex).contains("scans"), "{}", body_text(&ex));
    println!(
        "10,000 scans refused after {:?} of wasm time",
        ex.stats.wasm_time
    );
    // A progressive JPEG as encoders write it decodes.
    let normal = Origin::start(vec![file("/p.jpg", "image/jpeg", scan_bomb(0))]).await;
    let plain = host(&normal.url(), &[]).await;
    assert_eq!(get(&plain, "/p.jpg?w=100").await.response.status(), 200);
    let env = [("ORIGIN", origin.url())];
    let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (*k, v.clone())).collect();
    let server = Server::start_with(Other::Wasmtime, IMAGE_RESIZE, &env, WASMTIME_128_MIB).await;
    assert_eq!(
        server.send(portable_get("/scans.jpg?w=100")).await.status(),
        422
    );
}

#[tokio::test]
async fn paths_that_could_leave_the_origin_prefix_are_refused() {
    let origin = Origin::start(vec![file(
        "/pub/a.jpg",
        "image/jpeg",
        jpeg(&photo(40, 30), 90),
    )])
    .await;
    let host = host(&format!("{}/pub", origin.url()), &[]).await;
    for path in [
        "/..%5csecret.jpg",
        "/..%5Csecret.jpg",
        "/%252e%252e/secret.jpg",
        "/%2e%2e%5csecret.jpg",
        "/%c0%ae%c0%ae/secret.jpg",
        "/a%2fb.jpg",
    ] {
        let ex = get(&host, path).await;
        assert_refused(&ex, 400, "path", &origin, 0);
    }
    assert_eq!(get(&host, "/a.jpg?w=10").await.response.status(), 200);
}

#[tokio::test]
async fn images_are_sniffed_whatever_the_content_type_says() {
    let jpg = jpeg(&photo(80, 60), 90);
    let origin = Origin::start(vec![
        file("/s3.jpg", "binary/octet-stream", jpg.clone()),
        file("/octet.jpg", "application/octet-stream", jpg.clone()),
        file("/lie.jpg", "text/html", jpg),
        file(
            "/page.jpg",
            "image/jpeg",
            b"<html>not an image</html>".to_vec(),
        ),
    ])
    .await;
    let host = host(&origin.url(), &[]).await;
    for uri in ["/s3.jpg?w=40", "/octet.jpg?w=40", "/lie.jpg?w=40"] {
        assert_eq!(decoded(&get(&host, uri).await).width(), 40, "{uri}");
    }
    let ex = get(&host, "/page.jpg?w=40").await;
    assert_eq!(ex.response.status(), 502);
    assert!(
        body_text(&ex).contains("not an image"),
        "{}",
        body_text(&ex)
    );
}

#[tokio::test]
async fn slow_origins_answer_504_within_the_timeouts() {
    use edgekit_tests::slow_origin::{Behaviour, SlowOrigin};
    let jpg = jpeg(&photo(80, 60), 90);
    let stall = SlowOrigin::start(
        "image/jpeg",
        Behaviour::Stall {
            first: jpg[..100].to_vec(),
            hold: Duration::from_secs(20),
        },
    )
    .await;
    let drip = SlowOrigin::start(
        "image/jpeg",
        Behaviour::Drip {
            first: jpg[..100].to_vec(),
            rest: jpg[100..].to_vec(),
            every: Duration::from_millis(200),
        },
    )
    .await;
    let timeouts = [("BETWEEN_BYTES_TIMEOUT", "1"), ("TOTAL_TIMEOUT", "2")];
    for (origin, within) in [(&stall, 3), (&drip, 4)] {
        let host = host(&origin.url(), &timeouts).await;
        let started = std::time::Instant::now();
        let ex = get(&host, "/a.jpg?w=10").await;
        assert_eq!(ex.response.status(), 504, "{}", body_text(&ex));
        assert!(
            body_text(&ex).starts_with("origin: too slow to answer (request id: "),
            "{}",
            body_text(&ex)
        );
        assert!(
            started.elapsed() < Duration::from_secs(within),
            "{:?}",
            started.elapsed()
        );
        let env: Vec<(&str, String)> = std::iter::once(("ORIGIN", origin.url()))
            .chain(timeouts.iter().map(|(k, v)| (*k, v.to_string())))
            .collect();
        let server =
            Server::start_with(Other::Wasmtime, IMAGE_RESIZE, &env, WASMTIME_128_MIB).await;
        let started = std::time::Instant::now();
        let response = server.send(portable_get("/a.jpg?w=10")).await;
        assert_eq!(response.status(), 504);
        assert!(
            started.elapsed() < Duration::from_secs(within),
            "{:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn smaller_corrections() {
    // Redirects are not followed: the image must be where it is asked for.
    let origin = Origin::start(vec![]).await;
    let redirecting = Backend::start(|_| async {
        http::Response::builder()
            .status(302)
            .header("location", "/elsewhere.jpg")
            .body(Bytes::new())
            .unwrap()
    })
    .await;
    let host1 = host(&format!("http://{}", redirecting.addr), &[]).await;
    let ex = get(&host1, "/a.jpg?w=10").await;
    assert_eq!(ex.response.status(), 502);
    assert!(
        body_text(&ex).contains("answered 302"),
        "{}",
        body_text(&ex)
    );
    assert_eq!(redirecting.received().len(), 1);
    // A height alone cannot pick a width ALLOWED_WIDTHS does not list.
    let strict = host(
        &origin.url(),
        &[("ALLOWED_WIDTHS", "320,640"), ("SNAP_WIDTHS", "false")],
    )
    .await;
    assert_refused(&get(&strict, "/a.jpg?h=500").await, 400, "h:", &origin, 0);
}

/// Error bodies are the component's own words: a body cut off, a header
/// that is not text, and an origin that breaks off all answer fixed texts.
#[tokio::test]
async fn faults_answer_fixed_texts_not_the_hosts() {
    use edgekit_tests::slow_origin::{Behaviour, SlowOrigin, send_cut_off};
    let jpg = jpeg(&photo(80, 60), 90);
    let cut = SlowOrigin::start(
        "image/jpeg",
        Behaviour::CutOff {
            declared: jpg.len(),
            sent: jpg[..jpg.len() / 2].to_vec(),
        },
    )
    .await;
    let host1 = host(&cut.url(), &[]).await;
    let ex = get(&host1, "/a.jpg?w=10").await;
    assert_eq!(ex.response.status(), 502);
    assert!(
        body_text(&ex).starts_with("the image data broke off (request id: "),
        "{}",
        body_text(&ex)
    );
    // A header of bytes that are not text is ignored, not reported.
    let origin = Origin::start(vec![file("/a.jpg", "image/jpeg", jpg.clone())]).await;
    let host2 = host(&origin.url(), &[]).await;
    let request = http::Request::get("/a.jpg?w=10")
        .header(
            "if-none-match",
            http::HeaderValue::from_bytes(b"\"\xff\xfe\"").unwrap(),
        )
        .header(
            "accept",
            http::HeaderValue::from_bytes(b"image/\xffwebp").unwrap(),
        )
        .body(Full::new(Bytes::new()))
        .unwrap();
    let ex = host2.send(request).await.unwrap();
    assert_eq!(ex.response.status(), 200);
    // Under wasmtime serve: the origin cut off, and an upload cut off.
    let env = [("ORIGIN", cut.url()), ("ALLOW_UPLOAD", "true".to_string())];
    let server = Server::start_with(Other::Wasmtime, IMAGE_RESIZE, &env, WASMTIME_128_MIB).await;
    let response = server.send(portable_get("/a.jpg?w=10")).await;
    assert_eq!(response.status(), 502);
    assert!(
        response
            .body()
            .starts_with(b"the image data broke off (request id: ")
    );
    let raw = send_cut_off(server.addr, "POST /?w=10 HTTP/1.1", jpg.len(), &jpg[..100]).await;
    if !raw.is_empty() {
        assert!(raw.starts_with("HTTP/1.1 400"), "{raw}");
        assert!(raw.ends_with("the image data broke off\n"), "{raw}");
    }
}
