//! Unit and field names, interned to small integers once per distinct
//! spelling, with the units' levels from config or from their names.

use crate::hash::FastMap;
use std::sync::{Arc, OnceLock};

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

/// The names of a scan, or of one part of it over a published copy of
/// the scan's names so far ([`Names::over`]): ids below the copy's counts
/// are the copy's, which are the scan's, and only names new to it are
/// interned here, so a range of a file that meets ten thousand known units
/// interns nothing.
#[derive(Debug, Default)]
pub struct Names {
    /// The scan's names when this part began; `units` and `domains` hold
    /// only the names after them.
    base: Option<Arc<Names>>,
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

    /// Names for one part of a scan: `base`'s, and those the part adds.
    /// `base` must be a [`Names::copy`] of the names the part is imported
    /// into, as they were then (names are only ever added).
    pub fn over(base: Arc<Names>) -> Names {
        Names {
            base: Some(base),
            ..Names::default()
        }
    }

    /// A copy of these names (of a scan, not of a part), to publish to
    /// the threads that read.
    pub fn copy(&self) -> Names {
        Names {
            base: None,
            units: self.units.clone(),
            unit_levels: self.unit_levels.clone(),
            unit_ids: self.unit_ids.clone(),
            unit_raw: self.unit_raw.clone(),
            domains: self.domains.clone(),
            domain_ids: self.domain_ids.clone(),
            domain_raw: self.domain_raw.clone(),
            unit_order: OnceLock::new(),
        }
    }

    /// Units and fields in all, with the base's.
    pub fn counts(&self) -> (u32, u32) {
        let (units, domains) = self.base_len();
        (
            units + self.units.len() as u32,
            domains + self.domains.len() as u32,
        )
    }

    fn base_len(&self) -> (u32, u32) {
        self.base.as_ref().map_or((0, 0), |b| b.counts())
    }

    /// The id of a clean unit name (or alias) known here or in the base.
    fn unit_id(&self, name: &str) -> Option<UnitId> {
        self.unit_ids
            .get(name)
            .or_else(|| self.base.as_ref()?.unit_ids.get(name))
            .copied()
    }

    fn add_unit(&mut self, name: String, level: Option<Level>) -> UnitId {
        if let Some(id) = self.unit_id(&name) {
            return id;
        }
        let id = self.base_len().0 + self.units.len() as UnitId;
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
            let mut ids: Vec<usize> = (0..self.counts().0 as usize).collect();
            ids.sort_by_cached_key(|&i| crate::text::vi_key(self.unit_name(i as UnitId)));
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
        if let Some(&id) = self.base.as_ref().and_then(|b| b.unit_raw.get(raw)) {
            return Some(id);
        }
        let name = clean_name(raw);
        if name.is_empty() {
            return None;
        }
        let id = match self.unit_id(&name) {
            Some(id) => id,
            None => {
                let level = level_from_unit(&name);
                self.add_unit(name, level)
            }
        };
        self.unit_raw.insert(raw.to_string(), id);
        Some(id)
    }

