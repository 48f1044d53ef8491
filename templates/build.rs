//! Builds the default templates of `cctthc report` from code.
//!
//! ```text
//! cargo run --example build-templates
//! ```
//!
//! writes (overwriting them):
//!
//! - `templates/bao-cao-thang.docx`, the monthly report (reference 004);
//! - `templates/bieu-duong-nhac-nho.docx`, the letter that commends,
//!   criticises and reminds units by their ratios (reference 001);
//! - `templates/cong-van-xa.docx`, a commune's letter with its month and
//!   year-to-date figures (reference 000).
//!
//! The files are committed and built into the binary;
//! `tests/template_build.rs` checks that building again gives exactly the
//! committed bytes, so edit this file, rerun the command and commit them.
//!
//! The layout follows Nghị định 30/2020/NĐ-CP (Phụ lục I): A4, Times New
//! Roman 13–14, margins 20/20/30/15 mm, the two-column header with Quốc
//! hiệu and Tiêu ngữ, page numbers centred at the top from page 2, "Nơi
//! nhận" and the signature block. The report's figures follow reference
//! report 004 (I.2.2–2.4) with tags in place of the numbers, then a
//! landscape section with the per-unit table of Biểu 06/VPCP/KSTT. The
//! letters (công văn) put "V/v …" under the number in the left column and
//! the "Kính gửi:" block under the header.
//!
//! Every tag is typed inside one run. Every block tag (`{% for %}`,
//! `{% if %}`…) is alone in its paragraph or table row, except whole
//! `{% if %}…{% endif %}` and `{% for %}…{% endfor %}` written inside the
//! one run of a sentence (the letters list units that way).
//!
//! Determinism: docx-rs numbers paragraphs (`w14:paraId`) from a
//! thread-local counter, so each document is built on a fresh thread; the
//! package dates are fixed; and the zip docx-rs writes is repacked with a
//! fixed entry time, fixed permissions and fixed compression.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use cctthc::report::form;

use docx_rs::{
    AlignmentType, BorderType, Docx, Header, LineSpacing, LineSpacingType, PageMargin, PageNum,
    PageOrientationType, PageSize, Paragraph, ParagraphBorder, ParagraphBorderPosition,
    ParagraphBorders, RunFonts, Section, SpecialIndentType, Table, TableBorder,
    TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType, TableRow,
    VAlignType, VMergeType, WidthType,
};

/// Where the monthly report template goes, from the crate root.
pub const BAO_CAO_THANG: &str = "templates/bao-cao-thang.docx";
/// Where the letter commending and reminding units goes.
pub const BIEU_DUONG_NHAC_NHO: &str = "templates/bieu-duong-nhac-nho.docx";
/// Where the commune letter goes.
pub const CONG_VAN_XA: &str = "templates/cong-van-xa.docx";

/// Builds a template's bytes.
pub type Builder = fn() -> Vec<u8>;

/// Every template: where it goes and how it is built.
pub const ALL: [(&str, Builder); 3] = [
    (BAO_CAO_THANG, bao_cao_thang),
    (BIEU_DUONG_NHAC_NHO, bieu_duong_nhac_nho),
    (CONG_VAN_XA, cong_van_xa),
];

#[allow(dead_code)] // unused when the test includes this file as a module
fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, build) in ALL {
        let path = root.join(file);
        std::fs::write(&path, build())
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        println!("wrote {}", path.display());
    }
}

/// The bytes of `bao-cao-thang.docx`: the same on every build.
pub fn bao_cao_thang() -> Vec<u8> {
    pack(document)
}

/// The bytes of `bieu-duong-nhac-nho.docx`: the same on every build.
pub fn bieu_duong_nhac_nho() -> Vec<u8> {
    pack(bieu_duong_document)
}

/// The bytes of `cong-van-xa.docx`: the same on every build.
pub fn cong_van_xa() -> Vec<u8> {
    pack(cong_van_xa_document)
}

/// Builds a document on a fresh thread and packs it deterministically.
fn pack(build: fn() -> Docx) -> Vec<u8> {
    // A fresh thread starts docx-rs's paragraph-id counter at 1.
    let raw = std::thread::spawn(move || {
        let mut out = Cursor::new(Vec::new());
        build()
            .pack(&mut out)
            .expect("docx-rs cannot write the package");
        out.into_inner()
    })
    .join()
    .expect("building the template panicked");
    repack(&raw)
}

// ---------------------------------------------------------------------------
// Measures (twips: 1 mm = 56.7 twips; sizes in half-points)

const FONT: &str = "Times New Roman";
/// A4, portrait.
const A4_W: u32 = 11906;
const A4_H: u32 = 16838;
const MARGIN_TOP: i32 = 1134; // 20 mm
const MARGIN_BOTTOM: i32 = 1134; // 20 mm
const MARGIN_LEFT: i32 = 1701; // 30 mm
const MARGIN_RIGHT: i32 = 850; // 15 mm
const HEADER_DISTANCE: i32 = 567; // 10 mm
/// Width of the text on a portrait page.
const TEXT_W: usize = (A4_W as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize; // 9355
/// Width of the text on a landscape page.
const TEXT_W_LANDSCAPE: usize = (A4_H as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize; // 14287
/// First-line indent of body paragraphs: 1 cm.
const FIRST_LINE: i32 = 567;

const BODY: usize = 28; // 14 pt
const HEAD: usize = 26; // 13 pt
const SMALL: usize = 24; // 12 pt
const TABLE: usize = 22; // 11 pt

/// Header table: agency column and Quốc hiệu column.
const HEAD_LEFT: usize = 3686; // 6.5 cm; the Quốc hiệu needs 9.6 cm at 13 pt bold
const HEAD_RIGHT: usize = TEXT_W - HEAD_LEFT;

// ---------------------------------------------------------------------------
// Building blocks

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

/// Formatting of the one run of a paragraph.
#[derive(Clone, Copy)]
struct Look {
    size: usize,
    bold: bool,
    italic: bool,
}

const PLAIN: Look = Look {
    size: BODY,
    bold: false,
    italic: false,
};

impl Look {
    fn size(self, size: usize) -> Look {
        Look { size, ..self }
    }
    fn bold(self) -> Look {
        Look { bold: true, ..self }
    }
    fn italic(self) -> Look {
        Look {
            italic: true,
            ..self
        }
    }
}

fn run(text: &str, look: Look) -> docx_rs::Run {
    let mut r = docx_rs::Run::new().add_text(text).size(look.size);
    if look.bold {
        r = r.bold();
    }
    if look.italic {
        r = r.italic();
    }
    r
}

/// Single spacing, nothing before or after.
fn tight() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(240)
        .before(0)
        .after(0)
}

/// A paragraph of one run, with its mark sized like the run.
fn para(text: &str, look: Look, align: AlignmentType) -> Paragraph {
    let p = Paragraph::new()
        .align(align)
        .line_spacing(tight())
        .size(look.size);
    if text.is_empty() {
        p
    } else {
        p.add_run(run(text, look))
    }
}

/// A body paragraph: justified, first line indented 1 cm, 6 pt before,
/// line spacing 1.15.
fn body_look(text: &str, look: Look) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(FIRST_LINE)),
            None,
            None,
        )
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Auto)
                .line(276)
                .before(120)
                .after(0),
        )
        .size(look.size)
        .add_run(run(text, look))
}

fn body(text: &str) -> Paragraph {
    body_look(text, PLAIN)
}

/// A heading of the body (I., 1., 1.1.): bold, indented like the body.
fn heading(text: &str) -> Paragraph {
    body_look(text, PLAIN.bold()).keep_next(true)
}

/// A paragraph that only holds a block tag; the renderer removes it.
fn block(tag: &str) -> Paragraph {
    para(tag, PLAIN, AlignmentType::Left)
}

fn centered(text: &str, look: Look) -> Paragraph {
    para(text, look, AlignmentType::Center)
}

/// A short horizontal rule under a line of the header: an empty, tiny
/// paragraph whose top border is limited by its indents to `width` out of
/// `room`, 2 pt below the line so it clears the descenders.
fn rule(room: usize, width: usize) -> Paragraph {
    rule_after(room, width, 40)
}

/// A rule `gap` twips below the line above.
fn rule_after(room: usize, width: usize, gap: u32) -> Paragraph {
    let side = ((room - width) / 2) as i32;
    let mut p = Paragraph::new()
        .align(AlignmentType::Center)
        .indent(Some(side), None, Some(side), None)
        .line_spacing(tight().before(gap))
        .size(4);
    p.property = p.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Top)
                .val(BorderType::Single)
                .size(6)
                .space(1)
                .color("000000"),
        ),
    );
    p
}

fn cell(width: usize, paragraphs: Vec<Paragraph>) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new().width(width, WidthType::Dxa), |c, p| {
            c.add_paragraph(p)
        })
}

/// A one-row table without any border, its cells without side padding,
/// the row kept on one page.
fn borderless(widths: &[usize], cells: Vec<TableCell>) -> Table {
    Table::without_borders(vec![TableRow::new(cells).cant_split()])
        .set_borders(TableBorders::new().clear_all())
        .set_grid(widths.to_vec())
        .width(widths.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(
            TableCellMargins::new()
                .margin_left(0, WidthType::Dxa)
                .margin_right(0, WidthType::Dxa),
        )
}

fn page(orient: PageOrientationType) -> PageSize {
    match orient {
        PageOrientationType::Portrait => PageSize::new().size(A4_W, A4_H).orient(orient),
        PageOrientationType::Landscape => PageSize::new().size(A4_H, A4_W).orient(orient),
    }
}

fn margins() -> PageMargin {
    PageMargin {
        top: MARGIN_TOP,
        bottom: MARGIN_BOTTOM,
        left: MARGIN_LEFT,
        right: MARGIN_RIGHT,
        header: HEADER_DISTANCE,
        footer: HEADER_DISTANCE,
        gutter: 0,
    }
}

/// The page number, centred in the header (NĐ 30: from page 2 on).
fn page_number_header() -> Header {
    Header::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(tight())
            .size(BODY)
            .add_page_num(PageNum::new()),
    )
}

