//! IPv4 and IPv6 fragments put back together, so that a TCP segment sent in pieces is seen
//! whole, with bounded memory and a time-out.
//!
//! Stateful and byte-bound, so it runs where the bytes are: on the reading thread, between the
//! decoder (which says a packet is a fragment) and the batch handed to the tracker; the packet
//! that completes a datagram is modelled as the reassembled datagram, the other fragments stay
//! counted as `ip-fragment`.
//!
//! Rules:
//! - a datagram is keyed by (version, source, destination, identification, protocol) as RFC 791
//!   §3.2 and RFC 8200 §4.5 say;
//! - overlapping fragments make the whole datagram invalid, and later fragments of it are
//!   dropped too (RFC 5722 §4 for IPv6; done for IPv4 as well, since an overlap is the same
//!   evasion trick there). An exact copy of a fragment already held (same range, same bytes)
//!   is a duplicate, not an overlap, and is ignored;
//! - a datagram not complete [`TIMEOUT_V4_NS`] / [`TIMEOUT_V6_NS`] after its first fragment is
//!   given up (Linux's `ipfrag_time` 30 s and `ip6frag_time` 60 s);
//! - at most [`MAX_PENDING`] datagrams are put together at once, each at most 65 535 bytes (the
//!   largest IP datagram): past that the oldest is given up, so the memory held never exceeds
//!   `MAX_PENDING` × 64 KiB whatever the offsets and lengths the fragments claim.

use serde::Serialize;

/// Datagrams put together at the same time.
pub const MAX_PENDING: usize = 64;
/// Fragments accepted for one datagram: a 64 KiB datagram over a 1 500-byte MTU is 45 of them;
/// more than this many (down to 8-byte pieces) is an attack on the reassembler, and each
/// fragment is checked against the pieces held, so the bound keeps that work small too.
const MAX_PIECES: usize = 1024;
pub const TIMEOUT_V4_NS: i64 = 30_000_000_000;
pub const TIMEOUT_V6_NS: i64 = 60_000_000_000;
const MAX_DATAGRAM: usize = 65_535;

/// What happened to the fragmented datagrams of a capture.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DefragStats {
    /// Datagrams put back together.
    pub reassembled: u64,
    /// Datagrams given up because two of their fragments overlapped (RFC 5722).
    pub overlapping: u64,
    /// Datagrams still incomplete at their time-out or at the end of the capture.
    pub incomplete: u64,
    /// Datagrams given up to stay within [`MAX_PENDING`], or with too many fragments.
    pub over_limit: u64,
    /// Of the datagrams given up, those whose first fragment held a whole TCP header.
    pub tcp_first_fragments_lost: u64,
    /// Of those, the ones whose segment was still modelled from the first fragment alone
    /// (incomplete or over the limit; not after an overlap, which rejects the datagram).
    pub tcp_first_fragments_modelled: u64,
}

impl DefragStats {
    pub fn given_up(&self) -> u64 {
        self.overlapping + self.incomplete + self.over_limit
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    v6: bool,
    src: [u8; 16],
    dst: [u8; 16],
    id: u32,
    proto: u8,
}

#[derive(Clone, Debug)]
struct Pending {
    key: Key,
    first_ts: i64,
    /// The first fragment's header (IPv4 with options, or the 40-byte IPv6 header), once seen.
    header: Vec<u8>,
    data: Vec<u8>,
    /// The byte ranges held, never overlapping.
    pieces: Vec<(usize, usize)>,
    /// The datagram's length, once the last fragment (MF clear) has come.
    total: Option<usize>,
    /// Overlapping fragments were seen: the datagram is dropped, and so are later fragments.
    rejected: bool,
    /// The first fragment held a whole TCP header.
    tcp_header: bool,
    /// The first fragment's packet index and time.
    first_at: (u64, i64),
}

/// The first fragment of a datagram that was given up, as an IP packet of its own (what it
/// holds of the datagram, unfragmented), to be modelled at its own place in the capture: the TCP
/// header it carries is never lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirstFragment {
    pub index: u64,
    pub ts_ns: i64,
    pub ip: Vec<u8>,
}

/// One fragment, read from its IP header.
struct Fragment<'a> {
    key: Key,
    offset: usize,
    more: bool,
    /// The header to rebuild the datagram with (for the first fragment).
    header: &'a [u8],
    payload: &'a [u8],
}

/// The reassembly state of one capture.
#[derive(Clone, Debug, Default)]
pub struct Defrag {
    pending: Vec<Pending>,
    out: Vec<u8>,
    /// First fragments of given-up datagrams waiting to be modelled ([`Self::take_lost`]).
    lost: Vec<FirstFragment>,
    pub stats: DefragStats,
}

