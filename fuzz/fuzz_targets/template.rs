#![no_main]
//! Any bytes as a template, and any text as a template's document body,
//! rendered with the report's filters.

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fn docx(body: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let _ = w.start_file("word/document.xml", opts);
    let _ = w.write_all(b"<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t xml:space=\"preserve\">");
    let _ = w.write_all(body);
    let _ = w.write_all(b"</w:t></w:r></w:p></w:body></w:document>");
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let env = cctthc::report::filters::environment();
    let ctx = minijinja::Value::from(minijinja::value::Serde(serde_json::json!({
        "xa": {"tiep_nhan": {"tong": 4479}, "ty_le": {"truc_tuyen": {"tu_so": 4224, "mau_so": 4226, "phan_tram": "99.95"}}},
        "theo_don_vi": [{"don_vi": "A & B <C>", "cap": "xa"}],
        "ngay_lap": "2023-11-25",
    })));
    if let Ok(t) = cctthc::docx::Template::from_bytes("x.docx", data) {
        let _ = t.render(&env, &ctx);
    }
    if let Ok(t) = cctthc::docx::Template::from_bytes("y.docx", &docx(data)) {
        let _ = t.render(&env, &ctx);
    }
});
