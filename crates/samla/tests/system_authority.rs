//! The system authority stands in for every actor's proof, so only the command line and
//! the demo set-up (this crate's `src/`) may ask for it. Tests set up their worlds with
//! it too, and so does the test kit (`samla-db/src/testing.rs`, which fills the template
//! databases tests are cloned from); no other library code, route or store function does.

use std::path::{Path, PathBuf};

const NAME: &str = "system_authority_for_command_line_and_demo";

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_command_line_and_the_demo_hold_the_system_authority() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut users = Vec::new();
    for krate in std::fs::read_dir(crates).unwrap() {
        let src = krate.unwrap().path().join("src");
        if !src.is_dir() {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for file in files {
            if std::fs::read_to_string(&file).unwrap().contains(NAME) {
                users.push(file.strip_prefix(crates).unwrap().display().to_string());
            }
        }
    }
    users.sort();
    assert_eq!(
        users,
        vec![
            "samla-db/src/testing.rs",
            "samla-domain/src/access.rs",
            "samla/src/demo.rs",
            "samla/src/main.rs"
        ],
        "the system authority is for the command line and the demo only"
    );
}
