//! End-to-end tests of the template engine on .docx files built in code,
//! so that split runs, spell-check marks and bookmarks are exactly as
//! Word writes them.

use std::io::{Cursor, Read, Write};

use minijinja::value::Value;
use minijinja::{Environment, UndefinedBehavior, context};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::xml::parse;
use super::*;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#;

/// The final section: A4 portrait with the header and footer.
const BODY_SECTION: &str = r#"<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/><w:footerReference w:type="default" r:id="rIdF"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr>"#;

/// A paragraph with one plain run.
fn p(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

fn header(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr {W}>{body}</w:hdr>"#
    )
}

fn footer(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr {W}>{body}</w:ftr>"#
    )
}

/// A .docx with `body` in the document and the given header and footer.
fn docx_with(body: &str, hdr: &str, ftr: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W}><w:body>{body}{BODY_SECTION}</w:body></w:document>"#
    );
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let entries: Vec<(&str, Vec<u8>, SimpleFileOptions)> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.into(), deflated),
        ("_rels/.rels", RELS.into(), deflated),
        ("word/document.xml", document.into_bytes(), deflated),
        ("word/_rels/document.xml.rels", DOC_RELS.into(), deflated),
        ("word/header1.xml", header(hdr).into_bytes(), deflated),
        ("word/footer1.xml", footer(ftr).into_bytes(), stored),
        // Not referenced: only there to be copied untouched.
        (
            "word/media/image1.png",
            (0u8..=255).cycle().take(3000).collect(),
            stored,
        ),
    ];
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data, options) in entries {
        if let Err(e) = w
            .start_file(name, options)
            .and_then(|()| Ok(w.write_all(&data)?))
        {
            panic!("building the test docx: {e}");
        }
    }
    match w.finish() {
        Ok(c) => c.into_inner(),
        Err(e) => panic!("building the test docx: {e}"),
    }
}

fn docx(body: &str) -> Vec<u8> {
    docx_with(body, &p("Đầu trang"), &p("Cuối trang"))
}

/// `body` as the parsed `word/document.xml`: for the tests of each step
/// (scan, layout, build) on their own.
pub(super) fn document_part(body: &str) -> super::xml::Part {
    let xml = format!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    match parse("word/document.xml", xml) {
        Ok(p) => p,
        Err(e) => panic!("{e:?}"),
    }
}

/// Formats integers with `.` between thousands, like the real `so`.
fn so(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("so", so);
    env.add_filter("hong", |_: Value| -> Result<String, minijinja::Error> {
        Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            "bộ lọc hỏng",
        ))
    });
    env
}

fn ctx() -> Value {
    context! {
        ten => "A & B <C>",
        xa => context! { tiep_nhan => context! { tong => 1263, truc_tuyen => 845 } },
        tinh => (),
        co_quan => "UBND huyện X",
        theo_don_vi => vec![
            context! { ten => "Xã Một", so => 10 },
            context! { ten => "Xã Hai", so => 2000 },
            context! { ten => "Xã Ba & Bốn", so => 3 },
        ],
        co => true,
        khong => false,
        so_lieu => 5,
    }
}

fn template(bytes: &[u8]) -> Template {
    match Template::from_bytes("mau.docx", bytes) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

fn render(bytes: &[u8]) -> Vec<u8> {
    match template(bytes).render(&env(), &ctx()) {
        Ok(out) => out,
        Err(e) => panic!("{e}"),
    }
}

fn render_err(bytes: &[u8]) -> Vec<String> {
    match template(bytes).render(&env(), &ctx()) {
        Ok(_) => panic!("rendered a faulty template"),
        Err(e) => e.problems.iter().map(Problem::to_string).collect(),
    }
}

fn entry(bytes: &[u8], name: &str) -> String {
    let mut archive = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => panic!("{e}"),
    };
    let mut out = String::new();
    match archive.by_name(name) {
        Ok(mut f) => {
            if let Err(e) = f.read_to_string(&mut out) {
                panic!("{e}");
            }
        }
        Err(e) => panic!("{name}: {e}"),
    }
    out
}

/// The visible text of each paragraph of a part.
fn paragraphs(bytes: &[u8], name: &str) -> Vec<String> {
    let part = match parse(name, entry(bytes, name)) {
        Ok(p) => p,
        Err(e) => panic!("{e:?}"),
    };
    (0..part.paragraphs.len())
        .map(|i| part.paragraph_text(i))
        .collect()
}

