//! The example specs, embedded in the binary so that `stratoform init --from NAME` works from an
//! installed binary with no checkout next to it. A test keeps this list equal to `examples/`.

/// `(name, platform.yaml)` of every example under `examples/`, sorted by name.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("aoscloud", include_str!("../../../../../examples/aoscloud/platform.yaml")),
    ("infra-config", include_str!("../../../../../examples/infra-config/platform.yaml")),
    ("larkspur", include_str!("../../../../../examples/larkspur/platform.yaml")),
    ("oneconnect", include_str!("../../../../../examples/oneconnect/platform.yaml")),
    ("oves", include_str!("../../../../../examples/oves/platform.yaml")),
    ("unibeam", include_str!("../../../../../examples/unibeam/platform.yaml")),
];

/// The names `--from` accepts.
pub fn names() -> Vec<&'static str> {
    EXAMPLES.iter().map(|(name, _)| *name).collect()
}

/// The spec of the example `name`.
pub fn spec(name: &str) -> Option<&'static str> {
    EXAMPLES.iter().find(|(n, _)| *n == name).map(|(_, spec)| *spec)
}
