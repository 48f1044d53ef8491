//! `cctthc check`: reads the exports and shows how each file was read (its
//! kind, encoding, header row, the column behind each field, the columns
//! left unused, the fields missing and the figures they make N/A), the
//! accounting of every row and every problem (SPEC §1.7). Changes nothing;
//! exits 3 when a row is invalid. `--goi-y` prints instead, on stdout, a
//! `cctthc.toml` fragment that fixes what config can fix.

use std::collections::BTreeSet;
use std::io::Write;

use super::common::{self, Code, Failure, Global, InputArgs, Keep, OnProblem, PeriodArgs, Session};
use super::output::Output;
use crate::figures::Accounting;
use crate::input::skip::Skip;
use crate::input::suggest::Suggestions;
use crate::input::{self, Field, FileReport, Header};
use crate::vn;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    period: PeriodArgs,
    /// In ra stdout một đoạn cấu hình (TOML) để thêm vào cuối cctthc.toml: trạng thái, giá trị, cấp đơn vị, tên cột chưa biết
    #[arg(long = "goi-y")]
    goi_y: bool,
}

pub fn run(global: &Global, args: &Args, out: &Output) -> Result<(), Failure> {
    let session = Session::start(global)?;
    if args.goi_y {
        return suggest(&session, args, out);
    }
    let reporting = session.reporting(&args.period)?;
    let mut w = super::output::Stdout::new();
    let (data, problems) = common::read(
        &session,
        &args.input,
        reporting,
        Keep::Nothing,
        OnProblem::List(&mut w),
        common::Files::new(),
        out,
    )?;
    let mut s = String::new();
    if problems.rows > 0 {
        s.push('\n');
    }
    s.push_str(&describe(&data.files, &data.accounting));
    if problems.rows > 0 {
        s.push_str("\nLỗi theo loại:\n");
        for line in problems.kinds() {
            s.push_str(&line);
            s.push('\n');
        }
        s.push_str("\nGợi ý: `cctthc check --goi-y >> cctthc.toml` thêm vào cấu hình những gì khai báo được.\n");
    } else {
        s.push_str("\nKhông có dòng lỗi.\n");
    }
    write_out(&mut w, &s)?;
    if !balanced(&data.accounting) {
        return Err(Failure::failed(
            "số dòng không khớp: đây là lỗi của cctthc, xin báo lại",
        ));
    }
    if problems.rows > 0 {
        return Err(Failure {
            code: Code::InvalidRows,
            message: format!(
                "{} dòng dữ liệu không hợp lệ",
                vn::int(problems.rows as i64)
            ),
        });
    }
    out.detail("dữ liệu hợp lệ");
    Ok(())
}

fn write_out(w: &mut dyn Write, s: &str) -> Result<(), Failure> {
    super::output::written(w.write_all(s.as_bytes()).and_then(|_| w.flush()))
}

fn balanced(a: &Accounting) -> bool {
    a.so_dong == a.ho_so + a.trung_lap + a.chua_tiep_nhan + a.loi + a.bo_qua
}

/// `--goi-y`: every file's header is looked at first, so that the columns
/// missing from several files are all named; then the files with a header
/// are read for the values config can map.
fn suggest(session: &Session, args: &Args, out: &Output) -> Result<(), Failure> {
    let reporting = session.reporting(&args.period)?;
    let expanded = session.files(&args.input)?;
    let options = session.options(&args.input)?;
    let mut suggestions = Suggestions::default();
    let mut readable = Vec::new();
    for path in &expanded.files {
        match input::probe(path, &options) {
            Ok(_) => readable.push(path.clone()),
            Err(input::Error::NoHeader {
                path,
                found,
                missing,
            }) => suggestions.missing_columns(&path, &found, &missing),
            Err(e) => out.error(&e.to_string()),
        }
    }
    if !readable.is_empty() {
        let only = InputArgs {
            inputs: readable,
            ..args.input.clone()
        };
        let mut add = |p: &input::RowProblem| suggestions.add(p);
        let (data, problems) = common::read(
            session,
            &only,
            reporting,
            Keep::Nothing,
            OnProblem::Each(&mut add),
            common::Files::new(),
            out,
        )?;
        let mut summary = describe(&data.files, &data.accounting);
        if problems.rows > 0 {
            summary.push_str("\nLỗi theo loại:\n");
            for line in problems.kinds() {
                summary.push_str(&line);
                summary.push('\n');
            }
        }
        out.text(&summary);
    }
    let fragment = suggestions.render(&defined_tables(session));
    super::output::print(fragment.as_bytes())
}

