//! Bar charts of one ratio per unit with its target, for the letters that
//! commend and remind units (reference 001): a PNG for documents, bars of
//! text for the terminal, and the template function `bieu_do`.
//!
//! Bars are horizontal, so long unit names ("Chi nhánh Văn phòng đăng ký
//! đất đai huyện Tứ Kỳ") fit on the left; values are written the
//! Vietnamese way (98,83%) at the bars' ends, and the target is a dashed
//! vertical line. Text is drawn with an embedded font (Liberation Sans, see
//! `assets/fonts/`), so the same chart gives the same bytes on any machine
//! of the same platform, whatever fonts it has.

use std::str::FromStr;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use unicode_normalization::UnicodeNormalization;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::docx::Picture;
use crate::figures::RatioKind;
use crate::vn;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Bold.ttf");

/// One unit's bar: a percentage (0–100), or none for N/A (no bar drawn,
/// the label kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: Option<Decimal>,
}

/// A bar chart of one ratio per unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BarChart {
    pub title: String,
    pub bars: Vec<Bar>,
    /// The target in percent, drawn as a line; bars below it are coloured
    /// apart.
    pub target: Option<Decimal>,
    /// E.g. `Chỉ tiêu 30%`.
    pub target_label: String,
}

/// Resolution of the PNG: 180 dpi, so 1 pixel is 5 080 EMU exactly.
const DPI: u32 = 180;
const EMU_PER_PX: u64 = 914_400 / DPI as u64;
/// 16 cm wide: the text width of an A4 page with the decree's margins.
const WIDTH: u32 = 1134;
/// 9 cm: the height a chart of a few bars aims at.
const BASE_HEIGHT: f32 = 638.0;
/// 24 cm: the most a page holds under a heading.
const MAX_HEIGHT: f32 = 1701.0;
/// More bars than this are left out, with a note saying how many.
pub const MAX_BARS: usize = 80;
/// Longest label or title kept, in characters: a bound on layout work.
const MAX_CHARS: usize = 300;

const MARGIN: f32 = 24.0;
const TITLE_PX: f32 = 32.0;
const LABEL_PX: f32 = 24.0;
const SMALL_PX: f32 = 21.0;

type Rgb = [u8; 3];
const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [38, 38, 38];
const GREY: Rgb = [118, 118, 118];
const GRID: Rgb = [217, 217, 217];
const AXIS: Rgb = [128, 128, 128];
const MET: Rgb = [68, 114, 196];
const UNMET: Rgb = [237, 125, 49];
const TARGET: Rgb = [192, 0, 0];

/// The chart as a PNG, about 16 × 9 cm at 180 dpi; taller with many bars,
/// up to 24 cm. The same chart always gives the same bytes. (Documents
/// take it through [`picture`]; the tests look at its pixels.)
#[cfg(test)]
fn png(chart: &BarChart) -> Vec<u8> {
    draw(chart).0
}

/// The chart as a picture for a .docx template, sized 16 cm wide.
pub fn picture(chart: &BarChart) -> Picture {
    let (png, width, height) = draw(chart);
    Picture::new(
        png,
        u64::from(width) * EMU_PER_PX,
        u64::from(height) * EMU_PER_PX,
        clean(&chart.title),
    )
}

/// Normalised text for drawing and counting: NFC (so a letter and its
/// marks are one glyph), control characters as spaces, runs of spaces
/// as one, at most [`MAX_CHARS`] characters.
fn clean(text: &str) -> String {
    let text: String = text
        .nfc()
        .take(MAX_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A value for reading: 98,83%.
fn value_text(value: Option<Decimal>) -> String {
    vn::percent(value)
}

/// A percentage as a fraction of the axis, within 0–1.
fn fraction(value: Decimal) -> f32 {
    let v = value.to_f32().unwrap_or(0.0) / 100.0;
    if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The pixels of the chart, in RGB.
struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: u32, height: u32) -> Canvas {
        Canvas {
            width,
            height,
            pixels: vec![255; width as usize * height as usize * 3],
        }
    }

    fn blend(&mut self, x: i32, y: i32, color: Rgb, alpha: f32) {
        if x < 0 || y < 0 || x >= self.width as i32 || y >= self.height as i32 {
            return;
        }
        let alpha = alpha.clamp(0.0, 1.0);
        let at = (y as usize * self.width as usize + x as usize) * 3;
        if let Some(px) = self.pixels.get_mut(at..at + 3) {
            for (p, c) in px.iter_mut().zip(color) {
                let mixed = f32::from(*p) * (1.0 - alpha) + f32::from(c) * alpha;
                *p = mixed.round().clamp(0.0, 255.0) as u8;
            }
        }
    }

    /// Fills the pixels from (x0, y0) up to, not including, (x1, y1).
    fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, color: Rgb) {
        let (x0, x1) = (x0.round() as i32, x1.round() as i32);
        let (y0, y1) = (y0.round() as i32, y1.round() as i32);
        for y in y0.max(0)..y1.min(self.height as i32) {
            for x in x0.max(0)..x1.min(self.width as i32) {
                self.blend(x, y, color, 1.0);
            }
        }
    }

    /// Draws `text` with its baseline at `y`, starting at `x`.
    fn text(&mut self, font: &FontRef<'_>, px: f32, x: f32, y: f32, text: &str, color: Rgb) {
        set_out(font, px, x, text, |id, caret| {
            let glyph = id.with_scale_and_position(px, point(caret, y));
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                let (bx, by) = (bounds.min.x as i32, bounds.min.y as i32);
                outline.draw(|gx, gy, coverage| {
                    self.blend(bx + gx as i32, by + gy as i32, color, coverage);
                });
            }
        });
    }

    /// Draws `text` centred across the picture, its baseline at `y`.
    fn centered(&mut self, font: &FontRef<'_>, px: f32, y: f32, text: &str, color: Rgb) {
        let w = measure(font, px, text);
        self.text(font, px, (self.width as f32 - w) / 2.0, y, text, color);
    }

    fn png(&self) -> Result<Vec<u8>, png::EncodingError> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::High);
        // 180 dpi in pixels per metre, so viewers show the intended size.
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: 7087,
            yppu: 7087,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.pixels)?;
        writer.finish()?;
        Ok(out)
    }
}

/// Sets `text` out at `px` from `x`, kerned: gives `each` every glyph and
/// the x it starts at, and returns the x where the text ends.
fn set_out(
    font: &FontRef<'_>,
    px: f32,
    x: f32,
    text: &str,
    mut each: impl FnMut(GlyphId, f32),
) -> f32 {
    let scaled = font.as_scaled(PxScale::from(px));
    let mut caret = x;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            caret += scaled.kern(p, id);
        }
        each(id, caret);
        caret += scaled.h_advance(id);
        prev = Some(id);
    }
    caret
}

/// The width of `text` drawn at `px`.
fn measure(font: &FontRef<'_>, px: f32, text: &str) -> f32 {
    set_out(font, px, 0.0, text, |_, _| {})
}

/// `text` cut to fit `max` pixels, ending in `…` when cut.
fn ellipsize(font: &FontRef<'_>, px: f32, text: &str, max: f32) -> String {
    if measure(font, px, text) <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut: String = chars.iter().collect();
        let candidate = format!("{}…", cut.trim_end());
        if measure(font, px, &candidate) <= max {
            return candidate;
        }
    }
    String::new()
}