impl Defrag {
    /// Take one IP packet (packet `index` of the capture) that the decoder said is a fragment.
    /// Returns the whole datagram (an IP packet without fragmentation) when this fragment
    /// completes it. Datagrams given up meanwhile leave their first fragment in
    /// [`Self::take_lost`].
    pub fn push(&mut self, ip: &[u8], index: u64, ts_ns: i64) -> Option<&[u8]> {
        self.expire(ts_ns);
        let frag = parse(ip)?;
        let i = match self.pending.iter().position(|p| p.key == frag.key) {
            Some(i) => i,
            None => {
                if self.pending.len() == MAX_PENDING {
                    let oldest = (0..self.pending.len())
                        .min_by_key(|&i| self.pending[i].first_ts)
                        .unwrap_or(0);
                    let p = self.pending.swap_remove(oldest);
                    self.give_up(&p, Reason::OverLimit);
                }
                self.pending.push(Pending {
                    key: frag.key,
                    first_ts: ts_ns,
                    header: Vec::new(),
                    data: Vec::new(),
                    pieces: Vec::new(),
                    total: None,
                    rejected: false,
                    tcp_header: false,
                    first_at: (index, ts_ns),
                });
                self.pending.len() - 1
            }
        };
        let p = &mut self.pending[i];
        if p.rejected {
            return None;
        }
        match add(p, &frag, (index, ts_ns)) {
            Added::Held => {}
            Added::Overlap => {
                p.rejected = true;
                let p = p.clone();
                self.give_up(&p, Reason::Overlap);
                return None;
            }
            Added::TooMany => {
                let p = self.pending.swap_remove(i);
                self.give_up(&p, Reason::OverLimit);
                return None;
            }
        }
        let p = &self.pending[i];
        let complete = p.total.is_some_and(|t| {
            !p.header.is_empty() && p.pieces.iter().map(|(a, b)| b - a).sum::<usize>() == t
        });
        if !complete {
            return None;
        }
        let p = self.pending.swap_remove(i);
        self.stats.reassembled += 1;
        rebuild(&p, &mut self.out);
        Some(&self.out)
    }

    /// The end of the capture: what is still incomplete is given up.
    pub fn finish(&mut self) {
        for p in std::mem::take(&mut self.pending) {
            if !p.rejected {
                self.give_up(&p, Reason::Incomplete);
            }
        }
    }

    fn expire(&mut self, now: i64) {
        let mut i = 0;
        while i < self.pending.len() {
            let p = &self.pending[i];
            let timeout = if p.key.v6 {
                TIMEOUT_V6_NS
            } else {
                TIMEOUT_V4_NS
            };
            if now.saturating_sub(p.first_ts) > timeout {
                let p = self.pending.swap_remove(i);
                if !p.rejected {
                    self.give_up(&p, Reason::Incomplete);
                }
            } else {
                i += 1;
            }
        }
    }

    fn give_up(&mut self, p: &Pending, why: Reason) {
        match why {
            Reason::Overlap => self.stats.overlapping += 1,
            Reason::Incomplete => self.stats.incomplete += 1,
            Reason::OverLimit => self.stats.over_limit += 1,
        }
        if !p.tcp_header {
            return;
        }
        self.stats.tcp_first_fragments_lost += 1;
        if matches!(why, Reason::Overlap) {
            return;
        }
        // The first piece as a packet of its own: its header, the bytes it brought.
        let Some(&(_, end)) = p.pieces.iter().find(|r| r.0 == 0) else {
            return;
        };
        let mut whole = Pending {
            data: p.data[..end].to_vec(),
            ..p.clone()
        };
        whole.pieces.clear();
        let mut ip = Vec::new();
        rebuild(&whole, &mut ip);
        self.stats.tcp_first_fragments_modelled += 1;
        self.lost.push(FirstFragment {
            index: p.first_at.0,
            ts_ns: p.first_at.1,
            ip,
        });
    }

    /// The first fragment of a datagram given up since the last call, if any.
    pub fn take_lost(&mut self) -> Option<FirstFragment> {
        self.lost.pop()
    }

