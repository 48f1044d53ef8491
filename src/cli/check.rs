//! `cctthc check`: reads the exports, accounts for every row and lists
//! every problem. Changes nothing; exits 3 when a row is invalid.

use std::io::Write;

use super::common::{self, Code, Failure, Global, InputArgs, Keep, OnProblem, PeriodArgs, Session};
use super::output::Output;
use crate::input::Field;
use crate::vn;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    period: PeriodArgs,
}

pub fn run(global: &Global, args: &Args, out: &Output) -> Result<(), Failure> {
    let session = Session::start(global)?;
    let reporting = session.reporting(&args.period)?;
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    let (data, problems) = common::read(
        &session,
        &args.input,
        reporting,
        Keep::Nothing,
        OnProblem::List(&mut w),
        out,
    )?;
    let a = &data.accounting;
    let n = |x: u64| vn::int(x as i64);
    let mut s = String::new();
    if problems.rows > 0 {
        s.push('\n');
    }
    s.push_str(&format!("Đã đọc {} tệp:\n", n(a.tep)));
    for f in &data.files {
        s.push_str(&format!(
            "  {}: {} dòng dữ liệu{}\n",
            f.name,
            n(f.counts.rows),
            if f.counts.rejected > 0 {
                format!(", {} dòng lỗi", n(f.counts.rejected))
            } else {
                String::new()
            }
        ));
        let missing: Vec<&str> = f
            .missing
            .iter()
            .filter(|m| affects_figures(**m))
            .map(|m| m.name())
            .collect();
        if !missing.is_empty() {
            s.push_str(&format!(
                "    không có cột {}: các tỷ lệ cần cột này sẽ là N/A\n",
                missing.join(", ")
            ));
        }
    }
    let width = [a.so_dong, a.ho_so, a.trung_lap, a.chua_tiep_nhan, a.loi]
        .iter()
        .map(|x| n(*x).len())
        .max()
        .unwrap_or(1);
    s.push_str(&format!(
        "\nSố dòng dữ liệu:            {:>width$}\n",
        n(a.so_dong)
    ));
    s.push_str(&format!(
        "  hồ sơ được tính:          {:>width$}\n",
        n(a.ho_so)
    ));
    s.push_str(&format!(
        "  dòng trùng đã gộp:        {:>width$}{}\n",
        n(a.trung_lap),
        if a.trung_lap_khac > 0 {
            format!(
                " (trong đó {} dòng khác dòng trước: lấy dòng đọc sau)",
                n(a.trung_lap_khac)
            )
        } else {
            String::new()
        }
    ));
    s.push_str(&format!(
        "  hồ sơ chưa tiếp nhận:     {:>width$}\n",
        n(a.chua_tiep_nhan)
    ));
    s.push_str(&format!(
        "  dòng lỗi:                 {:>width$}\n",
        n(a.loi)
    ));
    let balanced = a.so_dong == a.ho_so + a.trung_lap + a.chua_tiep_nhan + a.loi;
    if problems.rows > 0 {
        s.push_str("\nLỗi theo loại:\n");
        for line in problems.kinds() {
            s.push_str(&line);
            s.push('\n');
        }
    } else {
        s.push_str("\nKhông có dòng lỗi.\n");
    }
    let _ = w.write_all(s.as_bytes());
    let _ = w.flush();
    if !balanced {
        return Err(Failure::failed(
            "số dòng không khớp: đây là lỗi của cctthc, xin báo lại",
        ));
    }
    if problems.rows > 0 {
        return Err(Failure {
            code: Code::InvalidRows,
            message: format!("{} dòng dữ liệu không hợp lệ", n(problems.rows)),
        });
    }
    out.detail("dữ liệu hợp lệ");
    Ok(())
}

/// Optional columns whose absence makes a ratio N/A.
fn affects_figures(f: Field) -> bool {
    matches!(
        f,
        Field::DigitisedIn | Field::DigitisedOut | Field::Fee | Field::PaidOnline
    )
}
