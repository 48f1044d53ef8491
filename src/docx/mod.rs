//! A .docx template filler: Jinja-like tags typed in Word or LibreOffice,
//! filled with [minijinja]. It knows nothing of what the values mean.
//!
//! - `{{ expr | filter }}` anywhere in text is replaced by its value,
//!   XML-escaped. A tag Word split over several runs (partly bold, across
//!   spell-check marks or bookmarks) is joined, and takes the formatting
//!   of its first character.
//! - Block tags (`{% for %}`, `{% endfor %}`, `{% if %}`, `{% elif %}`,
//!   `{% else %}`, `{% endif %}`, `{% set x = … %}`) alone in a paragraph
//!   stand for that paragraph, alone in a table row for the row: the
//!   paragraph or row is removed and what lies between repeats or appears
//!   only when true. A whole `if … endif` may also sit inside one run.
//! - Only `word/document.xml`, headers, footers, footnotes and endnotes
//!   are rewritten; every other zip entry is copied byte for byte.
//! - Before rendering, every tag is checked (syntax, block structure,
//!   names against the context, filters) and all faults are reported at
//!   once, each with its part and paragraph.
//! - A `{{ expr }}` alone in its paragraph whose value is a [`Picture`]
//!   (a PNG with its size, from a function) turns the paragraph into that
//!   picture, inline: the PNG becomes `word/media/cctthc-imageN.png`, with
//!   a relationship in the part's rels and the `png` content type. A
//!   picture anywhere else (inside a sentence) is an error.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let bytes = std::fs::read("mau.docx")?;
//! let template = cctthc::docx::Template::from_bytes("mau.docx", &bytes)?;
//! let mut env = minijinja::Environment::new();
//! env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
//! let ctx = minijinja::context! { ten => "A & B" };
//! let filled: Vec<u8> = template.render(&env, &ctx)?;
//! # Ok(()) }
//! ```

mod blocks;
mod error;
mod expr;
mod names;
mod package;
mod picture;
mod render;
mod tags;
pub mod text;
mod xml;

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::Environment;
use minijinja::value::Value;

pub use error::{Error, Errors, Fault, Problem};
pub use package::repack;
pub use picture::{EMU_PER_CM, Picture};
pub use render::DEFAULT_FUEL;
pub use tags::TagKind;

use blocks::{Unit, layout};
use names::Checker;
use tags::Scan;
use xml::{ParseError, Part};

/// A tag of a template, for listing (`cctthc template check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The zip part, e.g. `word/header1.xml`.
    pub part: String,
    /// The visible text of the paragraph holding the tag.
    pub paragraph: String,
    /// The tag as typed, curly quotes made straight: `{{ xa.tong | so }}`.
    pub source: String,
    pub kind: TagKind,
}

/// A part with its tags found and placed.
struct Prepared {
    /// Position of the entry in the zip.
    index: usize,
    part: Part,
    scan: Scan,
    units: Vec<Unit>,
}

/// A fault met while filling a part, with its paragraph when known.
type PartFault = (Option<usize>, Fault);

/// A parsed .docx template.
pub struct Template {
    name: String,
    bytes: Vec<u8>,
    parts: Vec<Prepared>,
    /// Faults that do not depend on the context (unclosed tags, block
    /// structure, syntax): part index, paragraph index, fault.
    faults: Vec<(usize, usize, Fault)>,
}

impl std::fmt::Debug for Template {
    // The bytes and XML are too big to print; the parts and tag counts say
    // what the template is.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<(&str, usize)> = self
            .parts
            .iter()
            .map(|p| (p.part.name.as_str(), p.scan.tags.len()))
            .collect();
        f.debug_struct("Template")
            .field("name", &self.name)
            .field("parts", &parts)
            .field("faults", &self.faults.len())
            .finish()
    }
}