    /// One sentence for the warnings, when some datagrams were not put together.
    pub fn message(&self) -> Option<String> {
        let s = &self.stats;
        if s.given_up() == 0 {
            return None;
        }
        let mut m = format!(
            "{} fragmented IP datagrams not reassembled ({} with overlapping fragments, rejected as RFC 5722 says; {} incomplete after {} s or at the capture's end; {} over the limit of {MAX_PENDING} at once or {MAX_PIECES} fragments); {} reassembled",
            s.given_up(),
            s.overlapping,
            s.incomplete,
            TIMEOUT_V4_NS / 1_000_000_000,
            s.over_limit,
            s.reassembled,
        );
        if s.tcp_first_fragments_lost > 0 {
            m.push_str(&format!(
                "; {} of those began with a TCP header, {} of which modelled from the first fragment alone (its payload only what that fragment carried)",
                s.tcp_first_fragments_lost, s.tcp_first_fragments_modelled
            ));
        }
        Some(m)
    }
}

enum Reason {
    Overlap,
    Incomplete,
    OverLimit,
}

enum Added {
    Held,
    Overlap,
    TooMany,
}

fn add(p: &mut Pending, f: &Fragment<'_>, at: (u64, i64)) -> Added {
    let (start, end) = (f.offset, f.offset + f.payload.len());
    if end > MAX_DATAGRAM || (f.more && !f.payload.len().is_multiple_of(8)) {
        return Added::Overlap; // not a valid fragment of any datagram: the datagram is bad
    }
    if let Some(&(a, b)) = p.pieces.iter().find(|&&(a, b)| start < b && a < end) {
        if (a, b) == (start, end) && p.data.get(a..b) == Some(f.payload) {
            return Added::Held; // an exact copy
        }
        return Added::Overlap;
    }
    // The last fragment fixes the length; a fragment past it, or a second different end, is
    // an inconsistency of the same kind as an overlap.
    match (p.total, f.more) {
        (Some(t), _) if end > t => return Added::Overlap,
        (Some(t), false) if end != t => return Added::Overlap,
        (None, false) if p.pieces.iter().any(|&(_, b)| b > end) => return Added::Overlap,
        (None, false) => p.total = Some(end),
        _ => {}
    }
    if p.pieces.len() == MAX_PIECES {
        return Added::TooMany;
    }
    if p.data.len() < end {
        p.data.resize(end, 0);
    }
    p.data[start..end].copy_from_slice(f.payload);
    p.pieces.push((start, end));
    if start == 0 {
        p.header.clear();
        p.header.extend_from_slice(f.header);
        p.tcp_header = f.key.proto == 6 && tcp_header_whole(f.payload);
        p.first_at = at;
    }
    Added::Held
}

fn tcp_header_whole(b: &[u8]) -> bool {
    b.get(12)
        .is_some_and(|&o| b.len() >= ((o >> 4) as usize * 4).max(20))
}

/// The datagram as one unfragmented IP packet.
fn rebuild(p: &Pending, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&p.header);
    let len = p.data.len();
    if p.key.v6 {
        out[4..6].copy_from_slice(&(len as u16).to_be_bytes());
        out[6] = p.key.proto;
    } else {
        let total = (p.header.len() + len).min(u16::MAX as usize) as u16;
        out[2..4].copy_from_slice(&total.to_be_bytes());
        out[6] = 0; // no more fragments, offset 0 (DF cleared with them)
        out[7] = 0;
        out[10] = 0;
        out[11] = 0;
        let sum = ipv4_checksum(&out[..p.header.len()]);
        out[10..12].copy_from_slice(&sum.to_be_bytes());
    }
    out.extend_from_slice(&p.data);
}