    /// The unit a name (or alias) names, without adding it. Case and
    /// diacritics must match; see [`Names::units`] for suggestions.
    pub fn find(&self, name: &str) -> Option<UnitId> {
        let raw = self.unit_raw.get(name);
        if let Some(&id) = raw.or_else(|| self.base.as_ref()?.unit_raw.get(name)) {
            return Some(id);
        }
        self.unit_id(&clean_name(name)).or_else(|| {
            // Then ignoring case and diacritics, if that names one unit only.
            let wanted = crate::text::fold(name);
            let mut found = self
                .units()
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
        let base = self.base.iter().flat_map(|b| b.units.iter());
        base.chain(&self.units).map(String::as_str)
    }

    /// The level config or the unit's name gives it.
    pub fn unit_level(&self, id: UnitId) -> Option<Level> {
        match (&self.base, id.checked_sub(self.base_len().0)) {
            (Some(b), None) => b.unit_level(id),
            (_, local) => self.unit_levels.get(local? as usize).copied().flatten(),
        }
    }

    pub fn unit_name(&self, id: UnitId) -> &str {
        match (&self.base, id.checked_sub(self.base_len().0)) {
            (Some(b), None) => b.unit_name(id),
            (_, local) => local
                .and_then(|i| self.units.get(i as usize))
                .map_or("", String::as_str),
        }
    }

    /// Adds the names of `other` (read by another thread, over a copy of
    /// these names or none) and returns, for each of its unit and field
    /// ids, the id here.
    pub fn import(&mut self, other: &Names) -> (Vec<UnitId>, Vec<DomainId>) {
        let (units_before, domains_before) = other.base_len();
        let mut units: Vec<UnitId> = (0..units_before).collect();
        for (i, name) in other.units.iter().enumerate() {
            let level = other.unit_levels.get(i).copied().flatten();
            units.push(self.add_unit(name.clone(), level));
        }
        let mut domains: Vec<DomainId> = (0..domains_before).collect();
        domains.extend(other.domains.iter().map(|name| self.domain(name)));
        // Its spellings too, so the next parts find them in one lookup.
        for (raw, &id) in &other.unit_raw {
            if let (false, Some(&to)) = (self.unit_raw.contains_key(raw), units.get(id as usize)) {
                self.unit_raw.insert(raw.clone(), to);
            }
        }
        for (raw, &id) in &other.domain_raw {
            if let (false, Some(&to)) =
                (self.domain_raw.contains_key(raw), domains.get(id as usize))
            {
                self.domain_raw.insert(raw.clone(), to);
            }
        }
        (units, domains)
    }

    /// The field (`linh_vuc`) a spelling names; 0 for empty.
    pub fn domain(&mut self, raw: &str) -> DomainId {
        if let Some(&id) = self.domain_raw.get(raw) {
            return id;
        }
        if let Some(&id) = self.base.as_ref().and_then(|b| b.domain_raw.get(raw)) {
            return id;
        }
        let name = clean_name(raw);
        let known = self.domain_ids.get(&name);
        let id = match known.or_else(|| self.base.as_ref()?.domain_ids.get(&name)) {
            Some(&id) => id,
            None => {
                let id = self.base_len().1 + self.domains.len() as DomainId;
                self.domain_ids.insert(name.clone(), id);
                self.domains.push(name);
                id
            }
        };
        self.domain_raw.insert(raw.to_string(), id);
        id
    }

    pub fn domain_name(&self, id: DomainId) -> &str {
        match (&self.base, id.checked_sub(self.base_len().1)) {
            (Some(b), None) => b.domain_name(id),
            (_, local) => local
                .and_then(|i| self.domains.get(i as usize))
                .map_or("", String::as_str),
        }
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

    /// A part's names over a published copy: known names keep the scan's
    /// ids, new ones come after them and are the scan's once imported,
    /// and the part's spellings are then found in one lookup.
    #[test]
    fn a_part_over_published_names_adds_only_new_ones() {
        let mut scan = Names::new(&[]);
        let a = scan.unit("UBND xã An Bình").unwrap();
        let h = scan.domain("Hộ tịch");
        let mut part = Names::over(Arc::new(scan.copy()));
        assert_eq!(part.unit("UBND xã An Bình"), Some(a));
        assert_eq!(part.unit(" UBND  xã An Bình"), Some(a));
        assert_eq!(part.domain("Hộ tịch"), h);
        let b = part.unit("Phường Bắc Sơn").unwrap();
        let t = part.domain("Tư pháp");
        assert_eq!((b, t), (scan.counts().0, scan.counts().1));
        assert_eq!(part.unit_name(a), "UBND xã An Bình");
        assert_eq!(part.unit_name(b), "Phường Bắc Sơn");
        assert_eq!(part.unit_level(a), Some(Level::Xa));
        assert_eq!(part.domain_name(t), "Tư pháp");
        assert_eq!(
            part.units().collect::<Vec<_>>(),
            ["UBND xã An Bình", "Phường Bắc Sơn"]
        );
        // Another thread added a unit first: the part's new one moves.
        let c = scan.unit("UBND xã Cẩm Lý").unwrap();
        let (units, domains) = scan.import(&part);
        assert_eq!(units[a as usize], a);
        assert_eq!(scan.unit_name(units[b as usize]), "Phường Bắc Sơn");
        assert_ne!(units[b as usize], c);
        assert_eq!(scan.domain_name(domains[t as usize]), "Tư pháp");
        assert_eq!(scan.find(" UBND  xã An Bình"), Some(a));
    }
}
