"""Makes the second of two overlapping exports tell a different story about
the dossiers they share, so that which reading wins shows in the figures.

    python3 bench/overlap_edit.py SRC.csv DST.csv K

Copies SRC (a canonical CSV from the generator) to DST with the first K data
rows changed, as a later export would show them: the channel swapped
between "Trực tuyến" and "Trực tiếp", and so_hoa_ho_so between "Có" and
"Không". Both stay valid SPEC §1 values, and both move figures of the period
(truc_tuyen, truc_tiep, so_hoa_dau_vao), so an engine that kept the other
reading of a shared dossier disagrees. Standard library only.
"""

import csv
import sys

SWAP = {
    "kenh": {"Trực tuyến": "Trực tiếp", "Trực tiếp": "Trực tuyến"},
    "so_hoa_ho_so": {"Có": "Không", "Không": "Có"},
}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, dst, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(src, encoding="utf-8", newline="") as f, \
            open(dst, "w", encoding="utf-8", newline="") as out:
        rows = csv.reader(f)
        w = csv.writer(out, lineterminator="\n")
        header = next(rows)
        w.writerow(header)
        cols = {header.index(c): m for c, m in SWAP.items()}
        changed = 0
        for i, row in enumerate(rows):
            if i < k:
                for c, m in cols.items():
                    if row[c] in m:
                        row[c] = m[row[c]]
                        changed += 1
            w.writerow(row)
    print(f"{dst}: {changed} values changed in the first {k} rows")


if __name__ == "__main__":
    main()