// ---------------------------------------------------------------------------
// The document

fn document() -> Docx {
    let first = Section::new()
        .page_size(page(PageOrientationType::Portrait))
        .page_margin(margins())
        // A different first page with no header of its own: blank (docx-rs
        // keeps only one header per section, and a first section's missing
        // header is empty).
        .title_pg()
        .header(page_number_header());
    let first = opening()
        .into_iter()
        .chain(figures())
        .chain(national_index())
        .fold(first, add);

    let tables = Section::new()
        .page_size(page(PageOrientationType::Landscape))
        .page_margin(margins())
        .header(page_number_header());
    let tables = annex().into_iter().fold(tables, add);

    let mut docx = Docx::new()
        .default_fonts(fonts())
        .default_size(BODY)
        .default_line_spacing(tight())
        .created_at("2023-11-25T00:00:00Z")
        .updated_at("2023-11-25T00:00:00Z")
        .add_section(first)
        .add_section(tables)
        .page_size(A4_W, A4_H)
        .page_orient(PageOrientationType::Portrait)
        .page_margin(margins())
        .header(page_number_header());
    for part in closing() {
        docx = match part {
            Part::P(p) => docx.add_paragraph(p),
            Part::T(t) => docx.add_table(t),
        };
    }
    docx
}

/// What a section holds: paragraphs and tables.
#[allow(clippy::large_enum_variant)] // a few hundred, built once
enum Part {
    P(Paragraph),
    T(Table),
}

impl From<Paragraph> for Part {
    fn from(p: Paragraph) -> Part {
        Part::P(p)
    }
}

impl From<Table> for Part {
    fn from(t: Table) -> Part {
        Part::T(t)
    }
}

fn add(s: Section, part: Part) -> Section {
    match part {
        Part::P(p) => s.add_paragraph(p),
        Part::T(t) => s.add_table(t),
    }
}

fn paragraphs(lines: &[&str]) -> Vec<Part> {
    lines.iter().map(|l| body(l).into()).collect()
}

