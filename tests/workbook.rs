//! Workbooks (SPEC §13) through the real binary, on the example data
//! (`examples/`: district Tứ Kỳ, 2023), read back with calamine:
//!
//! - `report --format xlsx`: every sheet there by its Vietnamese name; the
//!   title block of Biểu 06, its two-row header merged and numbered
//!   (1)…(13); its figures (total, each level, each unit) and the ratios'
//!   numerators, denominators and percentages are those of
//!   `stats --format json` for the same month; the late list is the
//!   report context's; numbers are numbers;
//! - `stats --format xlsx` and `qua-han --format xlsx` hold the table of
//!   their CSV / JSON, typed;
//! - the same inputs and `--date` give the same bytes; a unit named `=1+1`
//!   comes back as that text, never a formula; a workbook goes to a file
//!   (exit 2 without one); cctthc's own workbook in an input folder is
//!   passed over, not read as an export.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, DataType, Range, Reader, Xlsx};
use serde_json::Value;
use tempfile::TempDir;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// cctthc run in `dir` (its `cctthc.toml`, if any, is the config).
fn cctthc_in(dir: &Path, tmp: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cctthc").unwrap();
    cmd.current_dir(dir)
        .env("XDG_CONFIG_HOME", tmp.join("no-config"))
        .env("CCTTHC_TODAY", "2023-12-05")
        .env("NO_COLOR", "1");
    cmd
}

/// cctthc on the examples.
fn cctthc(tmp: &Path) -> Command {
    cctthc_in(&root().join("examples"), tmp)
}

fn month(n: &str) -> Vec<&str> {
    vec!["--month", n, "--year", "2023"]
}

/// What `args` prints on stdout, as JSON.
fn json(tmp: &Path, args: &[&str]) -> Value {
    let out = cctthc(tmp).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Runs `args` with `-o FILE` and returns the file's bytes.
fn written(cmd: &mut Command, args: &[&str], file: &Path) -> Vec<u8> {
    let out = cmd.args(args).arg("-o").arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(file).unwrap()
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("a workbook calamine reads")
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

/// The report of November 2023 as a workbook, its date given.
fn report_book(tmp: &Path) -> Vec<u8> {
    let mut args = vec!["report", "--format", "xlsx", "--date", "05/12/2023"];
    args.extend(month("11"));
    written(&mut cctthc(tmp), &args, &tmp.join("bao-cao.xlsx"))
}

/// The cells of the range as absolute (row, col) → value.
fn at(range: &Range<Data>, row: u32, col: u32) -> &Data {
    range.get_value((row, col)).unwrap_or(&Data::Empty)
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("text expected, found {other:?}"),
    }
}

/// A number cell as an integer; `None` for an empty cell; a panic for
/// text (numbers must be numbers).
fn int(d: &Data) -> Option<i64> {
    match d {
        Data::Float(f) => {
            assert_eq!(f.fract(), 0.0, "{f}");
            Some(*f as i64)
        }
        Data::Int(n) => Some(*n),
        Data::Empty => None,
        other => panic!("a number expected, found {other:?}"),
    }
}

fn float(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(n) => Some(*n as f64),
        Data::Empty => None,
        other => panic!("a number expected, found {other:?}"),
    }
}

/// The row whose column `col` holds `value`.
fn row_of(range: &Range<Data>, col: u32, value: &str) -> u32 {
    let (start, end) = (range.start().unwrap(), range.end().unwrap());
    (start.0..=end.0)
        .find(|r| matches!(at(range, *r, col), Data::String(s) if s == value))
        .unwrap_or_else(|| panic!("no row with '{value}' in column {col}"))
}

