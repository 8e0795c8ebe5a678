//! The memory budget of one render, checked before anything is parsed.
//!
//! What a Markdown document costs depends on how many syntax nodes it has,
//! not on its length: plain prose takes about 4 bytes of memory per byte
//! of input, but `a\n` or `*a* ` repeated take about 300, and footnote
//! references about 400 (each adds a back-reference to its definition).
//! [`Budget::check_source`] counts the bytes that can start a node, before
//! parsing, and refuses a document whose syntax tree could pass the budget;
//! [`Budget::output_cap`] bounds the HTML written, and the HTML handed to
//! the sanitizer, whose tree takes about 25 bytes per byte of HTML.

/// Bytes each row of a table takes per column of the table, whether the
/// row fills them or not (measured: ~4.8 KiB a row of a 1,000-column
/// table).
pub const BYTES_PER_TABLE_CELL: u64 = 8;

/// Bytes of memory per byte of input, whatever it holds: the text itself,
/// copied into the tree's text nodes and line offsets.
pub const BYTES_PER_INPUT_BYTE: u64 = 16;

/// Bytes of the sanitizer's tree per byte of HTML it cleans (measured
/// at ~25 for `<b>` repeated).
pub const SANITIZER_BYTES_PER_HTML_BYTE: u64 = 32;

/// Linear memory no plan can count on: allocator rounding, the page's
/// layout, headers, and the small allocations of the request itself.
pub const MARGIN: u64 = 8 << 20;

/// Why a document is not rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooComplex {
    /// Its syntax tree could pass the budget.
    Nodes,
    /// It renders to more HTML than the budget holds.
    Output,
}

/// What one render may allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    available: u64,
}

impl Budget {
    /// The budget under a `limit` on linear memory, less what is already
    /// in use (the request body among it) and the margin.
    pub fn under(limit: u64) -> Budget {
        Budget {
            available: limit.saturating_sub(in_use()).saturating_sub(MARGIN),
        }
    }

    /// A budget of exactly `bytes` (for tests).
    pub fn of(bytes: u64) -> Budget {
        Budget { available: bytes }
    }

    /// The most the syntax tree of `markdown` may take: checked before it
    /// is parsed.
    pub fn check_source(&self, markdown: &str) -> Result<u64, TooComplex> {
        let estimate = tree_bytes(markdown);
        match estimate <= self.available {
            true => Ok(estimate),
            false => Err(TooComplex::Nodes),
        }
    }

    /// The most HTML formatting may write beside a tree of `tree` bytes:
    /// what is left, and no more than half the budget, since the page is
    /// a copy of it once the tree is freed.
    pub fn output_cap(&self, tree: u64) -> usize {
        let cap = self.available.saturating_sub(tree).min(self.available / 2);
        usize::try_from(cap).unwrap_or(usize::MAX)
    }

    /// The most HTML the sanitizer may be given.
    pub fn sanitizer_cap(&self) -> usize {
        usize::try_from(self.available / SANITIZER_BYTES_PER_HTML_BYTE).unwrap_or(usize::MAX)
    }
}

/// An upper bound on the memory the syntax tree of `markdown` takes.
///
/// ```
/// use markdown::budget::tree_bytes;
/// let prose = "The quick brown fox jumps over the lazy dog. ".repeat(1000);
/// let dense = "*a* ".repeat(11250);
/// assert!(tree_bytes(&dense) > 20 * tree_bytes(&prose) / 2);
/// ```
pub fn tree_bytes(markdown: &str) -> u64 {
    let len = markdown.len() as u64;
    syntax_cost(markdown)
        + table_cells(markdown) * BYTES_PER_TABLE_CELL
        + len * BYTES_PER_INPUT_BYTE
}