/// Header, title and section I.1.
fn opening() -> Vec<Part> {
    let head = PLAIN.size(HEAD);
    let left = cell(
        HEAD_LEFT,
        vec![
            centered("{{ co_quan_cap_tren | upper }}", head),
            centered(r#"{{ (co_quan or '……') | upper }}"#, head.bold()),
            rule(HEAD_LEFT, 1134),
            centered(r#"Số: {{ so_ky_hieu or '……/BC-UBND' }}"#, head),
        ],
    );
    let right = quoc_hieu_cell();
    let mut parts: Vec<Part> = vec![borderless(&[HEAD_LEFT, HEAD_RIGHT], vec![left, right]).into()];
    parts.push(centered("", PLAIN).into());
    parts.push(
        centered("BÁO CÁO", PLAIN.bold())
            .line_spacing(tight().before(240))
            .keep_next(true)
            .into(),
    );
    parts.push(
        centered(
            "Tình hình, kết quả thực hiện công tác cải cách thủ tục hành chính {{ ky.ten }}",
            PLAIN.bold(),
        )
        .keep_next(true)
        .into(),
    );
    parts.push(rule_after(TEXT_W, 2835, 80).into());

    parts.extend(paragraphs(&[
        "Thực hiện chỉ đạo của cấp trên về việc triển khai các nhiệm vụ cải cách thủ tục hành chính (TTHC) trọng tâm; {{ co_quan or '……' }} báo cáo tình hình, kết quả thực hiện công tác cải cách TTHC {{ ky.ten }} như sau:",
    ]));
    parts.push(heading("I. KẾT QUẢ THỰC HIỆN").into());
    parts.push(heading("1. Về cải cách việc thực hiện TTHC").into());
    parts.push(heading("1.1. Kết quả công khai, minh bạch trong thực hiện TTHC").into());
    parts.extend(paragraphs(&[
        "Tiếp tục chỉ đạo các cơ quan, đơn vị thực hiện công khai thủ tục hành chính theo các Quyết định công bố TTHC, văn bản chỉ đạo của cấp trên; ban hành văn bản chỉ đạo, hướng dẫn các cơ quan, đơn vị thực hiện điều chỉnh, cập nhật, công khai TTHC tại Bộ phận Một cửa các cấp và đăng tải trên Cổng/Trang thông tin điện tử theo quy định, cụ thể:",
        "- Ngày …/…/…, ban hành Công văn số …… về việc …… (ghi các văn bản chỉ đạo trong kỳ).",
        "- Tính đến thời điểm hiện tại, số lượng TTHC thuộc thẩm quyền giải quyết:",
    ]));
    parts.push(block("{% for c in cac_cap %}").into());
    parts.push(body("+ Số lượng TTHC {{ c.ten_thuong }}: …… TTHC.").into());
    parts.push(block("{% endfor %}").into());
    parts.push(heading("2. Về tiếp nhận, giải quyết TTHC").into());
    parts.push(heading("2.1. Hoạt động của Bộ phận Một cửa").into());
    parts.extend(paragraphs(&[
        "Bộ phận Một cửa các cấp duy trì hoạt động thường xuyên; tổ chức, cá nhân được hướng dẫn, tiếp nhận hồ sơ và trả kết quả giải quyết TTHC theo đúng quy định; hồ sơ TTHC được tiếp nhận, cập nhật và xử lý trên Hệ thống thông tin giải quyết TTHC.",
    ]));
    parts
}

/// The right column of the header: Quốc hiệu, Tiêu ngữ, a rule as long as
/// the Tiêu ngữ, then the place and date.
fn quoc_hieu_cell() -> TableCell {
    let head = PLAIN.size(HEAD);
    cell(
        HEAD_RIGHT,
        vec![
            centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", head.bold()),
            centered("Độc lập - Tự do - Hạnh phúc", PLAIN.bold()),
            rule(HEAD_RIGHT, 3430), // as long as the Tiêu ngữ (6 cm)
            centered("", head),
            centered(
                r#"{{ dia_danh or '……' }}, {{ ngay_lap | ngay_dai }}"#,
                PLAIN.italic(),
            ),
        ],
    )
}

/// Clauses of one sentence, each `(expression, condition)`: those whose
/// condition fails (a ratio without a figure: its column missing, or no
/// dossier) are left out, never printed as `N/A` (SPEC §6). Gives the
/// condition that any clause is there, and the expression joining them.
fn clauses(items: &[(String, String)]) -> (String, String) {
    let any: Vec<&str> = items.iter().map(|(_, cond)| cond.as_str()).collect();
    let each: Vec<String> = items
        .iter()
        .map(|(expr, cond)| format!("({expr}) if {cond}"))
        .collect();
    (
        any.join(" or "),
        format!("[{}] | select | join(\"; \")", each.join(", ")),
    )
}

/// `tong`'s ratios as clauses, each with its change since the period
/// before when that period has a figure.
fn ratio_clauses(ratios: &[(&str, &str)]) -> (String, String) {
    let items: Vec<(String, String)> = ratios
        .iter()
        .map(|(label, key)| {
            let now = format!("tong.ty_le.{key}");
            let before = format!("ky_lien_truoc.tong.ty_le.{key}");
            (
                format!(
                    "\"{label} \" ~ ({now} | phan_tram) ~ ((\", \" ~ ({now} | chenh_lech({before})) ~ \" so với \" ~ ky_lien_truoc.ky.ten) if {before}.phan_tram is not none else \"\")"
                ),
                format!("{now}.phan_tram is not none"),
            )
        })
        .collect();
    clauses(&items)
}

/// The year-to-date ratios as clauses, in reference 000's words: the
/// first `có 1.382/1.523 hồ sơ được tiếp nhận và giải quyết trên DVC
/// (tháng 11 năm 2023 là 193/194 hồ sơ), đạt 90,74%`, the others
/// `… là 1.511/1.542 hồ sơ, đạt 97,99% (tháng 11 năm 2023 là 197/197 hồ
/// sơ, đạt 100%)`; the period's own figure only when it has one.
fn year_to_date_clauses() -> (String, String) {
    let month = |key: &str, with_ratio: bool| {
        let now = format!("tong.ty_le.{key}");
        let ratio = if with_ratio {
            format!(" ~ \", đạt \" ~ ({now} | phan_tram)")
        } else {
            String::new()
        };
        format!(
            "((\" (\" ~ ky.ten ~ \" là \" ~ ({now} | ty_so) ~ \" hồ sơ\"{ratio} ~ \")\") if {now}.phan_tram is not none else \"\")"
        )
    };
    let ytd = |key: &str| format!("luy_ke.tong.ty_le.{key}");
    let has = |key: &str| format!("{}.phan_tram is not none", ytd(key));
    let mut items = vec![(
        format!(
            "\"có \" ~ ({} | ty_so) ~ \" hồ sơ được tiếp nhận và giải quyết trên DVC\" ~ {} ~ \", đạt \" ~ ({} | phan_tram)",
            ytd("truc_tuyen"),
            month("truc_tuyen", false),
            ytd("truc_tuyen")
        ),
        has("truc_tuyen"),
    )];
    for (label, key) in [
        (
            "tỷ lệ số hoá đầy đủ thành phần hồ sơ TTHC khi tiếp nhận là",
            "so_hoa_dau_vao",
        ),
        ("tỷ lệ số hoá kết quả giải quyết TTHC", "so_hoa_dau_ra"),
        ("tỷ lệ thanh toán trực tuyến là", "thanh_toan_truc_tuyen"),
    ] {
        items.push((
            format!(
                "\"{label} \" ~ ({} | ty_so) ~ \" hồ sơ, đạt \" ~ ({} | phan_tram) ~ {}",
                ytd(key),
                ytd(key),
                month(key, true)
            ),
            has(key),
        ));
    }
    clauses(&items)
}

/// Sections I.2.2 to I.2.4: the figures, level by level.
fn figures() -> Vec<Part> {
    let level = |text: &str| -> Part { body_look(text, PLAIN.italic()).keep_next(true).into() };
    let parts: Vec<Part> = vec![
        heading("2.2. Kết quả giải quyết thủ tục hành chính").into(),
        body("Qua theo dõi trên phần mềm dùng chung, kết quả giải quyết TTHC từ ngày {{ ky.tu_ngay | ngay }} đến ngày {{ ky.den_ngay | ngay }}, như sau:").into(),
        block("{% for c in cac_cap %}").into(),
        level("{{ \"abc\"[loop.index0] }}) {{ c.ten }}"),
        // Without a channel column the split is left out, never "N/A".
        body("- Tổng số hồ sơ TTHC đã tiếp nhận trong kỳ báo cáo: {{ c.tiep_nhan.tong | so }}, trong đó: Tiếp nhận trong kỳ: {{ c.tiep_nhan.trong_ky | so }}{% if c.tiep_nhan.truc_tuyen is not none %} (trực tuyến: {{ c.tiep_nhan.truc_tuyen | so }}, trực tiếp: {{ c.tiep_nhan.truc_tiep | so }}{% if c.tiep_nhan.buu_chinh %}, bưu chính công ích: {{ c.tiep_nhan.buu_chinh | so }}{% endif %}){% endif %}; số từ kỳ trước chuyển qua: {{ c.tiep_nhan.ky_truoc | so }}.").into(),
        body("+ Số lượng hồ sơ đã giải quyết: {{ c.da_giai_quyet.tong | so }}; trong đó, giải quyết trước hạn: {{ c.da_giai_quyet.truoc_han | so }}, đúng hạn: {{ c.da_giai_quyet.dung_han | so }}, quá hạn: {{ c.da_giai_quyet.qua_han | so2 }}.").into(),
        body("+ Số lượng hồ sơ đang giải quyết: {{ c.dang_giai_quyet.tong | so }}; trong đó, trong hạn: {{ c.dang_giai_quyet.trong_han | so }}{% if c.dang_giai_quyet.qua_han %}, quá hạn: {{ c.dang_giai_quyet.qua_han | so2 }}{% endif %}.").into(),
        block("{% if c.tam_dung %}").into(),
        body("+ Số lượng hồ sơ đang tạm dừng: {{ c.tam_dung | so }}.").into(),
        block("{% endif %}").into(),
        block("{% if c.tra_lai %}").into(),
        body("+ Số lượng hồ sơ trả lại dân do không đủ điều kiện giải quyết: {{ c.tra_lai | so2 }}.").into(),
        block("{% endif %}").into(),
        block("{% if c.rut %}").into(),
        body("+ Số lượng hồ sơ tổ chức, công dân xin rút: {{ c.rut | so2 }}.").into(),
        block("{% endif %}").into(),
        block("{% endfor %}").into(),
        heading("2.3. Kết quả thực hiện dịch vụ công trực tuyến (DVCTT)").into(),
        block("{% for c in cac_cap %}").into(),
        level("{{ \"abc\"[loop.index0] }}) {{ c.ten }}"),
        body("- Tỷ lệ hồ sơ tiếp nhận, giải quyết trực tuyến{% if c.ty_le.truc_tuyen.mau_so %} là {{ c.ty_le.truc_tuyen | ty_so }} hồ sơ (đạt tỷ lệ {{ c.ty_le.truc_tuyen | phan_tram }}){% elif c.ty_le.truc_tuyen.mau_so is none %}: chưa tính được (dữ liệu xuất không có cột kênh tiếp nhận){% else %}: không có hồ sơ tiếp nhận trong kỳ{% endif %}.").into(),
        body("- Kết quả thanh toán trực tuyến: {% if c.ty_le.thanh_toan_truc_tuyen.mau_so %}{{ c.ty_le.thanh_toan_truc_tuyen | ty_so }}, đạt tỷ lệ {{ c.ty_le.thanh_toan_truc_tuyen | phan_tram }}{% elif c.ty_le.thanh_toan_truc_tuyen.mau_so is none %}chưa tính được (dữ liệu xuất không có cột nghĩa vụ tài chính hoặc thanh toán trực tuyến){% else %}không có hồ sơ phải thực hiện nghĩa vụ tài chính{% endif %}.").into(),
        block("{% endfor %}").into(),
        heading("2.4. Kết quả số hóa hồ sơ, kết quả giải quyết TTHC").into(),
        block("{% for c in cac_cap %}").into(),
        body("- {{ c.ten }}:").into(),
        body("+ Số hóa đầu vào: {% if c.ty_le.so_hoa_dau_vao.mau_so %}{{ c.ty_le.so_hoa_dau_vao | ty_so }}, đạt tỷ lệ {{ c.ty_le.so_hoa_dau_vao | phan_tram }}{% elif c.ty_le.so_hoa_dau_vao.mau_so is none %}chưa tính được (dữ liệu xuất không có cột số hóa hồ sơ){% else %}không có hồ sơ tiếp nhận trong kỳ{% endif %}.").into(),
        body("+ Số hóa đầu ra: {% if c.ty_le.so_hoa_dau_ra.mau_so %}{{ c.ty_le.so_hoa_dau_ra | ty_so }}, đạt tỷ lệ {{ c.ty_le.so_hoa_dau_ra | phan_tram }}{% elif c.ty_le.so_hoa_dau_ra.mau_so is none %}chưa tính được (dữ liệu xuất không có cột số hóa kết quả){% else %}không có hồ sơ giải quyết trong kỳ{% endif %}.").into(),
        block("{% endfor %}").into(),
        block("{% if ky_lien_truoc.tong.tiep_nhan.tong %}").into(),
    ];
    let overall = [
        ("tỷ lệ số hóa hồ sơ khi tiếp nhận đạt", "so_hoa_dau_vao"),
        ("tỷ lệ số hóa kết quả giải quyết TTHC đạt", "so_hoa_dau_ra"),
        ("tỷ lệ giải quyết trực tuyến đạt", "truc_tuyen"),
        ("tỷ lệ thanh toán trực tuyến đạt", "thanh_toan_truc_tuyen"),
    ];
    let (any, clauses) = ratio_clauses(&overall);
    let mut parts = parts;
    parts.extend([
        block(&format!("{{% if {any} %}}")).into(),
        body(&format!("Tính chung, {{{{ {clauses} }}}}.")).into(),
        block("{% endif %}").into(),
        block("{% endif %}").into(),
        body("(Chi tiết theo đơn vị tại các biểu kèm theo.)").into(),
    ]);
    parts
}

/// The six indicators of QĐ 766 that exports give (SPEC §12): key and the
/// words a sentence names it by.
const INDICATORS: [(&str, &str); 6] = [
    ("tien_do", "tiến độ giải quyết"),
    ("truc_tuyen", "tiếp nhận trực tuyến"),
    ("thanh_toan", "thanh toán trực tuyến"),
    ("ket_qua_dien_tu", "kết quả điện tử"),
    ("so_hoa", "số hóa hồ sơ"),
    ("hai_long", "mức độ hài lòng (phần quá hạn)"),
];

/// Section 2.5: the national index estimated from the exports, for the
/// total and each level; an indicator without points is left out of the
/// sentence (SPEC §6, §12). Every figure says "ước tính".
fn national_index() -> Vec<Part> {
    let items: Vec<(String, String)> = INDICATORS
        .iter()
        .map(|(key, words)| {
            let i = format!("chi_so_766.tong.chi_so.{key}");
            (
                format!(
                    "\"{words} \" ~ ({i} | diem) ~ \"/\" ~ {i}.diem_toi_da ~ \" điểm (\" ~ ({i} | phan_tram) ~ \")\""
                ),
                format!("{i} is defined and {i}.diem is not none"),
            )
        })
        .collect();
    let (any, joined) = clauses(&items);
    vec![
        heading("2.5. Kết quả Bộ chỉ số phục vụ người dân, doanh nghiệp (ước tính theo Quyết định 766/QĐ-TTg)").into(),
        block("{% if chi_so_766.tong.diem is not none %}").into(),
        body(&format!(
            "Ước tính từ dữ liệu hồ sơ của {{{{ ky.ten }}}} theo cách chấm điểm của Bộ chỉ số, các chỉ số tính được đạt {{{{ chi_so_766.tong | diem }}}}/{{{{ chi_so_766.tong.diem_toi_da }}}} điểm{{% if {any} %}}, trong đó: {{{{ {joined} }}}}{{% endif %}}."
        ))
        .into(),
        block("{% for c in cac_cap %}").into(),
        block("{% set x = chi_so_766.theo_cap[c.ma] if c.ma in chi_so_766.theo_cap else none %}").into(),
        block("{% if x and x.diem is not none %}").into(),
        body("- {{ c.ten }}: {{ x | diem }}/{{ x.diem_toi_da }} điểm (ước tính).").into(),
        block("{% endif %}").into(),
        block("{% endfor %}").into(),
        body("Các chỉ số còn lại của Bộ chỉ số (52 điểm: công khai, minh bạch; các chỉ số 3.1, 3.2, 3.5 về dịch vụ công trực tuyến; tái sử dụng dữ liệu số hóa; phản ánh, kiến nghị và đánh giá của người dân) không tính được từ dữ liệu xuất. Điểm theo từng đơn vị tại biểu kèm theo.").into(),
        block("{% else %}").into(),
        body("Dữ liệu xuất của kỳ không đủ để ước tính các chỉ số của Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg).").into(),
        block("{% endif %}").into(),
    ]
}

/// The annex table of the index: the units of each level ranked, each
/// indicator's points and the sum; `–` where an indicator has none.
fn index_table() -> Table {
    const RANK: usize = 567;
    const FIG: usize = 1300;
    const NAME: usize = TEXT_W_LANDSCAPE - RANK - 7 * FIG;
    let mut widths = vec![RANK, NAME];
    widths.extend([FIG; 7]);
    let titles = [
        "Hạng",
        "Đơn vị",
        "Tiến độ giải quyết",
        "Tiếp nhận trực tuyến",
        "Thanh toán trực tuyến",
        "Kết quả điện tử",
        "Số hóa hồ sơ",
        "Hài lòng (quá hạn)",
        "Tổng (ước tính)",
    ];
    let head = TableRow::new(
        titles
            .iter()
            .zip(&widths)
            .map(|(t, &w)| header_cell(w, t))
            .collect(),
    );
    let values = |x: &str| -> Vec<String> {
        let mut v: Vec<String> = INDICATORS
            .iter()
            .map(|(k, _)| {
                let i = format!("{x}.chi_so.{k}");
                format!(
                    "{{{{ ({i} | diem) if {i} is defined and {i}.diem is not none else '–' }}}}"
                )
            })
            .collect();
        v.push(format!(
            "{{{{ (({x} | diem) ~ '/' ~ {x}.diem_toi_da) if {x}.diem is not none else '–' }}}}"
        ));
        v
    };
    let rows = vec![
        head,
        tag_row(&widths, "{% for c in cac_cap %}"),
        tag_row(
            &widths,
            "{% set lv = chi_so_766.theo_cap[c.ma] if c.ma in chi_so_766.theo_cap else none %}",
        ),
        tag_row(&widths, "{% if lv %}"),
        figure_row(&widths, "", "{{ c.ten }}", &values("lv"), true),
        tag_row(&widths, "{% endif %}"),
        tag_row(
            &widths,
            "{% for dv in chi_so_766.theo_don_vi if dv.cap == c.ma %}",
        ),
        figure_row(
            &widths,
            "{{ dv.xep_hang if dv.xep_hang is not none else '–' }}",
            "{{ dv.don_vi }}",
            &values("dv"),
            false,
        ),
        tag_row(&widths, "{% endfor %}"),
        tag_row(&widths, "{% endfor %}"),
        figure_row(&widths, "", "Tổng cộng", &values("chi_so_766.tong"), true),
    ];
    grid_table(&widths, rows)
}

// ---------------------------------------------------------------------------
// The landscape annex: Biểu 06/VPCP/KSTT per unit, and the ratios

fn grid_cell(width: usize, text: &str, look: Look, align: AlignmentType) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .add_paragraph(para(text, look, align).line_spacing(tight().before(30).after(30)))
}

fn grid_table(widths: &[usize], rows: Vec<TableRow>) -> Table {
    let line = |pos| {
        TableBorder::new(pos)
            .border_type(BorderType::Single)
            .size(4)
            .color("000000")
    };
    Table::new(rows)
        .set_borders(
            TableBorders::with_empty()
                .set(line(TableBorderPosition::Top))
                .set(line(TableBorderPosition::Left))
                .set(line(TableBorderPosition::Bottom))
                .set(line(TableBorderPosition::Right))
                .set(line(TableBorderPosition::InsideH))
                .set(line(TableBorderPosition::InsideV)),
        )
        .set_grid(widths.to_vec())
        .width(widths.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(
            TableCellMargins::new()
                .margin_left(57, WidthType::Dxa)
                .margin_right(57, WidthType::Dxa),
        )
}

/// A row holding only a block tag, in its first cell.
fn tag_row(widths: &[usize], tag: &str) -> TableRow {
    // Small: the row is removed when rendering, only the raw template shows it.
    let look = PLAIN.size(16);
    let cells = widths
        .iter()
        .enumerate()
        .map(|(i, &w)| grid_cell(w, if i == 0 { tag } else { "" }, look, AlignmentType::Left))
        .collect();
    TableRow::new(cells)
}

/// A row of figures: number, name, then one tag per column.
fn figure_row(widths: &[usize], tt: &str, name: &str, values: &[String], bold: bool) -> TableRow {
    let look = if bold {
        PLAIN.size(TABLE).bold()
    } else {
        PLAIN.size(TABLE)
    };
    let mut cells = vec![
        grid_cell(widths[0], tt, look, AlignmentType::Center),
        grid_cell(widths[1], name, look, AlignmentType::Left),
    ];
    cells.extend(
        values
            .iter()
            .zip(&widths[2..])
            .map(|(v, &w)| grid_cell(w, v, look, AlignmentType::Center)),
    );
    TableRow::new(cells)
}

/// The loops shared by both tables: per level a subtotal row, then its
/// units, then the grand total.
fn loop_rows(widths: &[usize], values: impl Fn(&str) -> Vec<String>) -> Vec<TableRow> {
    vec![
        tag_row(widths, "{% for c in cac_cap %}"),
        figure_row(
            widths,
            "{{ [\"I\", \"II\", \"III\"][loop.index0] }}",
            "{{ c.ten }}",
            &values("c"),
            true,
        ),
        tag_row(widths, "{% for dv in c.don_vi %}"),
        figure_row(
            widths,
            "{{ loop.index }}",
            "{{ dv.don_vi }}",
            &values("dv"),
            false,
        ),
        tag_row(widths, "{% endfor %}"),
        tag_row(widths, "{% endfor %}"),
        figure_row(widths, "", "Tổng cộng", &values("tong"), true),
    ]
}

fn header_cell(width: usize, text: &str) -> TableCell {
    grid_cell(width, text, PLAIN.size(TABLE).bold(), AlignmentType::Center)
}

fn resolution_table() -> Table {
    const TT: usize = 567;
    const FIG: usize = 986;
    const NAME: usize = TEXT_W_LANDSCAPE - TT - 11 * FIG;
    let mut widths = vec![TT, NAME];
    widths.extend([FIG; 11]);

    let mut top = vec![
        header_cell(TT, "TT").vertical_merge(VMergeType::Restart),
        header_cell(NAME, "Đơn vị").vertical_merge(VMergeType::Restart),
    ];
    for (title, span) in form::GROUPS {
        top.push(header_cell(span as usize * FIG, title).grid_span(span as usize));
    }
    let top = TableRow::new(top);
    let mut second = vec![
        header_cell(TT, "").vertical_merge(VMergeType::Continue),
        header_cell(NAME, "").vertical_merge(VMergeType::Continue),
    ];
    for label in form::COLUMNS {
        second.push(header_cell(FIG, label));
    }
    let numbers = TableRow::new(
        widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                grid_cell(
                    w,
                    &format!("({})", i + 1),
                    PLAIN.size(TABLE).italic(),
                    AlignmentType::Center,
                )
            })
            .collect(),
    );

    let values = |x: &str| -> Vec<String> {
        [
            format!("{{{{ {x}.tiep_nhan.tong | so }}}}"),
            format!("{{{{ {x}.tiep_nhan.truc_tuyen | so }}}}"),
            // N/A in the table (not a sentence) without a channel column.
            format!(
                "{{{{ (({x}.tiep_nhan.truc_tiep + {x}.tiep_nhan.buu_chinh) if {x}.tiep_nhan.truc_tiep is not none else none) | so }}}}"
            ),
            format!("{{{{ {x}.tiep_nhan.ky_truoc | so }}}}"),
            format!("{{{{ {x}.da_giai_quyet.tong | so }}}}"),
            format!("{{{{ {x}.da_giai_quyet.truoc_han | so }}}}"),
            format!("{{{{ {x}.da_giai_quyet.dung_han | so }}}}"),
            format!("{{{{ {x}.da_giai_quyet.qua_han | so }}}}"),
            format!("{{{{ {x}.dang_giai_quyet.tong | so }}}}"),
            format!("{{{{ {x}.dang_giai_quyet.trong_han | so }}}}"),
            format!("{{{{ {x}.dang_giai_quyet.qua_han | so }}}}"),
        ]
        .to_vec()
    };
    let mut rows = vec![top, TableRow::new(second), numbers];
    rows.extend(loop_rows(&widths, values));
    grid_table(&widths, rows)
}