fn all_text(range: &Range<Data>) -> Vec<String> {
    range
        .cells()
        .filter_map(|(_, _, d)| match d {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// `"98.83"` → 98.83.
fn percent(v: &Value) -> Option<f64> {
    v.as_str().map(|s| s.parse().unwrap())
}

/// The eleven figures of Biểu 06's columns (3)…(13) of a SUMMARY.
fn form_figures(s: &Value) -> Vec<Option<i64>> {
    let n = |v: &Value| v.as_i64();
    let t = &s["tiep_nhan"];
    let direct = n(&t["truc_tiep"]).map(|d| d + n(&t["buu_chinh"]).unwrap_or(0));
    vec![
        n(&t["tong"]),
        n(&t["truc_tuyen"]),
        direct,
        n(&t["ky_truoc"]),
        n(&s["da_giai_quyet"]["tong"]),
        n(&s["da_giai_quyet"]["truoc_han"]),
        n(&s["da_giai_quyet"]["dung_han"]),
        n(&s["da_giai_quyet"]["qua_han"]),
        n(&s["dang_giai_quyet"]["tong"]),
        n(&s["dang_giai_quyet"]["trong_han"]),
        n(&s["dang_giai_quyet"]["qua_han"]),
    ]
}

fn level_label(key: &str) -> &'static str {
    match key {
        "tinh" => "Cấp tỉnh",
        "huyen" => "Cấp huyện",
        "xa" => "Cấp xã",
        other => panic!("level {other}"),
    }
}

/// The rows Biểu 06 and Tỷ lệ hold, from the JSON: (name, SUMMARY), a
/// level before its units, the total last.
fn expected_rows(stats: &Value) -> Vec<(String, Value)> {
    let mut rows = Vec::new();
    // The levels in the order of government, not of the JSON's keys.
    for level in ["tinh", "huyen", "xa"] {
        let Some(summary) = stats["theo_cap"].get(level) else {
            continue;
        };
        rows.push((level_label(level).to_string(), summary.clone()));
        for u in stats["theo_don_vi"].as_array().unwrap() {
            if u["cap"] == level {
                rows.push((u["don_vi"].as_str().unwrap().to_string(), u.clone()));
            }
        }
    }
    rows.push(("Tổng cộng".to_string(), stats["tong"].clone()));
    rows
}

#[test]
fn the_report_workbook_has_every_sheet_and_the_title_block_of_bieu_06() {
    let tmp = TempDir::new().unwrap();
    let mut book = open(&report_book(tmp.path()));
    assert_eq!(
        book.sheet_names(),
        ["Biểu 06", "Tỷ lệ", "Chỉ số 766", "Quá hạn"]
    );
    let form = sheet(&mut book, "Biểu 06");
    let texts = all_text(&form);
    for line in [
        "Đơn vị báo cáo: UBND huyện Tứ Kỳ",
        "Đơn vị nhận báo cáo: UBND tỉnh Hải Dương",
        "Kỳ báo cáo: từ ngày 01/11/2023 đến ngày 30/11/2023",
        "Đơn vị tính: hồ sơ",
    ] {
        assert!(texts.iter().any(|t| t == line), "{line} not in {texts:?}");
    }
    // The two-row header: TT and Đơn vị over both rows, the groups over
    // their columns; then the numbers (1)…(13).
    let numbers = row_of(&form, 0, "(1)");
    let top = numbers - 2;
    for c in 0..13 {
        assert_eq!(text(at(&form, numbers, c)), format!("({})", c + 1));
    }
    assert_eq!(text(at(&form, top, 0)), "TT");
    assert_eq!(text(at(&form, top, 1)), "Đơn vị");
    assert_eq!(text(at(&form, top, 2)), "Số hồ sơ tiếp nhận");
    assert_eq!(text(at(&form, top, 6)), "Số hồ sơ đã giải quyết");
    assert_eq!(text(at(&form, top, 10)), "Số hồ sơ đang giải quyết");
    assert_eq!(text(at(&form, top + 1, 12)), "Quá hạn");
    let merged = book.merge_cells_by_sheet_name("Biểu 06").unwrap();
    let spans: Vec<((u32, u32), (u32, u32))> = merged.iter().map(|d| (d.start, d.end)).collect();
    for span in [
        ((top, 0), (top + 1, 0)),
        ((top, 1), (top + 1, 1)),
        ((top, 2), (top, 5)),
        ((top, 6), (top, 9)),
        ((top, 10), (top, 12)),
    ] {
        assert!(spans.contains(&span), "{span:?} not merged: {spans:?}");
    }
    let index = sheet(&mut book, "Chỉ số 766");
    assert!(
        all_text(&index).iter().any(|t| t.contains("766")),
        "the index sheet says something of the index"
    );
}

#[test]
fn bieu_06_holds_the_figures_of_stats_for_each_level_unit_and_the_total() {
    let tmp = TempDir::new().unwrap();
    let mut args = vec!["stats", "--format", "json"];
    args.extend(month("11"));
    let stats = json(tmp.path(), &args);
    let mut book = open(&report_book(tmp.path()));
    let form = sheet(&mut book, "Biểu 06");
    let first = row_of(&form, 0, "(1)") + 1;
    let expected = expected_rows(&stats);
    assert!(expected.len() > 20, "the example has its units");
    for (i, (name, summary)) in expected.iter().enumerate() {
        let r = first + i as u32;
        assert_eq!(&text(at(&form, r, 1)), name, "row {r}");
        let figures: Vec<Option<i64>> = (2..13).map(|c| int(at(&form, r, c))).collect();
        assert_eq!(figures, form_figures(summary), "{name}");
    }
    // The levels are numbered I, II; their units 1, 2… as numbers.
    assert_eq!(text(at(&form, first, 0)), "I");
    assert_eq!(int(at(&form, first + 1, 0)), Some(1));
    // Nothing after the total but the note on the counting rule.
    let after = first + expected.len() as u32;
    assert!(
        (2..13).all(|c| matches!(at(&form, after, c), Data::Empty)),
        "a row after the total"
    );
    let note = text(at(&form, after + 1, 0));
    assert!(
        note.starts_with("Ghi chú: hồ sơ trả lại, xin rút được tính riêng"),
        "{note}"
    );
}

#[test]
fn ty_le_holds_each_ratio_as_numbers_with_the_percentage_as_a_fraction() {
    let tmp = TempDir::new().unwrap();
    let mut args = vec!["stats", "--format", "json"];
    args.extend(month("11"));
    let stats = json(tmp.path(), &args);
    let mut book = open(&report_book(tmp.path()));
    let ratios = sheet(&mut book, "Tỷ lệ");
    let head = row_of(&ratios, 0, "TT");
    let keys = [
        ("truc_tuyen", "Tiếp nhận trực tuyến"),
        ("thanh_toan_truc_tuyen", "Thanh toán trực tuyến"),
        ("so_hoa_dau_vao", "Số hóa đầu vào"),
        ("so_hoa_dau_ra", "Số hóa đầu ra"),
        ("dung_han", "Giải quyết đúng hạn"),
    ];
    for (k, (_, title)) in keys.iter().enumerate() {
        let col = 2 + 3 * k as u32;
        assert_eq!(&text(at(&ratios, head, col)), title);
        assert_eq!(text(at(&ratios, head + 1, col + 2)), "Tỷ lệ");
    }
    let first = head + 2;
    let mut nulls = 0;
    for (i, (name, summary)) in expected_rows(&stats).iter().enumerate() {
        let r = first + i as u32;
        assert_eq!(&text(at(&ratios, r, 1)), name);
        for (k, (key, _)) in keys.iter().enumerate() {
            let col = 2 + 3 * k as u32;
            let want = &summary["ty_le"][key];
            assert_eq!(
                int(at(&ratios, r, col)),
                want["tu_so"].as_i64(),
                "{name} {key}"
            );
            assert_eq!(
                int(at(&ratios, r, col + 1)),
                want["mau_so"].as_i64(),
                "{name} {key}"
            );
            let got = float(at(&ratios, r, col + 2));
            match percent(&want["phan_tram"]) {
                Some(p) => {
                    let got = got.unwrap_or_else(|| panic!("{name} {key}: empty"));
                    assert!(
                        (got - p / 100.0).abs() < 1e-9,
                        "{name} {key}: {got} for {p}"
                    );
                }
                None => {
                    nulls += 1;
                    assert_eq!(got, None, "{name} {key}: a null ratio is an empty cell");
                }
            }
        }
    }
    assert!(
        nulls > 0,
        "the example has units without a fee: a null ratio"
    );
}

#[test]
fn the_late_sheet_lists_the_reports_late_dossiers() {
    let tmp = TempDir::new().unwrap();
    let mut args = vec!["report", "--format", "json", "--date", "05/12/2023"];
    args.extend(month("11"));
    let context = json(tmp.path(), &args);
    let late = context["qua_han"].as_array().unwrap();
    assert!(!late.is_empty(), "the example's November has late dossiers");
    let mut book = open(&report_book(tmp.path()));
    let sheet = sheet(&mut book, "Quá hạn");
    let head = row_of(&sheet, 1, "Mã hồ sơ");
    for (i, d) in late.iter().enumerate() {
        let r = head + 1 + i as u32;
        assert_eq!(int(at(&sheet, r, 0)), Some(i as i64 + 1));
        assert_eq!(text(at(&sheet, r, 1)), d["ma_ho_so"].as_str().unwrap());
        assert_eq!(text(at(&sheet, r, 2)), d["don_vi"].as_str().unwrap());
        assert_eq!(
            text(at(&sheet, r, 3)),
            level_label(d["cap"].as_str().unwrap())
        );
        assert_eq!(text(at(&sheet, r, 6)), d["ten_thu_tuc"].as_str().unwrap());
        for (c, key) in [
            (7, "ngay_tiep_nhan"),
            (8, "ngay_hen_tra"),
            (9, "ngay_ket_thuc"),
        ] {
            let day = at(&sheet, r, c).as_date().map(|d| d.to_string());
            assert_eq!(day.as_deref(), d[key].as_str(), "{key}");
        }
        assert_eq!(int(at(&sheet, r, 11)), d["so_ngay"].as_i64());
    }
    assert!(matches!(
        at(&sheet, head + 1 + late.len() as u32, 1),
        Data::Empty
    ));
}

#[test]
fn the_same_inputs_and_date_give_the_same_bytes_stamped_with_that_date() {
    let tmp = TempDir::new().unwrap();
    let first = report_book(tmp.path());
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut args = vec!["report", "--format", "xlsx", "--date", "05/12/2023"];
    args.extend(month("11"));
    // Another day of running, another file name: the same bytes.
    let second = written(
        cctthc(tmp.path()).env("CCTTHC_TODAY", "2024-01-20"),
        &args,
        &tmp.path().join("lan-hai.xlsx"),
    );
    assert!(first == second, "two runs gave different workbooks");
    let mut zip = zip::ZipArchive::new(Cursor::new(first)).unwrap();
    let mut core = String::new();
    zip.by_name("docProps/core.xml")
        .unwrap()
        .read_to_string(&mut core)
        .unwrap();
    assert!(core.contains("2023-12-05T00:00:00Z"), "{core}");
    for args in [
        vec![
            "stats", "--format", "xlsx", "--month", "11", "--year", "2023",
        ],
        vec!["qua-han", "--format", "xlsx", "--ngay", "30/06/2023"],
    ] {
        let a = written(&mut cctthc(tmp.path()), &args, &tmp.path().join("a.xlsx"));
        let b = written(&mut cctthc(tmp.path()), &args, &tmp.path().join("b.xlsx"));
        assert!(a == b, "{args:?}: two runs gave different workbooks");
    }
}

/// Cells of a sheet as the CSV writes them, for comparison: a number as
/// its digits (two places where the CSV has them), a date as yyyy-mm-dd.
fn as_csv(d: &Data, csv: &str) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        Data::Float(f) if csv.contains('.') => format!("{f:.2}"),
        Data::Float(f) => {
            assert_eq!(f.fract(), 0.0);
            format!("{}", *f as i64)
        }
        Data::DateTime(_) => d.as_date().unwrap().to_string(),
        other => panic!("unexpected cell {other:?}"),
    }
}

