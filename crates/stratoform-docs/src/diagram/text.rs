//! How wide a text is drawn, and cutting a text to a width: shared by the layout, which leaves
//! room for labels, and the drawings, which cut titles to their boxes.

/// A generous estimate of a text's width in pixels (DejaVu Sans, the usual fallback for
/// Helvetica, is wide), so layouts leave room for it.
pub(crate) fn text_width(s: &str, size: f64, bold: bool) -> f64 {
    s.chars().count() as f64 * size * if bold { 0.74 } else { 0.66 }
}

/// Cut to fit `width` pixels (by [`text_width`]).
pub(crate) fn fit(s: &str, width: f64, size: f64, bold: bool) -> String {
    let max = (width / (size * if bold { 0.74 } else { 0.66 })).floor().max(2.0) as usize;
    truncate(s, max)
}

/// `s` cut to `max` characters, the last one an ellipsis.
pub(super) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}
