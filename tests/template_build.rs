//! The default template `templates/bao-cao-thang.docx` is built by
//! `templates/build.rs` (`cargo run --example build-templates`) and
//! committed. These tests check that building again gives exactly the
//! committed bytes, that the document is laid out as Nghị định 30/2020
//! prescribes with the tags of SPEC §6, that it renders with a hand-built
//! context, and (when LibreOffice is installed) that a real client opens it.

#[path = "../templates/build.rs"]
#[allow(dead_code)]
mod build;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

fn committed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(build::BAO_CAO_THANG)
}

fn committed() -> Vec<u8> {
    std::fs::read(committed_path()).expect("templates/bao-cao-thang.docx is committed")
}

/// The zip entry `name` of a .docx, as text.
fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip");
    let mut entry = archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("no {name} in the package"));
    let mut text = String::new();
    entry.read_to_string(&mut text).expect("UTF-8 XML");
    text
}

fn entry_names(docx: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip");
    archive
        .file_names()
        .map(|n| n.expect("a UTF-8 entry name").into_owned())
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The elements `<tag …>…</tag>` of `xml` (not nested in themselves, which
/// holds for paragraphs, runs and rows of these documents except tables in
/// tables, which they have none of).
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        // `<w:p` must not match `<w:pPr`, `<w:t` not `<w:tbl`…
        if !after.starts_with([' ', '>', '/']) {
            rest = after;
            continue;
        }
        let head_end = after.find('>').expect("a closed start tag");
        if after[..head_end].ends_with('/') {
            out.push(&rest[start..start + open.len() + head_end + 1]);
            rest = &after[head_end + 1..];
            continue;
        }
        let end = after.find(&close).expect("a closed element") + close.len();
        out.push(&rest[start..start + open.len() + end]);
        rest = &after[end..];
    }
    out
}

/// The texts of the runs (`w:t`) of an XML fragment.
fn run_texts(xml: &str) -> Vec<String> {
    elements(xml, "w:t")
        .into_iter()
        .filter_map(|t| {
            let inner = &t[t.find('>')? + 1..t.rfind("</w:t>")?];
            Some(unescape(inner))
        })
        .collect()
}

fn text_of(xml: &str) -> String {
    run_texts(xml).concat()
}

/// The visible text, one line per paragraph.
fn paragraphs(xml: &str) -> Vec<String> {
    elements(xml, "w:p").into_iter().map(text_of).collect()
}

fn is_block_tag(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("{%") && s.ends_with("%}") && s.matches("{%").count() == 1
}

#[test]
fn building_again_gives_the_committed_bytes() {
    let built = build::bao_cao_thang();
    assert!(
        built == committed(),
        "templates/bao-cao-thang.docx is not what templates/build.rs builds \
         ({} bytes built, {} committed): run `cargo run --example build-templates` and commit the result",
        built.len(),
        committed().len()
    );
    assert!(
        built == build::bao_cao_thang(),
        "two builds in one process differ"
    );
}

#[test]
fn the_package_has_fixed_times_and_metadata() {
    let docx = committed();
    let mut archive = zip::ZipArchive::new(Cursor::new(&docx[..])).expect("a zip");
    for i in 0..archive.len() {
        let entry = archive.by_index(i).expect("an entry");
        let time = entry.last_modified().expect("a time");
        assert_eq!(
            (
                time.year(),
                time.month(),
                time.day(),
                time.hour(),
                time.minute(),
                time.second()
            ),
            (1980, 1, 1, 0, 0, 0),
            "{} is stamped with a time",
            entry.name().unwrap_or_default()
        );
    }
    let core = part(&docx, "docProps/core.xml");
    assert!(core.contains("2023-11-25T00:00:00Z"), "{core}");
    assert!(!core.contains("unknown"), "{core}");
}