/// The first sheet of a workbook against a CSV text, cell by cell; the
/// sheet's numbers must be numbers where the CSV has digits.
fn assert_same_table(bytes: &[u8], csv_text: &str) -> usize {
    let mut book = open(bytes);
    let name = book.sheet_names()[0].clone();
    let range = sheet(&mut book, &name);
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(range.height(), records.len(), "rows");
    for (r, record) in records.iter().enumerate() {
        for (c, want) in record.iter().enumerate() {
            let cell = at(&range, r as u32, c as u32);
            if r > 0 && !want.is_empty() && want.parse::<f64>().is_ok() {
                assert!(
                    matches!(cell, Data::Float(_)),
                    "({r}, {c}) {cell:?}: a number"
                );
            }
            assert_eq!(as_csv(cell, want), want, "row {r} column {c}");
        }
    }
    records.len()
}

#[test]
fn stats_xlsx_is_the_csv_table_typed() {
    let tmp = TempDir::new().unwrap();
    for by in ["don_vi", "cap", "linh_vuc"] {
        let mut args = vec!["stats", "--by", by];
        args.extend(month("11"));
        let csv = cctthc(tmp.path())
            .args(&args)
            .args(["--format", "csv"])
            .output()
            .unwrap();
        assert!(csv.status.success());
        let csv = String::from_utf8(csv.stdout).unwrap();
        let mut xlsx_args = args.clone();
        xlsx_args.extend(["--format", "xlsx"]);
        let file = tmp.path().join(format!("so-lieu-{by}.xlsx"));
        let bytes = written(&mut cctthc(tmp.path()), &xlsx_args, &file);
        let rows = assert_same_table(&bytes, &csv);
        assert!(rows > 1, "{by}: rows");
        // And -o writes the CSV itself as stdout has it.
        let mut csv_args = args.clone();
        csv_args.extend(["--format", "csv"]);
        let file = tmp.path().join(format!("so-lieu-{by}.csv"));
        let bytes = written(&mut cctthc(tmp.path()), &csv_args, &file);
        assert_eq!(String::from_utf8(bytes).unwrap(), csv);
    }
}

