//! Unit and field names, interned to small integers once per distinct
//! spelling, with the units' levels from config or from their names.

use crate::hash::FastMap;
use std::sync::OnceLock;

use super::dossier::{DomainId, Level, UnitId};
use super::values::level_from_unit;
use crate::text::clean_name;

/// A unit declared in config (`[[don_vi]]`).
#[derive(Clone, Debug, Default)]
pub struct UnitRule {
    pub name: String,
    pub level: Option<Level>,
    pub aliases: Vec<String>,
}

/// Spellings already cleaned, kept by a reading thread from one part of
/// the input to the next ([`Names::memo`]): with many units, every range
/// of a file meets every unit, and cleaning a name (NFC, spaces, the level
/// it suggests) costs more than reading its rows. Grows with the names.
#[derive(Debug, Default)]
pub struct Memo {
    units: FastMap<String, (String, Option<Level>)>,
    domains: FastMap<String, String>,
}

#[derive(Debug, Default)]
pub struct Names {
    /// Cleaned spellings, lent by the thread that reads.
    pub memo: Memo,
    /// Canonical unit names, by id.
    units: Vec<String>,
    /// The level config or the name gives each unit.
    unit_levels: Vec<Option<Level>>,
    /// Clean names (and aliases) → id.
    unit_ids: FastMap<String, UnitId>,
    /// Raw spellings as read → id, so a repeated spelling costs one lookup.
    unit_raw: FastMap<String, UnitId>,
    domains: Vec<String>,
    domain_ids: FastMap<String, DomainId>,
    domain_raw: FastMap<String, DomainId>,
    /// Each unit's place in Vietnamese alphabetical order, by id: worked
    /// out once, as every table and snapshot sorts units by name.
    unit_order: OnceLock<Vec<u32>>,
}

impl Names {
    pub fn new(rules: &[UnitRule]) -> Names {
        let mut names = Names {
            domains: vec![String::new()],
            ..Names::default()
        };
        names.domain_ids.insert(String::new(), 0);
        for rule in rules {
            let name = clean_name(&rule.name);
            let id = names.add_unit(name.clone(), rule.level.or_else(|| level_from_unit(&name)));
            for alias in &rule.aliases {
                names.unit_ids.insert(clean_name(alias), id);
            }
        }
        names
    }

    fn add_unit(&mut self, name: String, level: Option<Level>) -> UnitId {
        if let Some(&id) = self.unit_ids.get(&name) {
            return id;
        }
        let id = self.units.len() as UnitId;
        self.unit_ids.insert(name.clone(), id);
        self.units.push(name);
        self.unit_levels.push(level);
        self.unit_order = OnceLock::new();
        id
    }

    /// Where unit `id` comes in Vietnamese alphabetical order (SPEC §2):
    /// sorting by it sorts by name.
    pub fn unit_rank(&self, id: UnitId) -> u32 {
        let order = self.unit_order.get_or_init(|| {
            let mut ids: Vec<usize> = (0..self.units.len()).collect();
            ids.sort_by_cached_key(|&i| crate::text::vi_key(&self.units[i]));
            let mut rank = vec![0u32; ids.len()];
            for (place, id) in ids.into_iter().enumerate() {
                rank[id] = place as u32;
            }
            rank
        });
        order.get(id as usize).copied().unwrap_or(u32::MAX)
    }

    /// The unit a spelling names, interning it if new; empty → `None`.
    pub fn unit(&mut self, raw: &str) -> Option<UnitId> {
        if let Some(&id) = self.unit_raw.get(raw) {
            return Some(id);
        }
        let (name, level) = match self.memo.units.get(raw) {
            Some((name, level)) => (name.clone(), *level),
            None => {
                let name = clean_name(raw);
                let level = level_from_unit(&name);
                let entry = (name.clone(), level);
                self.memo.units.insert(raw.to_string(), entry);
                (name, level)
            }
        };
        if name.is_empty() {
            return None;
        }
        let id = match self.unit_ids.get(&name) {
            Some(&id) => id,
            None => self.add_unit(name, level),
        };
        self.unit_raw.insert(raw.to_string(), id);
        Some(id)
    }

