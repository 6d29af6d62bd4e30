//! Attachments: the file types a chat accepts, told by their first bytes
//! (never by the name or the type the browser claims), the site's limits,
//! the checks an upload passes before anything stores it, and the
//! attachment a message carries.

use serde::{Deserialize, Serialize};

/// A file type a chat may accept.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
    /// WebP image.
    Webp,
    /// PDF document.
    Pdf,
    /// Plain UTF-8 text (served as `text/plain`, never as a page).
    Text,
}

impl crate::WireName for FileType {
    const ALL: &'static [Self] = &FileType::ALL;
    /// The wire name (`"png"`, … `"text"`).
    fn as_str(self) -> &'static str {
        match self {
            FileType::Png => "png",
            FileType::Jpeg => "jpeg",
            FileType::Gif => "gif",
            FileType::Webp => "webp",
            FileType::Pdf => "pdf",
            FileType::Text => "text",
        }
    }
}

impl FileType {
    /// Every type, in the order the settings show them.
    pub const ALL: [FileType; 6] =
        [FileType::Png, FileType::Jpeg, FileType::Gif, FileType::Webp, FileType::Pdf, FileType::Text];

    /// The media type it is served as.
    pub const fn mime(self) -> &'static str {
        match self {
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Gif => "image/gif",
            FileType::Webp => "image/webp",
            FileType::Pdf => "application/pdf",
            FileType::Text => "text/plain; charset=utf-8",
        }
    }

    /// How people name it.
    pub const fn label(self) -> &'static str {
        match self {
            FileType::Png => "PNG",
            FileType::Jpeg => "JPEG",
            FileType::Gif => "GIF",
            FileType::Webp => "WebP",
            FileType::Pdf => "PDF",
            FileType::Text => "text",
        }
    }

    /// The file name endings that belong to it.
    const fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Png => &["png"],
            FileType::Jpeg => &["jpg", "jpeg"],
            FileType::Gif => &["gif"],
            FileType::Webp => &["webp"],
            FileType::Pdf => &["pdf"],
            FileType::Text => &["txt", "log", "csv"],
        }
    }

    /// Whether it shows as a picture (a thumbnail that opens full size).
    pub const fn image(self) -> bool {
        matches!(self, FileType::Png | FileType::Jpeg | FileType::Gif | FileType::Webp)
    }

    /// The type of a file name's ending, if it is one of these.
    fn of_name(name: &str) -> Option<FileType> {
        let (_, ext) = name.rsplit_once('.')?;
        let ext = ext.to_ascii_lowercase();
        FileType::ALL.into_iter().find(|t| t.extensions().contains(&ext.as_str()))
    }
}

/// What a file's first bytes say it is (`None`: none of [`FileType::ALL`]:
/// HTML, SVG, scripts and programs among them).
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else if starts(b"\xff\xd8\xff") {
        Some(FileType::Jpeg)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(FileType::Gif)
    } else if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(FileType::Webp)
    } else if starts(b"%PDF-") {
        Some(FileType::Pdf)
    } else if text(bytes) {
        Some(FileType::Text)
    } else {
        None
    }
}

/// UTF-8 with no control character but tab and line ends, and not markup
/// (a page or an SVG saved as text is refused, not just served inert).
fn text(bytes: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(bytes) else { return false };
    let markup = s.trim_start_matches('\u{feff}').trim_start().starts_with('<');
    !s.is_empty() && !markup && !s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The largest file a site may allow: 25 MB.
pub const MAX_FILE_BYTES: u32 = 25_000_000;

/// Longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 120;

/// A site's attachments: on or off, how large, which types, and whether
/// unverified visitors' files wait for review.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Files {
    /// Customers and operators may send files.
    pub enabled: bool,
    /// The largest file, in bytes (at most [`MAX_FILE_BYTES`]).
    pub max_bytes: u32,
    /// The types accepted.
    pub types: Vec<FileType>,
    /// Files from visitors the site did not sign in (no verified
    /// identity) wait for a moderator's approval before anyone else sees
    /// them.
    pub hold_unverified: bool,
    /// Members of the site's public channels may send files too (off by
    /// default: a channel's files are public to all its readers).
    pub channels: bool,
}

impl Default for Files {
    fn default() -> Self {
        Files {
            enabled: true,
            max_bytes: 10_000_000,
            types: vec![FileType::Png, FileType::Jpeg, FileType::Gif, FileType::Webp, FileType::Pdf],
            hold_unverified: false,
            channels: false,
        }
    }
}

impl Files {
    /// Checks the settings as a save does.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_FILE_BYTES).contains(&self.max_bytes) {
            return Err(format!("files: the largest file is 1–{MAX_FILE_BYTES} bytes (25 MB)"));
        }
        if self.enabled && self.types.is_empty() {
            return Err("files: choose at least one type, or turn files off".into());
        }
        Ok(())
    }

    /// The types accepted, as people read them ("PNG, JPEG or PDF").
    pub fn accepted(&self) -> String {
        let labels: Vec<&str> = self.types.iter().map(|t| t.label()).collect();
        match labels.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => "nothing".into(),
        }
    }
}