fn ipv4_checksum(h: &[u8]) -> u16 {
    let mut sum: u32 = h
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Read a fragment's identity, place and bytes from its IP header; `None` if it is not a
/// fragment after all or its header is cut.
fn parse(ip: &[u8]) -> Option<Fragment<'_>> {
    match ip.first()? >> 4 {
        4 => {
            let ihl = (ip[0] & 0x0f) as usize * 4;
            if ihl < 20 {
                return None;
            }
            let h = ip.get(..ihl)?;
            let total = (u16::from_be_bytes([h[2], h[3]]) as usize).clamp(ihl, ip.len());
            let flags = u16::from_be_bytes([h[6], h[7]]);
            let (more, offset) = (flags & 0x2000 != 0, (flags & 0x1fff) as usize * 8);
            if !more && offset == 0 {
                return None;
            }
            let mut src = [0; 16];
            let mut dst = [0; 16];
            src[..4].copy_from_slice(&h[12..16]);
            dst[..4].copy_from_slice(&h[16..20]);
            Some(Fragment {
                key: Key {
                    v6: false,
                    src,
                    dst,
                    id: u16::from_be_bytes([h[4], h[5]]) as u32,
                    proto: h[9],
                },
                offset,
                more,
                header: h,
                payload: ip.get(ihl..total)?,
            })
        }
        6 => {
            let h = ip.get(..40)?;
            let end = (40 + u16::from_be_bytes([h[4], h[5]]) as usize).min(ip.len());
            let mut next = h[6];
            let mut at = 40;
            // Extension headers before the fragment header (hop-by-hop, routing, destination
            // options); bounded, each is at least 8 bytes.
            for _ in 0..8 {
                match next {
                    0 | 43 | 60 => {
                        let len = (*ip.get(at + 1)? as usize + 1) * 8;
                        next = *ip.get(at)?;
                        at += len;
                    }
                    44 => {
                        let f = ip.get(at..at + 8)?;
                        let v = u16::from_be_bytes([f[2], f[3]]);
                        let (offset, more) = ((v >> 3) as usize * 8, v & 1 != 0);
                        if !more && offset == 0 {
                            return None;
                        }
                        return Some(Fragment {
                            key: Key {
                                v6: true,
                                src: h[8..24].try_into().ok()?,
                                dst: h[24..40].try_into().ok()?,
                                id: u32::from_be_bytes([f[4], f[5], f[6], f[7]]),
                                proto: f[0],
                            },
                            offset,
                            more,
                            // Only the fixed header is kept: the extension headers before the
                            // fragment header say nothing about the TCP segment inside.
                            header: h,
                            payload: ip.get(at + 8..end.max(at + 8))?,
                        });
                    }
                    _ => return None,
                }
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{decode, linktype, Decoded};

    /// An IPv4 TCP segment with `len` payload bytes, and its fragments of `size` bytes.
    fn segment(len: usize) -> Vec<u8> {
        let mut out = Vec::new();
        etherparse::PacketBuilder::ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .tcp(40000, 80, 7, 1000)
            .syn()
            .write(&mut out, &vec![0x5a; len])
            .unwrap();
        out
    }

    fn fragments4(ip: &[u8], size: usize, id: u16) -> Vec<Vec<u8>> {
        let body = &ip[20..];
        body.chunks(size)
            .enumerate()
            .map(|(i, c)| {
                let mut h = ip[..20].to_vec();
                let off = i * size / 8;
                let more = (i + 1) * size < body.len();
                h[2..4].copy_from_slice(&((20 + c.len()) as u16).to_be_bytes());
                h[4..6].copy_from_slice(&id.to_be_bytes());
                h[6..8].copy_from_slice(&((more as u16) << 13 | off as u16).to_be_bytes());
                h.extend_from_slice(c);
                h
            })
            .collect()
    }

    fn fragments6(size: usize) -> (Vec<u8>, Vec<Vec<u8>>) {
        let mut whole = Vec::new();
        etherparse::PacketBuilder::ipv6([1; 16], [2; 16], 64)
            .tcp(40000, 80, 7, 1000)
            .syn()
            .write(&mut whole, &[0x5a; 300])
            .unwrap();
        let body = &whole[40..];
        let frags = body
            .chunks(size)
            .enumerate()
            .map(|(i, c)| {
                let mut h = whole[..40].to_vec();
                h[4..6].copy_from_slice(&((8 + c.len()) as u16).to_be_bytes());
                h[6] = 44;
                let more = (i + 1) * size < body.len();
                let v = ((i * size / 8) as u16) << 3 | more as u16;
                h.extend_from_slice(&[6, 0]);
                h.extend_from_slice(&v.to_be_bytes());
                h.extend_from_slice(&77u32.to_be_bytes());
                h.extend_from_slice(c);
                h
            })
            .collect();
        (whole, frags)
    }

    #[test]
    fn fragments_in_any_order_give_the_segment_back() {
        let ip = segment(1000);
        let whole = decode(linktype::RAW, &ip);
        let mut frags = fragments4(&ip, 256, 9);
        for f in &frags {
            assert!(matches!(decode(linktype::RAW, f), Decoded::Other(_)));
        }
        frags.reverse();
        let mut d = Defrag::default();
        let n = frags.len();
        for (i, f) in frags.iter().enumerate() {
            let got = d
                .push(f, i as u64, i as i64)
                .map(|b| decode(linktype::RAW, b));
            assert_eq!(got.is_some(), i == n - 1);
            if let Some(got) = got {
                assert_eq!(got, whole);
            }
        }
        assert_eq!(d.stats.reassembled, 1);
        assert!(d.message().is_none());

        let (whole6, frags6) = fragments6(64);
        let mut d = Defrag::default();
        let last = frags6
            .iter()
            .filter_map(|f| d.push(f, 0, 0).map(|b| b.to_vec()))
            .last();
        assert_eq!(
            decode(linktype::RAW, &last.unwrap()),
            decode(linktype::RAW, &whole6)
        );
    }

    #[test]
    fn overlaps_are_rejected_copies_are_not() {
        let ip = segment(1000);
        let frags = fragments4(&ip, 256, 9);
        let mut d = Defrag::default();
        assert!(d.push(&frags[0], 0, 0).is_none());
        assert!(d.push(&frags[0], 1, 1).is_none()); // a copy
                                                    // A fragment covering bytes 8..264 overlaps the first.
        let mut bad = frags[1].clone();
        bad[6..8].copy_from_slice(&(0x2000u16 | 1).to_be_bytes());
        assert!(d.push(&bad, 2, 2).is_none());
        for f in &frags[1..] {
            assert!(
                d.push(f, 3, 3).is_none(),
                "later fragments of a rejected datagram are dropped"
            );
        }
        assert_eq!(d.stats.overlapping, 1);
        assert_eq!(d.stats.tcp_first_fragments_lost, 1);
        assert!(d.message().unwrap().contains("RFC 5722"));
    }

    #[test]
    fn incomplete_datagrams_time_out_and_the_pool_is_bounded() {
        let ip = segment(1000);
        let mut d = Defrag::default();
        for id in 0..(MAX_PENDING as u16 + 10) {
            assert!(d
                .push(&fragments4(&ip, 256, id)[0], id as u64, id as i64)
                .is_none());
        }
        assert_eq!(d.pending.len(), MAX_PENDING);
        assert_eq!(d.stats.over_limit, 10);
        // A fragment 31 s later expires them all.
        assert!(d
            .push(&fragments4(&ip, 256, 999)[1], 999, 31_000_000_000)
            .is_none());
        assert_eq!(d.stats.incomplete, MAX_PENDING as u64);
        d.finish();
        assert_eq!(d.stats.incomplete, MAX_PENDING as u64 + 1);
        assert!(d.pending.is_empty());
    }

    #[test]
    fn a_given_up_datagram_still_gives_its_first_fragments_tcp_header() {
        let ip = segment(1000);
        let frags = fragments4(&ip, 256, 9);
        let mut d = Defrag::default();
        // Fragments 1 and 0 arrive (out of order), the rest never does.
        assert!(d.push(&frags[1], 5, 50).is_none());
        assert!(d.push(&frags[0], 6, 60).is_none());
        assert!(d.take_lost().is_none());
        d.finish();
        let lost = d.take_lost().expect("the first fragment is handed back");
        assert_eq!((lost.index, lost.ts_ns), (6, 60));
        let Decoded::Tcp(t) = decode(linktype::RAW, &lost.ip) else {
            panic!("not TCP: {:?}", decode(linktype::RAW, &lost.ip));
        };
        assert_eq!((t.src.port, t.dst.port, t.seq), (40000, 80, 7));
        assert_eq!(t.payload_len, 256 - 20, "what the first fragment carried");
        assert_eq!(d.stats.tcp_first_fragments_modelled, 1);
        assert!(d.take_lost().is_none());
        // After an overlap the datagram is rejected, its first fragment too.
        let mut d = Defrag::default();
        let _ = d.push(&frags[0], 0, 0);
        let mut bad = frags[1].clone();
        bad[6..8].copy_from_slice(&(0x2000u16 | 1).to_be_bytes());
        let _ = d.push(&bad, 1, 1);
        d.finish();
        assert!(d.take_lost().is_none());
        assert_eq!(d.stats.tcp_first_fragments_lost, 1);
    }

    #[test]
    fn lying_offsets_and_lengths_hold_no_more_than_a_datagram() {
        let mut d = Defrag::default();
        let mut f = segment(100)[..60].to_vec();
        f[6..8].copy_from_slice(&(0x2000u16 | 0x1fff).to_be_bytes()); // offset 65 528, more
        f[2..4].copy_from_slice(&60u16.to_be_bytes());
        assert!(d.push(&f, 0, 0).is_none());
        assert!(d.pending.iter().all(|p| p.data.len() <= MAX_DATAGRAM));
        for cut in 0..f.len() {
            let _ = d.push(&f[..cut], 0, 0);
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_fragments_never_panic(
            packets in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..120), 0..40),
        ) {
            let mut d = Defrag::default();
            for (i, mut p) in packets.into_iter().enumerate() {
                if let Some(b) = p.first_mut() {
                    *b = if i % 2 == 0 { 0x45 } else { 0x60 };
                }
                if let Some(whole) = d.push(&p, i as u64, i as i64 * 1_000_000_000) {
                    let _ = decode(linktype::RAW, whole);
                }
            }
            d.finish();
        }
    }
}