fn ratio_table() -> Table {
    const TT: usize = 567;
    const FIG: usize = 1900;
    const NAME: usize = TEXT_W_LANDSCAPE - TT - 5 * FIG;
    let mut widths = vec![TT, NAME];
    widths.extend([FIG; 5]);
    let head = TableRow::new(
        [
            "TT",
            "Đơn vị",
            "Giải quyết đúng hạn",
            "Tiếp nhận trực tuyến",
            "Thanh toán trực tuyến",
            "Số hóa đầu vào",
            "Số hóa đầu ra",
        ]
        .iter()
        .zip(&widths)
        .map(|(t, &w)| header_cell(w, t))
        .collect(),
    );
    let values = |x: &str| -> Vec<String> {
        [
            "dung_han",
            "truc_tuyen",
            "thanh_toan_truc_tuyen",
            "so_hoa_dau_vao",
            "so_hoa_dau_ra",
        ]
        .iter()
        .map(|k| format!("{{{{ {x}.ty_le.{k} | phan_tram }}}}"))
        .collect()
    };
    let mut rows = vec![head];
    rows.extend(loop_rows(&widths, values));
    grid_table(&widths, rows)
}

fn annex() -> Vec<Part> {
    let title = |t: &str| -> Part {
        centered(t, PLAIN.size(SMALL + 2).bold())
            .keep_next(true)
            .into()
    };
    let sub = |t: &str| -> Part {
        centered(t, PLAIN.size(SMALL).italic())
            .keep_next(true)
            .into()
    };
    let gap = || -> Part { centered("", PLAIN.size(SMALL)).into() };
    vec![
        title("Biểu: Tình hình, kết quả giải quyết TTHC {{ ky.ten }}"),
        sub(
            "(Kèm theo Báo cáo số {{ so_ky_hieu or '……/BC-UBND' }} của {{ co_quan or '……' }}; số liệu từ ngày {{ ky.tu_ngay | ngay }} đến ngày {{ ky.den_ngay | ngay }})",
        ),
        gap(),
        resolution_table().into(),
        // Which counting rule filled the table (SPEC §4, `[cach_tinh]`).
        sub(
            "Ghi chú: {% if cach_tinh.tra_lai_rut == 'dung_han' %}hồ sơ trả lại, xin rút được tính là đã giải quyết đúng hạn{% else %}hồ sơ trả lại, xin rút được tính riêng{% endif %}; {% if cach_tinh.tam_dung == 'trong_han' %}hồ sơ tạm dừng (chờ bổ sung) được tính là đang giải quyết trong hạn{% else %}hồ sơ tạm dừng được tính riêng{% endif %}.",
        ),
        gap(),
        title(
            "Biểu: Tỷ lệ giải quyết đúng hạn, trực tuyến, thanh toán trực tuyến và số hóa {{ ky.ten }}",
        ),
        gap(),
        ratio_table().into(),
        gap(),
        title(
            "Biểu: Kết quả Bộ chỉ số phục vụ người dân, doanh nghiệp theo đơn vị {{ ky.ten }} (ước tính theo Quyết định 766/QĐ-TTg)",
        ),
        sub(
            "(Ước tính từ dữ liệu xuất, 6 chỉ số, tối đa {{ chi_so_766.tong.diem_toi_da }} điểm; đơn vị xếp hạng trong từng cấp)",
        ),
        gap(),
        index_table().into(),
        gap(),
    ]
}

