//! A file in the message list, drawn with the plain DOM helpers: a
//! picture as a thumbnail that opens full size, anything else as a link
//! that downloads it, with its name and size as text. Its address is the
//! capability the message carries (`shared::files::Attachment::path`).

use shared::files::Attachment;
use web_sys::Element;

use crate::dom::{add, set};

/// Makes the event slot `el` a message row (`mine`: on the reader's
/// side) holding `file` of `conversation`, captioned with the message's
/// text ("📎 name (size)", which the server wrote: formatting it here would
/// cost the widget's wasm); `testid` names the link. Returns the bubble.
pub fn row(el: &Element, mine: bool, conversation: &str, file: &Attachment, caption: &str, testid: &str) -> Element {
    el.set_class_name(if mine { "row mine" } else { "row theirs" });
    let bubble = add(el, "div", "bubble", "");
    draw(&bubble, conversation, file, caption, testid);
    bubble
}

fn draw(el: &Element, conversation: &str, file: &Attachment, caption: &str, testid: &str) {
    let path = file.path(conversation);
    let link = add(el, "a", "file", "");
    set(&link, "href", &path);
    set(&link, "target", "_blank");
    set(&link, "rel", "noopener");
    set(&link, "data-testid", testid);
    if file.kind.image() {
        let img = add(&link, "img", "", "");
        set(&img, "src", &path);
        set(&img, "alt", &file.name);
        set(&img, "loading", "lazy");
        add(el, "span", "file-name", caption);
    } else {
        set(&link, "download", &file.name);
        link.set_text_content(Some(caption));
    }
}

/// Tells `uploads.js` where files go and with which token (`<body
/// data-upload="<address> <token>">`; the page is this service's own, in
/// the loader's iframe), or that none can be sent yet.
pub fn upload_to(target: Option<String>) {
    if let Some(body) = crate::dom::find("body") {
        match target {
            Some(v) => set(&body, "data-upload", &v),
            None => body.remove_attribute("data-upload").unwrap_or_default(),
        }
    }
}