#[test]
fn joins_split_runs_keeping_the_first_format() {
    let body = concat!(
        r#"<w:p><w:r><w:t xml:space="preserve">Tổng số: </w:t></w:r>"#,
        r#"<w:r><w:rPr><w:b/></w:rPr><w:t>{{ xa.</w:t></w:r>"#,
        r#"<w:proofErr w:type="spellStart"/><w:r><w:t>tiep_nhan</w:t></w:r><w:proofErr w:type="spellEnd"/>"#,
        r#"<w:bookmarkStart w:id="0" w:name="moc"/><w:r><w:rPr><w:i/></w:rPr><w:t>.tong | so }</w:t></w:r><w:bookmarkEnd w:id="0"/>"#,
        r#"<w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t>} hồ sơ</w:t></w:r></w:p>"#,
    );
    let out = render(&docx(body));
    let xml = entry(&out, "word/document.xml");
    assert!(
        xml.contains(r#"<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">1.263</w:t></w:r>"#),
        "{xml}"
    );
    assert!(xml.contains(
        r#"<w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t xml:space="preserve"> hồ sơ</w:t></w:r>"#
    ));
    // The marks stay where they were.
    assert!(xml.contains(r#"<w:proofErr w:type="spellStart"/><w:r><w:t xml:space="preserve"></w:t></w:r><w:proofErr w:type="spellEnd"/>"#));
    assert!(xml.contains(r#"<w:bookmarkStart w:id="0" w:name="moc"/>"#));
    assert_eq!(
        paragraphs(&out, "word/document.xml"),
        vec!["Tổng số: 1.263 hồ sơ"]
    );
}

#[test]
fn curly_quotes_in_tags_are_straightened() {
    let out = render(&docx(&p("{{ “Kính gửi: ” ~ co_quan ~ ‘.’ }}")));
    assert_eq!(
        paragraphs(&out, "word/document.xml"),
        vec!["Kính gửi: UBND huyện X."]
    );
}

#[test]
fn values_are_escaped() {
    let out = render(&docx(&p("Đơn vị: {{ ten }}")));
    assert!(entry(&out, "word/document.xml").contains("Đơn vị: A &amp; B &lt;C&gt;"));
    assert_eq!(
        paragraphs(&out, "word/document.xml"),
        vec!["Đơn vị: A & B <C>"]
    );
}

fn table_row(cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .map(|c| {
            format!(
                r#"<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>{}</w:tc>"#,
                p(c)
            )
        })
        .collect();
    format!("<w:tr>{cells}</w:tr>")
}

#[test]
fn a_table_row_repeats_per_item() {
    let body = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"4000\" w:type=\"dxa\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"2000\"/><w:gridCol w:w=\"2000\"/></w:tblGrid>{}{}{}{}{}</w:tbl>{}",
        table_row(&["Đơn vị", "Số"]),
        table_row(&["{% for dv in theo_don_vi %}", ""]),
        table_row(&["{{ loop.index }}. {{ dv.ten }}", "{{ dv.so | so }}"]),
        table_row(&["", "{% endfor %}"]),
        table_row(&["Cộng", "{{ theo_don_vi | length }}"]),
        p("Hết"),
    );
    let out = render(&docx(&body));
    assert_eq!(
        paragraphs(&out, "word/document.xml"),
        vec![
            "Đơn vị",
            "Số",
            "1. Xã Một",
            "10",
            "2. Xã Hai",
            "2.000",
            "3. Xã Ba & Bốn",
            "3",
            "Cộng",
            "3",
            "Hết"
        ]
    );
    assert_eq!(
        entry(&out, "word/document.xml").matches("<w:tr>").count(),
        5
    );
}

#[test]
fn conditional_paragraphs() {
    let body = [
        p("{% if co %}"),
        p("Có hiện."),
        p("{% endif %}"),
        p("{% if khong %}"),
        p("Không hiện."),
        p("{% elif tinh %}"),
        p("Cũng không."),
        p("{% else %}"),
        p("Nhánh else."),
        p("{% endif %}"),
        p("Chữ {% if co %}có{% else %}không{% endif %} trong câu."),
    ]
    .concat();
    let out = render(&docx(&body));
    assert_eq!(
        paragraphs(&out, "word/document.xml"),
        vec!["Có hiện.", "Nhánh else.", "Chữ có trong câu."]
    );
}

#[test]
fn headers_and_footers_are_filled() {
    let bytes = docx_with(&p("Thân"), &p("{{ co_quan }}"), &p("Trang của {{ ten }}"));
    let out = render(&bytes);
    assert_eq!(paragraphs(&out, "word/header1.xml"), vec!["UBND huyện X"]);
    assert_eq!(
        paragraphs(&out, "word/footer1.xml"),
        vec!["Trang của A & B <C>"]
    );
}

#[test]
fn sections_survive() {
    let landscape = r#"<w:p><w:pPr><w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr></w:pPr><w:r><w:t>Trang ngang {{ so_lieu }}</w:t></w:r></w:p>"#;
    let body = [
        p("Trang dọc {{ so_lieu }}"),
        landscape.to_string(),
        p("Lại dọc"),
    ]
    .concat();
    let out = render(&docx(&body));
    let xml = entry(&out, "word/document.xml");
    assert!(xml.contains(r#"<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr></w:pPr>"#));
    assert!(xml.contains(&format!("{BODY_SECTION}</w:body>")));
    assert_eq!(
        paragraphs(&out, "word/document.xml"),
        vec!["Trang dọc 5", "Trang ngang 5", "Lại dọc"]
    );
}

#[test]
fn text_that_looks_like_template_syntax_stays_text() {
    let body = [
        p("# không phải câu lệnh"),
        p("{# không phải chú thích #} và { x } và }} và %}"),
        p("## {{ so_lieu }} {#"),
    ]
    .concat();
    let out = render(&docx(&body));
    assert_eq!(
        paragraphs(&out, "word/document.xml"),
        vec![
            "# không phải câu lệnh",
            "{# không phải chú thích #} và { x } và }} và %}",
            "## 5 {#"
        ]
    );
}

#[test]
fn same_bytes_twice_and_untouched_parts_copied_raw() {
    let bytes = docx_with(
        &p("{{ ten }}"),
        &p("Đầu trang không thẻ"),
        &p("{{ so_lieu }}"),
    );
    let first = render(&bytes);
    let second = render(&bytes);
    assert_eq!(first, second);

    let mut input = ZipArchive::new(Cursor::new(&bytes[..])).ok();
    let mut output = ZipArchive::new(Cursor::new(&first[..])).ok();
    let (Some(input), Some(output)) = (input.as_mut(), output.as_mut()) else {
        panic!("unreadable zip");
    };
    let names = |a: &ZipArchive<Cursor<&[u8]>>| {
        a.file_names()
            .flatten()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
    };
    // Same entries, same order.
    assert_eq!(names(input), names(output));
    for i in 0..input.len() {
        let (Ok(mut a), Ok(mut b)) = (input.by_index_raw(i), output.by_index_raw(i)) else {
            panic!("entry {i}");
        };
        let name = a.name().map(|n| n.to_string()).unwrap_or_default();
        let rewritten = name == "word/document.xml" || name == "word/footer1.xml";
        let (mut raw_a, mut raw_b) = (Vec::new(), Vec::new());
        let read = a
            .read_to_end(&mut raw_a)
            .and_then(|_| b.read_to_end(&mut raw_b));
        assert!(read.is_ok(), "{name}");
        if rewritten {
            assert_ne!(raw_a, raw_b, "{name}");
            assert_eq!(b.compression(), CompressionMethod::Deflated, "{name}");
            assert_eq!(b.last_modified(), Some(zip::DateTime::default()), "{name}");
        } else {
            assert_eq!(raw_a, raw_b, "{name}");
            assert_eq!(a.crc32(), b.crc32(), "{name}");
            assert_eq!(a.compression(), b.compression(), "{name}");
            assert_eq!(a.last_modified(), b.last_modified(), "{name}");
        }
    }
}

#[test]
fn output_is_well_formed_and_readable_by_docx_rs() {
    let body = format!(
        "{}<w:tbl>{}{}{}</w:tbl>{}",
        p("{% if co %}"),
        table_row(&["{% for dv in theo_don_vi %}"]),
        table_row(&["{{ dv.ten }}"]),
        table_row(&["{% endfor %}"]),
        p("{% endif %}"),
    );
    let out = render(&docx(&body));
    for part in ["word/document.xml", "word/header1.xml", "word/footer1.xml"] {
        let xml = entry(&out, part);
        assert_eq!(xml::check_output(&xml), Ok(()), "{part}");
    }
    assert!(docx_rs::read_docx(&out).is_ok());
}

#[test]
fn tags_are_listed_with_their_place() {
    let bytes = docx_with(
        &p("Tổng: {{ xa.tiep_nhan.tong | so }}"),
        &p("{% if co %}"),
        &p("x"),
    );
    let tags = template(&bytes).tags();
    assert_eq!(
        tags,
        vec![
            Tag {
                part: "word/document.xml".into(),
                paragraph: "Tổng: {{ xa.tiep_nhan.tong | so }}".into(),
                source: "{{ xa.tiep_nhan.tong | so }}".into(),
                kind: TagKind::Expr,
            },
            Tag {
                part: "word/header1.xml".into(),
                paragraph: "{% if co %}".into(),
                source: "{% if co %}".into(),
                kind: TagKind::Block,
            },
        ]
    );
}

#[test]
fn unknown_name_with_suggestion() {
    assert_eq!(
        render_err(&docx(&p("Tổng số: {{ xa.tiep_nhan.tongg }}"))),
        vec![
            "mau.docx, word/document.xml, đoạn \"Tổng số: {{ xa.tiep_nhan.tongg }}\": \
             không có tên 'xa.tiep_nhan.tongg' — có phải 'xa.tiep_nhan.tong'?"
        ]
    );
    let t = template(&docx(&p("{{ dv.ten }}")));
    assert_eq!(t.check_names(&ctx()).len(), 1);
}

#[test]
fn every_fault_is_reported_together() {
    let body = [
        p("Tổng: {{ xa.tiep_nhan.tongg }}"),
        p("Mở {{ so_lieu"),
        p("Chữ {% if co %} chen"),
        p("{% for x in so_lieu %}"),
        p("{% endfor %}"),
        p("{% endif %}"),
        p("{{ so_lieu | khong_co }}"),
        p("{{ so_lieu + }}"),
        p("{% for y in theo_don_vi %}"),
    ]
    .concat();
    let bytes = docx_with(&body, &p("{{ co_quann }}"), &p("{% macro m() %}"));
    let problems = render_err(&bytes);
    let expected = [
        "word/document.xml, đoạn \"Tổng: {{ xa.tiep_nhan.tongg }}\": không có tên 'xa.tiep_nhan.tongg' — có phải 'xa.tiep_nhan.tong'?",
        "word/document.xml, đoạn \"Mở {{ so_lieu\": thẻ '{{ so_lieu' không được đóng: thiếu '}}' trong cùng đoạn",
        "word/document.xml, đoạn \"Chữ {% if co %} chen\": thẻ khối '{% if co %}' phải đứng một mình trong đoạn hoặc trong hàng bảng",
        "word/document.xml, đoạn \"{% for x in so_lieu %}\": không lặp được trên 'so_lieu': đó là một số, không phải danh sách",
        "word/document.xml, đoạn \"{% endif %}\": thẻ '{% endif %}': không có '{% if … %}' mở trước",
        "word/document.xml, đoạn \"{{ so_lieu | khong_co }}\": không có bộ lọc 'khong_co'",
        "word/document.xml, đoạn \"{{ so_lieu + }}\": lỗi cú pháp trong '{{ so_lieu + }}'",
        "word/document.xml, đoạn \"{% for y in theo_don_vi %}\": thẻ '{% for y in theo_don_vi %}': không được đóng: thiếu '{% endfor %}'",
        "word/header1.xml, đoạn \"{{ co_quann }}\": không có tên 'co_quann' — có phải 'co_quan'?",
        "word/footer1.xml, đoạn \"{% macro m() %}\": thẻ khối '{% macro m() %}' không được hỗ trợ",
    ];
    for want in expected {
        let want = format!("mau.docx, {want}");
        assert!(
            problems.iter().any(|p| p.starts_with(&want)),
            "missing: {want}\nin:\n{}",
            problems.join("\n")
        );
    }
    assert_eq!(problems.len(), expected.len(), "{}", problems.join("\n"));
}

#[test]
fn misplaced_block_is_an_error() {
    let body = format!(
        "<w:tbl>{}{}</w:tbl>{}",
        table_row(&["{% for dv in theo_don_vi %}"]),
        table_row(&["{{ dv.ten }}"]),
        p("{% endfor %}"),
    );
    let problems = render_err(&docx(&body));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("không cùng chỗ"), "{problems:?}");
}

#[test]
fn render_errors_name_their_tag() {
    let problems = render_err(&docx(
        &[p("Đúng {{ so_lieu }}"), p("Sai {{ so_lieu | hong }}")].concat(),
    ));
    assert_eq!(
        problems,
        vec![
            "mau.docx, word/document.xml, đoạn \"Sai {{ so_lieu | hong }}\": \
             lỗi khi điền '{{ so_lieu | hong }}': phép toán không hợp lệ: bộ lọc hỏng"
        ]
    );
}

#[test]
fn bad_files_are_errors_not_panics() {
    assert!(matches!(
        Template::from_bytes("x.docx", b"PK\x03\x04 broken"),
        Err(Error::Zip { .. })
    ));
    let good = docx(&p("{{ ten }}"));
    // Every truncation and some corrupted bytes: errors or renders, no panic.
    for len in (0..good.len()).step_by(37) {
        if let Ok(t) = Template::from_bytes("x.docx", &good[..len]) {
            let _ = t.render(&env(), &ctx());
        }
    }
    for at in (0..good.len()).step_by(53) {
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        if let Ok(t) = Template::from_bytes("x.docx", &bad) {
            let _ = t.render(&env(), &ctx());
        }
    }
    let doctype = docx_with(&p("x"), &p("x"), &p("x"));
    let doctype = replace_entry(
        &doctype,
        "word/header1.xml",
        "<?xml version=\"1.0\"?><!DOCTYPE w:hdr [<!ENTITY a \"b\">]><w:hdr/>",
    );
    assert!(matches!(
        Template::from_bytes("x.docx", &doctype),
        Err(Error::Doctype { .. })
    ));
    let malformed = replace_entry(
        &good,
        "word/document.xml",
        "<w:document><w:body></w:document>",
    );
    let err = Template::from_bytes("x.docx", &malformed)
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.starts_with("x.docx, word/document.xml: XML không hợp lệ")),
        "{err:?}"
    );
    let no_document = replace_entry(&good, "word/document.xml", "");
    let no_document = rename_entry(&no_document, "word/document.xml", "word/other.xml");
    assert!(matches!(
        Template::from_bytes("x.docx", &no_document),
        Err(Error::NotDocx { .. })
    ));
}

/// Copies a zip with one entry's content replaced.
fn replace_entry(bytes: &[u8], name: &str, content: &str) -> Vec<u8> {
    rewrite_zip(bytes, |n| {
        (n == name).then(|| (n.to_string(), Some(content.as_bytes().to_vec())))
    })
}

fn rename_entry(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    rewrite_zip(bytes, |n| (n == from).then(|| (to.to_string(), None)))
}

fn rewrite_zip(
    bytes: &[u8],
    change: impl Fn(&str) -> Option<(String, Option<Vec<u8>>)>,
) -> Vec<u8> {
    let run = || -> zip::result::ZipResult<Vec<u8>> {
        let mut input = ZipArchive::new(Cursor::new(bytes))?;
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..input.len() {
            let mut f = input.by_index(i)?;
            let name = f.name()?.to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data)?;
            let (name, data) = match change(&name) {
                Some((new_name, new_data)) => (new_name, new_data.unwrap_or(data)),
                None => (name, data),
            };
            w.start_file(name, SimpleFileOptions::default())?;
            w.write_all(&data)?;
        }
        Ok(w.finish()?.into_inner())
    };
    match run() {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    }
}

/// Saved by LibreOffice 7.4 from `libreoffice-split.fodt`: tags typed with
/// part of them bold, so LibreOffice split them over runs.
const LIBREOFFICE: &[u8] = include_bytes!("../../tests/fixtures/docx/libreoffice-split.docx");

#[test]
fn renders_a_template_saved_by_libreoffice() {
    let out = render(LIBREOFFICE);
    assert_eq!(
        paragraphs(&out, "word/document.xml"),
        vec![
            "Kính gửi: UBND huyện X",
            "Tổng số: 1.263 hồ sơ.",
            "Đơn vị",
            "Số",
            "Xã Một",
            "10",
            "Xã Hai",
            "2.000",
            "Xã Ba & Bốn",
            "3",
            "Đoạn có điều kiện.",
        ]
    );
    let xml = entry(&out, "word/document.xml");
    // The value takes the format of the tag's first run (plain), and the
    // bold piece in the middle is emptied.
    assert!(xml.contains(r#"<w:r><w:rPr></w:rPr><w:t xml:space="preserve">Tổng số: 1.263</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"></w:t></w:r>"#), "{xml}");
    assert!(
        xml.contains(r#"<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve"> hồ sơ</w:t></w:r>"#)
    );
}

/// Converts .docx files to PDF with LibreOffice; `None` when it is not
/// installed.
fn to_pdf(files: &[(&str, &[u8])]) -> Option<Vec<Vec<u8>>> {
    use std::process::{Command, Stdio};
    // One folder per call: tests run in parallel threads of one process.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("cctthc-docx-pdf-{}-{call}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("{e}");
    }
    let mut paths = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(format!("{name}.docx"));
        if let Err(e) = std::fs::write(&path, bytes) {
            panic!("{e}");
        }
        paths.push(path);
    }
    // Its own profile, so a running LibreOffice does not get in the way.
    let status = Command::new("soffice")
        .env("HOME", &dir)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .args(&paths)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if status.is_err() {
        return None;
    }
    // soffice exits 0 even when a file fails to convert: look for the PDFs.
    let pdfs = files
        .iter()
        .map(|(name, _)| std::fs::read(dir.join(format!("{name}.pdf"))).unwrap_or_default())
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    Some(pdfs)
}

#[test]
fn rendered_output_opens_in_libreoffice() {
    let body = format!(
        "{}<w:tbl><w:tblPr><w:tblW w:w=\"4000\" w:type=\"dxa\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"2000\"/><w:gridCol w:w=\"2000\"/></w:tblGrid>{}{}{}</w:tbl>{}",
        p("Đơn vị: {{ ten }}"),
        table_row(&["{% for dv in theo_don_vi %}", ""]),
        table_row(&["{{ dv.ten }}", "{{ dv.so | so }}"]),
        table_row(&["", "{% endfor %}"]),
        p("Hết"),
    );
    let built = render(&docx_with(&body, &p("{{ co_quan }}"), &p("{{ so_lieu }}")));
    let saved = render(LIBREOFFICE);
    let Some(pdfs) = to_pdf(&[("built", &built), ("saved", &saved)]) else {
        eprintln!("skipped: soffice (LibreOffice) is not on PATH");
        return;
    };
    for (name, pdf) in ["built", "saved"].iter().zip(pdfs) {
        assert!(
            pdf.starts_with(b"%PDF"),
            "LibreOffice could not open the rendered {name}.docx"
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A paragraph of runs, every other run bold.
    fn runs(pieces: &[String]) -> String {
        let runs: String = pieces
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut text = String::new();
                xml::escape_text(t, &mut text);
                let props = if i % 2 == 1 {
                    "<w:rPr><w:b/></w:rPr>"
                } else {
                    ""
                };
                format!(r#"<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>"#)
            })
            .collect();
        format!("<w:p>{runs}</w:p>")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Any text renders or fails with problems; what renders holds no tag.
        #[test]
        fn any_text_renders_or_fails_cleanly(
            pieces in proptest::collection::vec("[a-z{}%#\"“”'&<> .|_()-]{0,8}", 1..5),
        ) {
            let template = Template::from_bytes("p.docx", &docx(&runs(&pieces)));
            prop_assert!(template.is_ok());
            let Ok(template) = template else { return Ok(()) };
            let joined: String = pieces.concat();
            match template.render(&env(), &ctx()) {
                Ok(out) => {
                    let text = paragraphs(&out, "word/document.xml").concat();
                    prop_assert!(!text.contains("{{") && !text.contains("{%"), "{text}");
                    if !joined.contains('{') {
                        prop_assert_eq!(text, joined);
                    }
                }
                Err(errors) => {
                    prop_assert!(!errors.problems.is_empty());
                    prop_assert!(joined.contains('{'), "{errors}");
                }
            }
        }

        /// Paragraphs and rows of tag fragments: whatever the structure,
        /// the engine never writes broken XML.
        #[test]
        fn tag_soup_never_breaks_the_xml(
            blocks in proptest::collection::vec(
                (
                    proptest::collection::vec(
                        proptest::sample::select(vec![
                            "{{", "}}", "{%", "%}", " ten ", " co ", " if ", " endif ", " else ",
                            " for dv in theo_don_vi ", " endfor ", " dv.ten ", "“x”", " | so ",
                            "chữ", " ", "{", "}",
                        ]),
                        0..6,
                    ),
                    any::<bool>(),
                ),
                1..8,
            ),
        ) {
            // Consecutive rows share a table, so row loops can form.
            let mut body = String::new();
            let mut in_table = false;
            for (fragments, in_row) in &blocks {
                let pieces: Vec<String> = fragments.iter().map(|f| f.to_string()).collect();
                let paragraph = runs(&pieces);
                match (in_table, *in_row) {
                    (false, true) => body.push_str("<w:tbl>"),
                    (true, false) => body.push_str("</w:tbl>"),
                    _ => {}
                }
                in_table = *in_row;
                if *in_row {
                    body.push_str(&format!("<w:tr><w:tc>{paragraph}</w:tc></w:tr>"));
                } else {
                    body.push_str(&paragraph);
                }
            }
            if in_table {
                body.push_str("</w:tbl>");
            }
            let template = Template::from_bytes("p.docx", &docx(&body));
            prop_assert!(template.is_ok());
            let Ok(template) = template else { return Ok(()) };
            if let Err(errors) = template.render(&env(), &ctx()) {
                for problem in &errors.problems {
                    prop_assert!(!matches!(problem.fault, Fault::Output { .. }), "{errors}\n{body}");
                }
            }
        }

        #[test]
        fn scanning_and_lexing_never_panic(text in ".*") {
            let _ = tags::paragraph_tags(&text);
            let _ = expr::usage(&expr::lex(&text));
        }
    }
}

/// A document written by another producer (docx-rs), with its own styles,
/// settings and numbering parts, and tags split over runs.
#[test]
fn renders_a_document_written_by_docx_rs() {
    use docx_rs::{Docx, Footer, Header, Paragraph, Run, Table, TableCell, TableRow};
    let para = |text: &str| Paragraph::new().add_run(Run::new().add_text(text));
    let cell = |text: &str| TableCell::new().add_paragraph(para(text));
    let mut buf = Cursor::new(Vec::new());
    let packed = Docx::new()
        .header(Header::new().add_paragraph(para("{{ co_quan }}")))
        .footer(Footer::new().add_paragraph(para("{{ ten }}")))
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text("Tổng: {{ xa."))
                .add_run(Run::new().add_text("tiep_nhan").bold())
                .add_run(Run::new().add_text(".tong | so }} hồ sơ")),
        )
        .add_table(Table::new(vec![
            TableRow::new(vec![cell("{% for dv in theo_don_vi %}"), cell("")]),
            TableRow::new(vec![cell("{{ dv.ten }}"), cell("{{ dv.so | so }}")]),
            TableRow::new(vec![cell(""), cell("{% endfor %}")]),
        ]))
        .build()
        .pack(&mut buf);
    assert!(packed.is_ok());
    let out = render(buf.get_ref());
    assert_eq!(
        paragraphs(&out, "word/document.xml"),
        vec![
            "Tổng: 1.263 hồ sơ",
            "Xã Một",
            "10",
            "Xã Hai",
            "2.000",
            "Xã Ba & Bốn",
            "3"
        ]
    );
    let names: Vec<String> = ZipArchive::new(Cursor::new(&out[..]))
        .map(|a| a.file_names().flatten().map(|n| n.to_string()).collect())
        .unwrap_or_default();
    let header = names
        .iter()
        .find(|n| n.starts_with("word/header"))
        .cloned()
        .unwrap_or_default();
    let footer = names
        .iter()
        .find(|n| n.starts_with("word/footer"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(paragraphs(&out, &header), vec!["UBND huyện X"]);
    assert_eq!(paragraphs(&out, &footer), vec!["A & B <C>"]);
    assert!(docx_rs::read_docx(&out).is_ok());
}

mod pictures {
    use super::*;

    /// A 2×1 RGB PNG.
    const PNG: [u8; 70] = [
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x7b,
        0x40, 0xe8, 0xdd, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
        0xcf, 0x00, 0x04, 0xff, 0x01, 0x07, 0x00, 0x01, 0xff, 0xe2, 0x23, 0x9e, 0x59, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];

    fn picture(description: &str) -> Value {
        Picture::new(PNG.to_vec(), 8 * EMU_PER_CM, 4 * EMU_PER_CM, description).value()
    }

    fn pic_ctx() -> Value {
        context! {
            pic => picture("Biểu đồ \"A & B\""),
            hai => vec![picture("một"), picture("hai")],
            ..ctx()
        }
    }

    fn render_pic(bytes: &[u8]) -> Result<Vec<u8>, Vec<String>> {
        template(bytes)
            .render(&env(), &pic_ctx())
            .map_err(|e| e.problems.iter().map(Problem::to_string).collect())
    }

    fn names(bytes: &[u8]) -> Vec<String> {
        match ZipArchive::new(Cursor::new(bytes)) {
            Ok(a) => a
                .file_names()
                .map(|n| n.map(|n| n.into_owned()).unwrap_or_default())
                .collect(),
            Err(e) => panic!("{e}"),
        }
    }

    fn raw(bytes: &[u8], name: &str) -> Vec<u8> {
        let mut archive = match ZipArchive::new(Cursor::new(bytes)) {
            Ok(a) => a,
            Err(e) => panic!("{e}"),
        };
        let mut out = Vec::new();
        match archive.by_name(name) {
            Ok(mut f) => {
                if let Err(e) = f.read_to_end(&mut out) {
                    panic!("{e}");
                }
            }
            Err(e) => panic!("{name}: {e}"),
        }
        out
    }

    /// The template's content types without the `png` default.
    fn without_png(bytes: &[u8]) -> Vec<u8> {
        let types =
            CONTENT_TYPES.replace(r#"<Default Extension="png" ContentType="image/png"/>"#, "");
        replace_entry(bytes, "[Content_Types].xml", &types)
    }

    #[test]
    fn a_picture_alone_in_its_paragraph_becomes_a_drawing() {
        let body = [
            p("Trước"),
            r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> {{ </w:t></w:r><w:r><w:t>pic }}</w:t></w:r></w:p>"#.to_string(),
            p("Sau {{ so_lieu }}"),
        ]
        .concat();
        let bytes = without_png(&docx_with(&body, &p("{{ pic }}"), &p("x")));
        let out = match render_pic(&bytes) {
            Ok(out) => out,
            Err(e) => panic!("{e:?}"),
        };
        let again = render_pic(&bytes);
        assert_eq!(again.as_ref(), Ok(&out), "same bytes twice");

        let all = names(&out);
        assert!(
            all.contains(&"word/media/cctthc-image1.png".to_string()),
            "{all:?}"
        );
        assert!(
            all.contains(&"word/media/cctthc-image2.png".to_string()),
            "{all:?}"
        );
        assert!(
            all.contains(&"word/_rels/header1.xml.rels".to_string()),
            "{all:?}"
        );
        // The template's own image is still there, untouched.
        assert!(all.contains(&"word/media/image1.png".to_string()));
        assert_eq!(raw(&out, "word/media/cctthc-image1.png"), PNG);

        let types = entry(&out, "[Content_Types].xml");
        assert_eq!(types.matches(r#"Extension="png""#).count(), 1, "{types}");
        assert!(types.contains(r#"<Default Extension="png" ContentType="image/png"/>"#));

        let rels = entry(&out, "word/_rels/document.xml.rels");
        assert!(rels.contains(r#"<Relationship Id="rIdCctthcImage1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/cctthc-image1.png"/></Relationships>"#), "{rels}");
        assert!(
            rels.contains(r#"Id="rIdH""#),
            "existing relationships are kept"
        );
        let header_rels = entry(&out, "word/_rels/header1.xml.rels");
        assert!(
            header_rels.contains(r#"Target="media/cctthc-image2.png""#),
            "{header_rels}"
        );

        let xml = entry(&out, "word/document.xml");
        assert_eq!(xml::check_output(&xml), Ok(()));
        assert!(xml.contains(r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:drawing><wp:inline"#), "{xml}");
        assert!(xml.contains(r#"r:embed="rIdCctthcImage1""#), "{xml}");
        assert!(
            xml.contains(r#"<wp:extent cx="2880000" cy="1440000"/>"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"descr="Biểu đồ &quot;A &amp; B&quot;""#),
            "{xml}"
        );
        assert!(xml.contains(r#"<wp:docPr id="1" "#), "{xml}");
        assert!(!xml.contains('\u{2}'));
        assert_eq!(
            paragraphs(&out, "word/document.xml"),
            vec!["Trước", "", "Sau 5"]
        );
        let header = entry(&out, "word/header1.xml");
        assert_eq!(xml::check_output(&header), Ok(()));
        assert!(header.contains(r#"<wp:docPr id="2" "#), "{header}");
        assert!(header.contains(r#"r:embed="rIdCctthcImage1""#), "{header}");
        assert!(docx_rs::read_docx(&out).is_ok());
    }

    #[test]
    fn pictures_in_a_loop_get_their_own_entries_and_ids() {
        let body = [
            p("{% for h in hai %}"),
            p("{{ h }}"),
            p("{% endfor %}"),
            // A drawing already in the template: new ids go above its id.
            r#"<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:extent cx="1" cy="1"/><wp:docPr id="41" name="x"/></wp:inline></w:drawing></w:r></w:p>"#.to_string(),
        ]
        .concat();
        let out = match render_pic(&docx(&body)) {
            Ok(out) => out,
            Err(e) => panic!("{e:?}"),
        };
        let xml = entry(&out, "word/document.xml");
        assert_eq!(xml.matches("<w:drawing>").count(), 3, "{xml}");
        assert!(
            xml.contains(r#"<wp:docPr id="42" name="Hình 42" descr="một"/>"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<wp:docPr id="43" name="Hình 43" descr="hai"/>"#),
            "{xml}"
        );
        assert!(xml.contains(r#"r:embed="rIdCctthcImage2""#), "{xml}");
        let all = names(&out);
        assert!(
            all.contains(&"word/media/cctthc-image2.png".to_string()),
            "{all:?}"
        );
        // The template's content types had png already.
        assert_eq!(entry(&out, "[Content_Types].xml"), CONTENT_TYPES);
    }

    #[test]
    fn a_picture_inside_a_sentence_is_an_error_naming_its_paragraph() {
        let body = [p("Biểu đồ {{ pic }} dưới đây"), p("{{ pic }}")].concat();
        let problems = match render_pic(&docx(&body)) {
            Ok(_) => panic!("rendered a picture inside a sentence"),
            Err(problems) => problems,
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with(
                "mau.docx, word/document.xml, đoạn \"Biểu đồ {{ pic }} dưới đây\": lỗi khi điền '{{ pic }}': "
            ),
            "{problems:?}"
        );
        assert!(
            problems[0].contains("đứng riêng trong đoạn"),
            "{problems:?}"
        );
    }

    #[test]
    fn not_a_png_is_an_error() {
        let mut e = env();
        e.add_function("hong", || {
            Picture::new(b"GIF89a".to_vec(), EMU_PER_CM, EMU_PER_CM, "x").value()
        });
        let problems = match template(&docx(&p("{{ hong() }}"))).render(&e, &ctx()) {
            Ok(_) => panic!("rendered a bad picture"),
            Err(e) => e.problems,
        };
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].to_string().contains("không phải ảnh PNG"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_picture_opens_in_libreoffice() {
        let out = match render_pic(&without_png(&docx(&p("{{ pic }}")))) {
            Ok(out) => out,
            Err(e) => panic!("{e:?}"),
        };
        let Some(pdfs) = to_pdf(&[("picture", &out)]) else {
            eprintln!("skipped: soffice (LibreOffice) is not on PATH");
            return;
        };
        let pdf = pdfs.into_iter().next().unwrap_or_default();
        assert!(pdf.starts_with(b"%PDF"), "LibreOffice could not open it");
        // The picture is drawn: the PDF holds an image.
        let dir = std::env::temp_dir().join(format!("cctthc-docx-pic-{}", std::process::id()));
        let path = dir.join("picture.pdf");
        if std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&path, &pdf))
            .is_err()
        {
            panic!("writing {path:?}");
        }
        let listed = std::process::Command::new("pdfimages")
            .arg("-list")
            .arg(&path)
            .output();
        let _ = std::fs::remove_dir_all(&dir);
        match listed {
            Ok(o) => {
                let text = String::from_utf8_lossy(&o.stdout);
                // A header of two lines, then one line per image.
                assert!(text.lines().count() >= 3, "no image in the PDF:\n{text}");
            }
            Err(_) => eprintln!("skipped the image check: pdfimages is not on PATH"),
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any bytes as a template: a template or an error, never a panic.
    #[test]
    fn any_bytes_as_a_template(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000)) {
        let _ = Template::from_bytes("x.docx", &bytes);
    }
}
