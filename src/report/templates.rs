//! The default templates, built into the binary (see `templates/`).

/// A template shipped with cctthc.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    /// The name `--template` accepts (`bao-cao-thang`).
    pub name: &'static str,
    pub file: &'static str,
    pub about: &'static str,
    pub bytes: &'static [u8],
}

pub const BUILTIN: &[Builtin] = &[
    Builtin {
        name: "bao-cao-thang",
        file: "bao-cao-thang.docx",
        about: "Báo cáo tình hình, kết quả thực hiện công tác CCTTHC (theo tháng, quý, năm)",
        bytes: include_bytes!("../../templates/bao-cao-thang.docx"),
    },
    Builtin {
        name: "bieu-duong-nhac-nho",
        file: "bieu-duong-nhac-nho.docx",
        about: "Công văn biểu dương, nhắc nhở các đơn vị theo tỷ lệ số hóa, thanh toán trực tuyến, hồ sơ quá hạn",
        bytes: include_bytes!("../../templates/bieu-duong-nhac-nho.docx"),
    },
    Builtin {
        name: "cong-van-xa",
        file: "cong-van-xa.docx",
        about: "Công văn của một xã: số liệu tháng và lũy kế của xã (dùng với --don-vi)",
        bytes: include_bytes!("../../templates/cong-van-xa.docx"),
    },
];

/// The default template of `cctthc report`.
pub const DEFAULT: &str = "bao-cao-thang";

/// The built-in template named `name` (with or without `.docx`).
pub fn find(name: &str) -> Option<&'static Builtin> {
    let name = name.strip_suffix(".docx").unwrap_or(name);
    BUILTIN.iter().find(|b| b.name == name)
}
