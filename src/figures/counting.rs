//! How the form's buckets are filled (SPEC §4, `[cach_tinh]`): each bucket
//! apart, as reference 004 does, or as the provincial systems fill Biểu
//! II.06a ("Đúng hạn (bao gồm cả hồ sơ chờ bổ sung và trả lại/xin rút)"),
//! so that a clerk can reproduce the figures the system shows. The counts
//! never change; only where returned, withdrawn and paused dossiers are
//! shown does.

use serde::Serialize;

use super::counts::Counts;

/// Returned and withdrawn dossiers ended in the period (`tra_lai_rut`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndedRule {
    /// In `tra_lai` and `rut` only.
    #[default]
    Rieng,
    /// Also resolved on time (`da_giai_quyet.tong`, `dung_han`).
    DungHan,
}

/// Paused dossiers (`tam_dung`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PausedRule {
    /// In `tam_dung` only.
    #[default]
    Rieng,
    /// Also in progress within the due date (`dang_giai_quyet.tong`,
    /// `trong_han`).
    TrongHan,
}

/// The counting rule, as the JSON states it (`cach_tinh`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counting {
    pub tra_lai_rut: EndedRule,
    pub tam_dung: PausedRule,
}

impl Counting {
    /// The rule a config value names, or why not.
    pub fn parse(tra_lai_rut: Option<&str>, tam_dung: Option<&str>) -> Result<Counting, String> {
        let ended = match tra_lai_rut.map(str::trim) {
            None | Some("rieng") => EndedRule::Rieng,
            Some("dung_han") => EndedRule::DungHan,
            Some(other) => {
                return Err(format!(
                    "[cach_tinh] tra_lai_rut = \"{}\": cần \"rieng\" hoặc \"dung_han\"",
                    crate::text::quote(other)
                ));
            }
        };
        let paused = match tam_dung.map(str::trim) {
            None | Some("rieng") => PausedRule::Rieng,
            Some("trong_han") => PausedRule::TrongHan,
            Some(other) => {
                return Err(format!(
                    "[cach_tinh] tam_dung = \"{}\": cần \"rieng\" hoặc \"trong_han\"",
                    crate::text::quote(other)
                ));
            }
        };
        Ok(Counting {
            tra_lai_rut: ended,
            tam_dung: paused,
        })
    }

    /// Resolved as the form shows it: (early, on time, late).
    pub fn resolved(self, c: &Counts) -> (u64, u64, u64) {
        let extra = match self.tra_lai_rut {
            EndedRule::Rieng => 0,
            EndedRule::DungHan => c.returned + c.withdrawn,
        };
        (c.early, c.on_time + extra, c.late)
    }

    /// In progress as the form shows it: (in time, late).
    pub fn pending(self, c: &Counts) -> (u64, u64) {
        let extra = match self.tam_dung {
            PausedRule::Rieng => 0,
            PausedRule::TrongHan => c.paused,
        };
        (c.pending_in_time + extra, c.pending_late)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts() -> Counts {
        Counts {
            direct: 10,
            carried: 2,
            early: 3,
            on_time: 1,
            late: 1,
            pending_in_time: 2,
            pending_late: 1,
            paused: 2,
            returned: 1,
            withdrawn: 1,
            ..Counts::default()
        }
    }

    #[test]
    fn each_rule_moves_its_buckets_and_the_identity_holds() {
        let c = counts();
        assert_eq!(c.total(), 12);
        for (ended, paused) in [
            (EndedRule::Rieng, PausedRule::Rieng),
            (EndedRule::DungHan, PausedRule::Rieng),
            (EndedRule::Rieng, PausedRule::TrongHan),
            (EndedRule::DungHan, PausedRule::TrongHan),
        ] {
            let rule = Counting {
                tra_lai_rut: ended,
                tam_dung: paused,
            };
            let (early, on_time, late) = rule.resolved(&c);
            let (in_time, pending_late) = rule.pending(&c);
            let separate_ended = if ended == EndedRule::Rieng { 2 } else { 0 };
            let separate_paused = if paused == PausedRule::Rieng { 2 } else { 0 };
            assert_eq!(
                early + on_time + late + in_time + pending_late + separate_ended + separate_paused,
                12,
                "{rule:?}"
            );
            assert_eq!(on_time, if ended == EndedRule::DungHan { 3 } else { 1 });
            assert_eq!(in_time, if paused == PausedRule::TrongHan { 4 } else { 2 });
            assert_eq!((early, late, pending_late), (3, 1, 1));
        }
    }

    #[test]
    fn config_words() {
        assert_eq!(Counting::parse(None, None), Ok(Counting::default()));
        assert_eq!(
            Counting::parse(Some("dung_han"), Some("trong_han")),
            Ok(Counting {
                tra_lai_rut: EndedRule::DungHan,
                tam_dung: PausedRule::TrongHan,
            })
        );
        let e = Counting::parse(Some("dúng hạn"), None).unwrap_err();
        assert!(e.contains("tra_lai_rut") && e.contains("dung_han"), "{e}");
        assert!(Counting::parse(None, Some("x")).is_err());
    }
}