#[test]
fn chi_so_xlsx_is_the_csv_table_typed() {
    let tmp = TempDir::new().unwrap();
    for by in ["don_vi", "cap"] {
        let mut args = vec!["chi-so", "--by", by];
        args.extend(month("11"));
        let csv = cctthc(tmp.path())
            .args(&args)
            .args(["--format", "csv"])
            .output()
            .unwrap();
        assert!(csv.status.success());
        let csv = String::from_utf8(csv.stdout).unwrap();
        let mut xlsx_args = args.clone();
        xlsx_args.extend(["--format", "xlsx"]);
        let file = tmp.path().join(format!("chi-so-{by}.xlsx"));
        let bytes = written(&mut cctthc(tmp.path()), &xlsx_args, &file);
        assert!(assert_same_table(&bytes, &csv) > 1, "{by}: rows");
        assert_eq!(
            bytes,
            written(&mut cctthc(tmp.path()), &xlsx_args, &file),
            "{by}: the same bytes twice"
        );
    }
    let out = cctthc(tmp.path())
        .args(["chi-so", "--format", "xlsx"])
        .args(month("11"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a workbook goes to a file");
}

#[test]
fn qua_han_xlsx_is_the_watch_list_typed() {
    let tmp = TempDir::new().unwrap();
    let args = ["qua-han", "--ngay", "30/06/2023", "--trong", "5"];
    let list = json(tmp.path(), &[&args[..], &["--format", "json"]].concat());
    let watched = list["ho_so"].as_array().unwrap();
    assert!(!watched.is_empty(), "the example has dossiers to watch");
    let csv = cctthc(tmp.path())
        .args(args)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    let file = tmp.path().join("qua-han.xlsx");
    let bytes = written(
        &mut cctthc(tmp.path()),
        &[&args[..], &["--format", "xlsx"]].concat(),
        &file,
    );
    assert_eq!(assert_same_table(&bytes, &csv), watched.len() + 1);
    let mut book = open(&bytes);
    let range = sheet(&mut book, "Quá hạn");
    for (i, w) in watched.iter().enumerate() {
        let r = i as u32 + 1;
        assert_eq!(text(at(&range, r, 0)), w["ma_ho_so"].as_str().unwrap());
        let due = at(&range, r, 6).as_date().map(|d| d.to_string());
        assert_eq!(due.as_deref(), w["ngay_hen_tra"].as_str());
        assert_eq!(int(at(&range, r, 8)), w["so_ngay"].as_i64());
    }
}

/// A folder with one export of November 2023 whose unit is named
/// `=1+1`, with a procedure `@SUM(A1)`: one dossier resolved late, one
/// still open past its due date.
fn formula_export(tmp: &Path) -> PathBuf {
    let dir = tmp.join("cong-thuc");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("ho-so.csv"),
        "Mã hồ sơ,Đơn vị,Cấp,Tên thủ tục,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc,Trạng thái\n\
         HS-1,=1+1,xa,@SUM(A1),01/11/2023,03/11/2023,06/11/2023,Đã trả kết quả\n\
         HS-2,=1+1,xa,-2+3,02/11/2023,10/11/2023,,Đang xử lý\n\
         HS-3,+CMD|' /C calc'!A0,xa,Thủ tục,02/11/2023,10/11/2023,05/11/2023,Đã trả kết quả\n",
    )
    .unwrap();
    dir
}

/// `args` with `-i input` after the command's name.
fn with_input<'a>(args: &[&'a str], input: &'a str) -> Vec<&'a str> {
    let mut v = vec![args[0], "-i", input];
    v.extend(&args[1..]);
    v
}

