//! The macro behind every validated string newtype of the spec.
//!
//! Each newtype parses with `FromStr`, serializes as its string form, and describes itself in
//! the JSON Schema with a `pattern` so that editors flag a malformed value before stratoform runs.

/// Declares a validated string newtype.
///
/// `$check` is a `fn(&str) -> Result<(), String>` that returns the reason a value is rejected.
#[macro_export]
macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident, pattern = $pattern:expr, example = $example:expr, check = $check:expr) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The regular expression a value must match (also published in the JSON Schema).
            pub const PATTERN: &'static str = $pattern;
            /// The value as written in the spec.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                static RE: ::std::sync::LazyLock<::regex::Regex> =
                    ::std::sync::LazyLock::new(|| ::regex::Regex::new($pattern).expect("valid pattern"));
                if !RE.is_match(s) {
                    return Err($crate::ParseError::new(stringify!($name), s, format!("expected a value matching `{}`, for example `{}`", $pattern, $example)));
                }
                let check: fn(&str) -> Result<(), String> = $check;
                check(s).map_err(|reason| $crate::ParseError::new(stringify!($name), s, reason))?;
                Ok(Self(s.to_owned()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::ParseError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let doc: &str = concat!($(stringify!($meta), "\n"),*);
                let description = $crate::newtype::doc_text(doc);
                ::schemars::json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "description": description,
                    "examples": [$example],
                })
            }
        }
    };
}

/// Turns the `doc = "..."` attributes captured by [`string_newtype!`] into plain text.
pub fn doc_text(meta: &str) -> String {
    meta.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("doc")?.trim_start().strip_prefix('=')?.trim();
            let unquoted = rest.strip_prefix('"')?.strip_suffix('"')?;
            Some(unquoted.replace("\\\"", "\"").replace("\\'", "'").trim().to_owned())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why a value was rejected by one of the spec's validated types.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {type_name} `{value}`: {reason}")]
pub struct ParseError {
    /// The newtype that rejected the value.
    pub type_name: &'static str,
    /// The rejected value.
    pub value: String,
    /// Why it was rejected.
    pub reason: String,
}

impl ParseError {
    /// Builds a parse error.
    pub fn new(type_name: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Self { type_name, value: value.to_owned(), reason: reason.into() }
    }
}
