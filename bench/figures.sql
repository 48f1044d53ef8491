-- SPEC §4 figures of one period, in DuckDB, straight from a SPEC §1 CSV.
--
-- Placeholders, replaced by bench/figures_duckdb.py before running:
--   ${FILES} the CSV, or the list of CSVs read as one input, in order
--            (canonical headers, ',' delimiter, as `cargo run --release
--            --example gen` writes them): 'a.csv' or ['a.csv', 'b.csv']
--   ${FROM}  first day of the period, yyyy-mm-dd (inclusive)
--   ${TO}    last day of the period, yyyy-mm-dd (inclusive)
--
-- Plan: ONE parallel pass over the rows groups them by their raw values and
-- by where their calendar dates fall against the period (`grouped`); the
-- values are decoded on those few tens of thousands of groups (`decoded`),
-- placed in the buckets of SPEC §4 (`placed`) and summed per unit, then per
-- level and in total. A second consumer of the same scan counts the
-- distinct ma_ho_so.
--
-- Result: one row per grouping set — g = 3 the total, g = 1 a level, g = 0 a
-- unit — with the counts the SUMMARY of SPEC §5 is made of (bench/summary.py
-- builds it), the input accounting, and the guards the driver checks:
--   bad       rows with a value this query does not know (status, channel,
--             yes/no word, level), a received dossier without a receipt
--             date, a resolved/returned/withdrawn one without an end date
--             or ending before its receipt. The driver stops if it is not
--             0: the figures would not be those of SPEC §4.
--   trung_lap rows minus distinct ma_ho_so. SPEC §1.6 merges duplicates
--             (the files in the order given, a later row wins). With one
--             file this query does not: the driver stops if it is not 0 (the
--             generator writes none: ma_ho_so ends with the row's running
--             number); counting the distinct keys keeps the work like
--             cctthc's, which must look every key up.
--
-- Several files: the lines ending in "-- merge" (dropped by the driver for
-- one file) number each row by its file's place in the list, then its place
-- in the scan (`ord`), and keep only the highest of each ma_ho_so: the last
-- reading, as SPEC §1.6. Every count but trung_lap is then of those rows.

WITH input AS (
    SELECT *
        , list_position(${FILES}, filename) * 1099511627776 + ordinality AS ord  -- merge
    FROM read_csv(${FILES},
        header = true, delim = ',', quote = '"', escape = '"',
        parallel = true,
        filename = true,  -- merge
        timestampformat = '%d/%m/%Y %H:%M:%S',
        columns = {
            'ma_ho_so': 'VARCHAR',
            'don_vi': 'VARCHAR',
            'cap': 'VARCHAR',
            'ma_thu_tuc': 'VARCHAR',
            'ten_thu_tuc': 'VARCHAR',
            'linh_vuc': 'VARCHAR',
            'kenh': 'VARCHAR',
            'ngay_tiep_nhan': 'TIMESTAMP',
            'ngay_hen_tra': 'TIMESTAMP',
            'ngay_ket_thuc': 'TIMESTAMP',
            'ngay_tra_ket_qua': 'TIMESTAMP',
            'trang_thai': 'VARCHAR',
            'so_hoa_ho_so': 'VARCHAR',
            'so_hoa_ket_qua': 'VARCHAR',
            'dvc_truc_tuyen': 'VARCHAR',
            'nghia_vu_tai_chinh': 'VARCHAR',
            'thanh_toan_truc_tuyen': 'VARCHAR',
            'phi_le_phi': 'VARCHAR'
        })
        WITH ORDINALITY  -- merge
),

-- The rows counted: all of them, or with several files the last reading of
-- each ma_ho_so (SPEC §1.6).
raw AS (
    SELECT * FROM input
    WHERE (ma_ho_so, ord) IN (SELECT (ma_ho_so, max(ord)) FROM input GROUP BY ma_ho_so)  -- merge
),