#[test]
fn layout_follows_decree_30() {
    let docx = committed();
    let doc = part(&docx, "word/document.xml");

    // Three sections: portrait (header, figures), landscape (the tables),
    // portrait again (assessment, signature).
    assert_eq!(doc.matches("<w:sectPr").count(), 3, "sections");
    assert_eq!(
        doc.matches(r#"w:orient="landscape""#).count(),
        1,
        "one landscape section"
    );
    assert_eq!(
        doc.matches(r#"<w:pgSz w:w="11906" w:h="16838""#).count(),
        2,
        "A4 portrait"
    );
    assert_eq!(
        doc.matches(r#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape""#)
            .count(),
        1,
        "A4 landscape"
    );
    // Margins: top 20, right 15, bottom 20, left 30 mm.
    assert_eq!(
        doc.matches(r#"<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701""#)
            .count(),
        3,
        "margins 20/15/20/30 mm in every section"
    );
    // Page numbers from page 2: a different first page without a header of
    // its own, PAGE centred in the headers.
    assert_eq!(
        doc.matches("<w:titlePg").count(),
        1,
        "a different first page"
    );
    assert!(
        !doc.contains(r#"w:type="first""#),
        "the first page has no header"
    );
    let headers: Vec<String> = entry_names(&docx)
        .into_iter()
        .filter(|n| n.starts_with("word/header"))
        .collect();
    assert_eq!(headers.len(), 3, "{headers:?}");
    for h in &headers {
        let xml = part(&docx, h);
        assert!(
            xml.contains("<w:instrText>PAGE</w:instrText>"),
            "{h}: {xml}"
        );
        assert!(xml.contains(r#"<w:jc w:val="center" />"#), "{h}: {xml}");
    }

    // Times New Roman 14 by default; body justified, first line 1 cm,
    // line spacing 1.15.
    let styles = part(&docx, "word/styles.xml");
    assert!(
        styles.contains(r#"w:ascii="Times New Roman" w:hAnsi="Times New Roman""#),
        "{styles}"
    );
    assert!(styles.contains(r#"<w:sz w:val="28" />"#), "{styles}");
    assert!(doc.contains(r#"<w:jc w:val="both" /><w:ind w:left="0" w:right="0" w:firstLine="567" /><w:spacing w:before="120" w:after="0" w:line="276" w:lineRule="auto" />"#));
    assert!(!doc.contains("w:rFonts") || doc.contains("Times New Roman"));

    let lines = paragraphs(&doc);
    let has = |s: &str| lines.iter().any(|l| l == s);
    for line in [
        "{{ co_quan_cap_tren | upper }}",
        "{{ co_quan | upper }}",
        "Số: {{ so_ky_hieu }}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "{{ dia_danh }}, {{ ngay_lap | ngay_dai }}",
        "BÁO CÁO",
        "Tình hình, kết quả thực hiện công tác cải cách thủ tục hành chính {{ ky.ten }}",
        "2.2. Kết quả giải quyết thủ tục hành chính",
        "2.3. Kết quả thực hiện dịch vụ công trực tuyến (DVCTT)",
        "2.4. Kết quả số hóa hồ sơ, kết quả giải quyết TTHC",
        "{% for c in cac_cap %}",
        "{% for dv in c.don_vi %}",
        "{% if c.tam_dung %}",
        "{% for n in noi_nhan %}",
        "- {{ n }}",
        "Nơi nhận:",
        "{{ nguoi_ky }}",
        "Biểu: Tình hình, kết quả giải quyết TTHC {{ ky.ten }}",
        "Tổng cộng",
    ] {
        assert!(has(line), "no paragraph {line:?}");
    }
    for tag in [
        "{{ c.tiep_nhan.tong | so }}",
        "{{ c.da_giai_quyet.qua_han | so2 }}",
        "{{ c.ty_le.truc_tuyen | ty_so }}",
        "{{ c.ty_le.so_hoa_dau_ra | phan_tram }}",
        "{{ (dv.tiep_nhan.truc_tiep + dv.tiep_nhan.buu_chinh) | so }}",
        "chenh_lech(ky_lien_truoc.tong.ty_le.so_hoa_dau_vao)",
        "{{ dv.don_vi }}",
        "{{ tong.dang_giai_quyet.qua_han | so }}",
    ] {
        assert!(unescape(&doc).contains(tag), "no {tag}");
    }
}

#[test]
fn tags_sit_in_one_run_and_block_tags_alone() {
    let docx = committed();
    for name in entry_names(&docx)
        .into_iter()
        .filter(|n| n.starts_with("word/") && n.ends_with(".xml"))
    {
        let xml = part(&docx, &name);
        // No tag spans runs: every run opens and closes its own tags.
        for t in run_texts(&xml) {
            assert_eq!(
                t.matches("{{").count(),
                t.matches("}}").count(),
                "{name}: run {t:?}"
            );
            assert_eq!(
                t.matches("{%").count(),
                t.matches("%}").count(),
                "{name}: run {t:?}"
            );
            let ifs = t.matches("{% if").count();
            if !is_block_tag(&t) {
                // An `if` inside text is whole within the run.
                assert_eq!(ifs, t.matches("{% endif").count(), "{name}: run {t:?}");
                assert!(
                    !t.contains("{% for") && !t.contains("{% endfor"),
                    "{name}: run {t:?}"
                );
            }
        }
        // A paragraph holding a loop tag holds nothing else.
        for p in paragraphs(&xml) {
            if p.contains("{% for") || p.contains("{% endfor") {
                assert!(
                    is_block_tag(&p),
                    "{name}: {p:?} is not alone in its paragraph"
                );
            }
        }
        // A table row holding a block tag has it alone in its first cell.
        for row in elements(&xml, "w:tr") {
            let cells: Vec<String> = elements(row, "w:tc").into_iter().map(text_of).collect();
            if cells.iter().any(|c| is_block_tag(c)) && cells.len() > 2 {
                assert!(is_block_tag(&cells[0]), "{name}: row {cells:?}");
                assert!(
                    cells[1..].iter().all(String::is_empty),
                    "{name}: row {cells:?}"
                );
            }
        }
    }
}

/// The 13 columns of Biểu 06/VPCP/KSTT, in two header rows with merged
/// group cells, then the loops.
#[test]
fn the_unit_table_has_the_columns_of_bieu_06() {
    let doc = part(&committed(), "word/document.xml");
    let tables = elements(&doc, "w:tbl");
    let table = tables
        .iter()
        .find(|t| text_of(t).contains("Số hồ sơ tiếp nhận"))
        .expect("the per-unit table");
    assert_eq!(elements(table, "w:gridCol").len(), 13, "13 columns");
    let rows = elements(table, "w:tr");
    let first: Vec<String> = elements(rows[0], "w:tc").into_iter().map(text_of).collect();
    assert_eq!(
        first,
        [
            "TT",
            "Đơn vị",
            "Số hồ sơ tiếp nhận",
            "Số hồ sơ đã giải quyết",
            "Số hồ sơ đang giải quyết"
        ]
    );
    assert!(
        rows[0].contains(r#"<w:gridSpan w:val="4" />"#)
            && rows[0].contains(r#"<w:gridSpan w:val="3" />"#)
    );
    assert_eq!(
        rows[0].matches(r#"<w:vMerge w:val="restart" />"#).count(),
        2
    );
    assert_eq!(
        rows[1].matches(r#"<w:vMerge w:val="continue" />"#).count(),
        2
    );
    let second: Vec<String> = elements(rows[1], "w:tc").into_iter().map(text_of).collect();
    assert_eq!(
        second[2..],
        [
            "Tổng số",
            "Trực tuyến",
            "Trực tiếp và BCCI",
            "Kỳ trước chuyển qua",
            "Tổng số",
            "Trước hạn",
            "Đúng hạn",
            "Quá hạn",
            "Tổng số",
            "Trong hạn",
            "Quá hạn"
        ]
    );
    let firsts: Vec<String> = rows[3..]
        .iter()
        .map(|r| text_of(elements(r, "w:tc")[1]))
        .collect();
    assert_eq!(
        firsts,
        [
            "",
            "{{ c.ten }}",
            "",
            "{{ dv.don_vi }}",
            "",
            "",
            "Tổng cộng"
        ],
        "level row, unit row, total, between the loop rows"
    );
}

// ---------------------------------------------------------------------------
// Rendering with the engine of src/docx

fn ratio(tu: u64, mau: u64) -> serde_json::Value {
    let pct = if mau == 0 {
        serde_json::Value::Null
    } else {
        let p = (tu as f64) * 100.0 / (mau as f64);
        serde_json::Value::String(
            format!("{:.2}", p)
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string(),
        )
    };
    serde_json::json!({"tu_so": tu, "mau_so": mau, "phan_tram": pct})
}

/// A SUMMARY: received (online, direct, postal, carried over), resolved
/// (early, on time, late), pending (in time, late), paused, returned,
/// withdrawn, and the ratios as (numerator, denominator) pairs.
#[allow(clippy::too_many_arguments)]
fn summary(
    rec: [u64; 4],
    res: [u64; 3],
    pend: [u64; 2],
    others: [u64; 3],
    online: (u64, u64),
    paid: (u64, u64),
    dig_in: (u64, u64),
    dig_out: (u64, u64),
) -> serde_json::Value {
    let [truc_tuyen, truc_tiep, buu_chinh, ky_truoc] = rec;
    let trong_ky = truc_tuyen + truc_tiep + buu_chinh;
    let [truoc_han, dung_han, qua_han] = res;
    let [trong_han, pend_late] = pend;
    let [tam_dung, tra_lai, rut] = others;
    serde_json::json!({
        "tiep_nhan": {"tong": trong_ky + ky_truoc, "trong_ky": trong_ky, "truc_tuyen": truc_tuyen,
                      "truc_tiep": truc_tiep, "buu_chinh": buu_chinh, "ky_truoc": ky_truoc},
        "da_giai_quyet": {"tong": truoc_han + dung_han + qua_han, "truoc_han": truoc_han,
                          "dung_han": dung_han, "qua_han": qua_han},
        "dang_giai_quyet": {"tong": trong_han + pend_late, "trong_han": trong_han, "qua_han": pend_late},
        "tam_dung": tam_dung, "tra_lai": tra_lai, "rut": rut,
        "ty_le": {
            "truc_tuyen": ratio(online.0, online.1),
            "thanh_toan_truc_tuyen": ratio(paid.0, paid.1),
            "so_hoa_dau_vao": ratio(dig_in.0, dig_in.1),
            "so_hoa_dau_ra": ratio(dig_out.0, dig_out.1),
            "dung_han": ratio(truoc_han + dung_han, truoc_han + dung_han + qua_han),
        },
    })
}

fn merged(a: &serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
    let mut v = a.clone();
    for (k, x) in extra.as_object().expect("an object") {
        v[k] = x.clone();
    }
    v
}

/// A level: key, name, SUMMARY, units with their SUMMARY.
type Level<'a> = (
    &'a str,
    &'a str,
    serde_json::Value,
    Vec<(&'a str, serde_json::Value)>,
);

/// A period block: levels given as (key, name, summary, units).
fn period(ky: serde_json::Value, tong: &serde_json::Value, levels: &[Level]) -> serde_json::Value {
    let mut block = serde_json::json!({
        "ky": ky, "tong": tong, "tinh": null, "huyen": null, "xa": null,
        "theo_cap": {}, "cac_cap": [], "theo_don_vi": [], "theo_linh_vuc": [],
    });
    for (ma, ten, s, units) in levels {
        block[*ma] = s.clone();
        block["theo_cap"][*ma] = s.clone();
        let units: Vec<serde_json::Value> = units
            .iter()
            .map(|(name, u)| merged(u, serde_json::json!({"don_vi": name, "cap": ma})))
            .collect();
        block["theo_don_vi"]
            .as_array_mut()
            .unwrap()
            .extend(units.iter().cloned());
        block["cac_cap"].as_array_mut().unwrap().push(merged(
            s,
            serde_json::json!({"ma": ma, "ten": ten, "ten_thuong": ten.to_lowercase(), "don_vi": units}),
        ));
    }
    block
}

fn ky(tu: &str, den: &str, ten: &str, thang: u32) -> serde_json::Value {
    serde_json::json!({"tu_ngay": tu, "den_ngay": den, "ten": ten, "loai": "thang", "nam": 2023,
                       "thang": thang, "quy": null})
}

/// The context of reference 004 (Tứ Kỳ, November 2023): district and
/// commune levels.
fn context_ref004() -> serde_json::Value {
    let huyen = summary(
        [158, 0, 0, 36],
        [171, 9, 0],
        [11, 0],
        [0, 3, 0],
        (158, 158),
        (126, 137),
        (158, 158),
        (180, 180),
    );
    let xa = summary(
        [4224, 51, 0, 204],
        [3838, 86, 1],
        [516, 0],
        [35, 3, 0],
        (4224, 4226),
        (3147, 3265),
        (4225, 4275),
        (3869, 3925),
    );
    let tong = summary(
        [4382, 51, 0, 240],
        [4009, 95, 1],
        [527, 0],
        [35, 6, 0],
        (4382, 4384),
        (3273, 3402),
        (4383, 4433),
        (4049, 4105),
    );
    let a = summary(
        [2000, 20, 0, 100],
        [1900, 50, 1],
        [100, 0],
        [0, 0, 0],
        (2000, 2010),
        (1500, 1600),
        (1980, 2020),
        (1900, 1951),
    );
    let b = summary(
        [2224, 31, 0, 104],
        [1938, 36, 0],
        [416, 0],
        [35, 3, 0],
        (2224, 2216),
        (1647, 1665),
        (2245, 2255),
        (1969, 1974),
    );
    let before = summary(
        [4000, 60, 0, 200],
        [3900, 80, 2],
        [300, 0],
        [0, 0, 0],
        (4000, 4010),
        (3000, 3200),
        (3900, 4060),
        (3800, 3900),
    );
    let now = period(
        ky("2023-10-23", "2023-11-22", "tháng 11 năm 2023", 11),
        &tong,
        &[
            (
                "huyen",
                "Cấp huyện",
                huyen.clone(),
                vec![("Phòng Tư pháp", huyen.clone())],
            ),
            (
                "xa",
                "Cấp xã",
                xa.clone(),
                vec![("UBND xã An Thanh", a), ("UBND xã Ngọc Kỳ", b)],
            ),
        ],
    );
    let previous = period(
        ky("2023-09-23", "2023-10-22", "tháng 10 năm 2023", 10),
        &before,
        &[("xa", "Cấp xã", before.clone(), vec![])],
    );
    let mut ctx = merged(
        &now,
        serde_json::json!({
            "co_quan": "Ủy ban nhân dân huyện Tứ Kỳ",
            "co_quan_cap_tren": "UBND tỉnh Hải Dương",
            "dia_danh": "Tứ Kỳ",
            "so_ky_hieu": "123/BC-UBND",
            "nguoi_ky": "Đào Văn Soái",
            "chuc_vu": "PHÓ CHỦ TỊCH",
            "ky_thay": "KT. CHỦ TỊCH",
            "noi_nhan": ["UBND tỉnh Hải Dương;", "Lưu: VT."],
            "ngay_lap": "2023-11-25",
            "nhap_lieu": {"so_dong": 4700, "ho_so": 4622, "trung_lap": 0, "chua_tiep_nhan": 0, "loi": 0},
        }),
    );
    ctx["ky_lien_truoc"] = previous.clone();
    ctx["luy_ke"] = previous;
    ctx
}

fn render(ctx: serde_json::Value) -> Vec<String> {
    let template = cctthc::docx::Template::from_bytes("bao-cao-thang.docx", &committed())
        .expect("the template opens");
    let env = cctthc::report::filters::environment();
    let value = minijinja::Value::from(minijinja::value::Serde(ctx));
    let filled = template
        .render(&env, &value)
        .unwrap_or_else(|e| panic!("the template does not render:\n{e}"));
    let mut lines = Vec::new();
    for name in entry_names(&filled)
        .into_iter()
        .filter(|n| n.starts_with("word/") && n.ends_with(".xml"))
    {
        let xml = part(&filled, &name);
        assert!(
            !xml.contains("{{") && !xml.contains("{%"),
            "a tag survives in {name}"
        );
        if name == "word/document.xml" {
            lines = paragraphs(&xml);
        }
    }
    lines
}

#[test]
fn renders_reference_004() {
    let lines = render(context_ref004());
    let text = lines.join("\n");
    let has = |s: &str| assert!(lines.iter().any(|l| l == s), "no line {s:?} in\n{text}");
    has("UBND TỈNH HẢI DƯƠNG");
    has("ỦY BAN NHÂN DÂN HUYỆN TỨ KỲ");
    has("Số: 123/BC-UBND");
    has("Tứ Kỳ, ngày 25 tháng 11 năm 2023");
    has("Tình hình, kết quả thực hiện công tác cải cách thủ tục hành chính tháng 11 năm 2023");
    has(
        "Qua theo dõi trên phần mềm dùng chung, kết quả giải quyết TTHC từ ngày 23/10/2023 đến ngày 22/11/2023, như sau:",
    );
    has("a) Cấp huyện");
    has("b) Cấp xã");
    has(
        "- Tổng số hồ sơ TTHC đã tiếp nhận trong kỳ báo cáo: 194, trong đó: Tiếp nhận trong kỳ: 158 (trực tuyến: 158, trực tiếp: 0); số từ kỳ trước chuyển qua: 36.",
    );
    has(
        "- Tổng số hồ sơ TTHC đã tiếp nhận trong kỳ báo cáo: 4.479, trong đó: Tiếp nhận trong kỳ: 4.275 (trực tuyến: 4.224, trực tiếp: 51); số từ kỳ trước chuyển qua: 204.",
    );
    has(
        "+ Số lượng hồ sơ đã giải quyết: 180; trong đó, giải quyết trước hạn: 171, đúng hạn: 9, quá hạn: 0.",
    );
    has(
        "+ Số lượng hồ sơ đã giải quyết: 3.925; trong đó, giải quyết trước hạn: 3.838, đúng hạn: 86, quá hạn: 01.",
    );
    has("+ Số lượng hồ sơ đang giải quyết: 516; trong đó, trong hạn: 516.");
    has("+ Số lượng hồ sơ đang tạm dừng: 35.");
    has("+ Số lượng hồ sơ trả lại dân do không đủ điều kiện giải quyết: 03.");
    has("- Tỷ lệ hồ sơ tiếp nhận, giải quyết trực tuyến là 4.224/4.226 hồ sơ (đạt tỷ lệ 99,95%).");
    has("- Kết quả thanh toán trực tuyến: 126/137, đạt tỷ lệ 91,97%.");
    has("+ Số hóa đầu vào: 4.225/4.275, đạt tỷ lệ 98,83%.");
    has("+ Số hóa đầu ra: 180/180, đạt tỷ lệ 100%.");
    has("III. NHIỆM VỤ THÁNG 12/2023");
    has("- UBND tỉnh Hải Dương;");
    has("KT. CHỦ TỊCH");
    has("Đào Văn Soái");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("+ Số lượng hồ sơ đang tạm dừng"))
            .count(),
        1,
        "paused only for communes"
    );
    assert!(
        !text.contains("bưu chính công ích"),
        "no postal figure when it is zero"
    );
    assert!(!text.contains("N/A"), "{text}");
    assert!(
        text.contains("so với tháng 10 năm 2023"),
        "the comparison with the month before:\n{text}"
    );
    // The per-unit table: level rows, unit rows, total.
    for unit in [
        "Phòng Tư pháp",
        "UBND xã An Thanh",
        "UBND xã Ngọc Kỳ",
        "Tổng cộng",
    ] {
        has(unit);
    }
    has("4.673");
}

/// A 2026 user: provinces and communes, no districts.
#[test]
fn renders_levels_present_only() {
    let mut ctx = context_ref004();
    let tinh = ctx["huyen"].clone();
    let xa = ctx["xa"].clone();
    let now = period(
        ky("2026-01-01", "2026-01-31", "tháng 01 năm 2026", 1),
        &ctx["tong"],
        &[
            ("tinh", "Cấp tỉnh", tinh.clone(), vec![("Sở Tư pháp", tinh)]),
            ("xa", "Cấp xã", xa.clone(), vec![("UBND xã Tứ Kỳ", xa)]),
        ],
    );
    for (k, v) in now.as_object().unwrap() {
        ctx[k] = v.clone();
    }
    ctx["ky"]["nam"] = 2026.into();
    let lines = render(ctx);
    let text = lines.join("\n");
    assert!(lines.iter().any(|l| l == "a) Cấp tỉnh"), "{text}");
    assert!(lines.iter().any(|l| l == "b) Cấp xã"), "{text}");
    assert!(
        !text.contains("Cấp huyện") && !text.contains("cấp huyện"),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l == "III. NHIỆM VỤ THÁNG 2/2026"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------
// A real client

/// Whether `program flag` runs and succeeds.
fn have(program: &str, flag: &str) -> bool {
    Command::new(program)
        .arg(flag)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// LibreOffice opens the raw template: an A4 document of portrait and
/// landscape pages whose first page carries the Quốc hiệu on one line.
#[test]
fn libreoffice_opens_the_template() {
    if !have("soffice", "--version") {
        eprintln!("skipped: soffice (LibreOffice) is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let docx = dir.path().join("bao-cao-thang.docx");
    std::fs::write(&docx, committed()).expect("write the template");
    let profile = format!("file://{}", dir.path().join("profile").display());
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&docx)
        .output()
        .expect("run soffice");
    let pdf = dir.path().join("bao-cao-thang.pdf");
    assert!(
        pdf.exists(),
        "soffice made no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    if !have("pdfinfo", "-v") || !have("pdftotext", "-v") {
        eprintln!("skipped the PDF checks: poppler-utils is not installed");
        return;
    }
    let info = Command::new("pdfinfo")
        .args(["-f", "1", "-l", "99"])
        .arg(&pdf)
        .output()
        .expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    let sizes: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .collect();
    assert!(sizes.len() >= 4, "{info}");
    assert!(sizes.iter().all(|l| l.contains("(A4)")), "{info}");
    assert!(
        sizes[0].contains("595.") && sizes[0].contains("x 841."),
        "portrait first: {info}"
    );
    assert!(
        sizes
            .iter()
            .any(|l| l.contains("841.") && l.contains("x 595.")),
        "a landscape page: {info}"
    );

    let text = Command::new("pdftotext")
        .args(["-f", "1", "-l", "1", "-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "Quốc hiệu on one line:\n{text}"
    );
    assert!(text.contains("Độc lập - Tự do - Hạnh phúc"), "{text}");
    assert!(text.contains("BÁO CÁO"), "{text}");
}