/// Word-wraps `text` into at most `max_lines` lines of at most `max`
/// pixels; what does not fit ends the last line with `…`.
fn wrap(font: &FontRef<'_>, px: f32, text: &str, max: f32, max_lines: usize) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut rest = words.len();
    for (i, word) in words.iter().enumerate() {
        let candidate = if current.is_empty() {
            (*word).to_string()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || measure(font, px, &candidate) <= max {
            current = candidate;
            continue;
        }
        if lines.len() + 1 == max_lines {
            rest = i;
            break;
        }
        lines.push(std::mem::replace(&mut current, (*word).to_string()));
    }
    if rest < words.len() {
        // The last line gets the words left over, and is cut.
        let left: Vec<&str> = words.get(rest..).unwrap_or_default().to_vec();
        current = format!("{current} {}", left.join(" "));
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
        .into_iter()
        .take(max_lines.max(1))
        .map(|line| ellipsize(font, px, &line, max))
        .collect()
}

/// The y of a baseline that centres a line of `px` text on `center`.
fn baseline(font: &FontRef<'_>, px: f32, center: f32) -> f32 {
    let scaled = font.as_scaled(PxScale::from(px));
    center + (scaled.ascent() + scaled.descent()) / 2.0
}

/// Draws the chart: the PNG bytes, width and height in pixels.
fn draw(chart: &BarChart) -> (Vec<u8>, u32, u32) {
    // The fonts are part of the binary and known good; if they were not,
    // the chart would still be drawn, without text.
    let regular = FontRef::try_from_slice(REGULAR).ok();
    let bold = FontRef::try_from_slice(BOLD).ok();
    let (Some(regular), Some(bold)) = (regular, bold) else {
        return blank();
    };
    let canvas = layout_and_draw(chart, &regular, &bold);
    match canvas.png() {
        Ok(bytes) => (bytes, canvas.width, canvas.height),
        // Encoding into memory fails only on a wrong size of the pixel
        // buffer or a zero dimension, neither of which `Canvas` makes.
        Err(_) => blank(),
    }
}

/// A white 16 × 9 cm picture, for the cases that cannot happen.
fn blank() -> (Vec<u8>, u32, u32) {
    let canvas = Canvas::new(WIDTH, BASE_HEIGHT as u32);
    (canvas.png().unwrap_or_default(), WIDTH, BASE_HEIGHT as u32)
}

/// The width between the margins.
const INNER: f32 = WIDTH as f32 - 2.0 * MARGIN;
/// The height of a line of the title.
const TITLE_LINE: f32 = TITLE_PX * 1.25;
/// The row above the plot where the target's label goes.
const TARGET_ROW: f32 = SMALL_PX * 1.6;
/// The row under the plot where the axis's ticks go.
const TICKS: f32 = 8.0 + SMALL_PX * 1.4;
/// The legend's row, under the ticks.
const LEGEND_ROW: f32 = 12.0 + SMALL_PX * 1.5;
/// The row of the note on bars left out, at the bottom.
const NOTE_ROW: f32 = SMALL_PX * 1.5;

/// Draws the chart on a canvas of the height it needs.
fn layout_and_draw(chart: &BarChart, regular: &FontRef<'_>, bold: &FontRef<'_>) -> Canvas {
    let layout = Layout::new(chart, regular, bold);
    let mut canvas = Canvas::new(WIDTH, layout.height);
    layout.draw_title(&mut canvas, bold);
    if layout.bars.is_empty() {
        layout.draw_no_bars(&mut canvas, regular);
        return canvas;
    }
    layout.draw_grid(&mut canvas, regular);
    layout.draw_bars(&mut canvas, regular);
    layout.draw_target(&mut canvas, regular);
    layout.draw_values(&mut canvas, regular);
    layout.draw_legend(&mut canvas, regular);
    layout.draw_note(&mut canvas, regular);
    canvas
}

/// The colour of a bar of `value`: whether it meets `target`.
fn bar_color(value: Decimal, target: Option<Decimal>) -> Rgb {
    if target.is_none_or(|t| value >= t) {
        MET
    } else {
        UNMET
    }
}

/// The legend's entries: the colours `bars` use when there is a target,
/// and N/A when one has no value.
fn legend_items(bars: &[Bar], target: Option<Decimal>) -> Vec<(Option<Rgb>, &'static str)> {
    let mut items: Vec<(Option<Rgb>, &str)> = Vec::new();
    let uses = |color: Rgb| {
        bars.iter()
            .any(|b| b.value.is_some_and(|v| bar_color(v, target) == color))
    };
    if target.is_some() {
        if uses(MET) {
            items.push((Some(MET), "Đạt chỉ tiêu"));
        }
        if uses(UNMET) {
            items.push((Some(UNMET), "Chưa đạt chỉ tiêu"));
        }
    }
    if bars.iter().any(|b| b.value.is_none()) {
        items.push((None, "N/A: không có hồ sơ để tính"));
    }
    items
}

/// Where the parts of a chart go, in pixels.
struct Layout<'a> {
    /// The bars drawn: at most [`MAX_BARS`].
    bars: &'a [Bar],
    /// How many bars are left out.
    hidden: usize,
    /// The target, when there are bars to hold against it.
    target: Option<Decimal>,
    /// The target's label, cut to the width.
    target_label: String,
    /// The legend's entries: a colour (none for N/A) and what it means.
    legend: Vec<(Option<Rgb>, &'static str)>,
    /// The title's lines.
    title: Vec<String>,
    /// Each bar's label, in one or two lines.
    labels: Vec<Vec<String>>,
    label_px: f32,
    value_px: f32,
    /// The height of one bar's row.
    row: f32,
    plot_top: f32,
    plot_h: f32,
    plot_bottom: f32,
    /// Where the axis puts 0% and 100%.
    x0: f32,
    x1: f32,
    /// The picture's height.
    height: u32,
}

/// The rows of the bars: their height, and the labels' size and lines.
struct Rows {
    row: f32,
    label_px: f32,
    lines: Vec<Vec<String>>,
}

impl Rows {
    /// Rows for the labels `names` when the rest takes `overhead` pixels:
    /// two-line labels when a name is long and there is room; with many
    /// bars, rows squeezed to fit [`MAX_HEIGHT`] and, if they must, labels
    /// smaller and on one line.
    fn fit(regular: &FontRef<'_>, names: &[String], overhead: f32) -> Rows {
        let label_max = INNER * 0.46;
        let n = names.len();
        let wrapped = |px: f32, max_lines: usize| -> Vec<Vec<String>> {
            names
                .iter()
                .map(|l| wrap(regular, px, l, label_max, max_lines))
                .collect()
        };
        let mut label_px = LABEL_PX;
        let mut lines = wrapped(label_px, 2);
        let two_lines = lines.iter().any(|l| l.len() > 1);
        let min_row = if two_lines {
            label_px * 2.0 * 1.2 + 10.0
        } else {
            label_px * 1.75
        };
        let mut row = if n == 0 {
            0.0
        } else {
            ((BASE_HEIGHT - overhead) / n as f32).clamp(min_row, 72.0)
        };
        if n > 0 && overhead + row * n as f32 > MAX_HEIGHT {
            row = ((MAX_HEIGHT - overhead) / n as f32).max(14.0);
            if row < min_row {
                label_px = (row / 1.6).clamp(11.0, LABEL_PX);
                lines = wrapped(label_px, 1);
            }
        }
        Rows {
            row,
            label_px,
            lines,
        }
    }
}

/// Where the axis puts 0% and 100%: past the widest label, and short of
/// the right margin by the widest value (or half the last tick).
fn axis(
    regular: &FontRef<'_>,
    bars: &[Bar],
    labels: &[Vec<String>],
    label_px: f32,
    value_px: f32,
) -> (f32, f32) {
    let label_w = labels
        .iter()
        .flatten()
        .map(|l| measure(regular, label_px, l))
        .fold(0.0_f32, f32::max);
    let value_w = bars
        .iter()
        .map(|b| measure(regular, value_px, &value_text(b.value)))
        .chain(std::iter::once(measure(regular, SMALL_PX, "100%") / 2.0))
        .fold(0.0_f32, f32::max);
    let x0 = MARGIN + label_w + 14.0;
    let x1 = (WIDTH as f32 - MARGIN - value_w - 10.0).max(x0 + 10.0);
    (x0, x1)
}

impl<'a> Layout<'a> {
    /// Lays `chart` out: the title's lines, the rows, the axis, and the
    /// height all that takes.
    fn new(chart: &'a BarChart, regular: &FontRef<'_>, bold: &FontRef<'_>) -> Layout<'a> {
        let bars = chart
            .bars
            .get(..chart.bars.len().min(MAX_BARS))
            .unwrap_or_default();
        let hidden = chart.bars.len() - bars.len();
        let target = chart.target.filter(|_| !bars.is_empty());
        let legend = legend_items(bars, target);
        let title = wrap(bold, TITLE_PX, &clean(&chart.title), INNER, 2);
        let mut top = MARGIN + title.len() as f32 * TITLE_LINE;
        if !title.is_empty() {
            top += 10.0;
        }
        let target_row = if target.is_some() { TARGET_ROW } else { 0.0 };
        let legend_row = if legend.is_empty() { 0.0 } else { LEGEND_ROW };
        let note = if hidden > 0 { NOTE_ROW } else { 0.0 };
        let overhead = top + target_row + TICKS + legend_row + note + MARGIN;
        let names: Vec<String> = bars.iter().map(|b| clean(&b.label)).collect();
        let rows = Rows::fit(regular, &names, overhead);
        let value_px = rows.label_px * 0.92;
        let plot_h = if bars.is_empty() {
            90.0
        } else {
            rows.row * bars.len() as f32
        };
        let (x0, x1) = axis(regular, bars, &rows.lines, rows.label_px, value_px);
        let target_label = match target {
            Some(_) => ellipsize(regular, SMALL_PX, &clean(&chart.target_label), INNER),
            None => String::new(),
        };
        let plot_top = top + target_row;
        Layout {
            bars,
            hidden,
            target,
            target_label,
            legend,
            title,
            labels: rows.lines,
            label_px: rows.label_px,
            value_px,
            row: rows.row,
            plot_top,
            plot_h,
            plot_bottom: plot_top + plot_h,
            x0,
            x1,
            height: (overhead + plot_h).ceil().clamp(1.0, MAX_HEIGHT + 200.0) as u32,
        }
    }

    /// The x of `v` (0–1) on the axis.
    fn x_of(&self, v: f32) -> f32 {
        self.x0 + (self.x1 - self.x0) * v
    }

    /// The y of the middle of bar `i`'s row.
    fn center_of(&self, i: usize) -> f32 {
        self.plot_top + self.row * (i as f32 + 0.5)
    }

    /// Draws the title, centred, line under line.
    fn draw_title(&self, canvas: &mut Canvas, bold: &FontRef<'_>) {
        for (i, line) in self.title.iter().enumerate() {
            let y = MARGIN + TITLE_PX + i as f32 * TITLE_LINE - TITLE_PX * 0.2;
            canvas.centered(bold, TITLE_PX, y, line, INK);
        }
    }

    /// Draws, where the plot would be, that there is nothing to draw.
    fn draw_no_bars(&self, canvas: &mut Canvas, regular: &FontRef<'_>) {
        let message = "Không có đơn vị nào để vẽ";
        let y = baseline(regular, LABEL_PX, self.plot_top + self.plot_h / 2.0);
        canvas.centered(regular, LABEL_PX, y, message, GREY);
    }

    /// Draws the grid every 20% and the ticks under it.
    fn draw_grid(&self, canvas: &mut Canvas, regular: &FontRef<'_>) {
        for step in 0..=5u8 {
            let x = self.x_of(f32::from(step) / 5.0);
            let (top, bottom) = (self.plot_top, self.plot_bottom);
            canvas.rect(x.round(), top, x.round() + 1.0, bottom, GRID);
            let tick = format!("{}%", u32::from(step) * 20);
            let w = measure(regular, SMALL_PX, &tick);
            let y = bottom + 8.0 + SMALL_PX;
            canvas.text(regular, SMALL_PX, x - w / 2.0, y, &tick, GREY);
        }
    }

    /// Draws each bar's label, right-aligned before the axis, and its bar;
    /// then the axis over the bars' starts.
    fn draw_bars(&self, canvas: &mut Canvas, regular: &FontRef<'_>) {
        let (px, x0) = (self.label_px, self.x0);
        let bar_h = (self.row * 0.62).max(4.0);
        let label_line = px * 1.2;
        for (i, (bar, label)) in self.bars.iter().zip(&self.labels).enumerate() {
            let center = self.center_of(i);
            let first = center - label_line * (label.len() as f32 - 1.0) / 2.0;
            for (k, line) in label.iter().enumerate() {
                let w = measure(regular, px, line);
                let y = baseline(regular, px, first + k as f32 * label_line);
                canvas.text(regular, px, x0 - 12.0 - w, y, line, INK);
            }
            if let Some(v) = bar.value {
                let end = self.x_of(fraction(v));
                let color = bar_color(v, self.target);
                if end > x0 {
                    let (top, bottom) = (center - bar_h / 2.0, center + bar_h / 2.0);
                    canvas.rect(x0, top, end.max(x0 + 1.0), bottom, color);
                }
            }
        }
        canvas.rect(x0 - 1.0, self.plot_top, x0 + 1.0, self.plot_bottom, AXIS);
    }

    /// Draws the target: a dashed line over the bars, its label above.
    fn draw_target(&self, canvas: &mut Canvas, regular: &FontRef<'_>) {
        let Some(target) = self.target else {
            return;
        };
        let x = self.x_of(fraction(target));
        let end_y = self.plot_bottom + 4.0;
        let mut y = self.plot_top - 4.0;
        while y < end_y {
            canvas.rect(x - 1.5, y, x + 1.5, (y + 12.0).min(end_y), TARGET);
            y += 20.0;
        }
        let label = &self.target_label;
        let w = measure(regular, SMALL_PX, label);
        let lx = (x - w / 2.0).clamp(MARGIN, WIDTH as f32 - MARGIN - w);
        canvas.text(regular, SMALL_PX, lx, self.plot_top - 10.0, label, TARGET);
    }

    /// Draws each value past its bar's end (N/A, in grey, at the axis), on
    /// white so the target line does not cross it.
    fn draw_values(&self, canvas: &mut Canvas, regular: &FontRef<'_>) {
        let px = self.value_px;
        let half = px * 0.6;
        for (i, bar) in self.bars.iter().enumerate() {
            let center = self.center_of(i);
            let text = value_text(bar.value);
            let (x, color) = match bar.value {
                Some(v) => (self.x_of(fraction(v)) + 6.0, INK),
                None => (self.x0 + 6.0, GREY),
            };
            let w = measure(regular, px, &text);
            canvas.rect(x - 2.0, center - half, x + w + 2.0, center + half, WHITE);
            let y = baseline(regular, px, center);
            canvas.text(regular, px, x, y, &text, color);
        }
    }

    /// Draws the legend, centred under the ticks: what the colours and N/A
    /// mean.
    fn draw_legend(&self, canvas: &mut Canvas, regular: &FontRef<'_>) {
        if self.legend.is_empty() {
            return;
        }
        let swatch = SMALL_PX * 0.8;
        let room = |color: Option<Rgb>| if color.is_some() { swatch + 8.0 } else { 0.0 };
        let total: f32 = self
            .legend
            .iter()
            .map(|&(color, text)| measure(regular, SMALL_PX, text) + room(color))
            .sum::<f32>()
            + 28.0 * (self.legend.len().saturating_sub(1)) as f32;
        let mut x = ((WIDTH as f32 - total) / 2.0).max(MARGIN);
        let center = self.plot_bottom + TICKS + 12.0 + SMALL_PX * 0.75;
        let base = baseline(regular, SMALL_PX, center);
        for &(color, text) in &self.legend {
            if let Some(color) = color {
                let (top, bottom) = (center - swatch / 2.0, center + swatch / 2.0);
                canvas.rect(x, top, x + swatch, bottom, color);
                x += swatch + 8.0;
            }
            canvas.text(regular, SMALL_PX, x, base, text, GREY);
            x += measure(regular, SMALL_PX, text) + 28.0;
        }
    }

    /// Draws, at the bottom, how many bars are left out.
    fn draw_note(&self, canvas: &mut Canvas, regular: &FontRef<'_>) {
        if self.hidden == 0 {
            return;
        }
        let mut y = self.plot_bottom + TICKS;
        if !self.legend.is_empty() {
            y += LEGEND_ROW;
        }
        let text = format!(
            "… và {} đơn vị khác không vẽ hết",
            vn::int(self.hidden as i64)
        );
        let base = baseline(regular, SMALL_PX, y + SMALL_PX * 0.75);
        canvas.centered(regular, SMALL_PX, base, &text, GREY);
    }
}

/// `text` cut to `max` terminal columns (as `unicode-width` counts them:
/// a letter's marks take none, wide letters two), ending in `…` when cut;
/// a letter keeps its marks. Tables on the terminal cut their cells so too.
pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let Some(room) = max.checked_sub(1) else {
        return String::new();
    };
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        used += c.width().unwrap_or(0);
        if used > room {
            break;
        }
        out.push(c);
    }
    // A sequence (an emoji and its selector) can be wider than its
    // characters.
    while out.width() > room {
        out.pop();
    }
    out.push('…');
    out
}

/// Pads `text` with spaces to `width` columns, on the right or the left.
pub(crate) fn pad(text: &str, width: usize, left: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.width()));
    if left {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// The chart as text for a terminal of `width` columns: one line per
/// unit with its name, a bar of █ scaled to 100% and its value (95,44%);
/// the target is a │ through the bars and named on the line below. Every
/// line fits `width`.
pub fn text(chart: &BarChart, width: usize) -> String {
    // No terminal is wider; a bound on the work for absurd widths.
    let width = width.min(1000);
    let mut out: Vec<String> = Vec::new();
    let title = clean(&chart.title);
    if !title.is_empty() {
        out.push(title);
    }
    if chart.bars.is_empty() {
        out.push("(không có đơn vị nào)".to_string());
    }
    let labels: Vec<String> = chart.bars.iter().map(|b| clean(&b.label)).collect();
    let values: Vec<String> = chart.bars.iter().map(|b| value_text(b.value)).collect();
    let value_w = values.iter().map(|v| v.width()).max().unwrap_or(0);
    let label_max = labels.iter().map(|l| l.width()).max().unwrap_or(0);
    // Labels take what the bars leave, but at most 45% of the line and at
    // least 8 columns when there is room.
    let room = width.saturating_sub(value_w + 2);
    let label_w = label_max
        .min(room.saturating_mul(45) / 100)
        .max(label_max.min(8))
        .min(room);
    let bar_w = room.saturating_sub(label_w);
    let target_col = chart.target.map(|t| {
        let col = (fraction(t) * bar_w as f32).round() as usize;
        col.min(bar_w.saturating_sub(1))
    });
    for ((bar, label), value) in chart.bars.iter().zip(&labels).zip(&values) {
        out.push(format!(
            "{} {} {}",
            pad(&cut(label, label_w), label_w, false),
            cells(bar.value, bar_w, target_col),
            pad(value, value_w, true)
        ));
    }
    if let (Some(col), false) = (target_col, chart.bars.is_empty()) {
        let name = clean(&chart.target_label);
        out.push(target_line(&name, label_w + 1 + col, width));
    }
    if width == 0 {
        return String::new();
    }
    let mut text = String::new();
    for line in out {
        text.push_str(cut(line.trim_end(), width).as_str());
        text.push('\n');
    }
    text
}

/// A bar of `value` in `bar_w` cells: a █ for each full cell and an
/// eighth block for the rest, then the target's │ at `target_col` if the
/// bar ends before it.
fn cells(value: Option<Decimal>, bar_w: usize, target_col: Option<usize>) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = value.map_or(0, |v| (fraction(v) * bar_w as f32 * 8.0).round() as usize);
    let (full, part) = (eighths / 8, eighths % 8);
    (0..bar_w)
        .map(|i| {
            if i < full {
                '█'
            } else if i == full && part > 0 {
                EIGHTHS.get(part).copied().unwrap_or(' ')
            } else if Some(i) == target_col {
                '│'
            } else {
                ' '
            }
        })
        .collect()
}