-- The one pass over the rows: count them by their raw values and by where
-- their calendar dates (SPEC §4 never compares times of day) fall against
-- the period [S, E]. A few tens of thousands of groups come out; everything
-- after this works on those, not on the rows.
grouped AS (
    SELECT
        don_vi, cap, kenh, trang_thai,
        so_hoa_ho_so, so_hoa_ket_qua, dvc_truc_tuyen, nghia_vu_tai_chinh, thanh_toan_truc_tuyen,
        -- receipt: 0 none, 1 before S, 2 in [S, E], 3 after E
        CASE WHEN rec IS NULL THEN 0 WHEN rec < DATE '${FROM}' THEN 1
             WHEN rec <= DATE '${TO}' THEN 2 ELSE 3 END AS rc,
        -- end (ngay_ket_thuc, else ngay_tra_ket_qua: SPEC §1): same scale
        CASE WHEN en IS NULL THEN 0 WHEN en < DATE '${FROM}' THEN 1
             WHEN en <= DATE '${TO}' THEN 2 ELSE 3 END AS ec,
        sign(en - due) AS end_vs_due,   -- -1 before the due date, 0 on it, 1 after
        due < DATE '${TO}' AS due_before_e,
        en < rec AS end_before_rec,
        count(*) AS n
    FROM (
        SELECT *,
            CAST(ngay_tiep_nhan AS DATE) AS rec,
            CAST(ngay_hen_tra AS DATE) AS due,
            CAST(coalesce(ngay_ket_thuc, ngay_tra_ket_qua) AS DATE) AS en
        FROM raw
    )
    GROUP BY ALL
),

-- The values decoded as SPEC §1 and §2 spell them (case and surrounding
-- spaces ignored). Unknown values decode to NULL and are counted as bad.
decoded AS (
    SELECT
        don_vi,
        CASE
            WHEN lower(trim(cap)) IN ('xa', 'xã', 'cấp xã', 'phường', 'thị trấn', 'đặc khu') THEN 'xa'
            WHEN lower(trim(cap)) IN ('huyen', 'huyện', 'cấp huyện') THEN 'huyen'
            WHEN lower(trim(cap)) IN ('tinh', 'tỉnh', 'cấp tỉnh', 'sở') THEN 'tinh'
            WHEN cap IS NULL OR trim(cap) = '' THEN CASE   -- SPEC §2: from the unit's name
                WHEN don_vi LIKE 'UBND xã %' OR don_vi LIKE 'UBND phường %'
                  OR don_vi LIKE 'UBND thị trấn %' OR don_vi LIKE 'UBND đặc khu %' THEN 'xa'
                WHEN don_vi LIKE 'Phòng %' OR don_vi LIKE 'UBND huyện %'
                  OR don_vi LIKE 'Văn phòng HĐND và UBND huyện%'
                  OR don_vi LIKE 'Chi nhánh Văn phòng đăng ký đất đai%' THEN 'huyen'
                WHEN don_vi LIKE 'Sở %'
                  OR don_vi LIKE 'Trung tâm Phục vụ hành chính công tỉnh%' THEN 'tinh'
            END
        END AS lvl,
        CASE
            WHEN lower(trim(trang_thai)) IN ('mới đăng ký', 'không được tiếp nhận', 'từ chối tiếp nhận', '1', '3') THEN 'chua'
            WHEN lower(trim(trang_thai)) IN ('được tiếp nhận', 'đang xử lý', 'đang giải quyết', 'chờ xử lý', '2', '4') THEN 'dang'
            WHEN lower(trim(trang_thai)) IN ('yêu cầu bổ sung giấy tờ', 'chờ bổ sung',
                                             'yêu cầu thực hiện nghĩa vụ tài chính', 'tạm dừng', '5', '6') THEN 'dung'
            WHEN lower(trim(trang_thai)) IN ('công dân yêu cầu rút hồ sơ', 'rút hồ sơ', 'xin rút', '7') THEN 'rut'
            WHEN lower(trim(trang_thai)) IN ('dừng xử lý', 'trả lại', 'trả lại hồ sơ', 'không đủ điều kiện', '8') THEN 'tra'
            WHEN lower(trim(trang_thai)) IN ('đã xử lý xong', 'đã trả kết quả', 'đã có kết quả', 'hoàn thành', '9', '10') THEN 'xong'
        END AS cls,
        CASE
            WHEN lower(trim(kenh)) IN ('trực tuyến', '2', 'online') THEN 'tt'
            WHEN lower(trim(kenh)) IN ('trực tiếp', '1', '') OR kenh IS NULL THEN 'tp'
            WHEN lower(trim(kenh)) IN ('bưu chính công ích', 'bưu chính', 'bcci', '3') THEN 'bc'
        END AS k,
        CASE WHEN lower(trim(so_hoa_ho_so)) IN ('có', 'x', '1', 'true', 'đã', 'yes', '✓') THEN true
             WHEN lower(trim(so_hoa_ho_so)) IN ('không', '0', 'false', 'chưa', 'no', '') OR so_hoa_ho_so IS NULL THEN false
        END AS shs,
        CASE WHEN lower(trim(so_hoa_ket_qua)) IN ('có', 'x', '1', 'true', 'đã', 'yes', '✓') THEN true
             WHEN lower(trim(so_hoa_ket_qua)) IN ('không', '0', 'false', 'chưa', 'no', '') OR so_hoa_ket_qua IS NULL THEN false
        END AS skq,
        CASE WHEN lower(trim(dvc_truc_tuyen)) IN ('có', 'x', '1', 'true', 'đã', 'yes', '✓', 'toàn trình', 'một phần') THEN true
             WHEN lower(trim(dvc_truc_tuyen)) IN ('không', '0', 'false', 'chưa', 'no', '', 'cung cấp thông tin')
               OR dvc_truc_tuyen IS NULL THEN false
        END AS dvc,
        CASE WHEN lower(trim(nghia_vu_tai_chinh)) IN ('có', 'x', '1', 'true', 'đã', 'yes', '✓') THEN true
             WHEN lower(trim(nghia_vu_tai_chinh)) IN ('không', '0', 'false', 'chưa', 'no', '') OR nghia_vu_tai_chinh IS NULL THEN false
        END AS phi,
        CASE WHEN lower(trim(thanh_toan_truc_tuyen)) IN ('có', 'x', '1', 'true', 'đã', 'yes', '✓', '2') THEN true
             WHEN lower(trim(thanh_toan_truc_tuyen)) IN ('không', '0', 'false', 'chưa', 'no', '')
               OR thanh_toan_truc_tuyen IS NULL THEN false
        END AS tttt,
        rc, ec, end_vs_due, due_before_e, end_before_rec, n
    FROM grouped
),