/// Rows times columns of every table: a delimiter row (`|---|:-:|`) sets
/// the columns, and every line after it up to a blank one counts as a row.
fn table_cells(markdown: &str) -> u64 {
    let mut cells = 0u64;
    let mut columns = 0u64;
    for line in markdown.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            columns = 0;
        } else if is_delimiter_row(trimmed) {
            columns = trimmed.bytes().filter(|&b| b == b'|').count() as u64 + 1;
        } else {
            cells += columns;
        }
    }
    cells
}

/// A table's delimiter row: pipes, dashes, colons and spaces, with at
/// least a pipe and a dash.
fn is_delimiter_row(line: &str) -> bool {
    line.contains('|')
        && line.contains('-')
        && line
            .bytes()
            .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
}

/// The bytes of syntax tree the bytes that can start or end a node may
/// cost: line ends (a line is a block, a soft break, or a table row), the
/// delimiters of emphasis, links, footnotes, code, raw HTML, entities,
/// escapes and table cells, and each bare link (`www.`, `://`, `@`) the
/// autolink extension finds. Each weight is the most a document made of
/// that syntax alone took per byte of it (the `memory_shapes` test measures
/// them: `a\n` 574 a line, `*a* ` 575 a star, `[a]` references 618 a
/// bracket, `[^a]` footnote references 2,050). Letters, digits, spaces and
/// other punctuation join a text node.
fn syntax_cost(markdown: &str) -> u64 {
    let bytes = markdown.as_bytes();
    let mut cost = 0u64;
    let mut line_start = true;
    let mut blank_line = true;
    for (i, &b) in bytes.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| bytes[p]);
        let weight = match b {
            // A blank line ends a block but makes no node.
            b'\n' if !blank_line => 600,
            b'*' | b'_' => 600,
            b'[' | b']' => 640,
            // A footnote reference adds a back-reference to its definition.
            b'^' => 830,
            // A run of backticks or tildes is one delimiter.
            b'`' | b'~' if previous != Some(b) => 300,
            b'!' | b'\\' | b'|' => 300,
            b'<' | b'&' => 250,
            b'@' => 800,
            // Block markers count where a block can start: headings, quotes,
            // list items (bullets and `1.`-style numbers end in `.` or `)`).
            b'>' if line_start || follows_marker(bytes, i) => 350,
            b'#' | b'-' | b'+' | b'.' | b')' | b'=' if line_start || follows_marker(bytes, i) => {
                300
            }
            b':' if bytes[i..].starts_with(b"://") => 800,
            b'w' | b'W'
                if bytes[i..].len() >= 4 && bytes[i..i + 4].eq_ignore_ascii_case(b"www.") =>
            {
                800
            }
            _ => 0,
        };
        cost += weight;
        line_start = b == b'\n' || (line_start && (b == b' ' || b == b'\t'));
        blank_line = b == b'\n' || (blank_line && b.is_ascii_whitespace());
    }
    cost
}

/// Whether the byte at `i` comes after another block marker on its line
/// with only spaces and digits between (`- - a`, `> > a`, `1. 2. a`).
fn follows_marker(bytes: &[u8], i: usize) -> bool {
    bytes[..i]
        .iter()
        .rev()
        .take(12)
        .find(|&&b| !(b == b' ' || b == b'\t' || b.is_ascii_digit()))
        .is_some_and(|&b| matches!(b, b'-' | b'+' | b'*' | b'>' | b'.' | b')' | b'#' | b'\n'))
}

/// Linear memory the component already has: memory never shrinks, and a
/// freed gap may not fit a later buffer, so none of it counts as free.
#[cfg(target_arch = "wasm32")]
pub fn in_use() -> u64 {
    core::arch::wasm32::memory_size(0) as u64 * 65536
}

/// Natively (unit tests, benchmarks) nothing is in use yet.
#[cfg(not(target_arch = "wasm32"))]
pub fn in_use() -> u64 {
    0
}

/// A `fmt::Write` that refuses to grow past `cap` bytes.
pub struct CappedHtml {
    /// What was written.
    pub html: String,
    cap: usize,
    /// Whether a write was refused.
    pub overflowed: bool,
}