/// The line under the bars naming the target `name`: `└ name` from column
/// `at`, or `name ┘` ending there when that does not fit `width`.
fn target_line(name: &str, at: usize, width: usize) -> String {
    let right = format!("└ {name}");
    if at + right.width() <= width {
        format!("{}{right}", " ".repeat(at))
    } else {
        let left = format!("{name} ┘");
        let start = (at + 1).saturating_sub(left.width());
        format!("{}{left}", " ".repeat(start))
    }
}

const LEVELS: [(&str, &str); 3] = [
    ("tinh", "cấp tỉnh"),
    ("huyen", "cấp huyện"),
    ("xa", "cấp xã"),
];

/// Adds the template function `bieu_do(ratio, cap=none, sap_xep=false)`
/// for .docx templates: it gives a picture, to put alone in a paragraph.
pub fn register(env: &mut Environment<'static>) {
    env.add_function("bieu_do", bieu_do);
}

/// Adds `bieu_do` for text and Markdown reports: the same chart as bars of
/// text `width` columns wide (in Markdown, put it in a ``` block).
pub fn register_text(env: &mut Environment<'static>, width: usize) {
    env.add_function(
        "bieu_do",
        move |state: &State, ratio: &str, kwargs: Kwargs| -> Result<String, Error> {
            Ok(text(&chart_of(state, ratio, kwargs)?, width))
        },
    );
}

