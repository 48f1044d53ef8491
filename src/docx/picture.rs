//! Pictures: a PNG that a template function returns, placed where a
//! `{{ … }}` tag stands alone in its paragraph.
//!
//! Rendering writes a marker for each picture (made of control characters,
//! which neither XML nor a filled value can hold) and keeps the picture in
//! the render state. Afterwards [`Media::place`] replaces the text node
//! holding each marker by an inline drawing, and [`Media::finish`] adds
//! what the package needs: the image entries (`word/media/cctthc-imageN.png`),
//! an image relationship in the part's rels (created if absent) and the
//! `png` content type. Numbering follows the order of the pictures in the
//! document, so the output stays deterministic.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use minijinja::value::{Object, ObjectRepr, Value};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::package;

/// The eight bytes every PNG file starts with.
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// English Metric Units per centimetre (and 914 400 per inch).
pub const EMU_PER_CM: u64 = 360_000;

/// The largest side Word accepts for a drawing: 22 inches.
const MAX_EMU: u64 = 22 * 914_400;

const IMAGE_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";
const RELS_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const STRICT_W: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";

/// Set to true by the template source around an expression tag that stands
/// alone in its paragraph; only there may a picture go.
pub(crate) const ALONE_FLAG: &str = "docx_picture_alone__";

const MARKER_START: &str = "\u{2}docx-picture-";
const MARKER_END: char = '\u{3}';

/// A PNG picture to put in a document, with its displayed size.
///
/// A template function returns it as [`Picture::value`]; the tag that
/// shows it must be alone in its paragraph, which then holds the picture
/// inline with the paragraph's alignment.
#[derive(Clone)]
pub struct Picture {
    png: Vec<u8>,
    width_emu: u64,
    height_emu: u64,
    description: String,
}

impl Picture {
    /// A picture from PNG bytes, displayed `width_emu` × `height_emu`
    /// (see [`EMU_PER_CM`]); `description` is its alternative text.
    pub fn new(
        png: Vec<u8>,
        width_emu: u64,
        height_emu: u64,
        description: impl Into<String>,
    ) -> Picture {
        Picture {
            png,
            width_emu,
            height_emu,
            description: description.into(),
        }
    }

    /// The picture as a template value.
    pub fn value(self) -> Value {
        Value::from_object(self)
    }

    pub fn png(&self) -> &[u8] {
        &self.png
    }

    pub fn width_emu(&self) -> u64 {
        self.width_emu
    }

    pub fn height_emu(&self) -> u64 {
        self.height_emu
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    /// Why the picture cannot go in a document, if it cannot.
    pub(crate) fn fault(&self) -> Option<String> {
        if !self.png.starts_with(&PNG_SIGNATURE) {
            return Some("dữ liệu hình không phải ảnh PNG".into());
        }
        let ok = |emu: u64| (1..=MAX_EMU).contains(&emu);
        if !ok(self.width_emu) || !ok(self.height_emu) {
            return Some(format!(
                "kích thước hình không hợp lệ: {} × {} EMU",
                self.width_emu, self.height_emu
            ));
        }
        None
    }
}

impl fmt::Debug for Picture {
    // The bytes are too many to print.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Picture")
            .field("png_bytes", &self.png.len())
            .field("width_emu", &self.width_emu)
            .field("height_emu", &self.height_emu)
            .field("description", &self.description)
            .finish()
    }
}

impl Object for Picture {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    /// As text (`{{ hinh ~ "" }}`), a picture is its description.
    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.description)
    }
}

/// The pictures written while rendering one part, in order: a render-state
/// extension.
#[derive(Default)]
pub(crate) struct Placed(pub Vec<Arc<Picture>>);

/// The marker standing for the `n`th picture of a part.
pub(crate) fn marker(n: usize) -> String {
    format!("{MARKER_START}{n}{MARKER_END}")
}

/// Escapes an attribute value (double-quoted).
fn escape_attr(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 => {}
            '\u{fffe}' | '\u{ffff}' => {}
            _ => out.push(c),
        }
    }
}

