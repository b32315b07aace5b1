//! A minimal ZIP archive writer and reader for the brat export: entries are stored
//! (not compressed), which every unzip tool reads and which needs no dependency.
//!
//! Invariants: [`write`] produces a valid archive (local headers, central directory,
//! end record, CRC-32 of each entry) for up to 65,535 entries of up to 4 GiB; [`read`]
//! never panics on any input and reads only stored entries, naming any it cannot.

/// CRC-32 (IEEE 802.3, as ZIP uses), bit by bit with a small table built once per call.
pub fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *slot = c;
    }
    let mut crc = !0u32;
    for &b in data {
        crc = table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

fn u16le(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn u32le(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// An archive of `(name, content)` entries, stored, dated 1980-01-01 (a fixed date keeps
/// exports byte-for-byte reproducible). Names are UTF-8 (flag bit 11).
pub fn write(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let (size, name_len) = (data.len() as u32, name.len() as u16);
        let header = |v: &mut Vec<u8>| {
            u16le(v, 20); // version needed: 2.0
            u16le(v, 1 << 11); // UTF-8 names
            u16le(v, 0); // stored
            u16le(v, 0); // time 00:00
            u16le(v, (1 << 5) | 1); // date 1980-01-01
            u32le(v, crc);
            u32le(v, size);
            u32le(v, size);
            u16le(v, name_len);
            u16le(v, 0); // extra length
        };
        u32le(&mut out, 0x0403_4b50);
        header(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, 20); // version made by
        header(&mut central);
        u16le(&mut central, 0); // comment length
        u16le(&mut central, 0); // disk
        u16le(&mut central, 0); // internal attributes
        u32le(&mut central, 0o100644 << 16); // external: a regular file, rw-r--r--
        u32le(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let (cd_offset, cd_size) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, entries.len() as u16);
    u16le(&mut out, entries.len() as u16);
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    out
}

/// One entry read from an archive.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub data: Vec<u8>,
}

/// The stored entries of an archive, in order, by walking its local headers. An entry
/// that is compressed, encrypted or cut short is an error naming it: unzip the archive
/// and import its files instead.
pub fn read(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    let u16at = |i: usize| bytes.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32at = |i: usize| bytes.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let mut entries = Vec::new();
    let mut at = 0usize;
    while u32at(at) == Some(0x0403_4b50) {
        let cut = || format!("the archive is cut short at byte {at}");
        let flags = u16at(at + 6).ok_or_else(cut)?;
        let method = u16at(at + 8).ok_or_else(cut)?;
        let size = u32at(at + 18).ok_or_else(cut)? as usize;
        let name_len = usize::from(u16at(at + 26).ok_or_else(cut)?);
        let extra_len = usize::from(u16at(at + 28).ok_or_else(cut)?);
        let name_start = at + 30;
        let name = bytes.get(name_start..name_start + name_len).ok_or_else(cut)?;
        let name = String::from_utf8_lossy(name).into_owned();
        if method != 0 || flags & 0x9 != 0 {
            return Err(format!("entry {name:?} is compressed or encrypted; unzip the archive and import its .ann file (with its .txt)"));
        }
        let data_start = name_start + name_len + extra_len;
        let data = bytes.get(data_start..data_start + size).ok_or_else(|| format!("entry {name:?} is cut short"))?;
        entries.push(Entry { name, data: data.to_vec() });
        at = data_start + size;
    }
    if entries.is_empty() {
        return Err("not a ZIP archive (no local file header at its start)".into());
    }
    Ok(entries)
}
