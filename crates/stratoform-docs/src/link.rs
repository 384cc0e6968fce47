//! Links from docs back into the spec: `[regions[0].vpcs[0]](../../../platform.yaml#L12)`.
//! The target is the spec's path relative to the output directory (`Model::spec_from_output`),
//! climbed up from the folder of the page, so it resolves wherever the output directory is.

use stratoform_model::Model;

/// How many folders below the output directory an environment's pages are (`DIR/docs/<env>/`).
pub(crate) const ENV_PAGES: usize = 2;

/// How many folders below the output directory the index is (`DIR/docs/README.md`).
pub(crate) const INDEX_PAGE: usize = 1;

/// The spec's file name, for link text.
pub(crate) fn spec_file(model: &Model) -> String {
    let path = &model.spec_from_output;
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

/// The spec as seen from a page `depth` folders below the output directory.
fn spec_from(model: &Model, depth: usize) -> String {
    format!("{}{}", "../".repeat(depth), model.spec_from_output)
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

/// The link target of a pointer from an environment's page: `../../../platform.yaml#L42` (no
/// anchor when the line is unknown).
pub(crate) fn href(model: &Model, pointer: &str) -> String {
    href_at(model, pointer, ENV_PAGES)
}

fn href_at(model: &Model, pointer: &str, depth: usize) -> String {
    match model.line_of(pointer) {
        Some(line) => format!("{}#L{line}", spec_from(model, depth)),
        None => spec_from(model, depth),
    }
}

/// A Markdown link from an environment's page naming the spec path:
/// `` [`regions[0].vpcs[0]`](../../../platform.yaml#L12) ``.
pub(crate) fn md(model: &Model, pointer: &str) -> String {
    md_at(model, pointer, ENV_PAGES)
}

/// [`md`] from a page `depth` folders below the output directory.
pub(crate) fn md_at(model: &Model, pointer: &str, depth: usize) -> String {
    format!("[`{}`]({})", spec_path(pointer), href_at(model, pointer, depth))
}

/// The link target of a byte offset in the spec from an environment's page
/// (`../../../platform.yaml#L42`).
pub(crate) fn href_offset(model: &Model, offset: usize) -> String {
    if model.line_starts.is_empty() {
        return spec_from(model, ENV_PAGES);
    }
    format!("{}#L{}", spec_from(model, ENV_PAGES), model.line_starts.partition_point(|&s| s <= offset))
}

/// A diagram node's link: where it points in the spec, and the spec path it shows.
pub(crate) fn node(model: &Model, pointer: &str) -> Option<(String, String)> {
    Some((href(model, pointer), spec_path(pointer)))
}
