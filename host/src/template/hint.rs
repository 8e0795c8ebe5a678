//! "Did you mean" hints for misspelt keys and options.

/// The candidate closest to `given`, if it is close enough to be a likely
/// typo: the same ignoring case, `-`/`_`, or at most a third of its letters
/// (at least one, at most three) away.
pub(crate) fn closest<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let fold = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let given = fold(given);
    let allowed = (given.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|candidate| (strsim::levenshtein(&given, &fold(candidate)), candidate))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_case_slips() {
        let keys = ["ORIGIN", "MAX_WIDTH", "CACHE_TTL"];
        assert_eq!(closest("ORIGN", keys), Some("ORIGIN"));
        assert_eq!(closest("max-width", keys), Some("MAX_WIDTH"));
        assert_eq!(closest("CACHE_TL", keys), Some("CACHE_TTL"));
        assert_eq!(closest("COLOR", keys), None);
    }

    #[test]
    fn short_words_need_to_be_close() {
        assert_eq!(closest("webp", ["webp", "png", "jpeg"]), Some("webp"));
        assert_eq!(closest("gif", ["webp", "png", "jpeg"]), None);
        assert_eq!(closest("jpg", ["webp", "png", "jpeg"]), Some("jpeg"));
    }
}
