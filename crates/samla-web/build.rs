//! Builds the stylesheet into the binary: installs the pinned Designsystemet packages
//! from `assets/package-lock.json` with `npm ci` (into OUT_DIR, never the source tree)
//! and joins theme, components and samla's own rules into one file. Lists the texts'
//! files too, so a feature's texts are its `locales/<lang>/<feature>.ftl` and nothing else.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

const PARTS: [&str; 2] = [
    "node_modules/@digdir/designsystemet-theme/src/themes/designsystemet.css",
    "node_modules/@digdir/designsystemet-css/dist/src/index.css",
];

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let assets = manifest.join("assets");
    for f in ["package.json", "package-lock.json", "app.css"] {
        println!("cargo:rerun-if-changed=assets/{f}");
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("out dir"));
    let npm_dir = out.join("npm");
    fs::create_dir_all(&npm_dir).expect("create npm dir");
    let lock = fs::read(assets.join("package-lock.json")).expect("read package-lock.json");
    let installed_lock = fs::read(npm_dir.join("package-lock.json")).ok();
    let installed = PARTS.iter().all(|p| npm_dir.join(p).exists());
    if !installed || installed_lock.as_deref() != Some(&lock[..]) {
        for f in ["package.json", "package-lock.json"] {
            fs::copy(assets.join(f), npm_dir.join(f)).expect("copy npm manifest");
        }
        install(&npm_dir);
    }
    let mut css = String::new();
    for part in PARTS {
        css.push_str(&fs::read_to_string(npm_dir.join(part)).expect("read Designsystemet CSS"));
        css.push('\n');
    }
    css.push_str(&fs::read_to_string(assets.join("app.css")).expect("read app.css"));
    fs::write(out.join("samla.css"), &css).expect("write samla.css");
    // A content hash for cache-busting asset URLs.
    let hash = css.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    });
    println!(
        "cargo:rustc-env=SAMLA_CSS_HASH={:012x}",
        hash & 0xffff_ffff_ffff
    );
    locales(&manifest, &out);
}

/// `FEATURES` (the shared texts first) and `locale_files!`, which embeds one language's
/// files, from `locales/nb/`; every language must have the same files.
fn locales(manifest: &Path, out: &Path) {
    println!("cargo:rerun-if-changed=locales");
    let files = |lang: &str| -> Vec<String> {
        let dir = manifest.join("locales").join(lang);
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .filter_map(|e| {
                let name = e.ok()?.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".ftl").map(str::to_owned)
            })
            .collect();
        names.sort_by_key(|n| (n != "common", n.clone()));
        names
    };
    let features = files("nb");
    for lang in ["nn", "en"] {
        assert_eq!(
            files(lang),
            features,
            "locales/{lang} must have the same .ftl files as locales/nb"
        );
    }
    let list: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
    let mut code = format!(
        "/// The features whose texts have a file of their own in `locales/<lang>/`: what is\n\
         /// shared (navigation, errors, forms) first, then one per feature.\n\
         pub const FEATURES: [&str; {}] = [{}];\n\n\
         macro_rules! locale_files {{\n    ($lang:literal) => {{\n        [\n",
        features.len(),
        list.join(", ")
    );
    for f in &features {
        code.push_str(&format!(
            "            ({f:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/locales/\", $lang, \"/{f}.ftl\"))),\n"
        ));
    }
    code.push_str("        ]\n    };\n}\n");
    fs::write(out.join("locales.rs"), code).expect("write the locale list");
}

fn install(dir: &Path) {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let status = Command::new(npm)
        .args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--loglevel=error",
        ])
        .current_dir(dir)
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "samla needs Node.js and npm to build its stylesheet (running `npm ci` failed: {e})"
            )
        });
    assert!(status.success(), "`npm ci` failed in {}", dir.display());
}