/// Why an upload was refused: what the sender reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Files are off on this site.
    Off,
    /// Larger than the site allows (the limit, in bytes).
    TooLarge(u32),
    /// Empty.
    Empty,
    /// Not a type the site accepts (what was found, if anything).
    Type(Option<FileType>, String),
    /// The name's ending says another type than the bytes.
    Mismatch(String, FileType),
    /// No usable name.
    Name,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Off => f.write_str("this chat does not take files"),
            Refusal::TooLarge(max) => write!(f, "the file is larger than {}", size(u64::from(*max))),
            Refusal::Empty => f.write_str("the file is empty"),
            Refusal::Type(Some(t), accepted) => {
                write!(f, "{} files are not accepted here (only {accepted})", t.label())
            }
            Refusal::Type(None, accepted) => write!(f, "this kind of file is not accepted here (only {accepted})"),
            Refusal::Mismatch(name, t) => write!(f, "{name} is not what its name says: it is a {} file", t.label()),
            Refusal::Name => write!(f, "a file needs a name of 1–{MAX_NAME_CHARS} characters"),
        }
    }
}

/// A name as kept: the last path part, control characters and the
/// characters Windows refuses replaced, at most [`MAX_NAME_CHARS`].
pub fn clean_name(name: &str) -> Result<String, Refusal> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let cleaned: String = last
        .chars()
        .map(|c| if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') { '_' } else { c })
        .collect();
    let count = cleaned.chars().count();
    if count == 0 || count > MAX_NAME_CHARS || cleaned.chars().all(|c| c == '.') {
        return Err(Refusal::Name);
    }
    Ok(cleaned)
}

/// Checks an upload against the site's settings: its type by its bytes,
/// and that a name ending in a known type's extension is that type.
pub fn check(files: &Files, name: &str, bytes: &[u8]) -> Result<(String, FileType), Refusal> {
    if !files.enabled {
        return Err(Refusal::Off);
    }
    if bytes.len() as u64 > u64::from(files.max_bytes) {
        return Err(Refusal::TooLarge(files.max_bytes));
    }
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    let name = clean_name(name)?;
    let found = sniff(bytes);
    let kind = found.filter(|t| files.types.contains(t)).ok_or_else(|| Refusal::Type(found, files.accepted()))?;
    match FileType::of_name(&name) {
        Some(said) if said != kind => Err(Refusal::Mismatch(name, kind)),
        _ => Ok((name, kind)),
    }
}

/// A file a message carries.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Its id in the conversation (32 hex digits of its content's digest).
    pub id: String,
    /// Its name, as the sender's file had it (cleaned).
    pub name: String,
    /// Its type, by its bytes.
    #[serde(rename = "type")]
    pub kind: FileType,
    /// Its size in bytes.
    pub size: u64,
    /// The capability that reads it: `/api/files/<conversation>/<id>/<key>`.
    pub key: String,
}

impl Attachment {
    /// Where it is read (relative to the Worker's origin).
    pub fn path(&self, conversation: &str) -> String {
        format!("/api/files/{conversation}/{}/{}", self.id, self.key)
    }

    /// How the timeline and the inbox read it: "📎 invoice.pdf (120 KB)".
    pub fn describe(&self) -> String {
        format!("📎 {} ({})", self.name, size(self.size))
    }
}

/// The answer (202) to a customer's upload that waits for a moderator's
/// review ([`Files::hold_unverified`]); an approval publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldFile {
    /// Why it waits, for the sender (English).
    pub held: String,
    /// Why, typed (`held.<why>` in a catalogue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<crate::Detail>,
}

/// The answer to an upload: the message that carries the file.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uploaded {
    /// The message's sequence number in the conversation.
    pub seq: u64,
    /// When it was stored, ms since the Unix epoch.
    pub at: u64,
    /// The file.
    pub file: Attachment,
}

/// Where a customer uploads a file (`POST`, the bytes as the body, with
/// `?id=<client id>&name=<file name>` and the conversation's token as
/// `Authorization: Bearer`).
pub fn upload_path(conversation: &str) -> String {
    format!("/api/conversations/{conversation}/files")
}

/// Where a channel's member uploads a file (`POST`, as [`upload_path`],
/// with their visitor token as `Authorization: Bearer` and their display
/// name as `&as=`).
pub fn channel_upload_path(site: &str, channel: &str) -> String {
    format!("/api/sites/{site}/channels/{channel}/files")
}

/// Where staff upload a file (`POST`, as [`upload_path`], with the
/// session and its anti-CSRF token; under `/api/v1` with an API key).
pub fn console_upload_path(site: &str, conversation: &str) -> String {
    format!("/api/console/sites/{site}/conversations/{conversation}/files")
}

