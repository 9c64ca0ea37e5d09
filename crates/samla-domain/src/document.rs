//! The document kernel's rules: a document is a set of named sections, every saved
//! version of it has a SHA-256 of its content, any two versions compare word by word,
//! and two editors who started from the same version merge section by section.
//!
//! A section is the unit of locking. Two people editing different sections never
//! conflict: each save takes the other's sections as they are. Only a section both
//! changed, differently, needs a person to choose, and nothing is saved until they do.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A document's sections by key. A row inside a document (a finding, a follow-up item)
/// is its own section, keyed by its stable id, so a row that is absent was removed.
pub type Sections = BTreeMap<String, String>;

/// The SHA-256 of a version's content, in lower-case hex: what an approval names.
pub fn hash(content: &str) -> String {
    Sha256::digest(content.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A section both editors changed, each in their own way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clash {
    pub section: String,
    /// `None` where that side removed the section (a row).
    pub mine: Option<String>,
    pub theirs: Option<String>,
}

/// The result of a three-way merge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merge {
    /// Every section that is settled, with its text; a removed row is absent.
    pub settled: Sections,
    /// Sections only the other editor changed, which now carry their text.
    pub taken: Vec<String>,
    /// Sections both changed; each needs an explicit choice.
    pub clashes: Vec<Clash>,
}

/// Merges `mine` and `theirs`, both edited from `base`. A section only one side changed
/// takes that side's text; a section both changed the same way is settled; a section
/// both changed differently is a clash and stays out of `settled`.
pub fn merge(base: &Sections, mine: &Sections, theirs: &Sections) -> Merge {
    let mut out = Merge::default();
    let keys: std::collections::BTreeSet<&String> = base
        .keys()
        .chain(mine.keys())
        .chain(theirs.keys())
        .collect();
    for key in keys {
        let (b, m, t) = (base.get(key), mine.get(key), theirs.get(key));
        let result = if m == t || t == b {
            m
        } else if m == b {
            if t != m {
                out.taken.push(key.clone());
            }
            t
        } else {
            out.clashes.push(Clash {
                section: key.clone(),
                mine: m.cloned(),
                theirs: t.cloned(),
            });
            continue;
        };
        if let Some(text) = result {
            out.settled.insert(key.clone(), text.clone());
        }
    }
    out
}

/// One part of a parted document compared between two versions: whether its stored value
/// changed, and its text as `readable` words it, word by word.
pub fn compare_part(
    key: &str,
    old: &Sections,
    new: &Sections,
    readable: impl Fn(&str, Option<&String>) -> String,
) -> (bool, Vec<Piece>) {
    let (before, after) = (old.get(key), new.get(key));
    (
        before != after,
        word_diff(&readable(key, before), &readable(key, after)),
    )
}

/// A run of words in a comparison of two texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Piece {
    pub change: PieceChange,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PieceChange {
    Same,
    Added,
    Removed,
}

/// A word-level comparison of `old` and `new` that reads as text: each run of changed
/// words is one removal followed by one addition (the spaces between changed words
/// belong to the run, so "fem ledere" → "seks ledere i mai" does not interleave), and a
/// text mostly rewritten is shown as the old text removed and the new one added.
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::from_words(old, new);
    let mut pieces: Vec<Piece> = Vec::new();
    let (mut removed, mut added, mut same_chars) = (String::new(), String::new(), 0usize);
    let flush = |pieces: &mut Vec<Piece>, removed: &mut String, added: &mut String| {
        for (change, text) in [
            (PieceChange::Removed, std::mem::take(removed)),
            (PieceChange::Added, std::mem::take(added)),
        ] {
            if !text.is_empty() {
                pieces.push(Piece { change, text });
            }
        }
    };
    let changes: Vec<_> = diff.iter_all_changes().collect();
    for (i, change) in changes.iter().enumerate() {
        let value = change.value();
        match change.tag() {
            ChangeTag::Delete => removed.push_str(value),
            ChangeTag::Insert => added.push_str(value),
            ChangeTag::Equal => {
                // Spaces between two changes stay inside the run of changes.
                let inside = value.trim().is_empty()
                    && (!removed.is_empty() || !added.is_empty())
                    && changes[i + 1..]
                        .iter()
                        .find(|c| !c.value().trim().is_empty() || c.tag() != ChangeTag::Equal)
                        .is_some_and(|c| c.tag() != ChangeTag::Equal);
                if inside {
                    removed.push_str(value);
                    added.push_str(value);
                    continue;
                }
                flush(&mut pieces, &mut removed, &mut added);
                same_chars += value.trim().chars().count();
                match pieces.last_mut() {
                    Some(last) if last.change == PieceChange::Same => last.text.push_str(value),
                    _ => pieces.push(Piece {
                        change: PieceChange::Same,
                        text: value.to_owned(),
                    }),
                }
            }
        }
    }
    flush(&mut pieces, &mut removed, &mut added);
    let longest = old.trim().chars().count().max(new.trim().chars().count());
    if longest > 0 && same_chars * 3 < longest {
        // Mostly rewritten: word-by-word marks would only be noise.
        return [(PieceChange::Removed, old), (PieceChange::Added, new)]
            .into_iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(change, text)| Piece {
                change,
                text: text.to_owned(),
            })
            .collect();
    }
    pieces
}

