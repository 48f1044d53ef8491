//! Rendering a report: a .docx from a template, the same report as plain
//! text or Markdown, the context as JSON, or the figures as a workbook.

use crate::docx::{self, Template};

use super::context::Context;
use super::filters;

/// The output formats of `cctthc report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Docx,
    Text,
    Markdown,
    Json,
    /// A workbook of the figures (SPEC §13): no template.
    Xlsx,
}

impl Format {
    /// The format an output file name implies (SPEC §6: `.docx` → docx).
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "docx" => Format::Docx,
            "txt" => Format::Text,
            "md" | "markdown" => Format::Markdown,
            "json" => Format::Json,
            "xlsx" => Format::Xlsx,
            _ => return None,
        })
    }
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Open(#[from] docx::Error),
    #[error("{0}")]
    Template(docx::Errors),
    #[error("không tạo được JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("không tạo được bảng tính: {0}")]
    Workbook(#[from] super::workbook::Error),
}

/// Renders `context` in `format`, through `template` for every format but
/// JSON and the workbook.
pub fn render(template: &Template, context: &Context, format: Format) -> Result<Vec<u8>, Error> {
    if format == Format::Xlsx {
        return Ok(super::workbook::report(context)?);
    }
    if format == Format::Json {
        let mut bytes = serde_json::to_vec_pretty(context)?;
        bytes.push(b'\n');
        return Ok(bytes);
    }
    let mut env = filters::environment();
    env.set_fuel(Some(fuel(context)));
    if matches!(format, Format::Text | Format::Markdown) {
        // Charts as text bars: a picture has no text to read back.
        super::chart::register_text(&mut env, 80);
    }
    let filled = template
        .render(&env, &context.to_value())
        .map_err(Error::Template)?;
    Ok(match format {
        Format::Docx | Format::Json | Format::Xlsx => filled,
        Format::Text => docx::text::to_text(&filled, docx::text::Style::Plain)?.into_bytes(),
        Format::Markdown => docx::text::to_text(&filled, docx::text::Style::Markdown)?.into_bytes(),
    })
}

/// The work a template may do on `context`: the engine's default, and a
/// few thousand steps more for each unit, field and overdue dossier a
/// template may list (a unit's row of the monthly report takes about 350).
/// A loop of loops runs out long before memory does.
fn fuel(context: &Context<'_>) -> u64 {
    const PER_ITEM: u64 = 3_000;
    let items = context.ky_nay.theo_don_vi.len()
        + context.ky_nay.theo_linh_vuc.len()
        + context.qua_han.len()
        + context.theo_thang.len();
    docx::DEFAULT_FUEL.saturating_add(PER_ITEM.saturating_mul(items as u64))
}
