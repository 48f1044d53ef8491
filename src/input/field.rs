//! The columns of an export (SPEC §1): the field names the contract uses and
//! the header spellings the one-stop software writes for them.

use std::fmt;

/// One column of the dossier export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Code,
    Unit,
    Level,
    ProcedureCode,
    ProcedureName,
    Domain,
    Channel,
    Received,
    Due,
    Ended,
    HandedOver,
    Status,
    DigitisedIn,
    DigitisedOut,
    OnlineService,
    Fee,
    PaidOnline,
    Amount,
}

impl Field {
    pub const ALL: [Field; 18] = [
        Field::Code,
        Field::Unit,
        Field::Level,
        Field::ProcedureCode,
        Field::ProcedureName,
        Field::Domain,
        Field::Channel,
        Field::Received,
        Field::Due,
        Field::Ended,
        Field::HandedOver,
        Field::Status,
        Field::DigitisedIn,
        Field::DigitisedOut,
        Field::OnlineService,
        Field::Fee,
        Field::PaidOnline,
        Field::Amount,
    ];

    pub const COUNT: usize = Field::ALL.len();

    /// The columns an export must have. Without a channel column the
    /// figures by channel are N/A (SPEC §1.3).
    pub const REQUIRED: [Field; 5] = [
        Field::Code,
        Field::Unit,
        Field::Received,
        Field::Due,
        Field::Status,
    ];

    /// Position in [`Field::ALL`], for per-field arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The contract's name for the field (`ma_ho_so`…).
    pub fn name(self) -> &'static str {
        match self {
            Field::Code => "ma_ho_so",
            Field::Unit => "don_vi",
            Field::Level => "cap",
            Field::ProcedureCode => "ma_thu_tuc",
            Field::ProcedureName => "ten_thu_tuc",
            Field::Domain => "linh_vuc",
            Field::Channel => "kenh",
            Field::Received => "ngay_tiep_nhan",
            Field::Due => "ngay_hen_tra",
            Field::Ended => "ngay_ket_thuc",
            Field::HandedOver => "ngay_tra_ket_qua",
            Field::Status => "trang_thai",
            Field::DigitisedIn => "so_hoa_ho_so",
            Field::DigitisedOut => "so_hoa_ket_qua",
            Field::OnlineService => "dvc_truc_tuyen",
            Field::Fee => "nghia_vu_tai_chinh",
            Field::PaidOnline => "thanh_toan_truc_tuyen",
            Field::Amount => "phi_le_phi",
        }
    }

    /// The header spellings accepted besides the field name itself.
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            Field::Code => &["Mã hồ sơ", "Số hồ sơ", "MaHoSo", "dossierNo"],
            Field::Unit => &[
                "Đơn vị",
                "Đơn vị tiếp nhận",
                "Đơn vị giải quyết",
                "Đơn vị xử lý",
                "DonViXuLy",
                "Đơn vị/cá nhân giải quyết",
                "Cơ quan thụ lý",
                "Cơ quan giải quyết",
                "Cơ quan thực hiện",
                "govAgencyName",
                "Nơi tiếp nhận",
            ],
            Field::Level => &["Cấp", "Cấp thực hiện", "Cấp giải quyết"],
            Field::ProcedureCode => &["Mã thủ tục", "Mã TTHC", "MaTTHC", "serviceCode"],
            Field::ProcedureName => &[
                "Tên thủ tục",
                "Tên thủ tục hành chính",
                "Thủ tục",
                "Tên TTHC",
                "TenTTHC",
                "serviceName",
            ],
            Field::Domain => &["Lĩnh vực", "Tên lĩnh vực", "TenLinhVuc", "domainName"],
            Field::Channel => &[
                "Kênh",
                "Kênh thực hiện",
                "Kênh tiếp nhận",
                "KenhThucHien",
                "Hình thức nộp",
                "Hình thức nộp hồ sơ",
                "Hình thức tiếp nhận",
                "Loại tiếp nhận",
                "Kiểu tiếp nhận",
            ],
            Field::Received => &[
                "Ngày tiếp nhận",
                "Ngày nhận",
                "NgayTiepNhan",
                "receiveDate",
                // Under a "Ngày, tháng, năm" group label (SPEC §1.3).
                "Nhận hồ sơ",
                "Ngày nhận hồ sơ",
            ],
            Field::Due => &[
                "Ngày hẹn trả",
                "Ngày hẹn trả kết quả",
                "Hẹn trả kết quả",
                "Hạn xử lý",
                "Hạn giải quyết",
                "NgayHenTra",
                "dueDate",
            ],
            Field::Ended => &[
                "Ngày kết thúc xử lý",
                "Ngày có kết quả",
                "Ngày hoàn thành",
                "Ngày kết thúc",
                "NgayKetThucXuLy",
                "finishDate",
            ],
            Field::HandedOver => &[
                "Ngày trả kết quả",
                "Ngày trả",
                "Ngày nhận kết quả",
                "NgayTra",
                "releaseDate",
            ],
            Field::Status => &[
                "Trạng thái",
                "Trạng thái hồ sơ",
                "Tình trạng",
                "TrangThaiHoSo",
                "dossierStatusText",
            ],
            Field::DigitisedIn => &[
                "Số hóa hồ sơ",
                "Số hóa thành phần hồ sơ",
                "Số hóa TPHS",
                "HoSoCoThanhPhanSoHoa",
            ],
            Field::DigitisedOut => &["Số hóa kết quả", "Kết quả điện tử"],
            Field::OnlineService => &["DVC trực tuyến", "Dịch vụ công trực tuyến", "Mức độ DVC"],
            Field::Fee => &["Nghĩa vụ tài chính", "Có phí, lệ phí", "Phải thanh toán"],
            Field::PaidOnline => &[
                "Thanh toán trực tuyến",
                "Đã thanh toán trực tuyến",
                "DuocThanhToanTrucTuyen",
            ],
            Field::Amount => &["Phí, lệ phí", "Lệ phí", "Số tiền"],
        }
    }

    /// The keys of VNPT iGate's API answers (flattened), accepted in JSON
    /// files only: `code` or `agency.name` in a sheet may mean something
    /// else.
    pub fn json_keys(self) -> &'static [&'static str] {
        match self {
            Field::Code => &["code"],
            Field::Unit => &["agency.name"],
            Field::ProcedureCode => &["procedure.code"],
            Field::ProcedureName => &["procedure.name"],
            Field::Domain => &["sector.name"],
            Field::Channel => &["applyMethod.name"],
            Field::Received => &["acceptedDate"],
            Field::Due => &["appointmentDate"],
            Field::Ended => &["completedDate"],
            Field::HandedOver => &["returnedDate"],
            Field::Status => &["dossierStatus.name"],
            _ => &[],
        }
    }

    /// Headers of a yes/no column that stands in for a missing channel
    /// (OpenCPS writes `Trực tuyến` = `true`/`false`).
    pub const ONLINE_FLAG_HEADERS: [&'static str; 3] = ["Trực tuyến", "Nộp trực tuyến", "online"];

    pub fn is_required(self) -> bool {
        Field::REQUIRED.contains(&self)
    }

    /// The field whose name is `name` (exactly, as in config keys).
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
