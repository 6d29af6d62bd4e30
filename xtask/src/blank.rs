//! Blanks what only a panic could say from a front-end bundle's wasm: the
//! source file of every panic location (`/rustc/<commit>/library/…`,
//! `tachys-0.2.19/src/…`, `widget/src/…`) and tachys's long diagnostic for
//! a misconfigured `ssr` feature. The release bundles abort on a panic
//! (`panic = "abort"`) and install no panic hook, so nothing ever reads
//! these bytes; overwritten with NULs in place (nothing moves, no pointer
//! changes) they compress to almost nothing: the customer widget is
//! ~0.8 KB gzip smaller. It is what `-Zlocation-detail=none` does, which a
//! stable toolchain does not have.
//!
//! A location is found as the data holds it: four little-endian `u32`s,
//! the file's address and length, the line and the column, where the
//! address points at data that is a UTF-8 file name ending in `.rs`.

use std::path::Path;

use anyhow::{bail, Context, Result};

/// tachys's diagnostic (`tachys::html::FEATURE_CONFLICT_DIAGNOSTIC`): its
/// first and last words.
const DIAGNOSTIC: (&[u8], &[u8]) = (b"Value is None because the `ssr` feature is active.", b"to identify the source.");

/// One active data segment: where it goes in memory and where its bytes are in the file.
struct Segment {
    memory: usize,
    file: usize,
    len: usize,
}

/// Blanks the panic-only text of the wasm at `path` in place; how many bytes.
pub fn panic_text(path: &Path) -> Result<usize> {
    let mut wasm = std::fs::read(path)?;
    let segments = segments(&wasm).with_context(|| format!("reading the data of {}", path.display()))?;
    let blanked = blank(&mut wasm, &segments);
    std::fs::write(path, wasm)?;
    Ok(blanked)
}

fn blank(wasm: &mut [u8], segments: &[Segment]) -> usize {
    let at = |address: usize, len: usize| {
        let s = segments.iter().find(|s| address >= s.memory && address + len <= s.memory + s.len)?;
        Some(s.file + address - s.memory)
    };
    let mut files = Vec::new();
    for s in segments {
        let word = |i: usize| u32::from_le_bytes(wasm[i..i + 4].try_into().unwrap()) as usize;
        for i in (s.file..(s.file + s.len).saturating_sub(15)).filter(|i| (i - s.file + s.memory) % 4 == 0) {
            let (address, len, line, column) = (word(i), word(i + 4), word(i + 8), word(i + 12));
            if !(4..=300).contains(&len) || !(1..=100_000).contains(&line) || column > 1_000 {
                continue;
            }
            let Some(start) = at(address, len) else { continue };
            let name = &wasm[start..start + len];
            if name.ends_with(b".rs") && std::str::from_utf8(name).is_ok_and(|n| !n.contains(char::is_control)) {
                files.push(start..start + len);
            }
        }
    }
    for s in segments {
        let data = &wasm[s.file..s.file + s.len];
        if let Some(from) = find(data, DIAGNOSTIC.0) {
            if let Some(to) = find(&data[from..], DIAGNOSTIC.1) {
                files.push(s.file + from..s.file + from + to + DIAGNOSTIC.1.len());
            }
        }
    }
    files.sort_by_key(|r| r.start);
    files.dedup();
    files.iter().map(|r| wasm[r.clone()].iter_mut().map(|b| *b = 0).count()).sum()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads an unsigned LEB128 number at `*i`.
fn leb(wasm: &[u8], i: &mut usize) -> Result<usize> {
    let (mut n, mut shift) = (0usize, 0);
    loop {
        let Some(&b) = wasm.get(*i) else { bail!("cut short") };
        *i += 1;
        n |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            return Ok(n);
        }
        shift += 7;
    }
}

/// The active data segments with a constant offset (what a bundle has).
fn segments(wasm: &[u8]) -> Result<Vec<Segment>> {
    if wasm.get(..4) != Some(b"\0asm") {
        bail!("not a wasm module");
    }
    let mut i = 8;
    while i < wasm.len() {
        let id = wasm[i];
        i += 1;
        let size = leb(wasm, &mut i)?;
        let end = i + size;
        if id == 11 {
            let mut out = Vec::new();
            for _ in 0..leb(wasm, &mut i)? {
                let flags = leb(wasm, &mut i)?;
                if flags == 2 {
                    leb(wasm, &mut i)?;
                }
                // An active segment's offset: `i32.const N end`.
                let memory = if flags == 1 {
                    None
                } else if wasm.get(i) == Some(&0x41) {
                    i += 1;
                    let n = leb(wasm, &mut i)?;
                    i += 1;
                    Some(n)
                } else {
                    bail!("a data segment's offset is not a constant");
                };
                let len = leb(wasm, &mut i)?;
                if let Some(memory) = memory {
                    out.push(Segment { memory, file: i, len });
                }
                i += len;
            }
            return Ok(out);
        }
        i = end;
    }
    bail!("no data section")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` as unsigned LEB128.
    fn leb_of(mut n: usize) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            out.push(if n == 0 { b } else { b | 0x80 });
            if n == 0 {
                return out;
            }
        }
    }

    /// A module with one data segment at `memory` (< 64) holding `data`.
    fn module(memory: u8, data: &[u8]) -> Vec<u8> {
        let mut segment = vec![1, 0, 0x41, memory, 0x0b];
        segment.extend(leb_of(data.len()));
        segment.extend_from_slice(data);
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend([1, 4, 1, 0x60, 0, 0]); // a type section, skipped
        wasm.push(11);
        wasm.extend(leb_of(segment.len()));
        wasm.extend(segment);
        wasm
    }

    #[test]
    fn a_locations_file_and_the_diagnostic_are_blanked_and_nothing_else() {
        // At 16: "keep" "src/a.rs" "Value…source." then a location
        // (address 20, length 8, line 3, column 9) and a lookalike whose
        // text does not end in `.rs`.
        let mut data = b"keepsrc/a.rs".to_vec();
        data.extend_from_slice(DIAGNOSTIC.0);
        data.extend_from_slice(b" (more) ");
        data.extend_from_slice(DIAGNOSTIC.1);
        while data.len() % 4 != 0 {
            data.push(b'.');
        }
        for word in [20u32, 8, 3, 9, 16, 4, 3, 9] {
            data.extend(word.to_le_bytes());
        }
        let mut wasm = module(16, &data);
        let segments = segments(&wasm).unwrap();
        assert_eq!((segments.len(), segments[0].memory, segments[0].len), (1, 16, data.len()));
        let text = DIAGNOSTIC.0.len() + 8 + DIAGNOSTIC.1.len();
        assert_eq!(blank(&mut wasm, &segments), 8 + text);
        let after = &wasm[segments[0].file..segments[0].file + data.len()];
        assert_eq!(&after[..4], b"keep", "the lookalike location's text stays");
        assert!(after[4..12 + text].iter().all(|b| *b == 0));
        assert_eq!(after[12 + text..], data[12 + text..], "the locations themselves stay");
    }

    #[test]
    fn a_module_without_data_is_refused() {
        assert!(segments(b"\0asm\x01\0\0\0").is_err());
        assert!(segments(b"not wasm").is_err());
    }
}
