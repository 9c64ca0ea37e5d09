//! The closed world typst typesets in: one template, one data file, the fonts bundled with
//! typst itself. Nothing is read from disk or the network.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::PdfError;

const TEMPLATE: &str = include_str!("template.typ");

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    template: FileId,
    data: FileId,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|bytes| Font::iter(Bytes::new(bytes)))
        .collect();
    let book = FontBook::from_fonts(&fonts);
    let file = |name: &str| {
        let path = VirtualPath::new(name).expect("a fixed, valid path");
        RootedPath::new(VirtualRoot::Project, path).intern()
    };
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(book),
        fonts,
        template: file("/template.typ"),
        data: file("/document.json"),
    }
});

struct Sheet {
    shared: &'static Shared,
    template: Source,
    data: Bytes,
}

impl World for Sheet {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.shared.template
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.shared.template {
            Ok(self.template.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.shared.data {
            Ok(self.data.clone())
        } else if id == self.shared.template {
            Ok(Bytes::from_string(self.template.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // The template writes the date it is given; asking typst for today is a mistake.
        None
    }
}

pub(crate) fn typeset(data: Vec<u8>) -> Result<Vec<u8>, PdfError> {
    let shared = &*SHARED;
    let sheet = Sheet {
        shared,
        template: Source::new(shared.template, TEMPLATE.to_owned()),
        data: Bytes::new(data),
    };
    let failed = |diagnostics: typst::ecow::EcoVec<typst::diag::SourceDiagnostic>| {
        let messages: Vec<String> = diagnostics.iter().map(|d| d.message.to_string()).collect();
        PdfError::Typeset(messages.join("; "))
    };
    let document: PagedDocument = typst::compile(&sheet).output.map_err(failed)?;
    let options = PdfOptions {
        ident: typst::foundations::Smart::Custom("samla".to_owned()),
        creator: typst::foundations::Smart::Custom(Some("samla".to_owned())),
        standards: PdfStandards::new(&[PdfStandard::Ua_1])
            .map_err(|e| PdfError::Typeset(e.message().to_string()))?,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(failed);
    // Typst memoizes across compilations; forget what no recent document used so a
    // long-running server does not grow.
    typst::comemo::evict(10);
    pdf
}
