//! Reading a spec file: a regular file or a pipe, never more than one byte past the size limit
//! (so `/dev/zero` behind a pipe, or a generator that never stops, ends at the limit), and the
//! report on a file over it.

use std::io::Read as _;
use std::path::Path;

use stratoform_diagnostics::{codes, Diagnostic, SourceFile, Span};

use crate::limits::{bytes, Limits};
use crate::{LoadError, Loaded};

/// What a read found.
pub(crate) enum Input {
    /// The whole file, within the limit.
    Text(String),
    /// The file is over the limit; its first few KiB, to show where it starts.
    TooLarge(String),
}

/// How much of an oversized file is kept to show in the report.
const HEAD: usize = 4096;

/// Reads the file at `path` within `limits`.
pub(crate) fn read(path: &Path, limits: &Limits) -> Result<Input, LoadError> {
    let failed = |source| LoadError::Read { path: path.display().to_string(), source };
    let file = std::fs::File::open(path).map_err(failed)?;
    let meta = file.metadata().map_err(failed)?;
    if let Some(what) = refused(&meta.file_type()) {
        let why = format!("{what}, not a regular file or a pipe");
        return Err(failed(std::io::Error::new(std::io::ErrorKind::InvalidInput, why)));
    }
    let cap = limits.input_bytes.saturating_add(1);
    // A regular file says its size: one over the limit is refused without reading it.
    let known = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    let mut bytes = Vec::with_capacity(if meta.is_file() { known.min(cap) } else { HEAD });
    let take = if meta.is_file() && known > limits.input_bytes { HEAD } else { cap };
    file.take(take as u64).read_to_end(&mut bytes).map_err(failed)?;
    if bytes.len() > limits.input_bytes || (meta.is_file() && known > limits.input_bytes) {
        bytes.truncate(HEAD);
        return Ok(Input::TooLarge(String::from_utf8_lossy(&bytes).into_owned()));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| failed(std::io::Error::new(std::io::ErrorKind::InvalidData, "stream did not contain valid UTF-8")))?;
    Ok(Input::Text(text))
}

/// What a file that is neither a regular file nor a pipe is, to refuse it.
fn refused(kind: &std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return None;
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    if kind.is_dir() {
        Some("a directory")
    } else if kind.is_file() {
        None
    } else {
        Some("a special file")
    }
}

/// The report on a file larger than the limit, located at its start.
pub(crate) fn too_large(name: &str, start: &str, limits: &Limits) -> Loaded {
    let limit = bytes(limits.input_bytes);
    let d = Diagnostic::error(codes::INPUT_TOO_LARGE, format!("the file is larger than {limit}, the most a spec may hold"))
        .with_span(Some(Span::new(0, 0)), format!("reading stopped after {limit}"))
        .with_help("check that this is the spec you meant: the largest benchmark spec, 10,000 workloads on 100 clusters, is about 5 MiB");
    let shown = shown_part(start, 0);
    Loaded { file: SourceFile::new(name, &start[..shown]), environments: Vec::new(), diagnostics: vec![d] }
}

/// How much of a text to keep for a report about the byte `at`: up to the end of its line, and
/// no more than a short excerpt past it.
pub(crate) fn shown_part(text: &str, at: usize) -> usize {
    const EXCERPT: usize = 120;
    let at = at.min(text.len());
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let mut end = line_end.min(at.saturating_add(EXCERPT));
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_keeps_a_short_excerpt() {
        assert_eq!(shown_part("ab\ncd", 0), 2);
        assert_eq!(shown_part("ab\ncd", 3), 5);
        let long = "é".repeat(1000);
        let end = shown_part(&long, 10);
        assert!(long.is_char_boundary(end) && (130..=132).contains(&end), "{end}");
    }
}
