//! "Did you mean" suggestions: one measure of closeness for the loader, the review and the
//! simulator, so that a typo gets the same hint wherever it is written.

/// The closest candidate to `input`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// The `n` candidates closest to `input`, closest first (ties in candidate order), however far:
/// for naming the nearest known entries when a value is accepted without being known.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let lower = input.to_ascii_lowercase();
    let mut scored: Vec<(f64, &'a str)> = candidates.into_iter().map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("instanceType", ["instanceTypes", "min", "max"]), Some("instanceTypes"));
        assert_eq!(did_you_mean("nodegroups", ["nodeGroups", "nodePools"]), Some("nodeGroups"));
        assert_eq!(did_you_mean("zzz", ["nodeGroups"]), None);
    }

    #[test]
    fn names_the_nearest_entries() {
        assert_eq!(closest("m8g.large", ["c5.large", "m7g.large", "m7g.xlarge"], 2), ["m7g.large", "m7g.xlarge"]);
        assert!(closest("x", [], 3).is_empty());
    }
}