/// Whether any sheet of the workbook holds a formula.
fn has_formula(bytes: &[u8]) -> bool {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    (0..zip.len()).any(|i| {
        let mut f = zip.by_index(i).unwrap();
        let sheet = f.name().is_ok_and(|n| n.starts_with("xl/worksheets/"));
        let mut s = String::new();
        sheet && f.read_to_string(&mut s).is_ok() && s.contains("<f>")
    })
}

#[test]
fn a_unit_named_like_a_formula_stays_text() {
    let tmp = TempDir::new().unwrap();
    let dir = formula_export(tmp.path());
    let input = dir.to_str().unwrap();
    let run = |args: &[&str], name: &str| {
        let mut cmd = cctthc_in(tmp.path(), tmp.path());
        written(&mut cmd, &with_input(args, input), &tmp.path().join(name))
    };
    let report = run(
        &[
            "report", "--format", "xlsx", "--month", "11", "--year", "2023",
        ],
        "bc.xlsx",
    );
    let stats = run(
        &[
            "stats", "--format", "xlsx", "--month", "11", "--year", "2023",
        ],
        "sl.xlsx",
    );
    let watch = run(
        &["qua-han", "--format", "xlsx", "--ngay", "20/11/2023"],
        "qh.xlsx",
    );
    for bytes in [&report, &stats, &watch] {
        assert!(!has_formula(bytes), "a cell became a formula");
    }
    let mut book = open(&report);
    let form = sheet(&mut book, "Biểu 06");
    assert!(matches!(at(&form, row_of(&form, 1, "=1+1"), 1), Data::String(s) if s == "=1+1"));
    row_of(&form, 1, "+CMD|' /C calc'!A0");
    // Without config the report's header is left as dots to fill in.
    assert!(all_text(&form).iter().any(|t| t == "Đơn vị báo cáo: ……"));
    let late = sheet(&mut book, "Quá hạn");
    let r = row_of(&late, 6, "@SUM(A1)");
    assert_eq!(text(at(&late, r, 2)), "=1+1");
    row_of(&late, 6, "-2+3");
    let mut book = open(&stats);
    let table = sheet(&mut book, "Số liệu");
    row_of(&table, 0, "+CMD|' /C calc'!A0");
    row_of(&table, 0, "=1+1");
    let mut book = open(&watch);
    let list = sheet(&mut book, "Quá hạn");
    assert_eq!(text(at(&list, 1, 1)), "=1+1");
    assert_eq!(text(at(&list, 1, 4)), "-2+3");
}