-- Where each group stands in the period (SPEC §4).
placed AS (
    SELECT
        *,
        -- only resolved, returned and withdrawn dossiers have ended (SPEC §1)
        CASE WHEN cls IN ('xong', 'tra', 'rut') THEN ec ELSE 0 END AS endc,
        coalesce(cls <> 'chua', false) AND rc <> 0 AS received,
        rc = 2 AS in_ky,
        -- the dossiers of the period: received in [S, E], or before S and not ended before S
        rc = 2 OR (rc = 1 AND endc <> 1) AS in_set,
        endc IN (1, 2) AS ended_by_e,
        (cls IS NULL OR lvl IS NULL OR k IS NULL
            OR shs IS NULL OR skq IS NULL OR dvc IS NULL OR phi IS NULL OR tttt IS NULL
            OR (cls <> 'chua' AND rc = 0)                       -- received without a receipt date
            OR (cls IN ('xong', 'tra', 'rut') AND ec = 0)       -- ended without an end date
            OR (cls IN ('xong', 'tra', 'rut') AND end_before_rec)) AS bad
    FROM decoded
),

-- Counts per unit.
per_unit AS (
    SELECT
        lvl,
        don_vi,
        sum(n) AS so_dong,
        sum(n) FILTER (cls = 'chua') AS chua_tiep_nhan,
        sum(n) FILTER (bad) AS bad,
        sum(n) FILTER (received AND in_set AND NOT in_ky) AS ky_truoc,
        sum(n) FILTER (received AND in_ky) AS trong_ky,
        sum(n) FILTER (received AND in_ky AND k = 'tt') AS truc_tuyen,
        sum(n) FILTER (received AND in_ky AND k = 'tp') AS truc_tiep,
        sum(n) FILTER (received AND in_ky AND k = 'bc') AS buu_chinh,
        sum(n) FILTER (received AND in_set AND ended_by_e AND cls = 'xong' AND end_vs_due < 0) AS dg_truoc_han,
        sum(n) FILTER (received AND in_set AND ended_by_e AND cls = 'xong' AND (end_vs_due = 0 OR end_vs_due IS NULL)) AS dg_dung_han,
        sum(n) FILTER (received AND in_set AND ended_by_e AND cls = 'xong' AND end_vs_due > 0) AS dg_qua_han,
        sum(n) FILTER (received AND in_set AND ended_by_e AND cls = 'xong' AND skq) AS dg_so_hoa_kq,
        sum(n) FILTER (received AND in_set AND ended_by_e AND cls = 'tra') AS tra_lai,
        sum(n) FILTER (received AND in_set AND ended_by_e AND cls = 'rut') AS rut,
        sum(n) FILTER (received AND in_set AND NOT ended_by_e AND cls = 'dung') AS tam_dung,
        sum(n) FILTER (received AND in_set AND NOT ended_by_e AND cls <> 'dung'
                         AND NOT coalesce(due_before_e, false)) AS dang_trong_han,
        sum(n) FILTER (received AND in_set AND NOT ended_by_e AND cls <> 'dung'
                         AND due_before_e) AS dang_qua_han,
        sum(n) FILTER (received AND in_ky AND dvc) AS ky_dvc,
        sum(n) FILTER (received AND in_ky AND phi) AS ky_phi,
        sum(n) FILTER (received AND in_ky AND phi AND tttt) AS ky_phi_tttt,
        sum(n) FILTER (received AND in_ky AND shs) AS ky_so_hoa_hs
    FROM placed
    GROUP BY lvl, don_vi
),