/// The inline drawing of a picture; every namespace is declared on the
/// spot, so the part's root needs none. `w` is the prefix of
/// WordprocessingML in the part (`w:` or empty).
fn drawing(w: &str, picture: &Picture, doc_pr: u64, rel: &str, name: &str) -> String {
    let (cx, cy) = (picture.width_emu, picture.height_emu);
    let mut descr = String::new();
    escape_attr(&picture.description, &mut descr);
    let mut rel_attr = String::new();
    escape_attr(rel, &mut rel_attr);
    format!(
        concat!(
            "<{w}drawing>",
            r#"<wp:inline distT="0" distB="0" distL="0" distR="0" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">"#,
            r#"<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>"#,
            r#"<wp:docPr id="{id}" name="Hình {id}" descr="{descr}"/>"#,
            r#"<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" noChangeAspect="1"/></wp:cNvGraphicFramePr>"#,
            r#"<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">"#,
            r#"<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">"#,
            r#"<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">"#,
            r#"<pic:nvPicPr><pic:cNvPr id="{id}" name="{name}" descr="{descr}"/><pic:cNvPicPr><a:picLocks noChangeAspect="1" noChangeArrowheads="1"/></pic:cNvPicPr></pic:nvPicPr>"#,
            r#"<pic:blipFill><a:blip r:embed="{rel}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"#,
            r#"<pic:spPr bwMode="auto"><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>"#,
            "</pic:pic></a:graphicData></a:graphic></wp:inline></{w}drawing>",
        ),
        w = w,
        cx = cx,
        cy = cy,
        id = doc_pr,
        descr = descr,
        name = name,
        rel = rel_attr,
    )
}