// ---------------------------------------------------------------------------
// Sections II–IV, the closing sentence and the signature

fn closing() -> Vec<Part> {
    let mut parts: Vec<Part> = vec![
        heading("II. ĐÁNH GIÁ CHUNG").into(),
        heading("1. Ưu điểm").into(),
    ];
    parts.extend(paragraphs(&[
        "Bộ phận Một cửa các cấp tiếp tục duy trì thực hiện tốt các yêu cầu, nhiệm vụ cải cách thủ tục hành chính. Tổ chức, công dân được hướng dẫn, hỗ trợ nộp hồ sơ dịch vụ công trực tuyến đầy đủ, chính xác; kết quả giải quyết thủ tục hành chính được trả cho tổ chức, công dân cơ bản đảm bảo trước và đúng thời gian quy định. Tổ chức, công dân đến liên hệ giải quyết công việc hài lòng, đánh giá tốt về thái độ phục vụ của cán bộ, công chức.",
    ]));
    parts.push(heading("2. Một số hạn chế, khó khăn").into());
    parts.extend(paragraphs(&[
        "- Cán bộ, công chức trực tiếp nhận cùng một lúc phải thực hiện khối lượng công việc lớn (hướng dẫn, tiếp nhận, xử lý hồ sơ, kết quả trên nhiều hệ thống phần mềm) và đôi khi phải thực hiện các nhiệm vụ chuyên môn khác, dẫn đến phát sinh một số thiếu sót trong tác nghiệp hoặc giải quyết TTHC quá hạn.",
        "- Trình độ năng lực, chuyên môn, nghiệp vụ của cán bộ, công chức giữa các địa phương không đồng đều; việc định kỳ chuyển đổi vị trí công tác đối với công chức dẫn đến việc tham mưu, thực hiện cải cách TTHC còn bộc lộ hạn chế.",
        "- Việc khai thác, sử dụng số liệu phục vụ báo cáo kết quả giải quyết TTHC trên phần mềm hệ thống thông tin một cửa vẫn còn bất cập, dẫn đến việc tổng hợp số liệu mất nhiều thời gian, ảnh hưởng đến độ chính xác của số liệu cần báo cáo.",
        "- Hệ thống phần mềm Một cửa dùng chung nhiều lúc bị lỗi dẫn đến việc khai thác, tra cứu, thực hiện tiếp nhận và giải quyết TTHC còn chậm, gây bức xúc cho tổ chức, công dân khi nộp hồ sơ TTHC.",
    ]));
    parts.push(
        heading("III. NHIỆM VỤ {% if ky.loai == \"thang\" %}THÁNG {{ ky.thang % 12 + 1 }}/{{ ky.nam + ky.thang // 12 }}{% else %}TRỌNG TÂM KỲ TỚI{% endif %}")
            .into(),
    );
    parts.extend(paragraphs(&[
        "- Tiếp tục duy trì và phát huy hiệu quả hoạt động của Bộ phận Một cửa các cấp; tập trung, thường xuyên theo dõi để cập nhật, giải quyết hồ sơ thủ tục hành chính theo quy định.",
        "- Tiếp tục chỉ đạo các cơ quan chuyên môn thực hiện rà soát, đơn giản hóa thủ tục hành chính đảm bảo phù hợp với quy định tại các văn bản quy phạm pháp luật chuyên ngành và kiểm soát thủ tục hành chính của cơ quan, đơn vị theo kế hoạch đã xây dựng.",
        "- Tiếp tục quán triệt các văn bản của cấp trên có liên quan đến công tác kiểm soát thủ tục hành chính và giải quyết các thủ tục hành chính theo cơ chế một cửa, một cửa liên thông, giải quyết thủ tục hành chính trên môi trường điện tử đảm bảo yêu cầu quy định.",
        "- Đẩy mạnh công tác tuyên truyền, phổ biến đến Nhân dân về công tác cải cách thủ tục hành chính.",
        "- Thực hiện công khai kết quả giải quyết thủ tục hành chính của Bộ phận Một cửa trên Cổng/Trang thông tin điện tử theo quy định.",
        "- Phấn đấu hoàn thành các chỉ tiêu về tiếp nhận, giải quyết TTHC trực tuyến, số hóa hồ sơ, kết quả giải quyết TTHC, thanh toán trực tuyến theo kế hoạch.",
    ]));
    parts.push(heading("IV. KIẾN NGHỊ, ĐỀ XUẤT").into());
    parts.push(heading("1. Kiến nghị với Chính phủ, Thủ tướng Chính phủ").into());
    parts.extend(paragraphs(&[
        "- Chỉ đạo các cấp, các ngành triển khai kết nối đồng bộ các giải pháp thực hiện có hiệu quả Chương trình, Kế hoạch đã xây dựng trên cơ sở Nghị quyết, Nghị định, Quyết định của Chính phủ, Thủ tướng Chính phủ.",
        "- Giải quyết kịp thời những vướng mắc, khó khăn phát sinh trong quá trình tổ chức thực hiện tại địa phương, cơ sở.",
    ]));
    parts.push(heading("2. Kiến nghị với các bộ, ngành, địa phương").into());
    parts.extend(paragraphs(&[
        "- Các bộ, ngành nghiên cứu về các quy định của pháp luật chuyên ngành, tập trung đơn giản hóa quy định, TTHC liên quan đến hoạt động đầu tư, sản xuất, kinh doanh và đời sống của Nhân dân, tạo điều kiện thuận lợi cho tổ chức, doanh nghiệp, người dân giải quyết TTHC nhanh chóng, hiệu quả, tiết kiệm thời gian, chi phí.",
        "- Quan tâm hỗ trợ, đầu tư cơ sở hạ tầng, kinh phí mua sắm trang thiết bị đáp ứng các yêu cầu giải quyết TTHC tại Bộ phận Một cửa các cấp; có cơ chế, chính sách hỗ trợ cán bộ, công chức, viên chức làm việc tại Bộ phận Một cửa.",
        "- Tập huấn, hướng dẫn, bồi dưỡng, nâng cao chuyên môn, nghiệp vụ cho đội ngũ cán bộ, công chức làm việc tại Bộ phận Một cửa; nâng cấp Hệ thống thông tin giải quyết TTHC để thực hiện các thao tác được nhanh chóng, thuận tiện.",
    ]));
    parts.push(
        body("Trên đây là Báo cáo tình hình, kết quả thực hiện công tác cải cách thủ tục hành chính {{ ky.ten }}, {{ co_quan or '……' }} trân trọng báo cáo./.")
            .keep_next(true)
            .into(),
    );
    parts.push(centered("", PLAIN).keep_next(true).into());
    parts.push(signature().into());
    parts
}

/// "Nơi nhận" on the left, the signer on the right.
fn signature() -> Table {
    signature_with(&[])
}