keys AS (
    SELECT count(*) - count(DISTINCT ma_ho_so) AS trung_lap FROM input
)

-- Total, per level, per unit: sums of the unit counts.
SELECT
    GROUPING(lvl, don_vi) AS g,
    lvl,
    don_vi,
    coalesce(sum(so_dong), 0)::BIGINT AS so_dong,
    coalesce(sum(chua_tiep_nhan), 0)::BIGINT AS chua_tiep_nhan,
    coalesce(sum(bad), 0)::BIGINT AS bad,
    any_value(keys.trung_lap) AS trung_lap,
    coalesce(sum(ky_truoc), 0)::BIGINT AS ky_truoc,
    coalesce(sum(trong_ky), 0)::BIGINT AS trong_ky,
    coalesce(sum(truc_tuyen), 0)::BIGINT AS truc_tuyen,
    coalesce(sum(truc_tiep), 0)::BIGINT AS truc_tiep,
    coalesce(sum(buu_chinh), 0)::BIGINT AS buu_chinh,
    coalesce(sum(dg_truoc_han), 0)::BIGINT AS dg_truoc_han,
    coalesce(sum(dg_dung_han), 0)::BIGINT AS dg_dung_han,
    coalesce(sum(dg_qua_han), 0)::BIGINT AS dg_qua_han,
    coalesce(sum(dg_so_hoa_kq), 0)::BIGINT AS dg_so_hoa_kq,
    coalesce(sum(tra_lai), 0)::BIGINT AS tra_lai,
    coalesce(sum(rut), 0)::BIGINT AS rut,
    coalesce(sum(tam_dung), 0)::BIGINT AS tam_dung,
    coalesce(sum(dang_trong_han), 0)::BIGINT AS dang_trong_han,
    coalesce(sum(dang_qua_han), 0)::BIGINT AS dang_qua_han,
    coalesce(sum(ky_dvc), 0)::BIGINT AS ky_dvc,
    coalesce(sum(ky_phi), 0)::BIGINT AS ky_phi,
    coalesce(sum(ky_phi_tttt), 0)::BIGINT AS ky_phi_tttt,
    coalesce(sum(ky_so_hoa_hs), 0)::BIGINT AS ky_so_hoa_hs
FROM per_unit, keys
GROUP BY GROUPING SETS ((), (lvl), (lvl, don_vi))
ORDER BY GROUPING(lvl, don_vi) DESC, lvl, don_vi;