/// The tables the user's config already has, which the fragment must not
/// open again.
fn defined_tables(session: &Session) -> BTreeSet<String> {
    let mut defined = BTreeSet::new();
    let Some(path) = &session.config.path else {
        return defined;
    };
    let Ok(table) = std::fs::read_to_string(path)
        .map_err(|_| ())
        .and_then(|t| t.parse::<toml::Table>().map_err(|_| ()))
    else {
        return defined;
    };
    for (key, value) in &table {
        if let toml::Value::Table(inner) = value {
            defined.insert(key.clone());
            for (k, v) in inner {
                if v.is_table() {
                    defined.insert(format!("{key}.{k}"));
                }
            }
        }
    }
    defined
}

/// How each file was read, and the accounting of every row.
fn describe(files: &[FileReport], a: &Accounting) -> String {
    let n = |x: u64| vn::int(x as i64);
    let mut s = format!("Đã đọc {} tệp:\n", n(a.tep));
    for f in files {
        file_lines(&mut s, f);
    }
    let rows = [
        ("Số dòng dữ liệu:", a.so_dong),
        ("  hồ sơ được tính:", a.ho_so),
        ("  dòng trùng đã gộp:", a.trung_lap),
        ("  hồ sơ chưa tiếp nhận:", a.chua_tiep_nhan),
        ("  dòng lỗi:", a.loi),
        ("  dòng không phải hồ sơ:", a.bo_qua),
    ];
    let width = rows.iter().map(|(_, x)| n(*x).len()).max().unwrap_or(1);
    s.push('\n');
    for (label, x) in rows {
        let pad = 28usize.saturating_sub(label.chars().count());
        s.push_str(&format!("{label}{}{:>width$}", " ".repeat(pad), n(x)));
        if label.contains("trùng") && a.trung_lap_khac > 0 {
            s.push_str(&format!(
                " (trong đó {} dòng khác dòng trước: lấy dòng đọc sau)",
                n(a.trung_lap_khac)
            ));
        }
        s.push('\n');
    }
    s
}

/// One file: what it was read as, where its header is, which column each
/// field came from, what is unused and what is missing.
fn file_lines(s: &mut String, f: &FileReport) {
    let n = |x: u64| vn::int(x as i64);
    let kind = f.kind.map_or("", |k| k.label());
    let encoding = f
        .header
        .as_ref()
        .and_then(|h| h.encoding)
        .map(|e| format!(", bảng mã {e}"))
        .unwrap_or_default();
    s.push_str(&format!("  {}: {kind}{encoding}\n", f.name));
    let Some(header) = &f.header else {
        return;
    };
    if let Some(sheet) = &header.sheet {
        s.push_str(&format!("    trang tính: {sheet}\n"));
    }
    let line = if header.columns.header_rows() == 2 {
        format!(
            "dòng {}–{} (tiêu đề hai dòng)",
            header.line, header.last_line
        )
    } else {
        format!("dòng {}", header.line)
    };
    let what = if f.kind == Some(input::Kind::Json) {
        "khóa của bản ghi".to_string()
    } else {
        format!("dòng tiêu đề: {line}")
    };
    s.push_str(&format!("    {what}\n    cột được đọc:\n"));
    columns_lines(s, header);
    let unused = header.columns.unused();
    if !unused.is_empty() {
        // Each cut as a quote is, and the first few: a sheet of ten
        // thousand columns is not listed whole.
        const SHOWN: usize = 40;
        let list: Vec<String> = unused
            .iter()
            .take(SHOWN)
            .map(|c| format!("'{}'", crate::text::quote(c)))
            .collect();
        let more = match unused.len().saturating_sub(SHOWN) {
            0 => String::new(),
            k => format!(" và {} cột khác", n(k as u64)),
        };
        s.push_str(&format!("    cột không dùng: {}{more}\n", list.join(", ")));
    }
    // Fields with the same effect on one line.
    let mut effects: Vec<(Vec<&str>, &str)> = Vec::new();
    for (field, effect) in missing_effects(f, header) {
        match effects.iter_mut().find(|(_, e)| *e == effect) {
            Some((fields, _)) => fields.push(field),
            None => effects.push((vec![field], effect)),
        }
    }
    for (fields, effect) in effects {
        s.push_str(&format!(
            "    không có cột {}: {effect}\n",
            fields.join(", ")
        ));
    }
    s.push_str(&format!("    {} dòng dữ liệu", n(f.counts.rows)));
    if f.counts.rejected > 0 {
        s.push_str(&format!(", {} dòng lỗi", n(f.counts.rejected)));
    }
    s.push('\n');
    if f.counts.skipped > 0 {
        s.push_str(&format!(
            "    {} dòng không phải hồ sơ, bỏ qua:\n",
            n(f.counts.skipped)
        ));
        for kind in Skip::ALL {
            let lines: Vec<String> = f
                .skipped
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, l)| l.to_string())
                .collect();
            if !lines.is_empty() {
                let more = if f.counts.skipped as usize > f.skipped.len() {
                    ", …"
                } else {
                    ""
                };
                s.push_str(&format!(
                    "      {}: dòng {}{more}\n",
                    kind.label(),
                    lines.join(", ")
                ));
            }
        }
    }
}

