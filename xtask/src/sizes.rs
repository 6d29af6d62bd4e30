//! Size budgets of the shipped files, gzip-compressed (level 9), as a
//! browser downloads them: the loader, the whole customer widget app and
//! the whole public-channel app (HTML + JS + wasm + CSS; each is what a
//! customer's browser loads for one embed), and each locale's catalogue
//! apart (the page carries the visitor's). Also checks that no console code
//! (its test ids) is in either.

use std::io::Write;

use anyhow::{bail, Result};

use crate::root;

/// Loader budget, gzip bytes (3 KB, counted as 3,000 B to be strict).
pub const LOADER_BUDGET: usize = 3_000;
/// Customer widget app budget (HTML + JS + wasm + CSS), gzip bytes (90 KB as 90,000 B).
pub const WIDGET_BUDGET: usize = 90_000;

const LOADER: &[&str] = &["widget.js"];
const WIDGET: &[&str] =
    &["widget.html", "customer-boot.js", "i18n.js", "app/customer.js", "app/customer_bg.wasm", "widget.css"];
const CHANNEL: &[&str] =
    &["channel.html", "channel-boot.js", "i18n.js", "app/channel.js", "app/channel_bg.wasm", "widget.css"];
const CONSOLE: &[&str] = &[
    "console.html",
    "console-boot.js",
    "i18n.js",
    "app/console.js",
    "app/console_bg.wasm",
    "widget.css",
    "console.css",
];

/// Brotli size (quality 11, window 22), as a CDN serves it.
pub fn brotli(bytes: &[u8]) -> Result<usize> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out.len())
}

/// Gzip size (level 9).
pub fn gzip(bytes: &[u8]) -> Result<usize> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

/// One shipped group of files and its sizes.
pub struct Group {
    /// What it is.
    pub name: &'static str,
    /// Bytes on disk.
    pub raw: usize,
    /// Gzip bytes.
    pub gzip: usize,
    /// Brotli bytes.
    pub brotli: usize,
}

/// Every shipped group: loader, customer widget app, console app, Worker.
pub fn groups() -> Result<Vec<Group>> {
    let mut out = Vec::new();
    for (name, files) in
        [("loader", LOADER), ("customer widget app", WIDGET), ("channel app", CHANNEL), ("console app", CONSOLE)]
    {
        let mut g = Group { name, raw: 0, gzip: 0, brotli: 0 };
        for f in files {
            let bytes = std::fs::read(root().join("dist/public").join(f))
                .map_err(|e| anyhow::anyhow!("{f}: {e} (run cargo xtask build)"))?;
            g.raw += bytes.len();
            g.gzip += gzip(&bytes)?;
            g.brotli += brotli(&bytes)?;
        }
        out.push(g);
    }
    let mut worker = Group { name: "Worker (wasm + JS)", raw: 0, gzip: 0, brotli: 0 };
    for f in ["index_bg.wasm", "index.js"] {
        let bytes = std::fs::read(root().join("edge/build").join(f))?;
        worker.raw += bytes.len();
        worker.gzip += gzip(&bytes)?;
        worker.brotli += brotli(&bytes)?;
    }
    out.push(worker);
    Ok(out)
}

/// Sums raw and gzip sizes of `files` under `dist/public`, printing each.
fn group(name: &str, files: &[&str]) -> Result<(usize, usize)> {
    let dir = root().join("dist/public");
    let (mut raw, mut gz) = (0, 0);
    for f in files {
        let bytes = std::fs::read(dir.join(f)).map_err(|e| anyhow::anyhow!("{f}: {e} (run cargo xtask build)"))?;
        let z = gzip(&bytes)?;
        println!("  {name:<8} {f:<24} {:>9} B raw {:>8} B gzip", bytes.len(), z);
        raw += bytes.len();
        gz += z;
    }
    Ok((raw, gz))
}

/// Prints the sizes; fails when a budget is exceeded. Returns (loader gz, widget gz).
pub fn report() -> Result<(usize, usize)> {
    let (_, loader) = group("loader", LOADER)?;
    let (_, widget) = group("widget", WIDGET)?;
    let (_, channel) = group("channel", CHANNEL)?;
    let (_, console) = group("console", CONSOLE)?;
    let worker = std::fs::read(root().join("edge/build/index_bg.wasm")).unwrap_or_default();
    println!("  worker   index_bg.wasm            {:>9} B raw {:>8} B gzip", worker.len(), gzip(&worker)?);
    // Each locale's catalogue, which the Worker writes into the app page of
    // a visitor in that language (English has none), outside the budgets.
    for locale in ["de", "fr", "es", "pt", "ja", "ar"] {
        let bytes = std::fs::read(root().join(format!("shared/i18n/{locale}.json")))?;
        println!("  locale   {:<24} {:>9} B raw {:>8} B gzip", format!("{locale}.json"), bytes.len(), gzip(&bytes)?);
    }
    println!(
        "loader {loader} B gzip (budget {LOADER_BUDGET}); customer widget app {widget} B gzip (budget {WIDGET_BUDGET}); \
         channel app {channel} B gzip (budget {WIDGET_BUDGET}); console app {console} B gzip (no budget)"
    );
    for bundle in ["customer", "channel"] {
        let wasm = std::fs::read(root().join(format!("dist/public/app/{bundle}_bg.wasm")))?;
        if wasm.windows(b"console-".len()).any(|w| w == b"console-") {
            bail!("console code (a console-* test id) is in the {bundle} bundle");
        }
    }
    if channel > WIDGET_BUDGET {
        bail!("channel app is {channel} B gzip, over its {WIDGET_BUDGET} B budget");
    }
    if loader > LOADER_BUDGET {
        bail!("loader is {loader} B gzip, over its {LOADER_BUDGET} B budget");
    }
    if widget > WIDGET_BUDGET {
        bail!("customer widget app is {widget} B gzip, over its {WIDGET_BUDGET} B budget");
    }
    Ok((loader, widget))
}
