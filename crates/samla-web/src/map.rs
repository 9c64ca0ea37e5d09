//! The coverage map: municipality shapes coloured by how far each unit's latest
//! dialogue has come. The shapes are built once by `tools/build_geo.py` (projected,
//! simplified SVG paths) and embedded, so a map is string assembly, not geometry.
//!
//! Boundaries exist for the 2020 and 2024 divisions only. Dates before 2020 are drawn
//! on the 2020 shapes: each 2019 municipality is followed through the change table to
//! the shape(s) it became part of, and a shape that several units share shows their
//! stages together (see docs/designs/0005-coverage-map.md). Oslo's districts have no
//! boundaries of their own; they share Oslo's shape the same way.

use crate::i18n::{self, Lang};
use samla_db::dialogue::{Coverage, CoverageUnit};
use samla_domain::dialogue::{Stage, UnitKind};
use samla_domain::regions::MunicipalityChange;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

const OSLO: &str = "0301";

/// One municipality's outline in the map grid (hectometres, x east, y down).
struct Shape {
    number: &'static str,
    bounds: Bounds,
    path: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Bounds {
    min_x: i32,
    min_y: i32,
    max_x: i32,
    max_y: i32,
}

impl Bounds {
    fn union(self, o: Bounds) -> Bounds {
        Bounds {
            min_x: self.min_x.min(o.min_x),
            min_y: self.min_y.min(o.min_y),
            max_x: self.max_x.max(o.max_x),
            max_y: self.max_y.max(o.max_y),
        }
    }

    fn overlaps(self, o: Bounds) -> bool {
        self.min_x <= o.max_x
            && o.min_x <= self.max_x
            && self.min_y <= o.max_y
            && o.min_y <= self.max_y
    }

    /// The SVG viewBox around these bounds with a margin of 3 % on each side.
    fn view_box(self) -> String {
        let (w, h) = (self.max_x - self.min_x, self.max_y - self.min_y);
        let m = (w.max(h) * 3 / 100).max(10);
        format!(
            "{} {} {} {}",
            self.min_x - m,
            self.min_y - m,
            w + 2 * m,
            h + 2 * m
        )
    }
}

/// A set of boundaries and the first day of the division it draws.
struct Edition {
    from: &'static str,
    shapes: Vec<Shape>,
}

fn parse(from: &'static str, csv: &'static str) -> Edition {
    let shapes = csv
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut f = line.splitn(6, ',');
            let mut field = || f.next().expect("six columns in data/geo");
            let number = field();
            let mut n = || field().parse::<i32>().expect("integer bounds in data/geo");
            let bounds = Bounds {
                min_x: n(),
                min_y: n(),
                max_x: n(),
                max_y: n(),
            };
            Shape {
                number,
                bounds,
                path: field(),
            }
        })
        .collect();
    Edition { from, shapes }
}

static EDITION_2020: LazyLock<Edition> = LazyLock::new(|| {
    parse(
        "2020-01-01",
        include_str!("../../../data/geo/municipalities-2020.csv"),
    )
});
static EDITION_2024: LazyLock<Edition> = LazyLock::new(|| {
    parse(
        "2024-01-01",
        include_str!("../../../data/geo/municipalities-2024.csv"),
    )
});

/// The boundaries to draw a date on: the 2024 division from 2024, otherwise 2020's.
fn edition_for(date: &str) -> &'static Edition {
    if date >= EDITION_2024.from {
        &EDITION_2024
    } else {
        &EDITION_2020
    }
}

/// How a unit shows on the map: the stages grouped as the table's markers group them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    None,
    Started,
    Working,
    Published,
    Declined,
    /// A shape shared by units in different classes (a merger, or Oslo's districts).
    Mixed,
}

impl Class {
    pub const UNIT_CLASSES: [Class; 5] = [
        Class::None,
        Class::Started,
        Class::Working,
        Class::Published,
        Class::Declined,
    ];

    pub fn of(stage: Option<Stage>) -> Class {
        match stage {
            None => Class::None,
            Some(Stage::Planned | Stage::Invited | Stage::Accepted) => Class::Started,
            Some(Stage::Declined) => Class::Declined,
            Some(Stage::Published) => Class::Published,
            Some(_) => Class::Working,
        }
    }

    /// The CSS class and the suffix of the legend's text key.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::None => "none",
            Class::Started => "started",
            Class::Working => "working",
            Class::Published => "published",
            Class::Declined => "declined",
            Class::Mixed => "mixed",
        }
    }
}

/// One drawn shape with the units it stands for.
pub struct Area {
    pub class: Class,
    /// What a pointer shows on hover: each unit with its stage.
    pub label: String,
    pub path: &'static str,
}

/// One line of the legend: a class and how many units are in it.
pub struct LegendEntry {
    pub class: Class,
    pub count: usize,
}