fn fail(detail: impl Into<String>) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("bieu_do: {}", detail.into()),
    )
}

/// A percentage from the context: a string like "98.83", a number, or
/// none.
fn percent(value: &Value, what: &str) -> Result<Option<Decimal>, Error> {
    if value.is_none() {
        return Ok(None);
    }
    if let Some(s) = value.as_str() {
        return Decimal::from_str(s.trim()).map(Some).map_err(|_| {
            fail(format!(
                "{what} không phải một tỷ lệ: '{}'",
                crate::text::quote(s)
            ))
        });
    }
    if let Some(i) = value.as_i64() {
        return Ok(Some(Decimal::from(i)));
    }
    if value.kind() == ValueKind::Number
        && let Ok(f) = f64::try_from(value.clone())
        && let Ok(d) = Decimal::try_from(f)
    {
        return Ok(Some(d));
    }
    Err(fail(format!(
        "{what} không phải một tỷ lệ: {}",
        crate::text::quote(&value.to_string())
    )))
}

/// An attribute that must be there.
fn attr(value: &Value, key: &str, what: &str) -> Result<Value, Error> {
    match value.get_attr(key) {
        Ok(v) if !v.is_undefined() => Ok(v),
        _ => Err(fail(format!(
            "{what} không có '{}'",
            crate::text::quote(key)
        ))),
    }
}

/// `{{ bieu_do("thanh_toan_truc_tuyen", cap="xa") }}`: a bar chart of one
/// ratio for every unit of `theo_don_vi` (or those of one level), with the
/// target from `chi_tieu` when it has one. `sap_xep=true` orders the bars
/// from highest to lowest (N/A last).
fn bieu_do(state: &State, ratio: &str, kwargs: Kwargs) -> Result<Value, Error> {
    Ok(picture(&chart_of(state, ratio, kwargs)?).value())
}

