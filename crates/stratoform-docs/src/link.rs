//! Links from docs back into the spec: `[regions[0].vpcs[0]](../../../platform.yaml#L12)`.

use stratoform_model::Model;

/// The spec file's name.
pub(crate) fn spec_file(model: &Model) -> String {
    std::path::Path::new(&model.source).file_name().map_or_else(|| model.source.clone(), |f| f.to_string_lossy().into_owned())
}

/// The spec as seen from an environment's pages (`DIR/docs/<env>/`), for the layout the
/// examples use: the render output `DIR` sits next to the spec (`examples/<name>/rendered`).
fn spec_from_pages(model: &Model) -> String {
    format!("../../../{}", spec_file(model))
}

/// `regions[0].vpcs` for `/regions/0/vpcs`.
pub(crate) fn spec_path(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg.replace("~1", "/").replace("~0", "~"));
        }
    }
    out
}

/// The link target of a pointer: `../../../platform.yaml#L42` (no anchor when the line is unknown).
pub(crate) fn href(model: &Model, pointer: &str) -> String {
    match model.line_of(pointer) {
        Some(line) => format!("{}#L{line}", spec_from_pages(model)),
        None => spec_from_pages(model),
    }
}

/// A Markdown link naming the spec path: `` [`regions[0].vpcs[0]`](platform.yaml#L12) ``.
pub(crate) fn md(model: &Model, pointer: &str) -> String {
    format!("[`{}`]({})", spec_path(pointer), href(model, pointer))
}

/// The link target of a byte offset in the spec (`platform.yaml#L42`).
pub(crate) fn href_offset(model: &Model, offset: usize) -> String {
    if model.line_starts.is_empty() {
        return spec_from_pages(model);
    }
    format!("{}#L{}", spec_from_pages(model), model.line_starts.partition_point(|&s| s <= offset))
}
