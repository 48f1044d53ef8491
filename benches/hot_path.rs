//! Micro-benchmarks of the hot path: splitting rows, parsing dates, merging
//! tallies. The whole command is measured by `bench/run.sh`.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use cctthc::figures::{Sign, Tally};
use cctthc::input::rows::Reader;
use cctthc::input::values::date_bytes;
use cctthc::input::{Channel, Dossier, Level, Status, Tri};
use cctthc::period::Period;

fn rows(n: usize) -> Vec<u8> {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "000.31.23.H23-230928-{i:07},UBND xã Nguyễn Giáp,Cấp xã,2.000815,\"Chứng thực bản sao từ bản chính giấy tờ, văn bản\",Chứng thực,Trực tuyến,28/09/2023 07:36:39,29/09/2023 07:36:39,28/09/2023 11:08:47,,9,Không,Có,Toàn trình,Có,Có,12.000\n"
        ));
    }
    s.into_bytes()
}

fn split(c: &mut Criterion) {
    let text = rows(20_000);
    let mut g = c.benchmark_group("rows");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("split", |b| {
        b.iter(|| {
            let mut r = Reader::new(&text[..], b',');
            let mut n = 0;
            while let Ok(Some(rec)) = r.read() {
                n += rec.len();
            }
            black_box(n)
        })
    });
    g.finish();
}

fn dates(c: &mut Criterion) {
    let samples: Vec<&[u8]> = vec![
        b"28/09/2023 07:36:39",
        b"2023-09-28T07:36:39",
        b"3/1/2024",
        b"",
    ];
    c.bench_function("date_bytes", |b| {
        b.iter(|| {
            for s in &samples {
                black_box(date_bytes(black_box(s)).ok());
            }
        })
    });
}

fn merge(c: &mut Criterion) {
    let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2023, m, day);
    let periods: Vec<Period> = (1..=12)
        .map(|m| Period {
            start: NaiveDate::from_ymd_opt(2023, m, 1).unwrap_or_default(),
            end: NaiveDate::from_ymd_opt(2023, m, 28).unwrap_or_default(),
        })
        .collect();
    let tally = |seed: u32| {
        let mut t = Tally::new(periods.clone());
        for i in 0..5_000u32 {
            let m = 1 + (i + seed) % 12;
            t.apply(
                &Dossier {
                    unit: i % 40,
                    level: if i % 7 == 0 { Level::Huyen } else { Level::Xa },
                    domain: i % 15,
                    status: Status::Resolved,
                    channel: Channel::Online,
                    received: d(m, 3),
                    due: d(m, 8),
                    ended: d(m, 6),
                    online_service: Tri::Yes,
                    digitised_in: Tri::Yes,
                    digitised_out: Tri::No,
                    fee: Tri::Yes,
                    paid_online: Tri::Yes,
                },
                Sign::Add,
            );
        }
        t
    };
    let (a, b) = (tally(0), tally(5));
    c.bench_function("tally_merge", |bench| {
        bench.iter(|| {
            let mut x = a.clone();
            x.merge(b.clone());
            black_box(x)
        })
    });
}

criterion_group!(benches, split, dates, merge);
criterion_main!(benches);