/// The rels part of a part: `word/document.xml` → `word/_rels/document.xml.rels`.
fn rels_name(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// The target of a zip entry relative to a part's folder.
fn relative_target(part: &str, entry: &str) -> String {
    let dir = part.rsplit_once('/').map_or("", |(dir, _)| dir);
    if dir.is_empty() {
        return entry.to_string();
    }
    match entry
        .strip_prefix(dir)
        .and_then(|rest| rest.strip_prefix('/'))
    {
        Some(rest) => rest.to_string(),
        None => format!("/{entry}"),
    }
}

/// The attribute `key` of an element, unescaped.
fn attribute(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The prefix (with its colon) of a qualified name: `w:t` → `w:`.
fn prefix_of(name: &str) -> String {
    match name.rsplit_once(':') {
        Some((prefix, _)) => format!("{prefix}:"),
        None => String::new(),
    }
}

/// The largest `docPr` id in a part.
fn max_doc_pr(xml: &str) -> u64 {
    let mut reader = Reader::from_str(xml);
    let mut max = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "docPr" => {
                if let Some(id) = attribute(&e, "id").and_then(|id| id.trim().parse().ok()) {
                    max = u64::max(max, id);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    max
}

/// A rels part being extended.
struct Rels {
    /// Zip index and text of the existing part; none when we create it.
    existing: Option<(usize, String)>,
    ids: BTreeSet<String>,
    /// New relationships: id and target.
    added: Vec<(String, String)>,
}

impl Rels {
    fn read(bytes: &[u8], name: &str) -> Result<Rels, String> {
        let Some((index, data)) = package::read_entry(bytes, name)? else {
            return Ok(Rels {
                existing: None,
                ids: BTreeSet::new(),
                added: Vec::new(),
            });
        };
        let text = String::from_utf8(data).map_err(|_| format!("{name}: không phải UTF-8"))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
        let mut ids = BTreeSet::new();
        let mut reader = Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e))
                    if e.local_name().as_ref() == "Relationship" =>
                {
                    if let Some(id) = attribute(&e, "Id") {
                        ids.insert(id);
                    }
                }
                Ok(Event::Eof) => break,
                Err(e) => return Err(format!("{name}: {e}")),
                Ok(_) => {}
            }
        }
        Ok(Rels {
            existing: Some((index, text)),
            ids,
            added: Vec::new(),
        })
    }

    /// A new relationship id, unused in this part.
    fn add(&mut self, target: String) -> String {
        let mut n = self.added.len() + 1;
        let id = loop {
            let id = format!("rIdCctthcImage{n}");
            if !self.ids.contains(&id) {
                break id;
            }
            n += 1;
        };
        self.ids.insert(id.clone());
        self.added.push((id.clone(), target));
        id
    }

    /// The rels part with the new relationships.
    fn text(&self, name: &str) -> Result<String, String> {
        let relationship = |prefix: &str, out: &mut String| {
            for (id, target) in &self.added {
                let (mut id_attr, mut target_attr) = (String::new(), String::new());
                escape_attr(id, &mut id_attr);
                escape_attr(target, &mut target_attr);
                out.push_str(&format!(
                    r#"<{prefix}Relationship Id="{id_attr}" Type="{IMAGE_REL}" Target="{target_attr}"/>"#
                ));
            }
        };
        let Some((_, text)) = &self.existing else {
            let mut out = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"{RELS_NS}\">"
            );
            relationship("", &mut out);
            out.push_str("</Relationships>");
            return Ok(out);
        };
        // Insert before the root's end tag, or open a self-closing root.
        let mut reader = Reader::from_str(text);
        let mut depth = 0usize;
        loop {
            let start = usize::try_from(reader.buffer_position()).map_err(|e| e.to_string())?;
            let event = reader.read_event().map_err(|e| format!("{name}: {e}"))?;
            let end = usize::try_from(reader.buffer_position()).map_err(|e| e.to_string())?;
            match event {
                Event::Start(_) => depth += 1,
                Event::End(e) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let mut out = text.get(..start).unwrap_or_default().to_string();
                        relationship(&prefix_of(e.name().as_ref()), &mut out);
                        out.push_str(text.get(start..).unwrap_or_default());
                        return Ok(out);
                    }
                }
                Event::Empty(e) if depth == 0 => {
                    let qname = e.name().as_ref().to_string();
                    let tag = text.get(start..end).unwrap_or_default();
                    let open = tag.strip_suffix("/>").unwrap_or(tag);
                    let mut out = text.get(..start).unwrap_or_default().to_string();
                    out.push_str(open);
                    out.push('>');
                    relationship(&prefix_of(&qname), &mut out);
                    out.push_str(&format!("</{qname}>"));
                    out.push_str(text.get(end..).unwrap_or_default());
                    return Ok(out);
                }
                Event::Eof => return Err(format!("{name}: không có phần tử gốc")),
                _ => {}
            }
        }
    }
}

/// `[Content_Types].xml` with a `png` default, or `None` if it has one.
fn with_png_type(text: &str) -> Result<Option<String>, String> {
    let mut reader = Reader::from_str(text);
    let mut insert_at: Option<(usize, String)> = None;
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let end = usize::try_from(reader.buffer_position()).map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == "Types" && insert_at.is_none() => {
                insert_at = Some((end, prefix_of(e.name().as_ref())));
            }
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == "Default"
                    && attribute(&e, "Extension")
                        .is_some_and(|x| x.eq_ignore_ascii_case("png")) =>
            {
                return Ok(None);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let Some((at, prefix)) = insert_at else {
        return Err("không có phần tử Types".into());
    };
    let mut out = text.get(..at).unwrap_or_default().to_string();
    out.push_str(&format!(
        r#"<{prefix}Default Extension="png" ContentType="image/png"/>"#
    ));
    out.push_str(text.get(at..).unwrap_or_default());
    Ok(Some(out))
}

/// The pictures of a whole render: numbering and the package changes.
pub(crate) struct Media<'a> {
    bytes: &'a [u8],
    /// Entry names of the template, so new ones do not clash.
    names: BTreeSet<String>,
    next_image: usize,
    next_doc_pr: u64,
    rels: BTreeMap<String, Rels>,
    files: Vec<(String, Vec<u8>)>,
}

