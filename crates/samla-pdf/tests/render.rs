//! Typesets real documents and reads their text back out of the PDF.

use samla_pdf::{Document, PdfError};

fn sample() -> Document {
    let mut doc = Document::new("nb", "Årsrapport 2019", "Statsforvalteren i Rogaland");
    doc.date = "3. desember 2026".into();
    doc.page_word = "Side".into();
    doc.of_word = "av".into();
    doc.heading(1, "Samordnet støtte til kommunene")
        .facts(vec![
            ("Status".into(), "Gjennomført".into()),
            ("Frist".into(), String::new()),
        ])
        .text("Første avsnitt med #let x = 1 og *stjerner* og $matte$.\n\nAndre avsnitt, linje én\nlinje to.")
        .list(vec!["Barnevern".into(), "Skole".into()])
        .table(
            "Vurderinger per krav",
            vec!["Krav".into(), "Oppfylt".into()],
            vec![vec!["Krav 1".into(), "3".into()]],
        );
    doc
}

fn text_of(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("the PDF's text can be read");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_document_reads_back_as_its_text() {
    let pdf = sample().render().expect("typesets");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf);
    for expected in [
        "Statsforvalteren i Rogaland",
        "Årsrapport 2019",
        "Samordnet støtte til kommunene",
        "Status",
        "Gjennomført",
        "#let x = 1 og *stjerner* og $matte$.",
        "Vurderinger per krav",
        "Side 1 av 1",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from {text:?}"
        );
    }
    // A fact without a value is left out rather than printed as an empty label.
    assert!(!text.contains("Frist"));
}

#[test]
fn the_pdf_is_tagged_and_names_its_language_and_title() {
    let pdf = sample().render().expect("typesets");
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/StructTreeRoot"), "tagged");
    assert!(raw.contains("/Lang(nb)"), "language");
    assert!(raw.contains("pdfuaid"), "claims PDF/UA");
}

#[test]
fn a_long_document_numbers_its_pages() {
    let mut doc = sample();
    for n in 0..40 {
        doc.heading(2, format!("Del {n}"))
            .text(&"Et avsnitt som fyller siden. ".repeat(20));
    }
    let text = text_of(&doc.render().expect("typesets"));
    assert!(text.contains("Side 1 av"), "{text}");
    assert!(text.contains("Side 2 av"));
}

#[test]
fn a_ragged_table_is_refused_before_typesetting() {
    let mut doc = sample();
    doc.table("x", vec!["a".into()], vec![vec!["1".into(), "2".into()]]);
    assert!(matches!(doc.render(), Err(PdfError::Shape)));
}