impl Template {
    /// Reads a template. `name` is used in messages (e.g. the file name).
    ///
    /// Fails only when the file is not a readable .docx; faults in the tags
    /// are reported by [`Template::check`] and [`Template::render`].
    pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<Template, Error> {
        let raw = package::read_parts(name, bytes)?;
        let mut template = Template {
            name: name.to_string(),
            bytes: bytes.to_vec(),
            parts: Vec::with_capacity(raw.len()),
            faults: Vec::new(),
        };
        // Building a constant syntax cannot fail; if it did, syntax faults
        // would still surface when rendering.
        let mut syntax_env = render::syntax_environment().ok();
        for raw in raw {
            let part = xml::parse(&raw.name, raw.xml).map_err(|e| match e {
                ParseError::Doctype => Error::Doctype {
                    name: name.to_string(),
                    part: raw.name.clone(),
                },
                ParseError::Xml(detail) => Error::Xml {
                    name: name.to_string(),
                    part: raw.name.clone(),
                    detail,
                },
            })?;
            let scan = tags::scan(&part);
            let placed = layout(&part, &scan);
            let mut faults: Vec<(usize, Fault)> = scan
                .unclosed
                .iter()
                .map(|(p, tag)| (*p, Fault::UnclosedTag { tag: tag.clone() }))
                .collect();
            faults.extend(placed.problems);
            if let Some(env) = syntax_env.as_mut() {
                faults.extend(render::syntax_faults(&scan, env));
            }
            let index = template.parts.len();
            template
                .faults
                .extend(faults.into_iter().map(|(p, fault)| (index, p, fault)));
            template.parts.push(Prepared {
                index: raw.index,
                part,
                scan,
                units: placed.units,
            });
        }
        Ok(template)
    }

    /// The template's name, as given to [`Template::from_bytes`].
    pub fn name(&self) -> &str {
        &self.name
    }

    fn problem(&self, part: &Part, paragraph: Option<usize>, fault: Fault) -> Problem {
        Problem {
            template: self.name.clone(),
            part: part.name.clone(),
            paragraph: paragraph.map(|p| part.paragraph_text(p)),
            fault,
        }
    }

    /// Every tag with where it is, in document order, part by part.
    pub fn tags(&self) -> Vec<Tag> {
        let mut tags = Vec::new();
        for prepared in &self.parts {
            for tag in &prepared.scan.tags {
                tags.push(Tag {
                    part: prepared.part.name.clone(),
                    paragraph: prepared.part.paragraph_text(tag.paragraph),
                    source: tag.source.clone(),
                    kind: tag.kind,
                });
            }
        }
        tags
    }

    /// The names the template uses that `ctx` lacks (with the closest known
    /// name), and loops over values that are not lists. Names of loop
    /// variables are checked against the elements of their list.
    pub fn check_names(&self, ctx: &Value) -> Vec<Problem> {
        self.problems(self.check_with(None, ctx))
    }

    /// Every fault [`Template::render`] would report before rendering, in
    /// document order: unclosed tags, block structure, syntax, names,
    /// filters, tests and functions unknown to `env`.
    pub fn check(&self, env: &Environment<'_>, ctx: &Value) -> Vec<Problem> {
        let mut faults = self.faults.clone();
        faults.extend(self.check_with(Some(env), ctx));
        self.problems(faults)
    }

    /// Located faults as problems, sorted by part and paragraph.
    fn problems(&self, mut faults: Vec<(usize, usize, Fault)>) -> Vec<Problem> {
        faults.sort_by_key(|(part, paragraph, _)| (*part, *paragraph));
        faults
            .into_iter()
            .filter_map(|(part, paragraph, fault)| {
                let part = &self.parts.get(part)?.part;
                Some(self.problem(part, Some(paragraph), fault))
            })
            .collect()
    }

    fn check_with(&self, env: Option<&Environment<'_>>, ctx: &Value) -> Vec<(usize, usize, Fault)> {
        let mut faults = Vec::new();
        for (index, prepared) in self.parts.iter().enumerate() {
            let mut checker = Checker::new(ctx, env);
            for tag in &prepared.scan.tags {
                checker.tag(tag);
            }
            faults.extend(checker.finish().into_iter().map(|(p, f)| (index, p, f)));
        }
        faults
    }

