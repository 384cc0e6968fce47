//! How large, deep and repetitive a spec may be. The limits keep hostile or careless input (a
//! YAML bomb, a runaway generator, `/dev/zero` given as the spec) to bounded time and memory:
//! the loader stops at the first limit reached, with a located diagnostic of the limit's code.
//!
//! The values are far above any spec a person writes. The largest synthetic benchmark spec
//! (100 clusters, 10,000 workloads; `crates/stratoform-bench`) is 5.1 MiB and holds 506,873
//! values nested at most 10 deep, no alias and no value over 100 bytes; the deepest example
//! (unibeam) nests 15 deep.

use stratoform_diagnostics::codes;

/// The largest spec file read: 64 MiB. Reading stops one byte past it, so a device or a pipe
/// that never ends is refused as soon as it has passed the limit.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// How deeply mappings and sequences may nest, block and flow alike, counting what aliases
/// bring in: 64. The later steps walk the tree recursively; this bound keeps their stacks
/// small (the loader and the CLI's `render` stay far below a 2 MiB thread stack in a debug
/// build at this depth).
pub const MAX_DEPTH: usize = 64;

/// The most values (mappings, sequences and scalars, keys included) the document may hold once
/// aliases are expanded: 2,097,152 (2 Mi), four times the largest benchmark spec. The values,
/// not the bytes, are what the loader's memory grows with: 64 MiB of one-character values
/// would be 16 million of them, and the loader takes about 110 bytes a value to read them.
pub const MAX_VALUES: usize = 2 * 1024 * 1024;

/// The most aliases (`*name`) a spec may use: 100,000.
pub const MAX_ALIASES: usize = 100_000;

/// The most values aliases may add to the document, all uses together: 1,048,576 (1 Mi).
pub const MAX_ALIAS_VALUES: usize = 1024 * 1024;

/// The most scalar text aliases may add to the document, all uses together: 16 MiB.
pub const MAX_ALIAS_BYTES: usize = 16 * 1024 * 1024;

/// The longest scalar, key or value, in bytes once read: 1 MiB.
pub const MAX_SCALAR_BYTES: usize = 1024 * 1024;

/// The longest line: 1 MiB. Checked before parsing, so that a key too long for a line (YAML
/// refuses a plain key of over 1,024 characters, but only once it has read it all) is refused by
/// its length, and a report never prints a longer line. A JSON spec written on one line must be
/// pretty-printed when it is longer.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The most YAML documents a spec file may hold: 1 (a spec is one document).
pub const MAX_DOCUMENTS: usize = 1;

/// The limits one load applies; [`Limits::DEFAULT`] holds the constants above. Lower ones let a
/// test reach a limit with a small input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// See [`MAX_INPUT_BYTES`].
    pub input_bytes: usize,
    /// See [`MAX_DEPTH`].
    pub depth: usize,
    /// See [`MAX_VALUES`].
    pub values: usize,
    /// See [`MAX_ALIASES`].
    pub aliases: usize,
    /// See [`MAX_ALIAS_VALUES`].
    pub alias_values: usize,
    /// See [`MAX_ALIAS_BYTES`].
    pub alias_bytes: usize,
    /// See [`MAX_SCALAR_BYTES`].
    pub scalar_bytes: usize,
    /// See [`MAX_LINE_BYTES`].
    pub line_bytes: usize,
    /// See [`MAX_DOCUMENTS`].
    pub documents: usize,
}

impl Limits {
    /// The limits every command applies.
    pub const DEFAULT: Limits = Limits {
        input_bytes: MAX_INPUT_BYTES,
        depth: MAX_DEPTH,
        values: MAX_VALUES,
        aliases: MAX_ALIASES,
        alias_values: MAX_ALIAS_VALUES,
        alias_bytes: MAX_ALIAS_BYTES,
        scalar_bytes: MAX_SCALAR_BYTES,
        line_bytes: MAX_LINE_BYTES,
        documents: MAX_DOCUMENTS,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The codes of the limits: a diagnostic with one of them stopped the loader.
pub const CODES: [&str; 6] = [
    codes::INPUT_TOO_LARGE,
    codes::NESTING_TOO_DEEP,
    codes::TOO_MANY_VALUES,
    codes::ALIAS_EXPANSION,
    codes::TOO_LONG,
    codes::TOO_MANY_DOCUMENTS,
];

/// Whether a diagnostic's code is a limit's.
pub fn is_limit(code: &str) -> bool {
    CODES.contains(&code)
}

/// A size for a message: `64 MiB`, `16 KiB` or `1,000 bytes`.
pub fn bytes(n: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", count(n / MIB))
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", count(n / KIB))
    } else if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{} bytes", count(n))
    }
}

/// A number for a message, with thousands separated: `2,097,152`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_counts_read_well() {
        assert_eq!(bytes(MAX_INPUT_BYTES), "64 MiB");
        assert_eq!(bytes(2048), "2 KiB");
        assert_eq!(bytes(1000), "1,000 bytes");
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(count(MAX_VALUES), "2,097,152");
        assert_eq!(count(100), "100");
        assert_eq!(count(100_000), "100,000");
    }

    #[test]
    fn the_default_limits_are_the_constants() {
        assert_eq!(Limits::default(), Limits::DEFAULT);
        assert_eq!(Limits::DEFAULT.input_bytes, 64 << 20);
        assert!(CODES.iter().all(|c| stratoform_diagnostics::codes::lookup(c).is_some()));
    }
}