#[test]
fn a_workbook_goes_to_a_file() {
    let tmp = TempDir::new().unwrap();
    for args in [
        vec![
            "stats", "--format", "xlsx", "--month", "11", "--year", "2023",
        ],
        vec!["qua-han", "--format", "xlsx", "--ngay", "30/06/2023"],
        vec![
            "report", "--format", "xlsx", "--month", "11", "--year", "2023", "-o", "-",
        ],
    ] {
        let out = cctthc(tmp.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("-o TỆP.xlsx") && err.contains("bảng tính"),
            "{err}"
        );
    }
    // The report's workbook goes where its .docx would, as .xlsx:
    // [xuat] tep of the example is bao-cao/BC-CCTTHC-{nam}-{thang}.docx.
    let work = tmp.path().join("vi-du");
    std::fs::create_dir_all(&work).unwrap();
    let config = std::fs::read_to_string(root().join("examples/cctthc.toml")).unwrap();
    let data = root().join("examples/du-lieu");
    let config = config.replace(
        "duong_dan = \"du-lieu\"",
        &format!("duong_dan = {:?}", data.to_str().unwrap()),
    );
    std::fs::write(work.join("cctthc.toml"), config).unwrap();
    let out = cctthc_in(&work, tmp.path())
        .args([
            "report", "--format", "xlsx", "--month", "11", "--year", "2023",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = work.join("bao-cao/BC-CCTTHC-2023-11.xlsx");
    let book = open(&std::fs::read(&file).unwrap());
    assert_eq!(book.sheet_names()[0], "Biểu 06");
}

#[test]
fn an_own_workbook_in_the_input_folder_is_passed_over() {
    let tmp = TempDir::new().unwrap();
    let dir = formula_export(tmp.path());
    let folder = dir.to_str().unwrap();
    let csv = dir.join("ho-so.csv");
    let stats = [
        "stats", "--format", "json", "--month", "11", "--year", "2023",
    ];
    let before = cctthc_in(tmp.path(), tmp.path())
        .args(with_input(&stats, folder))
        .output()
        .unwrap();
    assert!(before.status.success());
    for (args, name) in [
        (
            vec![
                "stats", "--format", "xlsx", "--month", "11", "--year", "2023",
            ],
            "sl.xlsx",
        ),
        (
            vec!["qua-han", "--format", "xlsx", "--ngay", "20/11/2023"],
            "qh.xlsx",
        ),
        (
            vec![
                "report", "--format", "xlsx", "--month", "11", "--year", "2023",
            ],
            "bc.xlsx",
        ),
    ] {
        let mut cmd = cctthc_in(tmp.path(), tmp.path());
        written(
            &mut cmd,
            &with_input(&args, csv.to_str().unwrap()),
            &dir.join(name),
        );
    }
    let after = cctthc_in(tmp.path(), tmp.path())
        .args(with_input(&stats, folder))
        .output()
        .unwrap();
    assert!(
        after.status.success(),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
    assert_eq!(
        before.stdout, after.stdout,
        "the workbooks were read as exports"
    );
    let notice = String::from_utf8_lossy(&after.stderr);
    assert!(notice.contains("không đọc 3 tệp"), "{notice}");
    assert!(notice.contains("do cctthc ghi"), "{notice}");
    // Named with -i, one is refused with what it is.
    let own = dir.join("sl.xlsx");
    let out = cctthc_in(tmp.path(), tmp.path())
        .args(with_input(&stats, own.to_str().unwrap()))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sl.xlsx") && err.contains("cctthc stats"),
        "{err}"
    );
}

#[test]
fn a_workbook_never_replaces_an_input() {
    let tmp = TempDir::new().unwrap();
    let dir = formula_export(tmp.path());
    let csv = dir.join("ho-so.csv");
    let before = std::fs::read(&csv).unwrap();
    let input = csv.to_str().unwrap();
    for args in [
        vec![
            "stats", "--format", "xlsx", "--month", "11", "--year", "2023",
        ],
        vec!["qua-han", "--format", "xlsx", "--ngay", "20/11/2023"],
        vec![
            "report", "--format", "xlsx", "--month", "11", "--year", "2023",
        ],
    ] {
        let out = cctthc_in(tmp.path(), tmp.path())
            .args(with_input(&args, input))
            .arg("-o")
            .arg(&csv)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("là cùng một tệp với dữ liệu vào"), "{err}");
        assert_eq!(std::fs::read(&csv).unwrap(), before, "{args:?}");
    }
}

#[test]
fn the_index_sheet_holds_the_national_index_of_stats() {
    let tmp = tempfile::TempDir::new().unwrap();
    let mut args = vec!["stats", "--format", "json"];
    args.extend(month("11"));
    let st = json(tmp.path(), &args);
    let index = &st["chi_so_766"];
    let mut book = open(&report_book(tmp.path()));
    let range = sheet(&mut book, "Chỉ số 766");
    let keys = [
        "tien_do",
        "truc_tuyen",
        "thanh_toan",
        "ket_qua_dien_tu",
        "so_hoa",
        "hai_long",
    ];
    let points = |v: &Value| v.as_str().map(|s| s.parse::<f64>().unwrap());
    // Each row: rank, name, (ratio, points) per indicator, sum, maximum.
    let check = |r: u32, x: &Value, rank: Option<i64>| {
        assert_eq!(int(at(&range, r, 0)), rank, "{x}");
        for (i, k) in keys.iter().enumerate() {
            let col = 2 + 2 * i as u32;
            let ind = &x["chi_so"][k];
            let pct = float(at(&range, r, col));
            // A fraction in percent format: 0.9996 shown 99,96%.
            let want = percent(&ind["phan_tram"]).map(|p| p / 100.0);
            match (pct, want) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{k}: {a} {b}"),
                (a, b) => assert_eq!(a, b, "{k}"),
            }
            assert_eq!(float(at(&range, r, col + 1)), points(&ind["diem"]), "{k}");
        }
        assert_eq!(float(at(&range, r, 14)), points(&x["diem"]));
        assert_eq!(int(at(&range, r, 15)), x["diem_toi_da"].as_i64());
    };
    check(row_of(&range, 1, "Tổng cộng"), &index["tong"], None);
    for u in index["theo_don_vi"].as_array().unwrap() {
        let r = row_of(&range, 1, u["don_vi"].as_str().unwrap());
        check(r, u, u["xep_hang"].as_i64());
    }
    for (key, level) in index["theo_cap"].as_object().unwrap() {
        check(row_of(&range, 1, level_label(key)), level, None);
    }
}