impl CappedHtml {
    /// An empty buffer that takes at most `cap` bytes.
    pub fn new(cap: usize) -> CappedHtml {
        CappedHtml {
            html: String::new(),
            cap,
            overflowed: false,
        }
    }
}

impl std::fmt::Write for CappedHtml {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.html.len() + s.len() > self.cap {
            self.overflowed = true;
            return Err(std::fmt::Error);
        }
        self.html.push_str(s);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_cost_count_syntax_not_text() {
        assert_eq!(syntax_cost("plain words, and more. (Really: yes)"), 0);
        assert_eq!(syntax_cost("*a* [b](c)\n"), 2 * 600 + 2 * 640 + 600);
        assert_eq!(syntax_cost("- a\n- b\n"), 2 * 300 + 2 * 600);
        assert_eq!(syntax_cost("a\n\n\n  \nb"), 600, "blank lines make no node");
        assert_eq!(syntax_cost("```\ncode\n```"), 2 * 300 + 2 * 600);
        assert_eq!(syntax_cost("- - a"), 2 * 300);
        assert_eq!(syntax_cost("> > a"), 2 * 350);
        assert_eq!(syntax_cost("a - b > c"), 0);
        assert_eq!(
            syntax_cost("see www.example.com or http://x.y a@b.c"),
            3 * 800
        );
    }

    #[test]
    fn table_rows_count_every_column() {
        let table = format!(
            "{}|\n{}|\nx\ny\n\nafter\n",
            "|a".repeat(10),
            "|-".repeat(10)
        );
        assert_eq!(
            table_cells(&table),
            2 * 12,
            "edge pipes count as columns: errs high"
        );
        assert_eq!(table_cells("a | b\n--|--\n1|2\n"), 2);
        assert_eq!(table_cells("a\n-\nb\n"), 0);
    }

    #[test]
    fn dense_documents_pass_the_budget_and_prose_does_not() {
        let budget = Budget::of(100 << 20);
        let prose = "The quick brown fox jumps over the lazy dog. ".repeat(46_000);
        assert!(prose.len() > 2_000_000);
        assert!(budget.check_source(&prose).is_ok());
        let footnotes = format!("{}\n\n[^a]: x\n", "[^a] ".repeat(100_000));
        assert_eq!(budget.check_source(&footnotes), Err(TooComplex::Nodes));
    }

    #[test]
    fn a_typical_document_at_the_size_cap_fits_128_mib() {
        let section = |n: usize| {
            format!(
                "## Section {n}: *working* with `data`\n\n\
                 Paragraphs carry **strong** and _emphasised_ words, [links](https://example.com/{n}) \
                 and `code`, an autolink https://example.org/{n} and a footnote[^n{n}].\n\n\
                 - an item\n  - nested\n- [x] a task\n\n\
                 | name | value |\n|:-----|------:|\n| alpha | {n} |\n\n\
                 ```rust\nfn f() -> u32 {{ {n} }}\n```\n\n\
                 > A quotation with **bold** text.\n\n\
                 [^n{n}]: The footnote of section {n}.\n\n"
            )
        };
        let mut markdown = String::new();
        let mut n = 0;
        while markdown.len() < 1 << 20 {
            n += 1;
            markdown.push_str(&section(n));
        }
        let estimate = tree_bytes(&markdown);
        println!("1 MiB of sections: {} MiB estimated", estimate >> 20);
        assert!(
            Budget::of((128 << 20) - MARGIN)
                .check_source(&markdown)
                .is_ok()
        );
    }

    #[test]
    fn html_is_capped_as_it_is_written() {
        use std::fmt::Write;
        let mut out = CappedHtml::new(5);
        assert!(out.write_str("abc").is_ok());
        assert!(out.write_str("def").is_err());
        assert!(out.overflowed);
        assert_eq!(out.html, "abc");
    }
}
