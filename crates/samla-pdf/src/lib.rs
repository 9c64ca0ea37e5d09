//! PDF documents, made inside the binary.
//!
//! Every PDF samla hands out (the assignment, a county plan, a yearly report, the synthesis,
//! a published dialogue report) is a [`Document`]: a title, the organisation that issues it,
//! a date, the interface language and a list of [`Block`]s. Typst typesets one fixed template
//! (`template.typ`) that reads the document as JSON data, so text a user wrote is only ever
//! set as text and never read as markup. The output is a tagged PDF conforming to PDF/UA-1,
//! with the document's language, a title, real headings, table headers and page numbers.

mod world;

use serde::Serialize;

/// A document to be typeset.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// BCP 47 language of the text: `nb`, `nn` or `en`.
    pub lang: String,
    pub title: String,
    /// The embete's or the secretariat's name, on the title page and in every footer.
    pub issuer: String,
    /// The date the document speaks for, already written out in `lang`.
    pub date: String,
    /// Words of the page footer ("Side 3 av 7"), in `lang`.
    pub page_word: String,
    pub of_word: String,
    pub blocks: Vec<Block>,
}

/// One piece of a document's body.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A heading below the document title; level 1 is the highest.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
    },
    /// Label–value pairs, such as status, owner and deadline.
    Facts {
        items: Vec<(String, String)>,
    },
    List {
        items: Vec<String>,
    },
    Table {
        caption: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

impl Document {
    pub fn new(lang: &str, title: impl Into<String>, issuer: impl Into<String>) -> Self {
        Self {
            lang: lang.to_owned(),
            title: title.into(),
            issuer: issuer.into(),
            date: String::new(),
            page_word: String::new(),
            of_word: String::new(),
            blocks: Vec::new(),
        }
    }

    pub fn heading(&mut self, level: u8, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Heading {
            level: level.clamp(1, 4),
            text: text.into(),
        });
        self
    }

    /// Adds a user's text: blank lines part paragraphs, single line breaks stay.
    pub fn text(&mut self, text: &str) -> &mut Self {
        let normalized = text.replace("\r\n", "\n");
        for part in normalized.split("\n\n") {
            let part = part.trim();
            if !part.is_empty() {
                self.blocks.push(Block::Paragraph {
                    text: part.to_owned(),
                });
            }
        }
        self
    }

    pub fn facts(&mut self, items: Vec<(String, String)>) -> &mut Self {
        let items: Vec<_> = items.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        if !items.is_empty() {
            self.blocks.push(Block::Facts { items });
        }
        self
    }

    pub fn list(&mut self, items: Vec<String>) -> &mut Self {
        if !items.is_empty() {
            self.blocks.push(Block::List { items });
        }
        self
    }

    pub fn table(
        &mut self,
        caption: impl Into<String>,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    ) -> &mut Self {
        self.blocks.push(Block::Table {
            caption: caption.into(),
            header,
            rows,
        });
        self
    }

    /// Typesets the document. Takes tens of milliseconds; call it off the async runtime.
    pub fn render(&self) -> Result<Vec<u8>, PdfError> {
        for block in &self.blocks {
            if let Block::Table { header, rows, .. } = block
                && (header.is_empty() || rows.iter().any(|row| row.len() != header.len()))
            {
                return Err(PdfError::Shape);
            }
        }
        let data = serde_json::to_vec(self).map_err(|e| PdfError::Typeset(e.to_string()))?;
        world::typeset(data)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("a table's rows must have as many cells as its header")]
    Shape,
    #[error("the PDF could not be typeset: {0}")]
    Typeset(String),
}