    /// The unit a name (or alias) names, without adding it. Case and
    /// diacritics must match; see [`Names::units`] for suggestions.
    pub fn find(&self, name: &str) -> Option<UnitId> {
        if let Some(&id) = self.unit_raw.get(name) {
            return Some(id);
        }
        self.unit_ids.get(&clean_name(name)).copied().or_else(|| {
            // Then ignoring case and diacritics, if that names one unit only.
            let wanted = crate::text::fold(name);
            let mut found = self
                .units
                .iter()
                .enumerate()
                .filter(|(_, u)| crate::text::fold(u) == wanted);
            match (found.next(), found.next()) {
                (Some((id, _)), None) => Some(id as UnitId),
                _ => None,
            }
        })
    }

    /// Every unit's name, in the order first seen.
    pub fn units(&self) -> impl Iterator<Item = &str> {
        self.units.iter().map(String::as_str)
    }

    /// The level config or the unit's name gives it.
    pub fn unit_level(&self, id: UnitId) -> Option<Level> {
        self.unit_levels.get(id as usize).copied().flatten()
    }

    pub fn unit_name(&self, id: UnitId) -> &str {
        self.units.get(id as usize).map_or("", String::as_str)
    }

    /// Adds the names of `other` (read by another thread) and returns, for
    /// each of its unit and field ids, the id here.
    pub fn import(&mut self, other: &Names) -> (Vec<UnitId>, Vec<DomainId>) {
        let units = other
            .units
            .iter()
            .enumerate()
            .map(|(id, name)| match self.unit_ids.get(name) {
                Some(&id) => id,
                None => self.add_unit(name.clone(), other.unit_level(id as UnitId)),
            })
            .collect();
        let domains = other.domains.iter().map(|name| self.domain(name)).collect();
        (units, domains)
    }

    /// The field (`linh_vuc`) a spelling names; 0 for empty.
    pub fn domain(&mut self, raw: &str) -> DomainId {
        if let Some(&id) = self.domain_raw.get(raw) {
            return id;
        }
        let name = match self.memo.domains.get(raw) {
            Some(name) => name.clone(),
            None => {
                let name = clean_name(raw);
                self.memo.domains.insert(raw.to_string(), name.clone());
                name
            }
        };
        let id = match self.domain_ids.get(&name) {
            Some(&id) => id,
            None => {
                let id = self.domains.len() as DomainId;
                self.domain_ids.insert(name.clone(), id);
                self.domains.push(name);
                id
            }
        };
        self.domain_raw.insert(raw.to_string(), id);
        id
    }

    pub fn domain_name(&self, id: DomainId) -> &str {
        self.domains.get(id as usize).map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_spellings_meet_in_one_unit() {
        let mut names = Names::new(&[UnitRule {
            name: "UBND xã Phượng Kỳ".into(),
            level: None,
            aliases: vec!["Xã Phượng Kỳ".into()],
        }]);
        let a = names.unit("UBND xã Phượng Kỳ").unwrap();
        let b = names.unit("  UBND  xã Phượng Kỳ").unwrap();
        let c = names.unit("Xã Phượng Kỳ").unwrap();
        let d = names.unit("UBND xa\u{0303} Phượng Kỳ").unwrap();
        assert!(a == b && b == c && c == d);
        assert_eq!(names.unit_level(a), Some(Level::Xa));
        assert_eq!(names.unit(" "), None);
        let p = names.unit("Bộ phận Một cửa").unwrap();
        assert_eq!(names.unit_level(p), None);
        assert_eq!(names.domain(""), 0);
        let h = names.domain("Hộ tịch");
        assert_eq!(names.domain(" Hộ  tịch "), h);
        assert_eq!(names.domain_name(h), "Hộ tịch");
    }
}
