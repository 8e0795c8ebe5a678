//! `#[edge_handler]` accepts every signature it documents and rejects the
//! rest with an error that points at the offending code.

#[test]
fn signatures() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass_*.rs");
    cases.compile_fail("tests/ui/fail_*.rs");
}