/// `ma_ho_so ← 'Mã hồ sơ' (cột 4, D)`, a field a line.
fn columns_lines(s: &mut String, header: &Header) {
    let c = &header.columns;
    let width = Field::ALL.iter().map(|f| f.name().len()).max().unwrap_or(0);
    for field in Field::ALL {
        if let Some(pos) = c.get(field) {
            s.push_str(&format!(
                "      {:<width$} ← '{}' ({})\n",
                field.name(),
                crate::text::quote(c.label(pos)),
                column_name(pos)
            ));
        } else if field == Field::Channel
            && let Some(pos) = c.online_flag()
        {
            s.push_str(&format!(
                "      {:<width$} ← '{}' ({}; có: trực tuyến, không: trực tiếp)\n",
                field.name(),
                crate::text::quote(c.label(pos)),
                column_name(pos)
            ));
        }
    }
}

/// `cột 4, D`: the column's number and its spreadsheet letters.
fn column_name(pos: usize) -> String {
    let mut letters = String::new();
    let mut k = pos + 1;
    while k > 0 {
        let r = (k - 1) % 26;
        letters.insert(0, char::from(b'A' + r as u8));
        k = (k - 1) / 26;
    }
    format!("cột {}, {letters}", pos + 1)
}

/// The optional fields a file lacks, each with what it means for the
/// figures.
fn missing_effects(f: &FileReport, header: &Header) -> Vec<(&'static str, &'static str)> {
    let c = &header.columns;
    let mut out = Vec::new();
    for field in &f.missing {
        let effect = match field {
            Field::Channel if c.online_flag().is_some() => continue,
            Field::Channel => {
                "số hồ sơ theo kênh (trực tuyến, trực tiếp, bưu chính) và tỷ lệ tiếp nhận trực tuyến là N/A"
            }
            Field::DigitisedIn => "tỷ lệ số hóa hồ sơ (đầu vào) là N/A",
            Field::DigitisedOut => "tỷ lệ số hóa kết quả (đầu ra) là N/A",
            Field::Fee | Field::PaidOnline => "tỷ lệ thanh toán trực tuyến là N/A",
            Field::OnlineService => {
                "mọi thủ tục được coi là dịch vụ công trực tuyến (mẫu số tỷ lệ trực tuyến là mọi hồ sơ tiếp nhận)"
            }
            Field::Ended if !c.has(Field::HandedOver) => {
                "hồ sơ đã giải quyết, trả lại hay rút sẽ là lỗi vì không có ngày kết thúc"
            }
            Field::HandedOver if !c.has(Field::Ended) => continue,
            Field::Level => "cấp lấy theo [[don_vi]] trong cctthc.toml hoặc theo tên đơn vị",
            Field::Domain => "không có số liệu theo lĩnh vực",
            _ => continue,
        };
        out.push((field.name(), effect));
    }
    out
}
