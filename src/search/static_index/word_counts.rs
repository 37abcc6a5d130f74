//! Each incident's word counts as the static index counted them, kept
//! beside the search index for the next build with the shards that build
//! published: an edit to one postmortem then counts the words of that one
//! incident again, not of every incident, and the next build tells which
//! records, and so which shards, the edit changed.
//!
//! The file: a header and salt, every written form with its stem (an id
//! each, by place), then per incident in number order the digest of the
//! text counted and its block (field lengths, then its forms by id with
//! their count per field), then the words and terms shards (first key,
//! name). Forms no incident has any more stay in the table, unlisted.

use std::ops::Range;
use std::path::Path;

const HEADER: &[u8] = b"coroner-word-counts 1\n";

/// One form's count in one incident's title, root cause and body.
pub(super) type Tf = [u16; 3];

/// The previous build's counts and shards, as read back from its file.
pub struct Kept {
    bytes: Vec<u8>,
    /// Every form with its stem, by id.
    pub(super) forms: Vec<(String, String)>,
    /// Per incident number: the digest of the text counted, and its block in `bytes`.
    pub(super) incidents: Vec<(u64, Range<usize>)>,
    /// The words shards, then the terms shards: each one's first key and name.
    pub(super) shards: [Vec<(String, String)>; 2],
}

impl Kept {
    /// The counts saved at `path` with `salt` (which changes with coroner
    /// itself, so with its analysis); none when missing, older or unreadable.
    pub fn load(path: &Path, salt: u64) -> Option<Kept> {
        let bytes = std::fs::read(path).ok()?;
        Kept::parse(bytes, salt)
    }

    fn parse(bytes: Vec<u8>, salt: u64) -> Option<Kept> {
        let mut at = HEADER.len();
        if bytes.get(..at)? != HEADER || u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?) != salt {
            return None;
        }
        at += 8;
        let mut forms = Vec::new();
        for _ in 0..read_varint(&bytes, &mut at)? {
            forms.push((read_str(&bytes, &mut at)?.to_string(), read_str(&bytes, &mut at)?.to_string()));
        }
        let mut incidents = Vec::new();
        for _ in 0..read_varint(&bytes, &mut at)? {
            let digest = u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?);
            at += 8;
            let len = read_varint(&bytes, &mut at)? as usize;
            let block = at..at.checked_add(len).filter(|&end| end <= bytes.len())?;
            at = block.end;
            incidents.push((digest, block));
        }
        let mut shards: [Vec<(String, String)>; 2] = Default::default();
        for kind in &mut shards {
            for _ in 0..read_varint(&bytes, &mut at)? {
                kind.push((read_str(&bytes, &mut at)?.to_string(), read_str(&bytes, &mut at)?.to_string()));
            }
        }
        (at == bytes.len()).then_some(Kept { bytes, forms, incidents, shards })
    }

    /// The block of incident `number`, decoded into `words`; its field
    /// lengths, or none when it names a form the table does not have.
    pub(super) fn block(&self, number: usize, words: &mut Vec<(u32, Tf)>) -> Option<[u32; 3]> {
        decode_block(&self.bytes[self.incidents[number].1.clone()], self.forms.len(), words)
    }

    /// The raw block of incident `number`, as the next file keeps it.
    pub(super) fn raw_block(&self, number: usize) -> &[u8] {
        &self.bytes[self.incidents[number].1.clone()]
    }
}

/// Save what the next build reads back with [`Kept::load`]: `body` as
/// [`body`] made it. Written beside, then renamed.
pub fn save(path: &Path, salt: u64, body: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let aside = path.with_extension(std::process::id().to_string());
    let mut file = std::io::BufWriter::new(std::fs::File::create(&aside)?);
    file.write_all(HEADER)?;
    file.write_all(&salt.to_le_bytes())?;
    file.write_all(body)?;
    file.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    std::fs::rename(&aside, path)
}

/// The file's body: `forms` with their `stems`, the incidents' digests
/// and blocks as [`incident`] wrote them, then the shards.
pub(super) fn body(
    forms: &[String],
    stems: &[String],
    incidents: (usize, &[u8]),
    shards: [&[(String, String)]; 2],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(incidents.1.len() + forms.len() * 16);
    varint(&mut out, forms.len() as u32);
    for (form, stem) in forms.iter().zip(stems) {
        write_str(&mut out, form);
        write_str(&mut out, stem);
    }
    varint(&mut out, incidents.0 as u32);
    out.extend_from_slice(incidents.1);
    for kind in shards {
        varint(&mut out, kind.len() as u32);
        for (first, name) in kind {
            write_str(&mut out, first);
            write_str(&mut out, name);
        }
    }
    out
}