    /// Fills the template. `env` brings the filters and functions the
    /// template may use; its syntax settings are replaced by the engine's,
    /// and undefined values are always errors.
    pub fn render(&self, env: &Environment<'_>, ctx: &Value) -> Result<Vec<u8>, Errors> {
        let fail = |problems| Err(Errors { problems });
        let problems = self.check(env, ctx);
        if !problems.is_empty() {
            return fail(problems);
        }
        let env = match render::environment(env) {
            Ok(env) => env,
            Err(e) => {
                return fail(vec![self.whole(Fault::Render {
                    tag: None,
                    detail: render::describe(&e),
                })]);
            }
        };
        let mut replaced = BTreeMap::new();
        let mut problems = Vec::new();
        let mut media: Option<picture::Media<'_>> = None;
        for prepared in &self.parts {
            // A part without tags is copied as it is.
            if prepared.scan.tags.is_empty() {
                continue;
            }
            match self.fill_part(&env, ctx, prepared, &mut media) {
                Ok(xml) => {
                    replaced.insert(prepared.index, xml.into_bytes());
                }
                Err((paragraph, fault)) => {
                    problems.push(self.problem(&prepared.part, paragraph, fault));
                }
            }
        }
        if !problems.is_empty() {
            return fail(problems);
        }
        self.write_package(media, replaced)
            .or_else(|detail| fail(vec![self.whole(Fault::Output { detail })]))
    }

    /// A problem of the whole file, in no part.
    fn whole(&self, fault: Fault) -> Problem {
        Problem {
            template: self.name.clone(),
            part: String::new(),
            paragraph: None,
            fault,
        }
    }

    /// The filled XML of one part, its pictures placed and the result
    /// checked; `media` is made when the first picture comes. A fault
    /// comes with its paragraph when it is known.
    fn fill_part<'t>(
        &'t self,
        env: &Environment<'_>,
        ctx: &Value,
        prepared: &Prepared,
        media: &mut Option<picture::Media<'t>>,
    ) -> Result<String, PartFault> {
        let (xml, pictures) = render_part(env, ctx, prepared)?;
        let placed = if pictures.is_empty() {
            Ok(xml)
        } else {
            self.place_pictures(media, &prepared.part.name, &xml, &pictures)
        };
        placed
            .and_then(|xml| xml::check_output(&xml).map(|()| xml))
            .map_err(|detail| (None, Fault::Output { detail }))
    }

    /// Puts the pictures of a rendered part in place of their markers,
    /// first reading what the package holds when no picture came before.
    fn place_pictures<'t>(
        &'t self,
        media: &mut Option<picture::Media<'t>>,
        part: &str,
        xml: &str,
        pictures: &[Arc<Picture>],
    ) -> Result<String, String> {
        if media.is_none() {
            let parts = self.parts.iter().map(|p| p.part.xml.as_str());
            *media = Some(picture::Media::new(&self.bytes, parts)?);
        }
        media.as_mut().map_or_else(
            || Err("không chuẩn bị được chỗ chứa hình".to_string()),
            |m| m.place(part, xml, pictures),
        )
    }

    /// The output .docx: the filled parts in `replaced` (by zip index),
    /// plus the entries and package changes the pictures need.
    fn write_package(
        &self,
        media: Option<picture::Media<'_>>,
        mut replaced: BTreeMap<usize, Vec<u8>>,
    ) -> Result<Vec<u8>, String> {
        let added = match media {
            Some(media) => media.finish(&mut replaced)?,
            None => Vec::new(),
        };
        package::write(&self.bytes, &replaced, &added)
    }
}

/// Renders one part's template source, with the pictures its tags gave;
/// an error names the tag it arose in (and its paragraph) when the
/// source says.
fn render_part(
    env: &Environment<'_>,
    ctx: &Value,
    prepared: &Prepared,
) -> Result<(String, Vec<Arc<Picture>>), PartFault> {
    let part = &prepared.part;
    let source = render::build(part, &prepared.scan, &prepared.units);
    env.template_from_named_str(&part.name, &source.text)
        .and_then(|t| t.render_captured(ctx.clone()))
        .map(|mut captured| {
            let pictures = captured.with_state_mut(|state| {
                state
                    .get_extension_mut::<picture::Placed>()
                    .map(std::mem::take)
                    .unwrap_or_default()
            });
            (captured.output().to_string(), pictures.0)
        })
        .map_err(|e| {
            let tag = e
                .range()
                .and_then(|r| source.tag_at(r.start))
                .and_then(|id| prepared.scan.tags.get(id));
            let fault = Fault::Render {
                tag: tag.map(|t| t.source.clone()),
                detail: render::describe(&e),
            };
            (tag.map(|t| t.paragraph), fault)
        })
}

#[cfg(test)]
mod tests;