impl<'a> Media<'a> {
    /// `parts` are the XML of every part that may hold drawings, so that
    /// new `docPr` ids are above theirs.
    pub fn new<'p>(
        bytes: &'a [u8],
        parts: impl Iterator<Item = &'p str>,
    ) -> Result<Media<'a>, String> {
        let names = package::entry_names(bytes)?.into_iter().collect();
        let max = parts.map(max_doc_pr).max().unwrap_or(0);
        Ok(Media {
            bytes,
            names,
            next_image: 1,
            next_doc_pr: max.saturating_add(1),
            rels: BTreeMap::new(),
            files: Vec::new(),
        })
    }

    /// Replaces the markers of a rendered part by drawings of `pictures`.
    pub fn place(
        &mut self,
        part: &str,
        xml: &str,
        pictures: &[Arc<Picture>],
    ) -> Result<String, String> {
        if xml.contains(STRICT_W) {
            return Err(
                "mẫu lưu dạng Strict Open XML: chưa chèn được hình; hãy lưu mẫu dạng Word Document (.docx) thường".into(),
            );
        }
        let found = xml.matches(MARKER_START).count();
        if found != pictures.len() {
            return Err(format!(
                "có {} hình nhưng chỉ đặt được {found} (hình chỉ đặt được bằng một thẻ {{{{ … }}}} đứng riêng trong đoạn)",
                pictures.len()
            ));
        }
        let mut out = String::with_capacity(xml.len() + pictures.len() * 1500);
        let mut pos = 0;
        for (n, picture) in pictures.iter().enumerate() {
            let mark = marker(n);
            let at = xml
                .get(pos..)
                .and_then(|rest| rest.find(&mark))
                .map(|i| pos + i)
                .ok_or_else(|| format!("không tìm thấy chỗ đặt hình thứ {}", n + 1))?;
            // The marker is in a text node holding nothing else (its tag
            // was alone in the paragraph), whose content has no `<`: the
            // text node is from the `<` before to the `>` after.
            let before = xml.get(pos..at).unwrap_or_default();
            let open = before
                .rfind('<')
                .map(|i| pos + i)
                .ok_or("hình nằm ngoài đoạn văn")?;
            let after_start = at + mark.len();
            let rest = xml.get(after_start..).unwrap_or_default();
            let close_start = rest
                .find('<')
                .map(|i| after_start + i)
                .ok_or("hình nằm ngoài đoạn văn")?;
            let close_end = xml
                .get(close_start..)
                .and_then(|r| r.find('>'))
                .map(|i| close_start + i + 1)
                .ok_or("hình nằm ngoài đoạn văn")?;
            let open_tag = xml.get(open..).unwrap_or_default();
            let open_name: String = open_tag
                .trim_start_matches('<')
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            let close_name = xml
                .get(close_start..close_end)
                .unwrap_or_default()
                .trim_start_matches("</")
                .trim_end_matches('>')
                .trim();
            let local = open_name.rsplit(':').next().unwrap_or_default();
            if local != "t" || close_name != open_name {
                return Err("hình phải đứng riêng trong một đoạn văn".into());
            }
            let prefix = prefix_of(&open_name);

            let media = self.media_name();
            let rels = match self.rels.entry(rels_name(part)) {
                std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::btree_map::Entry::Vacant(v) => {
                    let rels = Rels::read(self.bytes, v.key())?;
                    v.insert(rels)
                }
            };
            let rel = rels.add(relative_target(part, &media));
            let file = media.rsplit('/').next().unwrap_or_default().to_string();
            let doc_pr = self.next_doc_pr;
            self.next_doc_pr = self.next_doc_pr.saturating_add(1);

            out.push_str(xml.get(pos..open).unwrap_or_default());
            out.push_str(&drawing(&prefix, picture, doc_pr, &rel, &file));
            pos = close_end;
            self.files.push((media, picture.png.clone()));
        }
        out.push_str(xml.get(pos..).unwrap_or_default());
        Ok(out)
    }

    /// A new, unused media entry name.
    fn media_name(&mut self) -> String {
        loop {
            let name = format!("word/media/cctthc-image{}.png", self.next_image);
            self.next_image += 1;
            if self.names.insert(name.clone()) {
                return name;
            }
        }
    }

    /// The package changes: rels parts and the content types rewritten in
    /// `replaced` (by zip index), and the entries to add, in order.
    pub fn finish(
        self,
        replaced: &mut BTreeMap<usize, Vec<u8>>,
    ) -> Result<Vec<(String, Vec<u8>)>, String> {
        let mut added = self.files;
        if added.is_empty() {
            return Ok(added);
        }
        let types = "[Content_Types].xml";
        let Some((index, data)) = package::read_entry(self.bytes, types)? else {
            return Err(format!("tệp mẫu thiếu {types}"));
        };
        let text = String::from_utf8(data).map_err(|_| format!("{types}: không phải UTF-8"))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if let Some(new) = with_png_type(text).map_err(|e| format!("{types}: {e}"))? {
            replaced.insert(index, new.into_bytes());
        }
        for (name, rels) in &self.rels {
            let text = rels.text(name)?;
            match rels.existing {
                Some((index, _)) => {
                    replaced.insert(index, text.into_bytes());
                }
                None => added.push((name.clone(), text.into_bytes())),
            }
        }
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rels_names_and_targets() {
        assert_eq!(
            rels_name("word/document.xml"),
            "word/_rels/document.xml.rels"
        );
        assert_eq!(rels_name("word/header2.xml"), "word/_rels/header2.xml.rels");
        assert_eq!(
            relative_target("word/document.xml", "word/media/cctthc-image1.png"),
            "media/cctthc-image1.png"
        );
    }

    #[test]
    fn doc_pr_ids_are_found() {
        let xml =
            r#"<a xmlns:wp="x"><wp:docPr id="7" name="a"/><wp:docPr id="12"/><docPr id="x"/></a>"#;
        assert_eq!(max_doc_pr(xml), 12);
        assert_eq!(max_doc_pr("<a/>"), 0);
    }

    #[test]
    fn png_content_type_added_once() {
        let without = r#"<?xml version="1.0"?><Types xmlns="t"><Default Extension="xml" ContentType="application/xml"/></Types>"#;
        let with = match with_png_type(without) {
            Ok(Some(t)) => t,
            other => panic!("{other:?}"),
        };
        assert!(with.contains(r#"<Types xmlns="t"><Default Extension="png" ContentType="image/png"/><Default Extension="xml""#), "{with}");
        assert_eq!(with_png_type(&with), Ok(None));
        let upper = without.replace("xml\" Content", "PNG\" Content");
        assert_eq!(with_png_type(&upper), Ok(None));
    }

    #[test]
    fn relationships_are_appended_or_created() {
        let mut rels = Rels {
            existing: Some((
                0,
                r#"<?xml version="1.0"?><Relationships xmlns="r"><Relationship Id="rIdCctthcImage1" Type="x" Target="y"/></Relationships>"#.into(),
            )),
            ids: ["rIdCctthcImage1".to_string()].into(),
            added: Vec::new(),
        };
        assert_eq!(rels.add("media/a.png".into()), "rIdCctthcImage2");
        let text = rels.text("r").unwrap_or_default();
        assert!(text.ends_with(&format!(r#"<Relationship Id="rIdCctthcImage2" Type="{IMAGE_REL}" Target="media/a.png"/></Relationships>"#)), "{text}");

        rels.existing = Some((0, r#"<Relationships xmlns="r" />"#.into()));
        let text = rels.text("r").unwrap_or_default();
        assert!(
            text.starts_with(r#"<Relationships xmlns="r" ><Relationship Id="rIdCctthcImage2""#),
            "{text}"
        );
        assert!(text.ends_with("</Relationships>"), "{text}");

        rels.existing = None;
        let text = rels.text("r").unwrap_or_default();
        assert!(
            text.contains(RELS_NS) && text.contains("rIdCctthcImage2"),
            "{text}"
        );
    }

    #[test]
    fn descriptions_are_escaped() {
        let mut out = String::new();
        escape_attr("A & \"B\" <C>\n\u{1}", &mut out);
        assert_eq!(out, "A &amp; &quot;B&quot; &lt;C&gt;&#10;");
    }
}