/// The signature block, with `first` recipients before those of config
/// (a letter is first sent to those it is addressed to: "Như trên;").
fn signature_with(first: &[&str]) -> Table {
    const LEFT: usize = 4253; // 7.5 cm
    const RIGHT: usize = TEXT_W - LEFT;
    let to = PLAIN.size(TABLE);
    let mut recipients = vec![para(
        "Nơi nhận:",
        PLAIN.size(SMALL).bold().italic(),
        AlignmentType::Left,
    )];
    for line in first {
        recipients.push(para(&format!("- {line}"), to, AlignmentType::Left));
    }
    recipients.push(block("{% for n in noi_nhan %}"));
    recipients.push(para("- {{ n }}", to, AlignmentType::Left));
    recipients.push(block("{% endfor %}"));
    let left = cell(LEFT, recipients);
    let sign = PLAIN.bold();
    let right = cell(
        RIGHT,
        vec![
            block("{% if ky_thay %}"),
            centered("{{ ky_thay }}", sign),
            block("{% endif %}"),
            centered("{{ chuc_vu }}", sign),
            centered("", PLAIN),
            centered("", PLAIN),
            centered("", PLAIN),
            centered("", PLAIN),
            centered("{{ nguoi_ky }}", sign),
        ],
    );
    borderless(&[LEFT, RIGHT], vec![left, right])
}

// ---------------------------------------------------------------------------
// Letters (công văn): header with "V/v …", "Kính gửi:", body, signature

/// A one-section portrait letter: page numbers from page 2 on.
fn letter(subject: &str, recipients: Vec<Paragraph>, body: Vec<Part>) -> Docx {
    let mut parts: Vec<Part> = vec![letter_header(subject).into()];
    parts.push(centered("", PLAIN).into());
    parts.push(kinh_gui(recipients).into());
    parts.extend(body);
    parts.push(centered("", PLAIN).keep_next(true).into());
    parts.push(signature_with(&["Như trên;"]).into());
    let mut docx = Docx::new()
        .default_fonts(fonts())
        .default_size(BODY)
        .default_line_spacing(tight())
        .created_at("2023-11-25T00:00:00Z")
        .updated_at("2023-11-25T00:00:00Z")
        .page_size(A4_W, A4_H)
        .page_orient(PageOrientationType::Portrait)
        .page_margin(margins())
        // No header on the first page (NĐ 30: numbers from page 2).
        .title_pg()
        .header(page_number_header());
    for part in parts {
        docx = match part {
            Part::P(p) => docx.add_paragraph(p),
            Part::T(t) => docx.add_table(t),
        };
    }
    docx
}

