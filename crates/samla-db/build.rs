//! Lists the migrations from their files, so a new one is a file in each backend's folder
//! and nothing else: `migrations/{sqlite,postgres}/NNNN_name.sql`, the same numbers and
//! names in both (the build fails otherwise), applied in number order.

use std::collections::BTreeMap;
use std::path::Path;
use std::{env, fs};

fn migrations(dir: &Path) -> BTreeMap<u32, String> {
    let mut found = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let name = entry.expect("migration entry").file_name();
        let name = name.to_string_lossy();
        let Some(stem) = name.strip_suffix(".sql") else {
            continue;
        };
        let (number, _) = stem
            .split_once('_')
            .unwrap_or_else(|| panic!("migration {name} is not named NNNN_name.sql"));
        let number: u32 = number
            .parse()
            .unwrap_or_else(|_| panic!("migration {name} does not start with its number"));
        if let Some(other) = found.insert(number, stem.to_owned()) {
            panic!("migrations {other} and {stem} have the same number");
        }
    }
    found
}

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("manifest dir");
    let root = Path::new(&manifest).join("migrations");
    println!("cargo:rerun-if-changed=migrations");
    let sqlite = migrations(&root.join("sqlite"));
    let postgres = migrations(&root.join("postgres"));
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must hold the same migrations"
    );
    let mut code = String::from("const MIGRATIONS: &[Migration] = &[\n");
    for (number, stem) in &sqlite {
        let name = stem.split_once('_').map(|(_, n)| n).unwrap_or_default();
        code.push_str(&format!(
            "    Migration {{ version: {number}, name: {name:?}, \
             sqlite: include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/migrations/sqlite/{stem}.sql\")), \
             postgres: include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/migrations/postgres/{stem}.sql\")) }},\n"
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").expect("out dir")).join("migrations.rs");
    fs::write(out, code).expect("write the migration list");
}
