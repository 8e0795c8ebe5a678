//! The examples of a CommonMark-style spec file (shared by the spec tests
//! and the native benchmark, which checks another renderer against them).

/// One example of a spec file.
// The spec tests and the benchmark each read only some of the fields.
#[allow(dead_code)]
pub struct Example {
    pub number: usize,
    pub section: String,
    /// The extension the example is about (`table`, `autolink`, ...), or
    /// `disabled` for the examples the GFM spec itself switches off.
    pub extension: Option<String>,
    pub markdown: String,
    pub html: String,
}

const FENCE: &str = "````````````````````````````````";

/// Reads the examples the way the specs' own `spec_tests.py` does: fenced
/// `example` blocks, markdown and HTML separated by a line with `.`, and `→`
/// standing for a tab.
pub fn examples(spec: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut lines = spec.lines();
    while let Some(line) = lines.next() {
        if line == "<!-- END TESTS -->" {
            break;
        }
        if let Some(heading) = line.strip_prefix('#') {
            section = heading.trim_start_matches('#').trim().to_owned();
            continue;
        }
        let Some(info) = line
            .strip_prefix(FENCE)
            .and_then(|l| l.strip_prefix(" example"))
        else {
            continue;
        };
        let extension = Some(info.trim().to_owned()).filter(|e| !e.is_empty());
        let (mut markdown, mut html, mut in_html) = (String::new(), String::new(), false);
        for line in lines.by_ref() {
            if line == FENCE {
                break;
            }
            if line == "." && !in_html {
                in_html = true;
                continue;
            }
            let target = if in_html { &mut html } else { &mut markdown };
            target.push_str(&line.replace('→', "\t"));
            target.push('\n');
        }
        out.push(Example {
            number: out.len() + 1,
            section: section.clone(),
            extension,
            markdown,
            html,
        });
    }
    out
}