/// The chart `bieu_do` draws, from the template's context.
fn chart_of(state: &State, ratio: &str, kwargs: Kwargs) -> Result<BarChart, Error> {
    let Some(title) = RatioKind::from_key(ratio).map(RatioKind::title) else {
        return Err(fail(format!(
            "không có tỷ lệ '{}'; dùng một trong: {}",
            crate::text::quote(ratio),
            RatioKind::keys()
        )));
    };
    let cap: Option<String> = kwargs.get("cap")?;
    let sort: Option<bool> = kwargs.get("sap_xep")?;
    kwargs.assert_all_used()?;
    let level = level_of(cap.as_deref())?;
    let mut bars = bars_of(state, ratio, level)?;
    if sort == Some(true) {
        // Stable: equal values keep the context's order.
        bars.sort_by(|a, b| match (a.value, b.value) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    }
    let target = match state.lookup("chi_tieu") {
        Some(targets) if targets.kind() == ValueKind::Map => match targets.get_attr(ratio) {
            Ok(t) if !t.is_undefined() => percent(&t, &format!("chi_tieu.{ratio}"))?,
            _ => None,
        },
        _ => None,
    };
    Ok(BarChart {
        title: title_of(state, title, level),
        bars,
        target,
        target_label: target.map_or_else(String::new, |t| {
            format!("Chỉ tiêu {}", vn::percent(Some(t)))
        }),
    })
}

/// The level `cap=` names: its key and its name in a title.
fn level_of(cap: Option<&str>) -> Result<Option<(&'static str, &'static str)>, Error> {
    let Some(c) = cap else {
        return Ok(None);
    };
    match LEVELS.iter().find(|(key, _)| *key == c) {
        Some(level) => Ok(Some(*level)),
        None => Err(fail(format!(
            "cap phải là 'tinh', 'huyen' hoặc 'xa', không phải '{}'",
            crate::text::quote(c)
        ))),
    }
}

/// One bar for each unit of `theo_don_vi` (of `level` when given): its
/// name and its `ratio`, given as `{phan_tram: …}` or as the percentage.
fn bars_of(state: &State, ratio: &str, level: Option<(&str, &str)>) -> Result<Vec<Bar>, Error> {
    let units = match state.lookup("theo_don_vi") {
        Some(v) if !v.is_undefined() && !v.is_none() => v,
        _ => return Err(fail("dữ liệu không có 'theo_don_vi'")),
    };
    let iter = units
        .try_iter()
        .map_err(|_| fail("'theo_don_vi' không phải danh sách"))?;
    let mut bars = Vec::new();
    for unit in iter {
        let name = attr(&unit, "don_vi", "một đơn vị của 'theo_don_vi'")?;
        let name = name
            .as_str()
            .map_or_else(|| name.to_string(), str::to_string);
        let what = format!("đơn vị '{}'", crate::text::quote(&name));
        if let Some((key, _)) = level {
            let unit_level = attr(&unit, "cap", &what)?;
            if unit_level.as_str() != Some(key) {
                continue;
            }
        }
        let ty_le = attr(&unit, "ty_le", &what)?;
        let ratio_value = attr(&ty_le, ratio, &format!("ty_le của {what}"))?;
        let value = if ratio_value.kind() == ValueKind::Map {
            let p = attr(
                &ratio_value,
                "phan_tram",
                &format!("ty_le.{ratio} của {what}"),
            )?;
            percent(&p, &format!("ty_le.{ratio}.phan_tram của {what}"))?
        } else {
            percent(&ratio_value, &format!("ty_le.{ratio} của {what}"))?
        };
        bars.push(Bar { label: name, value });
    }
    Ok(bars)
}

/// The chart's title: the ratio's, the level's name, and the period as
/// letters write it (tháng 6/2023) or its long name.
fn title_of(state: &State, title: &str, level: Option<(&str, &str)>) -> String {
    let mut title = match level {
        Some((_, name)) => format!("{title} {name}"),
        None => title.to_string(),
    };
    let ky = state.lookup("ky");
    let name = |key: &str| {
        ky.as_ref()
            .and_then(|ky| ky.get_attr(key).ok())
            .and_then(|v| v.as_str().map(str::to_string))
    };
    if let Some(period) = name("ten_ngan").or_else(|| name("ten")) {
        title = format!("{title}, {period}");
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    fn bar(label: &str, value: Option<&str>) -> Bar {
        Bar {
            label: label.to_string(),
            value: value.map(dec),
        }
    }

    /// The units of reference 001's payment paragraph, and a few more.
    fn sample() -> BarChart {
        BarChart {
            title: "Tỷ lệ thanh toán trực tuyến theo đơn vị cấp xã, tháng 6 năm 2023".into(),
            bars: vec![
                bar("UBND xã Chí Minh", Some("95.44")),
                bar("UBND xã Quang Phục", Some("92.67")),
                bar("UBND xã An Thanh", Some("85.66")),
                bar("UBND xã Quảng Nghiệp", Some("80.71")),
                bar(
                    "Chi nhánh Văn phòng đăng ký đất đai huyện Tứ Kỳ",
                    Some("12.5"),
                ),
                bar("UBND xã Hưng Đạo", Some("0")),
                bar("UBND thị trấn Tứ Kỳ", None),
                bar("UBND xã Ngọc Kỳ", Some("100")),
            ],
            target: Some(dec("30")),
            target_label: "Chỉ tiêu 30%".into(),
        }
    }

    /// Width and height from the IHDR chunk, after checking the signature.
    fn png_size(bytes: &[u8]) -> (u32, u32) {
        assert!(bytes.starts_with(&[0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n']));
        assert_eq!(bytes.get(12..16), Some(&b"IHDR"[..]));
        let word = |at: usize| {
            let b: [u8; 4] = bytes
                .get(at..at + 4)
                .and_then(|s| s.try_into().ok())
                .unwrap_or_default();
            u32::from_be_bytes(b)
        };
        (word(16), word(20))
    }

    /// Decodes a PNG fully, to be sure it is valid.
    fn decode(bytes: &[u8]) -> (u32, u32) {
        let image = Image::of(bytes);
        (image.width as u32, image.height as u32)
    }

    /// A decoded PNG: its RGB pixels, row by row.
    struct Image {
        width: usize,
        height: usize,
        rgb: Vec<u8>,
    }

    impl Image {
        fn of(bytes: &[u8]) -> Image {
            let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
            let mut reader = match decoder.read_info() {
                Ok(r) => r,
                Err(e) => panic!("{e}"),
            };
            let mut rgb = vec![0; reader.output_buffer_size().unwrap_or(0)];
            let info = match reader.next_frame(&mut rgb) {
                Ok(info) => info,
                Err(e) => panic!("{e}"),
            };
            assert_eq!(info.color_type, png::ColorType::Rgb);
            assert_eq!(info.bit_depth, png::BitDepth::Eight);
            rgb.truncate(info.buffer_size());
            let (width, height) = (info.width as usize, info.height as usize);
            assert_eq!(rgb.len(), width * height * 3);
            Image { width, height, rgb }
        }

        fn at(&self, x: usize, y: usize) -> Rgb {
            let at = (y * self.width + x) * 3;
            match self.rgb.get(at..at + 3) {
                Some(&[r, g, b]) => [r, g, b],
                _ => panic!("({x}, {y}) is outside the picture"),
            }
        }

        /// The xs of row `y` whose pixel is `color` exactly.
        fn xs(&self, y: usize, color: Rgb) -> Vec<usize> {
            (0..self.width)
                .filter(|&x| self.at(x, y) == color)
                .collect()
        }

        /// The rows crossed by a run of `color` longer than `min` pixels,
        /// with the run's first and last x: a bar, not a legend's swatch.
        fn runs(&self, color: Rgb, min: usize) -> Vec<(usize, usize, usize)> {
            (0..self.height)
                .filter_map(|y| {
                    let xs = self.xs(y, color);
                    let (&first, &last) = (xs.first()?, xs.last()?);
                    (last - first > min).then_some((y, first, last))
                })
                .collect()
        }

        /// How many pixels of the rectangle are dark ink: text.
        fn dark(&self, xs: std::ops::Range<usize>, ys: std::ops::Range<usize>) -> usize {
            ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
                .filter(|&(x, y)| self.at(x, y).iter().all(|&c| c < 110))
                .count()
        }
    }

    /// Bars of known lengths: 100%, 50%, 0% and N/A, against 75%.
    fn known() -> BarChart {
        BarChart {
            title: "Tỷ lệ giải quyết hồ sơ đúng hạn".into(),
            bars: vec![
                bar("UBND xã An Thanh", Some("100")),
                bar("UBND xã Hưng Đạo", Some("50")),
                bar("UBND xã Ngọc Kỳ", Some("0")),
                bar("UBND thị trấn Tứ Kỳ", None),
            ],
            target: Some(dec("75")),
            target_label: "Chỉ tiêu 75%".into(),
        }
    }

    /// The rows of the bar of `runs`, which must be one rectangle: its
    /// first and last row, its first and last x.
    fn rectangle(runs: &[(usize, usize, usize)]) -> (usize, usize, usize, usize) {
        let Some(&(top, first, last)) = runs.first() else {
            panic!("no bar");
        };
        let bottom = runs.last().map_or(top, |r| r.0);
        assert_eq!(bottom - top + 1, runs.len(), "the bar's rows: {runs:?}");
        assert!(runs.iter().all(|r| (r.1, r.2) == (first, last)), "{runs:?}");
        (top, bottom, first, last)
    }

    /// The chart of [`known`] as its pixels show it.
    struct Measured {
        image: Image,
        /// The 100% and the 50% bars: first and last row, first and last x.
        bars: [(usize, usize, usize, usize); 2],
        /// The axis: its column (its right one), its first and last row.
        x0: usize,
        top: usize,
        bottom: usize,
        /// The grid lines' columns, 20% to 100%, in a row between bars.
        grid: Vec<usize>,
    }

    impl Measured {
        fn known() -> Measured {
            let image = Image::of(&png(&known()));
            assert_eq!(image.width, WIDTH as usize);
            // 100% meets the target, 50% does not; each is one rectangle.
            let full = rectangle(&image.runs(MET, 100));
            let half = rectangle(&image.runs(UNMET, 100));
            assert!(full.1 < half.0, "the 100% bar comes first");
            // Both start just after the axis, a grey line down the plot.
            assert_eq!(full.2, half.2);
            let x0 = full.2 - 1;
            let axis: Vec<usize> = (0..image.height)
                .filter(|&y| image.at(x0, y) == AXIS)
                .collect();
            let (Some(&top), Some(&bottom)) = (axis.first(), axis.last()) else {
                panic!("no axis");
            };
            assert_eq!(axis.len(), bottom - top + 1, "one line");
            let grid = image.xs((full.1 + half.0) / 2, GRID);
            Measured {
                image,
                bars: [full, half],
                x0,
                top,
                bottom,
                grid,
            }
        }

        /// The x of `fraction` of the axis, from 0% to the 100% grid line.
        fn x_at(&self, fraction: f32) -> f32 {
            let x100 = self.grid.last().copied().unwrap_or(0);
            self.x0 as f32 + (x100 - self.x0) as f32 * fraction
        }

        /// The middle of row `i` of four sharing the plot.
        fn middle(&self, i: usize) -> f32 {
            let row = (self.bottom - self.top + 1) as f32 / 4.0;
            self.top as f32 + row * (i as f32 + 0.5)
        }
    }

    #[test]
    fn the_bars_are_as_long_as_their_values() {
        let m = Measured::known();
        let [full, half] = m.bars;
        // Grid lines every 20% of the axis; the 100% bar ends at the last.
        assert_eq!(m.grid.len(), 5, "{:?}", m.grid);
        for (k, x) in m.grid.iter().enumerate() {
            let expected = m.x_at((k + 1) as f32 / 5.0);
            assert!((*x as f32 - expected).abs() <= 1.0, "grid {k}: {x}");
        }
        assert_eq!(Some(full.3 + 1), m.grid.last().copied());
        // Half the value, half the length.
        let length = |end: usize| (end + 1 - m.x0) as f32;
        let (l100, l50) = (length(full.3), length(half.3));
        assert!((l50 - l100 / 2.0).abs() <= 1.5, "{l100} {l50}");
        // The plot takes most of the width, short of the right margin.
        assert!(l100 > WIDTH as f32 / 2.0);
        assert!(full.3 < (WIDTH as f32 - MARGIN) as usize);
    }

    #[test]
    fn the_bars_share_the_plot_and_none_is_drawn_for_0_or_na() {
        let m = Measured::known();
        let [full, half] = m.bars;
        assert_eq!(full.1 - full.0, half.1 - half.0, "bars of one height");
        for (i, (top, bottom, ..)) in m.bars.into_iter().enumerate() {
            let center = (top + bottom + 1) as f32 / 2.0;
            assert!((center - m.middle(i)).abs() <= 1.0, "bar {i}: {center}");
        }
        // 0% and N/A: no bar in their rows, but their values written next
        // to the axis.
        let half_bar = (full.1 - full.0) / 2;
        for i in [2, 3] {
            let center = m.middle(i) as usize;
            let rows = center - half_bar - 1..center + half_bar + 2;
            for y in rows.clone() {
                let bar = m.image.xs(y, MET).len() + m.image.xs(y, UNMET).len();
                assert_eq!(bar, 0, "bar {i}, y {y}");
            }
            let written = rows
                .flat_map(|y| (m.x0 + 2..m.x0 + 80).map(move |x| (x, y)))
                .filter(|&(x, y)| {
                    let [r, g, b] = m.image.at(x, y);
                    r < 160 && r.abs_diff(g) < 12 && g.abs_diff(b) < 12
                })
                .count();
            assert!(written > 20, "bar {i}: its value is not written");
        }
    }

    #[test]
    fn the_target_is_a_dashed_line_at_its_value() {
        let m = Measured::known();
        let expected = m.x_at(0.75);
        let mut lit = 0;
        for y in m.top..=m.bottom {
            for x in m.image.xs(y, TARGET) {
                assert!((x as f32 - expected).abs() <= 2.5, "target at {x}, y {y}");
                lit += 1;
            }
        }
        // Three pixels wide, lit on 12 rows of every 20.
        let rows = m.bottom - m.top;
        assert!(lit > 3 * rows / 2 && lit < 3 * rows, "{lit} of {rows} rows");
    }

    #[test]
    fn the_title_and_the_legend_are_drawn_within_the_margins() {
        let chart = known();
        let image = Image::of(&png(&chart));
        let (w, margin) = (image.width, MARGIN as usize);
        // One line of title, centred under the top margin.
        let title = margin..margin + (TITLE_PX * 1.25) as usize;
        let ink = image.dark(0..w, title.clone());
        assert!(ink > 1000, "title: {ink} dark pixels");
        let dark_xs: Vec<usize> = (0..w)
            .filter(|&x| image.dark(x..x + 1, title.clone()) > 0)
            .collect();
        let (left, right) = (dark_xs.first(), dark_xs.last());
        let (Some(&left), Some(&right)) = (left, right) else {
            panic!("no title");
        };
        assert!(left.abs_diff(w - 1 - right) <= 6, "{left}..{right}");
        // Nothing in the side margins nor the bottom one.
        let white = |xs: std::ops::Range<usize>, ys: std::ops::Range<usize>| {
            ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
                .all(|(x, y)| image.at(x, y) == WHITE)
        };
        assert!(white(0..margin - 2, 0..image.height));
        assert!(white(w - margin + 2..w, 0..image.height));
        assert!(white(0..w, image.height - margin / 2..image.height));
        // The legend under the plot names both colours, with swatches.
        let swatches = |color: Rgb| {
            (0..image.height)
                .filter(|&y| (1..30).contains(&image.xs(y, color).len()))
                .count()
        };
        assert!(swatches(MET) > 10 && swatches(UNMET) > 10);
    }

    #[test]
    fn a_chart_without_bars_says_so() {
        let image = Image::of(&png(&BarChart {
            bars: vec![],
            ..known()
        }));
        let (w, h) = (image.width, image.height);
        assert!(image.dark(0..w, 0..h / 3) > 500, "the title");
        let message = (0..w)
            .flat_map(|x| (h / 3..h).map(move |y| (x, y)))
            .filter(|&(x, y)| image.at(x, y) != WHITE)
            .count();
        assert!(message > 300, "the message: {message}");
        // No bar, no target (text is grey, so may match the axis's grey).
        for color in [MET, UNMET, TARGET] {
            assert!((0..h).all(|y| image.xs(y, color).is_empty()));
        }
    }

    #[test]
    fn text_bars_are_as_long_as_their_values() {
        let chart = BarChart {
            title: "Đúng hạn".into(),
            bars: vec![
                bar("Đơn vị 1", Some("100")),
                bar("Đơn vị 2", Some("50")),
                bar("Đơn vị 3", Some("25")),
                bar("Đơn vị 4", Some("0")),
                bar("Đơn vị 5", None),
            ],
            target: Some(dec("40")),
            target_label: "Chỉ tiêu 40%".into(),
        };
        let out = text(&chart, 60);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 7, "{out}");
        // A line is the label, a space, the bar, a space, the value.
        let bar_w = 60 - "Đơn vị 1".width() - 1 - 1 - "100%".width();
        let full = |l: &str| l.chars().filter(|&c| c == '█').count();
        let parts = |l: &str| l.chars().filter(|c| ('▉'..='▏').contains(c)).count();
        let bars = &lines[1..6];
        assert!(bars.iter().all(|l| l.width() == 60), "{out}");
        assert_eq!(
            bars.iter().map(|l| full(l)).collect::<Vec<_>>(),
            [bar_w, bar_w / 2, bar_w / 4, 0, 0]
        );
        // 25% of 46 cells is 11 and a half: a half block.
        assert_eq!(bar_w, 46);
        assert!(bars[2].contains('▌'), "{out}");
        assert_eq!(bars.iter().map(|l| parts(l)).sum::<usize>(), 1);
        // The target mark at 40% of the bar (18.4 cells) on the lines whose
        // bar ends before it, and under them.
        let column = |l: &str, c: char| l.find(c).map(|at| l[..at].width());
        let mark = Some("Đơn vị 1".width() + 1 + 18);
        assert_eq!(column(bars[0], '│'), None);
        assert_eq!(column(bars[1], '│'), None);
        for line in &bars[2..] {
            assert_eq!(column(line, '│'), mark, "{out}");
        }
        assert_eq!(column(lines[6], '└'), mark, "{out}");
        assert!(lines[6].ends_with("└ Chỉ tiêu 40%"), "{out}");
    }

    #[test]
    fn columns_count_letters_not_their_marks() {
        let nfc = "UBND xã Ngọc Kỳ";
        let nfd: String = nfc.nfd().collect();
        assert!(nfd.chars().count() > nfc.chars().count());
        assert_eq!((nfc.width(), nfd.width()), (15, 15));
        let composed = |s: String| s.nfc().collect::<String>();
        for (max, kept) in [
            (20, "UBND xã Ngọc Kỳ"),
            (15, "UBND xã Ngọc Kỳ"),
            (14, "UBND xã Ngọc …"),
            (10, "UBND xã N…"),
            // The tilde stays with its a.
            (8, "UBND xã…"),
            (7, "UBND x…"),
            (1, "…"),
            (0, ""),
        ] {
            assert_eq!(cut(nfc, max), kept, "{max}");
            assert_eq!(composed(cut(&nfd, max)), kept, "{max}");
            assert!(cut(&nfd, max).width() <= max);
        }
        assert_eq!(composed(pad(&nfd, 17, true)), format!("  {nfc}"));
        assert_eq!(composed(pad(&nfd, 16, false)), format!("{nfc} "));
        // Wide letters take two columns and are not split; an emoji with
        // its selector is wider than its characters, and still fits.
        assert_eq!(cut("漢字漢字", 6), "漢字…");
        assert_eq!("a☺\u{fe0f}b".width(), 4);
        assert_eq!(cut("a☺\u{fe0f}b", 3), "a☺…");
    }

    #[test]
    fn the_font_has_every_vietnamese_letter() {
        let font = FontRef::try_from_slice(REGULAR).ok();
        let bold = FontRef::try_from_slice(BOLD).ok();
        let letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";
        for font in [font, bold] {
            let Some(font) = font else {
                panic!("the embedded font does not load");
            };
            for c in letters
                .chars()
                .chain(letters.to_uppercase().chars())
                .chain("…│%".chars())
            {
                assert_ne!(font.glyph_id(c).0, 0, "no glyph for {c}");
            }
        }
    }

    #[test]
    fn same_chart_same_bytes_and_a_valid_png() {
        let a = png(&sample());
        let b = png(&sample());
        assert_eq!(a, b);
        let (w, h) = png_size(&a);
        assert_eq!(w, WIDTH);
        assert!((400..=800).contains(&h), "{h}");
        assert_eq!(decode(&a), (w, h));
        let picture = picture(&sample());
        assert_eq!(picture.width_emu(), u64::from(w) * EMU_PER_PX);
        assert_eq!(picture.height_emu(), u64::from(h) * EMU_PER_PX);
        // About 16 cm wide.
        assert!((5_700_000..5_800_000).contains(&picture.width_emu()));
    }

    #[test]
    fn no_bars_and_many_bars() {
        let empty = BarChart {
            title: "Trống".into(),
            bars: vec![],
            target: Some(dec("30")),
            target_label: "Chỉ tiêu 30%".into(),
        };
        let (w, h) = decode(&png(&empty));
        assert_eq!(w, WIDTH);
        assert!(h > 100 && h < BASE_HEIGHT as u32, "{h}");

        let many = |n: usize| BarChart {
            title: "Nhiều".into(),
            bars: (0..n)
                .map(|i| {
                    bar(
                        &format!("UBND xã Số {i} có tên khá dài"),
                        Some(&format!("{}", i % 101)),
                    )
                })
                .collect(),
            target: None,
            target_label: String::new(),
        };
        let (_, h60) = decode(&png(&many(60)));
        assert!(
            h60 > BASE_HEIGHT as u32 && h60 <= MAX_HEIGHT as u32,
            "{h60}"
        );
        let (_, h500) = decode(&png(&many(500)));
        assert!(h500 <= MAX_HEIGHT as u32 + 1, "{h500}");
        let (_, h10) = decode(&png(&many(10)));
        assert!(h10 <= h60);
    }

    #[test]
    fn odd_values_do_not_break_the_drawing() {
        let chart = BarChart {
            title: "x\u{0}\ty".repeat(200),
            bars: vec![
                bar("", Some("-5")),
                bar("\u{7}", Some("250.5")),
                bar(&"Rất dài ".repeat(500), Some("99.999")),
                bar("ÁÂ", None),
            ],
            target: Some(dec("150")),
            target_label: "Chỉ tiêu 150%".into(),
        };
        let bytes = png(&chart);
        assert_eq!(decode(&bytes).0, WIDTH);
        assert!(text(&chart, 60).lines().all(|l| l.width() <= 60));
    }

    #[test]
    fn text_bars_fit_the_width_and_speak_vietnamese() {
        for width in [0, 1, 5, 20, 40, 80, 120, usize::MAX] {
            let out = text(&sample(), width);
            for line in out.lines() {
                assert!(line.width() <= width, "{width}: {line:?}");
            }
        }
        let out = text(&sample(), 80);
        assert!(out.contains("95,44%"), "{out}");
        assert!(out.contains("12,5%"), "{out}");
        assert!(out.contains("N/A"), "{out}");
        assert!(out.contains("└ Chỉ tiêu 30%"), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1 + 8 + 1, "{out}");
        let full = lines
            .iter()
            .find(|l| l.starts_with("UBND xã Ngọc Kỳ"))
            .copied()
            .unwrap_or("");
        assert!(full.contains('█') && !full.contains('│'), "{full}");
        let zero = lines
            .iter()
            .find(|l| l.starts_with("UBND xã Hưng Đạo"))
            .copied()
            .unwrap_or("");
        assert!(
            !zero.contains('█') && zero.contains('│') && zero.ends_with(" 0%"),
            "{zero}"
        );
        // The target mark is in the same column on every line.
        let col = |l: &str| l.chars().position(|c| c == '│' || c == '└');
        let marks: Vec<usize> = lines.iter().filter_map(|l| col(l)).collect();
        assert!(
            marks.len() >= 3 && marks.windows(2).all(|w| w[0] == w[1]),
            "{out}"
        );
        let none = text(
            &BarChart {
                title: "Trống".into(),
                bars: vec![],
                target: None,
                target_label: String::new(),
            },
            40,
        );
        assert_eq!(none, "Trống\n(không có đơn vị nào)\n");
    }

    fn context() -> Value {
        let ratio =
            |p: Option<&str>| serde_json::json!({ "tu_so": 1, "mau_so": 2, "phan_tram": p });
        let unit = |name: &str, cap: &str, pay: Option<&str>| {
            serde_json::json!({
                "don_vi": name,
                "cap": cap,
                "ty_le": {
                    "truc_tuyen": ratio(Some("50.00")),
                    "thanh_toan_truc_tuyen": ratio(pay),
                    "so_hoa_dau_vao": ratio(Some("97.31")),
                    "so_hoa_dau_ra": ratio(Some("98.67")),
                    "dung_han": ratio(None),
                }
            })
        };
        let json = serde_json::json!({
            "ky": { "ten": "tháng 6 năm 2023", "ten_ngan": "tháng 6/2023" },
            "theo_don_vi": [
                unit("Phòng Tư pháp huyện", "huyen", None),
                unit("UBND xã Chí Minh", "xa", Some("95.44")),
                unit("UBND xã Hưng Đạo", "xa", Some("20.10")),
                unit("UBND xã An Thanh", "xa", Some("85.66")),
            ],
            "chi_tieu": { "thanh_toan_truc_tuyen": "30.00", "so_hoa_dau_vao": "100.00" },
        });
        Value::from(minijinja::value::Serde(json))
    }

    fn env() -> Environment<'static> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        register(&mut env);
        env.add_function("kiem_tra", |state: &State, ratio: &str, kwargs: Kwargs| {
            let v = bieu_do(state, ratio, kwargs)?;
            match v.downcast_object::<Picture>() {
                Some(p) => Ok(format!("{}|{}", p.description(), png_size(p.png()).1)),
                None => Err(fail("not a picture")),
            }
        });
        env
    }

    fn call(src: &str) -> Result<String, String> {
        env()
            .render_str(src, context())
            .map_err(|e| format!("{e:#}"))
    }

    #[test]
    fn bieu_do_reads_the_context() {
        let out = call(r#"{{ kiem_tra("thanh_toan_truc_tuyen", cap="xa") }}"#);
        let Ok(out) = out else {
            panic!("{out:?}");
        };
        assert!(
            out.starts_with("Tỷ lệ thanh toán trực tuyến theo đơn vị cấp xã, tháng 6/2023|"),
            "{out}"
        );
        // The same chart, built by hand, gives the same bytes.
        let by_hand = BarChart {
            title: "Tỷ lệ thanh toán trực tuyến theo đơn vị cấp xã, tháng 6/2023".into(),
            bars: vec![
                bar("UBND xã Chí Minh", Some("95.44")),
                bar("UBND xã Hưng Đạo", Some("20.10")),
                bar("UBND xã An Thanh", Some("85.66")),
            ],
            target: Some(dec("30.00")),
            target_label: "Chỉ tiêu 30%".into(),
        };
        let mut env = env();
        env.add_function(
            "giong",
            move |state: &State, ratio: &str, kwargs: Kwargs| {
                let v = bieu_do(state, ratio, kwargs)?;
                let same = v
                    .downcast_object::<Picture>()
                    .is_some_and(|p| p.png() == png(&by_hand));
                Ok(if same { "giống" } else { "khác" })
            },
        );
        let same = env.render_str(
            r#"{{ giong("thanh_toan_truc_tuyen", cap="xa") }}"#,
            context(),
        );
        assert_eq!(same.ok().as_deref(), Some("giống"));

        // No target for a ratio without one; every level without `cap`.
        let out = call(r#"{{ kiem_tra("dung_han") }}"#).unwrap_or_default();
        assert!(
            out.starts_with("Tỷ lệ giải quyết hồ sơ đúng hạn theo đơn vị, tháng 6/2023|"),
            "{out}"
        );
        assert!(call(r#"{{ kiem_tra("so_hoa_dau_vao", cap=none, sap_xep=true) }}"#).is_ok());
    }

    #[test]
    fn bieu_do_as_text() {
        let mut env = Environment::new();
        register_text(&mut env, 60);
        let out = env.render_str(
            r#"{{ bieu_do("thanh_toan_truc_tuyen", cap="xa", sap_xep=true) }}"#,
            context(),
        );
        let Ok(out) = out else {
            panic!("{out:?}");
        };
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 5, "{out}");
        assert!(lines[0].starts_with("Tỷ lệ thanh toán trực tuyến"), "{out}");
        assert!(
            lines[1].starts_with("UBND xã Chí Minh") && lines[1].ends_with("95,44%"),
            "{out}"
        );
        assert!(
            lines[3].starts_with("UBND xã Hưng Đạo") && lines[3].ends_with("20,1%"),
            "{out}"
        );
        assert!(lines[4].contains("└ Chỉ tiêu 30%"), "{out}");
        assert!(lines.iter().all(|l| l.width() <= 60), "{out}");
    }

    #[test]
    fn bieu_do_errors_name_what_is_accepted() {
        let err = call(r#"{{ bieu_do("thanh_toan") }}"#)
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("không có tỷ lệ 'thanh_toan'; dùng một trong: truc_tuyen, thanh_toan_truc_tuyen, so_hoa_dau_vao, so_hoa_dau_ra, dung_han"),
            "{err}"
        );
        let err = call(r#"{{ bieu_do("dung_han", cap="phuong") }}"#)
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("cap phải là 'tinh', 'huyen' hoặc 'xa'"),
            "{err}"
        );
        let err = call(r#"{{ bieu_do("dung_han", mau="do") }}"#)
            .err()
            .unwrap_or_default();
        assert!(!err.is_empty());
        let err = env()
            .render_str(r#"{{ bieu_do("dung_han") }}"#, minijinja::context! {})
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(err.contains("không có 'theo_don_vi'"), "{err}");
    }

    /// A .docx with `{{ bieu_do(…) }}` alone in a paragraph: the chart is in
    /// it, and LibreOffice shows it.
    #[test]
    fn a_chart_in_a_docx_opens_in_libreoffice() {
        use std::io::{Cursor, Write};
        use zip::write::SimpleFileOptions;
        let document = concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
            r#"<w:p><w:r><w:t>Biểu đồ:</w:t></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>{{ bieu_do("thanh_toan_truc_tuyen", cap="xa") }}</w:t></w:r></w:p>"#,
            r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr>"#,
            r#"</w:body></w:document>"#,
        );
        let entries = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
            ),
            ("word/document.xml", document),
        ];
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            let written = w
                .start_file(name, SimpleFileOptions::default())
                .map_err(|e| e.to_string())
                .and_then(|()| w.write_all(data.as_bytes()).map_err(|e| e.to_string()));
            assert_eq!(written, Ok(()));
        }
        let bytes = match w.finish() {
            Ok(c) => c.into_inner(),
            Err(e) => panic!("{e}"),
        };
        let template = match crate::docx::Template::from_bytes("bieu-do.docx", &bytes) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        let out = match template.render(&env(), &context()) {
            Ok(out) => out,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            template.render(&env(), &context()).ok().as_ref(),
            Some(&out)
        );

        let dir = std::env::temp_dir().join(format!("cctthc-chart-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let docx = dir.join("bieu-do.docx");
        if std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&docx, &out))
            .is_err()
        {
            panic!("writing {docx:?}");
        }
        let converted = std::process::Command::new("soffice")
            .env("HOME", &dir)
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&dir)
            .arg(&docx)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        if converted.is_err() {
            let _ = std::fs::remove_dir_all(&dir);
            eprintln!("skipped: soffice (LibreOffice) is not on PATH");
            return;
        }
        let pdf = dir.join("bieu-do.pdf");
        let head = std::fs::read(&pdf).unwrap_or_default();
        assert!(
            head.starts_with(b"%PDF"),
            "LibreOffice could not open the chart's .docx"
        );
        let listed = std::process::Command::new("pdfimages")
            .arg("-list")
            .arg(&pdf)
            .output();
        let _ = std::fs::remove_dir_all(&dir);
        match listed {
            Ok(o) => {
                let text = String::from_utf8_lossy(&o.stdout);
                let width = WIDTH.to_string();
                assert!(
                    text.lines().any(|l| {
                        let cols: Vec<&str> = l.split_whitespace().collect();
                        cols.get(2) == Some(&"image") && cols.get(3) == Some(&width.as_str())
                    }),
                    "no {WIDTH}-pixel-wide image in the PDF:\n{text}"
                );
            }
            Err(_) => eprintln!("skipped the image check: pdfimages is not on PATH"),
        }
    }
}
