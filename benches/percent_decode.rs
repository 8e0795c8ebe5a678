//! Shared by the benchmark baselines: the query decoding both do by hand,
//! as `examples/hello` does through the SDK.

/// Decodes `application/x-www-form-urlencoded` text (`+` and `%XX`).
pub fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match input
                    .get(i + 1..i + 3)
                    .map(|hex| u8::from_str_radix(hex, 16))
                {
                    Some(Ok(b)) => {
                        out.push(b);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