/// A coverage map ready for the template.
pub struct CoverageMap {
    pub view_box: String,
    /// Neighbouring shapes outside the area, drawn faintly for orientation.
    pub context: Vec<&'static str>,
    pub areas: Vec<Area>,
    pub legend: Vec<LegendEntry>,
    /// Whether any shape stands for units in different classes.
    pub has_mixed: bool,
    /// Whether the date is drawn on later boundaries (2019 on 2020's).
    pub later_boundaries: bool,
    /// Whether Oslo's districts are shown on Oslo's shape.
    pub has_districts: bool,
    /// Units with no boundary to draw (named under the map).
    pub missing: Vec<String>,
}

/// The shapes a unit valid on `date` is drawn on: its own number if the edition has
/// it, otherwise the numbers it became at the reforms up to the edition's start.
fn shapes_of(
    unit: &CoverageUnit,
    date: &str,
    edition: &Edition,
    successors: &BTreeMap<&str, Vec<&str>>,
    has: &BTreeSet<&'static str>,
) -> Vec<&'static str> {
    let first = if unit.kind == UnitKind::District {
        OSLO
    } else {
        unit.number.as_str()
    };
    let mut found = Vec::new();
    let mut seen = BTreeSet::from([first]);
    let mut queue = vec![first];
    while let Some(n) = queue.pop() {
        let later: &[&str] = if date < edition.from {
            successors.get(n).map(Vec::as_slice).unwrap_or_default()
        } else {
            &[]
        };
        if later.is_empty() {
            found.extend(has.get(n).copied());
        } else {
            for &m in later {
                if seen.insert(m) {
                    queue.push(m);
                }
            }
        }
    }
    found.sort_unstable();
    found
}

/// Draws `coverage` (units valid on `date`, ISO) on the boundaries for that date.
/// `changes` is the municipality change table; `whole_country` draws every shape's
/// neighbours as context only when a single embete is shown.
pub fn build(
    coverage: &Coverage,
    date: &str,
    changes: &[MunicipalityChange],
    whole_country: bool,
    lang: Lang,
) -> CoverageMap {
    let edition = edition_for(date);
    let has: BTreeSet<&'static str> = edition.shapes.iter().map(|s| s.number).collect();
    // Only the reforms after the date and up to the edition's start move a unit.
    let mut successors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for ch in changes {
        if ch.date.as_str() > date && ch.date.as_str() <= edition.from {
            successors
                .entry(ch.predecessor.as_str())
                .or_default()
                .push(ch.successor.as_str());
        }
    }
    let mut per_shape: BTreeMap<&'static str, Vec<&CoverageUnit>> = BTreeMap::new();
    let mut missing = Vec::new();
    let mut counts: BTreeMap<Class, usize> = BTreeMap::new();
    for unit in &coverage.units {
        *counts.entry(Class::of(unit.stage)).or_default() += 1;
        let shapes = shapes_of(unit, date, edition, &successors, &has);
        if shapes.is_empty() {
            missing.push(unit.name.clone());
        }
        for s in shapes {
            per_shape.entry(s).or_default().push(unit);
        }
    }
    let mut bounds: Option<Bounds> = None;
    let mut areas = Vec::with_capacity(per_shape.len());
    for shape in &edition.shapes {
        let Some(units) = per_shape.get(shape.number) else {
            continue;
        };
        bounds = Some(bounds.map_or(shape.bounds, |b| b.union(shape.bounds)));
        let first = Class::of(units[0].stage);
        let class = if units.iter().all(|u| Class::of(u.stage) == first) {
            first
        } else {
            Class::Mixed
        };
        let label = units
            .iter()
            .map(|u| unit_label(u, lang))
            .collect::<Vec<_>>()
            .join("\n");
        areas.push(Area {
            class,
            label,
            path: shape.path,
        });
    }
    let bounds = bounds.unwrap_or(Bounds {
        min_x: 0,
        min_y: 0,
        max_x: 12400,
        max_y: 15300,
    });
    let context = if whole_country {
        Vec::new()
    } else {
        edition
            .shapes
            .iter()
            .filter(|s| !per_shape.contains_key(s.number) && s.bounds.overlaps(bounds))
            .map(|s| s.path)
            .collect()
    };
    let has_mixed = areas.iter().any(|a| a.class == Class::Mixed);
    CoverageMap {
        view_box: bounds.view_box(),
        context,
        areas,
        legend: Class::UNIT_CLASSES
            .iter()
            .map(|&class| LegendEntry {
                class,
                count: counts.get(&class).copied().unwrap_or(0),
            })
            .collect(),
        has_mixed,
        later_boundaries: date < EDITION_2020.from,
        has_districts: coverage.units.iter().any(|u| u.kind == UnitKind::District),
        missing,
    }
}