/// A size as people read it: "812 B", "120 KB", "3.4 MB" (whole
/// numbers only: float formatting would cost the widget kilobytes).
pub fn size(bytes: u64) -> String {
    let tenths = bytes.div_ceil(100_000);
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{} KB", bytes.div_ceil(1_000)),
        _ if tenths % 10 == 0 => format!("{} MB", tenths / 10),
        _ => format!("{}.{} MB", tenths / 10, tenths % 10),
    }
}

/// Whether an id is one a file can have (32 lower-case hex digits).
pub fn id_ok(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PDF a message carries (the other modules' tests use it).
    pub fn attachment() -> Attachment {
        let id = "3f2a9c0e5b7d41e8a6c2f09d1b4e7a35".to_owned();
        Attachment {
            id,
            name: "invoice.pdf".into(),
            kind: FileType::Pdf,
            size: 120_000,
            key: "Yk3vQ2pL9sT1wX8zR4mN6a".into(),
        }
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn all() -> Files {
        Files { types: FileType::ALL.to_vec(), ..Files::default() }
    }

    #[test]
    fn types_are_told_by_their_bytes() {
        assert_eq!(sniff(PNG), Some(FileType::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(FileType::Jpeg));
        assert_eq!(sniff(b"GIF89a\x01\0"), Some(FileType::Gif));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(FileType::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileType::Pdf));
        assert_eq!(sniff("Order 12, café\r\n\tpaid".as_bytes()), Some(FileType::Text));
        // Pages, SVG and programs are none of them.
        for bytes in [
            &b"<!doctype html><script>alert(1)</script>"[..],
            b"\xef\xbb\xbf  <svg onload=alert(1)>",
            b"MZ\x90\0\x03\0",
            b"PK\x03\x04",
            b"RIFF\x24\0\0\0WAVEfmt ",
            b"text with a \x1b escape",
        ] {
            assert_eq!(sniff(bytes), None, "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn an_upload_is_checked_against_the_site() {
        let site = Files::default();
        assert_eq!(check(&site, "shot.png", PNG), Ok(("shot.png".into(), FileType::Png)));
        // A page named .png is refused: its bytes are no accepted type.
        let page = b"<html><script>alert(1)</script></html>";
        assert_eq!(check(&site, "shot.png", page), Err(Refusal::Type(None, "PNG, JPEG, GIF, WebP or PDF".into())));
        // A PDF named .png: its name would lie.
        assert_eq!(check(&site, "shot.png", b"%PDF-1.4"), Err(Refusal::Mismatch("shot.png".into(), FileType::Pdf)));
        // Text is accepted only where the site says so.
        assert_eq!(check(&site, "notes.txt", b"hello"), Err(Refusal::Type(Some(FileType::Text), site.accepted())));
        assert_eq!(check(&all(), "notes.txt", b"hello"), Ok(("notes.txt".into(), FileType::Text)));
        // An unknown ending keeps the name; the bytes decide.
        assert_eq!(check(&site, "scan.bin", PNG), Ok(("scan.bin".into(), FileType::Png)));
        let small = Files { max_bytes: 10, ..Files::default() };
        assert_eq!(check(&small, "shot.png", PNG), Err(Refusal::TooLarge(10)));
        assert_eq!(check(&site, "shot.png", b""), Err(Refusal::Empty));
        assert_eq!(check(&Files { enabled: false, ..site.clone() }, "shot.png", PNG), Err(Refusal::Off));
        assert_eq!(Refusal::TooLarge(10_000_000).to_string(), "the file is larger than 10 MB");
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\ada\\bill.pdf").unwrap(), "bill.pdf");
        assert_eq!(clean_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(clean_name("a\u{0}b<c>.png").unwrap(), "a_b_c_.png");
        assert_eq!(clean_name("  "), Err(Refusal::Name));
        assert_eq!(clean_name(".."), Err(Refusal::Name));
        assert_eq!(clean_name(&"x".repeat(121)), Err(Refusal::Name));
    }

    #[test]
    fn settings_are_checked() {
        assert!(Files::default().validate().is_ok());
        assert!(Files { max_bytes: MAX_FILE_BYTES + 1, ..Files::default() }.validate().is_err());
        assert!(Files { types: vec![], ..Files::default() }.validate().is_err());
        assert!(Files { types: vec![], enabled: false, ..Files::default() }.validate().is_ok());
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(812), "812 B");
        assert_eq!(size(120_000), "120 KB");
        assert_eq!(size(3_400_000), "3.4 MB");
        assert_eq!(size(3_400_001), "3.5 MB");
        assert_eq!(size(10_000_000), "10 MB");
        let a = Attachment {
            id: "a".repeat(32),
            name: "bill.pdf".into(),
            kind: FileType::Pdf,
            size: 1_500,
            key: "k".into(),
        };
        assert_eq!(a.describe(), "📎 bill.pdf (2 KB)");
        assert_eq!(a.path("c1"), format!("/api/files/c1/{}/k", "a".repeat(32)));
    }
}
