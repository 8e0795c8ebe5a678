#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

The seeds are committed; run this only to change them. Images need Pillow
(`pip install pillow`); everything else is spelled out below. Each seed is
small: the fuzzer grows the corpus from them.
"""

import io
import os
from pathlib import Path

from PIL import Image

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (folder / f"seed-{name}").write_bytes(data)


def gradient(mode, size=(24, 16)):
    image = Image.new("RGBA", size)
    w, h = size
    image.putdata(
        [(x * 255 // w, y * 255 // h, (x + y) * 4 % 256, 128 + x * 4 % 128) for y in range(h) for x in range(w)]
    )
    return image.convert(mode)


def encode(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def exif_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def images():
    """Every format, the JPEG variants the baseline decoder and jpeg-decoder
    split between, and EXIF orientations."""
    rgb = gradient("RGB")
    odd = gradient("RGB", (33, 17))
    return {
        "baseline420.jpg": encode(rgb, "JPEG", quality=80, subsampling=2),
        "baseline422.jpg": encode(rgb, "JPEG", quality=80, subsampling=1),
        "baseline444.jpg": encode(odd, "JPEG", quality=90, subsampling=0),
        "gray.jpg": encode(gradient("L"), "JPEG"),
        "cmyk.jpg": encode(gradient("CMYK"), "JPEG"),
        "progressive.jpg": encode(rgb, "JPEG", progressive=True),
        "restart.jpg": encode(odd, "JPEG", restart_marker_blocks=1),
        "exif6.jpg": encode(rgb, "JPEG", exif=exif_orientation(6)),
        "exif3.jpg": encode(rgb, "JPEG", exif=exif_orientation(3)),
        "rgba.png": encode(gradient("RGBA"), "PNG"),
        "gray.png": encode(gradient("L"), "PNG"),
        "palette.png": encode(gradient("P"), "PNG"),
        "gray16.png": encode(gradient("I;16"), "PNG"),
        "image.gif": encode(gradient("P"), "GIF"),
        "image.bmp": encode(rgb, "BMP"),
        "lossy.webp": encode(rgb, "WEBP", quality=60),
        "lossless.webp": encode(gradient("RGBA"), "WEBP", lossless=True),
    }


def main():
    pictures = images()
    for i, (name, data) in enumerate(pictures.items()):
        write("image_decode", name, bytes([i % 6]) + data)
    write("image_exif", "tiff-le", b"\x05" + exif_orientation(6))
    write("image_exif", "tiff-be", b"\x21" + b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x08\0\0\0\0\0\0")
    write("image_exif", "jpeg-app1", b"\x42" + pictures["exif6.jpg"][:200])
    queries = [
        "w=16", "w=8&h=8&fit=cover", "w=40&h=40&fit=pad&bg=ff000080", "h=12&fit=contain&format=png",
        "w=10&dpr=2&q=50&format=jpeg", "preset=thumb", "w=20&g=0.2,0.8&fit=cover", "w=64&fit=fill",
    ]
    for i, (name, data) in enumerate(pictures.items()):
        write("image_render", name, bytes([i % 8]) + queries[i % len(queries)].encode() + b"\n" + data)

    write("sdk_query", "struct", "name=caf%C3%A9&w=640&offset=-3&ratio=1.5&strict=yes&fit=scale-down&tag=a+b")
    write("sdk_query", "pairs", "a=1&a=2&b&=c&d=%zz&e=%F0%9F%A6%80")
    write("sdk_config", "full", "S3_BUCKET=photos\nMAX_WIDTH=4_096\nMIN_WIDTH=-3\nRATIO= 1.5 \nSTRICT=Yes\n"
          "WIDTHS=320, 640,,1280\nNAMES=[\"a\",\"b\"]\nROUTES={\"DE\": \"https://eu.example.com\"}\n"
          "ORIGIN={\"host\":\"h\",\"port\":8080}\nFIT=scale-down\nFITS=cover,scale-down\nTOKEN=hunter2\n"
          "JSON_VALUE=[1, {\"a\": true}]\nLETTER=x\n")
    write("sdk_config", "bad", "MAX_WIDTH=-1\nRATIO=fast\nSTRICT=maybe\nWIDTHS=[1,\nFIT=huge\nTOKEN=\n")
    write("sdk_geo", "cloudflare", "c: de\ncf-ipcity: Berlin\ncf-ipcontinent: EU\ncf-connecting-ip: 203.0.113.7\n")
    write("sdk_geo", "generic", "g: fr\nl: 48.85\nx-geo-longitude: 2.35\na: AS3215\nk: EU\nx: 198.51.100.1, 203.0.113.9:4711\nx: [2001:db8::1]:443\n")
    write("sdk_geo", "platforms", "x-real-ip: 192.0.2.1\nfastly-client-ip: ::ffff:1.2.3.4\nx-geo-region: IDF\nx-geo-city: Paris\n")
    for i, path in enumerate(["/", "/api/v1/todos/42", "/api/v1/todos/a%20b%2Fc", "/static/css/site.css",
                              "/api/v1/users/u%C3%A9/files/a/b%00c", "/upload/x?y=1", "/health", "/api/v1", "/nope"]):
        write("sdk_router", f"path{i}", bytes([i]) + path.encode())
    write("sdk_body", "json", b"\x01\x00\x01\x03\x01\x07\xff" + b'{"a":[1,2,{"b":null}],"c":"\\u00e9"}')
    write("sdk_body", "over", b"\x00\x04\x00\x00\xff" + b"hello world")
    write("sdk_body", "utf8", b"\x02\x00\x02\x00\x01\xff" + "caf\u00e9 \U0001F980".encode())

    form = (b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nphotos/cat.jpg\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cat.jpg\"\r\n"
            b"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n--XyX-not-yet\r\nend\r\n--XyZ--\r\n")
    write("s3_form", "form", b"\x00\x02\x06\xff" + b"multipart/form-data; boundary=XyZ\n" + form)
    write("s3_form", "quoted", b"\x10\xff" + b"Multipart/Form-Data; charset=utf-8; boundary=\"a b\"\n"
          b"--a b\r\ncontent-disposition: form-data; name=file; filename=x\r\n\r\n\r\n--a b--")
    write("s3_xml_key", "error", b"\x00<?xml version=\"1.0\"?>\n<Error><Code>NoSuchBucket</Code><Message>a &amp; b &lt;c&gt;</Message></Error>")
    write("s3_xml_key", "upload", b"\x02<InitiateMultipartUploadResult><UploadId>abc&quot;def</UploadId><ETag>&#34;x&#34;</ETag></InitiateMultipartUploadResult>")
    write("s3_xml_key", "key", b"\x01uploads/\x00/photos/2024/cat%20%C3%A9.JPG")
    write("s3_xml_key", "badkey", b"\x03\x00/a/%2e%2e/b%5c.tar.gz")
    for i, q in enumerate(["url=https%3A%2F%2Fexample.com%2Fa%3Fb%3D1%23f&token=t", "url=http://0x7f.1/", "url=http://[::ffff:127.0.0.1]/",
                           "url=http://2130706433/", "url=https://foo.localhost./", "url=http://user@example.com/", "url=http://example.com:8080/",
                           "url=http://[64:ff9b::a00:1]/", "url=http://%31%30.0.0.1/", "url=https://xn--nxasmq6b.example/"]):
        write("proxy_target", f"q{i}", q)
    for i, (base, loc) in enumerate([("https://example.com/a/b?c", "../d?e#f"), ("http://example.com/", "//evil.example:81/x"),
                                     ("https://example.com/", "http://127.0.0.1/"), ("https://example.com/", "javascript:alert(1)"),
                                     ("https://example.com/", "/\\\\evil.example/")]):
        write("proxy_redirect", f"r{i}", bytes([i * 9]) + f"{base}\n{loc}".encode())
    write("geo_json_rules", "routes", b"\x00" + b'{"eu": {"countries": ["DE", "FR"], "origin": "https://eu.example.com"}, "s": "\\u00e9\\ud83e\\udd80\\n", "n": [-1.5e3, 0, true, null]}')
    write("geo_json_rules", "rules", b"\x01" + b"203.0.113.0/24\n2001:db8::/32\n10.1.2.3/8\n198.51.100.7\n::ffff:203.0.113.9")
    write("geo_json_rules", "values", b"\x02https://eu.example.com:8443/base")
    write("md_nesting_tagfilter", "nesting", b"\x00<div><p>a<br>b<em>c</em></p><img src=x/><span><b>")
    write("md_nesting_tagfilter", "filter", b"\x01<script>x</SCRIPT ><title/><xmp\t>ok<scripts><iframe")
    write("md_render", "gfm", b"\x00# Title\n\n| a | b |\n|---|---|\n| *c* | ~~d~~ |\n\n- [x] done\n\nhttps://example.com and[^1]\n\n[^1]: note\n")
    write("md_render", "html", b"\x02<div onclick=\"x\">\n<script>alert(1)</script>\n\n[a](javascript:alert(1)) <img src=x onerror=y>\n</div>\n")
    write("md_render", "allow", b"\x04<style>x</style>\n\n> > > deep\n\n```rust\nfn main() {}\n```\n")
    write("md_render", "commonmark", b"\x03***a** b* <a href=\"vbscript:x\">l</a>\n\n    code\n\n1. one\n2. two\n")


if __name__ == "__main__":
    main()