/// The header of a công văn: the agency, its number and, under it, the
/// subject ("V/v …", 12 pt, centred); Quốc hiệu, Tiêu ngữ and the date on
/// the right.
fn letter_header(subject: &str) -> Table {
    let head = PLAIN.size(HEAD);
    let left = cell(
        HEAD_LEFT,
        vec![
            block("{% if co_quan_cap_tren %}"),
            centered("{{ co_quan_cap_tren | upper }}", head),
            block("{% endif %}"),
            centered(r#"{{ (co_quan or '……') | upper }}"#, head.bold()),
            rule(HEAD_LEFT, 1134),
            centered(r#"Số: {{ so_ky_hieu or '……/UBND' }}"#, head),
            centered(subject, PLAIN.size(SMALL)).line_spacing(tight().before(60)),
        ],
    );
    let right = quoc_hieu_cell();
    borderless(&[HEAD_LEFT, HEAD_RIGHT], vec![left, right])
}

/// "Kính gửi:" on the left, the recipients one per line on the right.
fn kinh_gui(recipients: Vec<Paragraph>) -> Table {
    const LEFT: usize = 2835; // 5 cm
    const RIGHT: usize = TEXT_W - LEFT;
    let left = cell(
        LEFT,
        vec![para("Kính gửi:", PLAIN, AlignmentType::Right).indent(None, None, Some(113), None)],
    );
    borderless(&[LEFT, RIGHT], vec![left, cell(RIGHT, recipients)])
}

/// A recipient line of "Kính gửi:".
fn recipient(text: &str) -> Paragraph {
    para(text, PLAIN, AlignmentType::Left)
}

/// Body paragraphs, block tags included: a line that is only a block tag
/// becomes a block paragraph.
fn lines(lines: &[&str]) -> Vec<Part> {
    lines
        .iter()
        .map(|l| {
            let t = l.trim();
            if t.starts_with("{%") && t.ends_with("%}") && t.matches("{%").count() == 1 {
                block(l).into()
            } else {
                body(l).into()
            }
        })
        .collect()
}

/// The letter of reference 001: the chairman commends the units with the
/// best ratios, criticises those below their level's average for months,
/// reminds those with overdue dossiers, lists online payment against the
/// target, and sets the tasks. Sections 2 and 3 appear only when a unit is
/// named, so the numbering is counted (`muc`).
fn bieu_duong_document() -> Docx {
    let recipients = vec![
        block("{% for c in cac_cap %}"),
        recipient(
            r#"- {% if c.ma == "xa" %}Chủ tịch UBND các xã, phường, thị trấn{% else %}Thủ trưởng các cơ quan, đơn vị {{ c.ten_thuong }}{% endif %}{% if loop.last %}.{% else %};{% endif %}"#,
        ),
        block("{% endfor %}"),
    ];
    // Ratios without a figure are left out of the sentence (SPEC §6).
    let (any, joined) = ratio_clauses(&[
        (
            "tỷ lệ số hoá đầy đủ thành phần hồ sơ khi tiếp nhận đạt",
            "so_hoa_dau_vao",
        ),
        ("tỷ lệ số hoá kết quả giải quyết TTHC đạt", "so_hoa_dau_ra"),
        ("tỷ lệ thanh toán trực tuyến đạt", "thanh_toan_truc_tuyen"),
    ]);
    let mut parts: Vec<Part> = Vec::new();
    parts.extend(lines(&[
        &format!(
            r#"Trong {{{{ ky.ten }}}}, các cơ quan, đơn vị đã có nhiều cố gắng trong thực hiện nhiệm vụ cải cách hành chính. {{% if {any} %}}Kết quả {{{{ {joined} }}}}; {{% else %}}Trong kỳ {{% endif %}}{{% if qua_han %}}phát sinh {{{{ qua_han | length | so2 }}}} hồ sơ giải quyết TTHC quá hạn ở lĩnh vực {{{{ qua_han | map(attribute="linh_vuc") | unique | join(", ") }}}} tại {{{{ qua_han | map(attribute="don_vi") | unique | join(", ") }}}}{{% else %}}không phát sinh hồ sơ giải quyết TTHC quá hạn{{% endif %}}."#
        ),
        "Theo đề xuất của ……; Chủ tịch {{ co_quan or '……' }} có ý kiến như sau:",
        "{% set muc = namespace(so=1) %}",
    ]));

    // 1. Commendations.
    parts.push(heading("1. Biểu dương các cơ quan, đơn vị").into());
    parts.extend(lines(&[
        "{% if danh_sach.so_hoa_100 or danh_sach.so_hoa_cao or danh_sach.thanh_toan_dat %}",
        "Chủ tịch {{ co_quan or '……' }} biểu dương:",
        "{% if danh_sach.so_hoa_100 %}",
        r#"- {{ danh_sach.so_hoa_100 | length | so2 }} cơ quan, đơn vị có kết quả tỷ lệ số hoá đầy đủ thành phần hồ sơ khi tiếp nhận và số hoá kết quả giải quyết TTHC trong {{ ky.ten }} đạt tỷ lệ 100%; gồm: {% for dv in danh_sach_chi_tiet.so_hoa_100 %}{{ dv.don_vi }} (tiếp nhận {{ dv.ty_le.so_hoa_dau_vao | ty_so }} hồ sơ, giải quyết {{ dv.ty_le.so_hoa_dau_ra | ty_so }} hồ sơ){% if loop.last %}.{% else %}; {% endif %}{% endfor %}"#,
        "{% endif %}",
        "{% if danh_sach.so_hoa_cao %}",
        r#"- {{ danh_sach.so_hoa_cao | length | so2 }} cơ quan, đơn vị có kết quả tỷ lệ số hoá đầy đủ thành phần hồ sơ khi tiếp nhận và số hoá kết quả giải quyết TTHC trong {{ ky.ten }} đạt tỷ lệ cao (từ {{ chi_tieu.muc_cao | phan_tram }} trở lên): {% for dv in danh_sach_chi_tiet.so_hoa_cao %}{{ dv.don_vi }} (tiếp nhận đạt {{ dv.ty_le.so_hoa_dau_vao | phan_tram }}; giải quyết đạt {{ dv.ty_le.so_hoa_dau_ra | phan_tram }}){% if loop.last %}.{% else %}; {% endif %}{% endfor %}"#,
        "{% endif %}",
        "{% if danh_sach.thanh_toan_dat %}",
        r#"- {{ danh_sach.thanh_toan_dat | length | so2 }} cơ quan, đơn vị có kết quả thanh toán trực tuyến của dịch vụ công trên Cổng dịch vụ công quốc gia đạt chỉ tiêu giao ({{ chi_tieu.thanh_toan_truc_tuyen | phan_tram }}) trở lên: {% for dv in danh_sach_chi_tiet.thanh_toan_dat %}{{ dv.don_vi }} ({{ dv.ty_le.thanh_toan_truc_tuyen | phan_tram }}){% if loop.last %}.{% else %}, {% endif %}{% endfor %}"#,
        "{% endif %}",
        "{% else %}",
        "Trong {{ ky.ten }}, chưa có cơ quan, đơn vị nào đạt tỷ lệ số hoá hồ sơ 100% hoặc đạt chỉ tiêu thanh toán trực tuyến.",
        "{% endif %}",
    ]));

    // 2. Criticism: months in a row below the level's average.
    parts.extend(lines(&[
        "{% if danh_sach.chuoi_duoi_trung_binh.so_hoa_dau_vao %}",
        "{% set muc.so = muc.so + 1 %}",
    ]));
    parts.push(
        heading(r#"{{ muc.so }}. Phê bình {{ danh_sach.chuoi_duoi_trung_binh.so_hoa_dau_vao | map(attribute="don_vi") | join(", ") }}"#)
            .into(),
    );
    parts.extend(lines(&[
        "{% for s in danh_sach.chuoi_duoi_trung_binh.so_hoa_dau_vao %}",
        "{% for dv in theo_don_vi if dv.don_vi == s.don_vi %}",
        r#"- Lý do{% if danh_sach.chuoi_duoi_trung_binh.so_hoa_dau_vao | length > 1 %} ({{ s.don_vi }}){% endif %}: Có {{ s.so_thang | so2 }} tháng liên tiếp tỷ lệ số hoá đầy đủ thành phần hồ sơ thấp hơn so với mức trung bình chung của các đơn vị {% for c in cac_cap if c.ma == dv.cap %}{{ c.ten_thuong }}{% endfor %} (trong {{ ky.ten }}, đạt {{ dv.ty_le.so_hoa_dau_vao | phan_tram }}{% if dv.chenh_lech.so_hoa_dau_vao is not none %}, {{ dv.chenh_lech.so_hoa_dau_vao | chenh_lech }} so với {{ ky_lien_truoc.ky.ten }}{% endif %}, {% if dv.chenh_lech.so_hoa_dau_vao is not none and dv.chenh_lech.so_hoa_dau_vao | float > 0 %}tuy nhiên vẫn{% else %}và{% endif %} {{ dv.so_voi_trung_binh.so_hoa_dau_vao | so_sanh }} so với trung bình chung là {{ trung_binh[dv.cap].so_hoa_dau_vao | phan_tram }})."#,
        "{% endfor %}",
        "{% endfor %}",
        r#"- Yêu cầu {{ danh_sach.chuoi_duoi_trung_binh.so_hoa_dau_vao | map(attribute="don_vi") | join(", ") }}, người đứng đầu và các công chức được phân công làm việc tại Bộ phận Một cửa khắc phục ngay hạn chế nêu trên và tập trung nâng cao tỷ lệ số hoá đầy đủ thành phần hồ sơ khi tiếp nhận đảm bảo bằng hoặc cao hơn mức bình quân chung."#,
        "{% endif %}",
    ]));

    // 3. Reminders: overdue dossiers.
    parts.extend(lines(&[
        "{% if danh_sach.co_qua_han %}",
        "{% set muc.so = muc.so + 1 %}",
    ]));
    parts.push(heading(r#"{{ muc.so }}. Nhắc nhở {{ danh_sach.co_qua_han | join(", ") }}"#).into());
    parts.extend(lines(&[
        "{% for dv in danh_sach_chi_tiet.co_qua_han %}",
        r#"- Lý do{% if danh_sach.co_qua_han | length > 1 %} ({{ dv.don_vi }}){% endif %}: Trong {{ ky.ten }}, đơn vị đã để phát sinh {{ dv.qua_han_theo_linh_vuc | sum(attribute="so_ho_so") | so2 }} hồ sơ quá hạn thuộc lĩnh vực {% for lv in dv.qua_han_theo_linh_vuc %}{{ lv.linh_vuc }}{% if dv.qua_han_theo_linh_vuc | length > 1 %} ({{ lv.so_ho_so | so2 }} hồ sơ){% endif %}{% if not loop.last %}, {% endif %}{% endfor %} trên Hệ thống thông tin giải quyết TTHC."#,
        "{% endfor %}",
        "- Yêu cầu người đứng đầu các cơ quan, đơn vị nêu trên chấn chỉnh, rút kinh nghiệm; chỉ đạo giải quyết dứt điểm hồ sơ quá hạn, thực hiện xin lỗi tổ chức, cá nhân theo quy định và không để phát sinh hồ sơ quá hạn.",
        "{% endif %}",
    ]));

    // 4. Online payment against the target, with the chart.
    parts.push(block("{% set muc.so = muc.so + 1 %}").into());
    parts.push(heading("{{ muc.so }}. Về thanh toán trực tuyến").into());
    parts.extend(lines(&[
        "- Kết quả thanh toán trực tuyến trên Cổng dịch vụ công quốc gia từ ngày {{ ky.tu_ngay | ngay }} đến ngày {{ ky.den_ngay | ngay }}:",
        "{% if danh_sach.thanh_toan_dat %}",
        r#"+ Có {{ danh_sach.thanh_toan_dat | length | so2 }} cơ quan, đơn vị thực hiện thanh toán trực tuyến đạt chỉ tiêu giao ({{ chi_tieu.thanh_toan_truc_tuyen | phan_tram }}), gồm {{ danh_sach.thanh_toan_dat | join(", ") }}."#,
        "{% endif %}",
        "{% if danh_sach.thanh_toan_chua_dat %}",
        r#"+ Có {{ danh_sach.thanh_toan_chua_dat | length | so2 }} cơ quan, đơn vị thực hiện thanh toán trực tuyến chưa đạt chỉ tiêu giao, gồm: {% for dv in danh_sach_chi_tiet.thanh_toan_chua_dat %}{{ dv.don_vi }} ({{ dv.ty_le.thanh_toan_truc_tuyen | phan_tram }}){% if not loop.last %}, {% endif %}{% endfor %}{% if danh_sach.thanh_toan_rat_thap %}; trong đó {{ danh_sach.thanh_toan_rat_thap | length | so2 }} cơ quan, đơn vị có tỷ lệ thanh toán trực tuyến rất thấp (dưới {{ chi_tieu.rat_thap | phan_tram }}): {% for dv in danh_sach_chi_tiet.thanh_toan_rat_thap %}{{ dv.don_vi }} ({{ dv.ty_le.thanh_toan_truc_tuyen | phan_tram }}){% if not loop.last %}, {% endif %}{% endfor %}{% endif %}."#,
        "{% endif %}",
        "{% if danh_sach.thanh_toan_khong %}",
        r#"+ Có {{ danh_sach.thanh_toan_khong | length | so2 }} cơ quan, đơn vị chưa thực hiện thanh toán trực tuyến ({{ danh_sach.thanh_toan_khong | join(", ") }})."#,
        "{% endif %}",
        "{% if danh_sach.thanh_toan_khong or danh_sach.thanh_toan_chua_dat %}",
        r#"- Chủ tịch {{ co_quan or '……' }} yêu cầu {% if danh_sach.thanh_toan_khong %}người đứng đầu {{ danh_sach.thanh_toan_khong | join(", ") }} chỉ đạo thực hiện ngay thanh toán trực tuyến trên Cổng dịch vụ công quốc gia{% if danh_sach.thanh_toan_chua_dat %}; {% endif %}{% endif %}{% if danh_sach.thanh_toan_chua_dat %}người đứng đầu {{ danh_sach.thanh_toan_chua_dat | length | so2 }} cơ quan, đơn vị chưa đạt chỉ tiêu đã nêu tên ở trên nâng cao tỷ lệ thanh toán trực tuyến đảm bảo bằng hoặc cao hơn tỷ lệ giao ({{ chi_tieu.thanh_toan_truc_tuyen | phan_tram }}){% endif %}. Cơ quan, đơn vị nào có kết quả thanh toán trực tuyến không đảm bảo tỷ lệ giao, Chủ tịch {{ co_quan or '……' }} sẽ có văn bản phê bình, nhắc nhở."#,
        "{% endif %}",
    ]));
    parts.push(
        centered(r#"{{ bieu_do("thanh_toan_truc_tuyen") }}"#, PLAIN)
            .line_spacing(tight().before(120))
            .keep_next(true)
            .into(),
    );
    parts.push(
        centered(
            "Biểu đồ: Tỷ lệ thanh toán trực tuyến của các cơ quan, đơn vị {{ ky.ten }} (chỉ tiêu giao: {{ chi_tieu.thanh_toan_truc_tuyen | phan_tram }})",
            PLAIN.size(SMALL).italic(),
        )
        .line_spacing(tight().before(60))
        .into(),
    );

    // 5. Tasks.
    parts.push(block("{% set muc.so = muc.so + 1 %}").into());
    parts.push(
        heading("{{ muc.so }}. Chủ tịch {{ co_quan or '……' }} giao Thủ trưởng các cơ quan, đơn vị")
            .into(),
    );
    parts.push(
        heading("{{ muc.so }}.1. Về tỷ lệ số hoá hồ sơ, giấy tờ, kết quả giải quyết TTHC:").into(),
    );
    parts.extend(lines(&[
        "Trong thời gian tới, thực hiện đảm bảo tỷ lệ số hoá đầy đủ thành phần hồ sơ khi tiếp nhận đạt {{ chi_tieu.so_hoa_dau_vao | phan_tram }} và tỷ lệ số hoá kết quả giải quyết hồ sơ TTHC đạt {{ chi_tieu.so_hoa_dau_ra | phan_tram }}.",
    ]));
    parts.push(heading("{{ muc.so }}.2. Về thanh toán trực tuyến:").into());
    parts.extend(lines(&[
        "Đảm bảo ít nhất {{ chi_tieu.thanh_toan_truc_tuyen | phan_tram }} thanh toán trực tuyến trên Cổng dịch vụ công quốc gia trên tổng số giao dịch thanh toán của dịch vụ công.",
    ]));
    // The units with the fewest estimated points of the national index,
    // by level (SPEC §12): named so that they look at `chi-so --ho-so`.
    parts.extend(lines(&[
        "{% if chi_so_766.theo_don_vi | selectattr(\"xep_hang\") | list | length > 1 %}",
        "Theo ước tính Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) từ dữ liệu hồ sơ {{ ky.ten }}, các đơn vị có điểm ước tính thấp nhất:",
        "{% for c in cac_cap %}",
        "{% set ranked = chi_so_766.theo_don_vi | selectattr(\"cap\", \"eq\", c.ma) | selectattr(\"xep_hang\") | sort(attribute=\"xep_hang\", reverse=true) | list %}",
        "{% if ranked | length > 1 %}",
        // Only units that lost points, fewest points first: a unit scored
        // out of fewer points (no fee dossiers) has lost none.
        "{% for dv in ranked if (dv.diem | float) < dv.diem_toi_da %}{% if loop.first %}- {{ c.ten }}: {% endif %}{% if loop.index <= 3 %}{% if not loop.first %}; {% endif %}{{ dv.don_vi }} ({{ dv | diem }}/{{ dv.diem_toi_da }} điểm){% endif %}{% if loop.last %}.{% endif %}{% endfor %}",
        "{% endif %}",
        "{% endfor %}",
        "{% endif %}",
    ]));
    parts.push(
        body(r#"Yêu cầu các cơ quan, đơn vị tập trung cao độ trong chỉ đạo thực hiện nhiệm vụ cải cách hành chính{% if ky.loai == "thang" %} ngay trong tháng {{ ky.thang % 12 + 1 }} năm {{ ky.nam + ky.thang // 12 }}{% else %} trong thời gian tới{% endif %}./."#)
            .keep_next(true)
            .into(),
    );
    letter(
        "V/v biểu dương, nhắc nhở các cơ quan, đơn vị trong thực hiện nhiệm vụ cải cách hành chính {{ ky.ten }}",
        recipients,
        parts,
    )
}

/// The commune letter of reference 000: the commune's year-to-date and
/// month figures, what falls short (overdue dossiers, online payment below
/// the target), then the chairman's requests. Meant for
/// `cctthc report --don-vi "UBND xã …"`, where `tong`, `luy_ke`, `qua_han`
/// are the commune's and `don_vi` its entry.
fn cong_van_xa_document() -> Docx {
    // Ratios without a figure are left out of the sentence (SPEC §6).
    let (ytd_any, ytd_joined) = year_to_date_clauses();
    let recipients = [
        "- Ban Thường vụ Đảng ủy xã;",
        "- Thường trực HĐND xã;",
        "- Lãnh đạo UBND xã;",
        "- Bộ phận Tiếp nhận và trả kết quả xã;",
        "- Bộ phận có TTHC thuộc UBND cấp xã;",
        "- Tổ chức, cá nhân có nhu cầu giải quyết TTHC.",
    ]
    .iter()
    .map(|r| recipient(r))
    .collect();
    let mut parts = lines(&[
        "Thực hiện Công văn số …… ngày …… của {% if co_quan_cap_tren %}{{ co_quan_cap_tren }}{% else %}……{% endif %} về việc triển khai các nhiệm vụ cải cách thủ tục hành chính trọng tâm từ nay đến hết năm {{ ky.nam }}. Trên cơ sở theo dõi, tổng hợp kết quả thực hiện nhiệm vụ công tác cải cách TTHC của các công chức đến hết {{ ky.ten }}, nhận thấy, các công chức đã tập trung thực hiện và đạt kết quả tích cực trong tiếp nhận và giải quyết TTHC trên dịch vụ công trực tuyến.",
        &format!("{{% if {ytd_any} %}}"),
        &format!("Tính đến ngày {{{{ ky.den_ngay | ngay }}}}, {{{{ {ytd_joined} }}}}."),
        "{% endif %}",
        // Whether online payment falls short of the target: for the month
        // (the unit's own flag) and for the year so far.
        "{% set tt_thang = don_vi and don_vi.dat_chi_tieu.thanh_toan_truc_tuyen == false %}",
        "{% set tt_nam = luy_ke.tong.ty_le.thanh_toan_truc_tuyen.phan_tram is not none and luy_ke.tong.ty_le.thanh_toan_truc_tuyen.phan_tram | float < chi_tieu.thanh_toan_truc_tuyen | float %}",
        r#"{% if qua_han or tt_thang or tt_nam %}Bên cạnh những kết quả đạt được, {% if qua_han %}trong {{ ky.ten }} vẫn còn {{ qua_han | length | so2 }} hồ sơ trễ hạn thuộc lĩnh vực {% for g in qua_han | groupby("linh_vuc") %}{{ g.grouper }}{% if g.list | length < qua_han | length %} ({{ g.list | length | so2 }} hồ sơ){% endif %}{% if not loop.last %}, {% endif %}{% endfor %}{% if tt_thang or tt_nam %}; {% else %}. {% endif %}{% endif %}{% if tt_thang or tt_nam %}tỷ lệ thanh toán trực tuyến {% if tt_nam %}từ đầu năm đạt {{ luy_ke.tong.ty_le.thanh_toan_truc_tuyen | phan_tram }}{% if tt_thang %}, {{ ky.ten }} đạt {{ tong.ty_le.thanh_toan_truc_tuyen | phan_tram }}{% endif %}{% else %}{{ ky.ten }} đạt {{ tong.ty_le.thanh_toan_truc_tuyen | phan_tram }}{% endif %}, chưa đạt chỉ tiêu UBND tỉnh giao ({{ chi_tieu.thanh_toan_truc_tuyen | phan_tram }}). {% endif %}{% endif %}Để kịp thời triển khai thực hiện chỉ đạo của cấp trên về triển khai các nhiệm vụ cải cách thủ tục hành chính trọng tâm từ nay đến hết năm {{ ky.nam }}, Chủ tịch UBND xã yêu cầu:"#,
        "1. Bộ phận có thủ tục hành chính cấp xã:",
        "- Thực hiện cập nhật đầy đủ, kịp thời, niêm yết công khai thủ tục hành chính thuộc thẩm quyền đúng quy định; tiếp nhận, xử lý phản ánh, kiến nghị về quy định, hành vi hành chính trên Cổng Dịch vụ công quốc gia (nếu có); tiếp tục thực hiện có hiệu quả việc đổi mới cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính; thực hiện đúng quy trình, duy trì và nâng cao 2 tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính; tăng tỷ lệ thanh toán trực tuyến trên Cổng Dịch vụ công quốc gia.",
        "- Tập trung rà soát quy trình, thủ tục hành chính nội bộ của lĩnh vực phụ trách; đồng thời, nâng cao hiệu quả công tác phối hợp giữa các bộ phận trong giải quyết thủ tục hành chính, tránh phát sinh thủ tục gây phiền hà; kiến nghị cắt giảm thực chất các thủ tục hành chính, tạo điều kiện thuận lợi cho người dân.",
        "- Chủ động, nâng cao trách nhiệm giải trình và chịu trách nhiệm trước Chủ tịch UBND xã về kết quả thực hiện công tác cải cách thủ tục hành chính; kiểm soát thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính.",
        "- Giao công chức Văn phòng - Thống kê thường xuyên theo dõi, đôn đốc các bộ phận có TTHC niêm yết công khai theo quy định, báo cáo tình hình thực hiện với Chủ tịch UBND xã; công chức Văn hóa - Xã hội kịp thời đăng tải thông tin lên Trang thông tin điện tử xã.",
        "2. Đề nghị lãnh đạo Đảng uỷ, HĐND tiếp tục quan tâm lãnh đạo, chỉ đạo sát sao công việc để đảm bảo thực hiện đạt kết quả cao theo yêu cầu.",
    ]);
    parts.push(
        body("3. Đề nghị các tổ chức, cá nhân có nhu cầu giải quyết TTHC cấp xã nghiêm túc, phối hợp thực hiện giải quyết TTHC theo nội dung, quy trình đã niêm yết; phản ánh, kiến nghị những nội dung chưa phù hợp để góp phần xây dựng chất lượng kết quả giải quyết TTHC./.")
            .keep_next(true)
            .into(),
    );
    letter(
        "V/v triển khai các nhiệm vụ CCTTHC trọng tâm từ nay đến hết năm {{ ky.nam }}",
        recipients,
        parts,
    )
}

// ---------------------------------------------------------------------------
// Packaging

/// Rewrites the package with fixed entry times and permissions, deflated,
/// keeping docx-rs's entry order and dropping directory entries.
fn repack(raw: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(raw)).expect("docx-rs wrote a bad zip");
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default())
        .system(zip::System::Unix)
        .unix_permissions(0o644);
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("docx-rs wrote a bad zip entry");
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .expect("docx-rs wrote a bad entry name")
            .to_string();
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .expect("cannot read a docx-rs zip entry");
        if name == "docProps/core.xml" {
            data = String::from_utf8(data)
                .expect("core.xml is UTF-8")
                .replace(">unknown<", ">cctthc<")
                .into_bytes();
        }
        out.start_file(name, options)
            .expect("cannot write a zip entry");
        out.write_all(&data).expect("cannot write a zip entry");
    }
    out.finish().expect("cannot finish the zip").into_inner()
}