/// Append one incident (its digest and block) to `out`; the block's range in `out`.
pub(super) fn incident(out: &mut Vec<u8>, digest: u64, block: &[u8]) -> Range<usize> {
    out.extend_from_slice(&digest.to_le_bytes());
    varint(out, block.len() as u32);
    let start = out.len();
    out.extend_from_slice(block);
    start..out.len()
}

/// A block: the field lengths, then each form (sorted by id, as gaps)
/// with its body count, and its title and root cause counts only when
/// one is not zero (the low bit of the gap says so): most words are in
/// the body alone.
pub(super) fn encode_block(lengths: [u32; 3], words: &[(u32, Tf)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + words.len() * 3);
    for length in lengths {
        varint(&mut out, length);
    }
    varint(&mut out, words.len() as u32);
    let mut last = 0;
    for &(id, [title, root_cause, body]) in words {
        let rare = title > 0 || root_cause > 0;
        varint(&mut out, ((id - last) << 1) | u32::from(rare));
        last = id;
        varint(&mut out, u32::from(body));
        if rare {
            varint(&mut out, u32::from(title));
            varint(&mut out, u32::from(root_cause));
        }
    }
    out
}

/// [`encode_block`] read back into `words`; none when it is cut short or
/// names a form id of `forms` or more.
pub(super) fn decode_block(block: &[u8], forms: usize, words: &mut Vec<(u32, Tf)>) -> Option<[u32; 3]> {
    words.clear();
    let mut at = 0;
    let mut lengths = [0; 3];
    for length in &mut lengths {
        *length = read_varint(block, &mut at)?;
    }
    let count = read_varint(block, &mut at)?;
    let mut id = 0u32;
    for _ in 0..count {
        let gap = read_varint(block, &mut at)?;
        id = id.checked_add(gap >> 1).filter(|&id| (id as usize) < forms)?;
        let body = read_varint(block, &mut at)? as u16;
        let (title, root_cause) = if gap & 1 == 1 {
            (read_varint(block, &mut at)? as u16, read_varint(block, &mut at)? as u16)
        } else {
            (0, 0)
        };
        words.push((id, [title, root_cause, body]));
    }
    (at == block.len()).then_some(lengths)
}

pub(super) fn varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut value = 0u32;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u32::from(byte & 0x7f).checked_shl(shift)?;
        if byte < 0x80 {
            return Some(value);
        }
    }
    None
}

fn write_str(out: &mut Vec<u8>, text: &str) {
    varint(out, text.len() as u32);
    out.extend_from_slice(text.as_bytes());
}

fn read_str<'a>(bytes: &'a [u8], at: &mut usize) -> Option<&'a str> {
    let len = read_varint(bytes, at)? as usize;
    let text = std::str::from_utf8(bytes.get(*at..at.checked_add(len)?)?).ok()?;
    *at += len;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_reads_back_as_written_and_a_bad_one_not_at_all() {
        let words = [(0, [0, 0, 3]), (7, [1, 0, 2]), (300, [0, 2, 0])];
        let block = encode_block([4, 2, 9], &words);
        let mut read = Vec::new();
        assert_eq!(decode_block(&block, 301, &mut read), Some([4, 2, 9]));
        assert_eq!(read, words);
        assert_eq!(decode_block(&block, 300, &mut read), None, "form 300 is not in a table of 300");
        assert_eq!(decode_block(&block[..block.len() - 1], 301, &mut read), None);
    }

    #[test]
    fn the_file_reads_back_with_its_salt_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("counts");
        let mut incidents = Vec::new();
        incident(&mut incidents, 42, &encode_block([1, 0, 2], &[(1, [1, 0, 1])]));
        let shards = [("a".to_string(), "words/x.txt".to_string())];
        let forms = ["databases".to_string(), "outage".to_string()];
        let stems = ["databas".to_string(), "outag".to_string()];
        save(&path, 7, &body(&forms, &stems, (1, &incidents), [&shards, &[]])).unwrap();
        assert!(Kept::load(&path, 8).is_none());
        let kept = Kept::load(&path, 7).unwrap();
        assert_eq!(kept.forms[0], ("databases".to_string(), "databas".to_string()));
        assert_eq!(kept.incidents[0].0, 42);
        let mut words = Vec::new();
        assert_eq!(kept.block(0, &mut words), Some([1, 0, 2]));
        assert_eq!(words, [(1, [1, 0, 1])]);
        assert_eq!(kept.shards[0], shards);
        let mut cut = std::fs::read(&path).unwrap();
        cut.pop();
        assert!(Kept::parse(cut, 7).is_none());
    }
}