/// "Hurdal (3242): Publisert 12. mars 2021", one line of a shape's hover text.
fn unit_label(u: &CoverageUnit, lang: Lang) -> String {
    let stage = match u.stage {
        Some(s) => i18n::text(lang, &format!("stage-{}", s.as_str()), &[]),
        None => i18n::text(lang, "stage-none", &[]),
    };
    match &u.stage_date {
        Some(d) => format!(
            "{} ({}): {stage}, {}",
            u.name,
            u.number,
            i18n::format_iso_date(lang, d)
        ),
        None => format!("{} ({}): {stage}", u.name, u.number),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(number: &str, kind: UnitKind, stage: Option<Stage>) -> CoverageUnit {
        CoverageUnit {
            number: number.into(),
            name: format!("Enhet {number}"),
            kind,
            stage,
            stage_date: stage.map(|_| "2019-05-01".into()),
            report_url: None,
        }
    }

    fn change(date: &str, from: &str, to: &str) -> MunicipalityChange {
        MunicipalityChange {
            date: date.into(),
            predecessor: from.into(),
            successor: to.into(),
            kind: samla_domain::regions::ChangeKind::Merged,
        }
    }

    fn coverage(units: Vec<CoverageUnit>) -> Coverage {
        let total = units.len();
        Coverage {
            units,
            completed: 0,
            total,
        }
    }

    #[test]
    fn every_shape_parses_and_lies_inside_the_national_frame() {
        for e in [&*EDITION_2020, &*EDITION_2024] {
            assert!(e.shapes.len() >= 354, "{}", e.from);
            for s in &e.shapes {
                assert!(
                    s.path.starts_with('M') && s.path.ends_with('z'),
                    "{}",
                    s.number
                );
                assert!(
                    s.bounds.min_x >= 0 && s.bounds.max_y <= 15300,
                    "{}",
                    s.number
                );
            }
        }
    }

    /// Every municipality of every division has a place on the map, except the two
    /// islands the 2020 boundaries leave out (named under the map instead).
    #[test]
    fn every_municipality_of_every_year_is_drawn() {
        let rows = include_str!("../../../data/regions/municipalities.csv");
        let changes: Vec<MunicipalityChange> =
            include_str!("../../../data/regions/municipality_changes.csv")
                .lines()
                .skip(1)
                .map(|l| {
                    let f: Vec<&str> = l.split(',').collect();
                    change(f[0], f[1], f[2])
                })
                .collect();
        for (date, missing) in [
            ("2019-06-01", vec!["Kvitsøy", "Træna"]),
            ("2021-06-01", vec!["Kvitsøy", "Træna"]),
            ("2024-06-01", vec![]),
        ] {
            let units = rows
                .lines()
                .skip(1)
                .map(|l| l.split(',').collect::<Vec<_>>())
                .filter(|f| f[4] <= date && (f[5].is_empty() || f[5] >= date))
                .map(|f| CoverageUnit {
                    name: f[1].into(),
                    ..unit(f[0], UnitKind::Municipality, None)
                })
                .collect::<Vec<_>>();
            assert!(units.len() > 350, "{date}");
            let map = build(&coverage(units), date, &changes, true, Lang::Nb);
            assert_eq!(map.missing, missing, "{date}");
        }
    }

    #[test]
    fn a_2019_municipality_is_drawn_on_its_2020_successor() {
        // Hurdal 0239 became 3037 in 2020; Asker, Røyken and Hurum became Asker 3025.
        let changes = vec![
            change("2020-01-01", "0239", "3037"),
            change("2020-01-01", "0220", "3025"),
            change("2020-01-01", "0627", "3025"),
            change("2020-01-01", "0628", "3025"),
            change("2024-01-01", "3037", "3242"),
        ];
        let c = coverage(vec![
            unit("0239", UnitKind::Municipality, Some(Stage::Published)),
            unit("0220", UnitKind::Municipality, Some(Stage::Published)),
            unit("0627", UnitKind::Municipality, None),
            unit("0628", UnitKind::Municipality, None),
        ]);
        let map = build(&c, "2019-06-01", &changes, false, Lang::Nb);
        assert_eq!(map.areas.len(), 2);
        assert!(map.later_boundaries);
        assert!(
            map.has_mixed,
            "Asker's shape holds a published and two unstarted units"
        );
        assert!(map.missing.is_empty());
        let classes: Vec<Class> = map.areas.iter().map(|a| a.class).collect();
        assert!(classes.contains(&Class::Published) && classes.contains(&Class::Mixed));
        assert_eq!(map.legend[0].count, 2, "two units have no dialogue");
        assert_eq!(map.legend[3].count, 2, "two units are published");
        assert!(
            !map.context.is_empty(),
            "neighbours are drawn for orientation"
        );
    }

    #[test]
    fn oslo_districts_share_oslos_shape_and_missing_shapes_are_named() {
        let c = coverage(vec![
            unit("030101", UnitKind::District, Some(Stage::Published)),
            unit("030102", UnitKind::District, Some(Stage::Published)),
            unit("1144", UnitKind::Municipality, None),
        ]);
        let map = build(&c, "2021-06-01", &[], true, Lang::Nb);
        assert_eq!(map.areas.len(), 1);
        assert_eq!(map.areas[0].class, Class::Published);
        assert!(map.areas[0].label.contains("030102"));
        assert!(map.has_districts);
        assert_eq!(
            map.missing,
            vec!["Enhet 1144".to_owned()],
            "Kvitsøy has no 2020 shape"
        );
        // From 2024 the boundaries include Kvitsøy.
        let later = build(&c, "2024-06-01", &[], true, Lang::Nb);
        assert!(later.missing.is_empty());
        assert!(
            later.context.is_empty(),
            "the whole country needs no context"
        );
    }
}