/// The sections whose text differs between two versions, in key order.
pub fn changed_sections(old: &Sections, new: &Sections) -> Vec<String> {
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(pairs: &[(&str, &str)]) -> Sections {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_hash_is_sha256_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn sections_changed_by_one_side_take_that_side() {
        let base = doc(&[("facts", "a"), ("advice", "b"), ("row:1", "r")]);
        let mine = doc(&[("facts", "a mine"), ("advice", "b"), ("row:1", "r")]);
        let theirs = doc(&[("facts", "a"), ("advice", "b theirs")]);
        let m = merge(&base, &mine, &theirs);
        assert!(m.clashes.is_empty());
        assert_eq!(
            m.settled,
            doc(&[("facts", "a mine"), ("advice", "b theirs")]),
            "a row the other removed and I left alone is removed"
        );
        assert_eq!(m.taken, vec!["advice".to_string(), "row:1".to_string()]);
    }

    #[test]
    fn a_section_both_changed_differently_is_a_clash_and_not_settled() {
        let base = doc(&[("facts", "a"), ("advice", "b")]);
        let mine = doc(&[("facts", "mine"), ("advice", "same")]);
        let theirs = doc(&[("facts", "theirs"), ("advice", "same")]);
        let m = merge(&base, &mine, &theirs);
        assert_eq!(
            m.clashes,
            vec![Clash {
                section: "facts".into(),
                mine: Some("mine".into()),
                theirs: Some("theirs".into())
            }]
        );
        assert_eq!(m.settled, doc(&[("advice", "same")]));
        assert!(m.taken.is_empty());
    }

    #[test]
    fn a_row_one_side_changed_and_the_other_removed_is_a_clash() {
        let base = doc(&[("row:1", "r")]);
        let m = merge(&base, &doc(&[("row:1", "changed")]), &doc(&[]));
        assert_eq!(m.clashes.len(), 1);
        assert_eq!(m.clashes[0].theirs, None);
    }

    #[test]
    fn rows_added_on_both_sides_are_kept() {
        let base = doc(&[]);
        let m = merge(&base, &doc(&[("new:0", "x")]), &doc(&[("row:7", "y")]));
        assert_eq!(m.settled, doc(&[("new:0", "x"), ("row:7", "y")]));
    }

    #[test]
    fn a_word_diff_rebuilds_both_texts_and_marks_changed_words() {
        let (old, new) = (
            "Vi møtte fem ledere fra skole og helse i bydelen.",
            "Vi møtte seks ledere fra skole og helse i bydelen i mai.",
        );
        let pieces = word_diff(old, new);
        let side = |skip: PieceChange| -> String {
            pieces
                .iter()
                .filter(|p| p.change != skip)
                .map(|p| p.text.as_str())
                .collect()
        };
        assert_eq!(side(PieceChange::Added), old);
        assert_eq!(side(PieceChange::Removed), new);
        assert_eq!(pieces[0].text, "Vi møtte ");
        assert!(
            pieces
                .iter()
                .any(|p| p.change == PieceChange::Removed && p.text == "fem")
                || pieces
                    .iter()
                    .any(|p| p.change == PieceChange::Removed && p.text.starts_with("fem"))
        );
        assert!(
            pieces
                .iter()
                .any(|p| p.change == PieceChange::Added && p.text.starts_with("seks"))
        );
    }

    #[test]
    fn a_rewritten_text_is_one_removal_and_one_addition() {
        let pieces = word_diff(
            "Bydelen har om lag 33 000 innbyggere.",
            "Fakta rettet av lederen.",
        );
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0].change, PieceChange::Removed);
        assert_eq!(pieces[1].text, "Fakta rettet av lederen.");
    }

    #[test]
    fn changed_words_next_to_each_other_are_one_run() {
        let pieces = word_diff(
            "Kommunen har en plan for skole og barnehage i dag.",
            "Kommunen har en ny strategi for skole og barnehage i dag.",
        );
        let of = |kind: PieceChange| -> Vec<&str> {
            pieces
                .iter()
                .filter(|p| p.change == kind)
                .map(|p| p.text.as_str())
                .collect()
        };
        assert_eq!(of(PieceChange::Removed), vec!["plan"], "{pieces:?}");
        assert_eq!(of(PieceChange::Added), vec!["ny strategi"], "{pieces:?}");
    }

    #[test]
    fn changed_sections_name_added_removed_and_edited_ones() {
        let old = doc(&[("a", "1"), ("b", "2")]);
        let new = doc(&[("b", "3"), ("c", "4")]);
        assert_eq!(changed_sections(&old, &new), vec!["a", "b", "c"]);
    }
}
