//! Between decode and the tracker: makes the packet stream safe to model.
//!
//! Captures taken on several interfaces at once (or merged from several files) have two
//! artefacts that would otherwise be silently mis-modelled:
//! - **timestamps going backwards**: the tracker needs time to move forward, so a packet earlier
//!   than the one before it is modelled at the previous packet's time (capture order wins);
//! - **duplicated packets**: the same IP packet seen on two interfaces (a bridge and its port, a
//!   VLAN and its parent) would look like a retransmission. A packet whose IP bytes (TTL/hop
//!   limit and IPv4 checksum ignored, since a forwarding hop changes them) equal one seen within
//!   [`DUP_WINDOW_NS`] is dropped before the tracker.
//!
//! Both are counted, and the analysis turns the counts into warnings.

use std::hash::{BuildHasher, Hasher};

use crate::decode;

/// How close in time two identical IP packets must be to count as one packet seen twice: a
/// copy made on the way to the capture (a mirror port seeing both ingress and egress, a bridge
/// and its port, loopback delivered twice on "any", NFLOG logging one packet three times) comes
/// within microseconds. A real retransmission needs a round trip at least (a fast
/// retransmission three duplicate ACKs, a timeout 200 ms on Linux), and it can be byte for byte
/// the same packet: IPv4 ID 0 (Linux with DF set) and no TCP timestamps make a go-back
/// retransmission 4 ms later identical to the first send (Zeek's `pppoe-over-qinq` trace).
/// 50 µs is shorter than any round trip off the host itself.
pub const DUP_WINDOW_NS: i64 = 50_000;
/// How many recent packets are remembered for duplicate detection.
const RECENT: usize = 64;
/// Bytes of the IP packet that are hashed (headers and the start of the payload).
const HASHED_BYTES: usize = 96;

/// Verdict on one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Model it, at this timestamp.
    Keep { ts_ns: i64 },
    /// A duplicate of a recent packet: count it, do not model it.
    Duplicate,
}

/// Streaming state for [`Sanitizer::check`].
#[derive(Debug, Clone)]
pub struct Sanitizer {
    last_ts: Option<i64>,
    recent: Recent,
    pub duplicates: u64,
    pub reordered: u64,
}

impl Default for Sanitizer {
    fn default() -> Self {
        Sanitizer {
            last_ts: None,
            recent: Recent {
                tags: [0; RECENT],
                hashes: [0; RECENT],
                // Empty slots: older than any window.
                times: [i64::MIN; RECENT],
                next: 0,
            },
            duplicates: 0,
            reordered: 0,
        }
    }
}

/// The fingerprints of the last [`RECENT`] packets kept, with their times, in a ring. Every
/// packet is compared with all of them (those older than the window do not match): a flat array
/// of 32-bit tags is compared in a few vector instructions, where a queue of (hash, time) pairs
/// trimmed by time on each packet cost a tenth of the tracking thread on dense traffic.
#[derive(Debug, Clone)]
struct Recent {
    /// The low 32 bits of each hash: what is compared first (SSE2 compares four at once).
    tags: [u32; RECENT],
    hashes: [u64; RECENT],
    times: [i64; RECENT],
    /// The slot the next fingerprint goes to.
    next: usize,
}

impl Recent {
    /// Whether `h` was kept at or after `since`.
    fn seen_since(&self, h: u64, since: i64) -> bool {
        // The tags alone first, all of them without stopping at a match, which the compiler
        // turns into a few vector compares; a match is rare, and only then are the whole hashes
        // and times read.
        let tag = h as u32;
        let hit = self.tags.iter().fold(false, |hit, &t| hit | (t == tag));
        hit && self
            .hashes
            .iter()
            .zip(&self.times)
            .any(|(&rh, &t)| rh == h && t >= since)
    }

    fn keep(&mut self, h: u64, ts: i64) {
        self.tags[self.next] = h as u32;
        self.hashes[self.next] = h;
        self.times[self.next] = ts;
        self.next = (self.next + 1) % RECENT;
    }
}

impl Sanitizer {
    /// The verdict on the next frame in capture order.
    pub fn check(&mut self, linktype: u16, frame: &[u8], ts_ns: i64) -> Verdict {
        self.check_fingerprint(frame_fingerprint(linktype, frame), ts_ns)
    }

    /// [`Self::check`] on a frame's [`frame_fingerprint`], taken earlier (the file pipeline
    /// hashes on the reading thread, where the bytes are, and judges on the tracking thread).
    pub fn check_fingerprint(&mut self, fingerprint: Option<u64>, ts_ns: i64) -> Verdict {
        let ts = match self.last_ts {
            Some(prev) if ts_ns < prev => {
                self.reordered += 1;
                prev
            }
            _ => ts_ns,
        };
        self.last_ts = Some(ts);
        if let Some(h) = fingerprint {
            if self.recent.seen_since(h, ts.saturating_sub(DUP_WINDOW_NS)) {
                self.duplicates += 1;
                return Verdict::Duplicate;
            }
            self.recent.keep(h, ts);
        }
        Verdict::Keep { ts_ns: ts }
    }
}

/// What duplicate detection compares: the hash of the frame's IP packet (`None`: not IP, or a
/// packet whose second copy could be a second send; see [`ip_fingerprint`]).
pub fn frame_fingerprint(linktype: u16, frame: &[u8]) -> Option<u64> {
    decode::ip_bytes(linktype, frame).and_then(ip_fingerprint)
}

/// Hash of an IP packet (the bytes from its header on) with the fields a forwarding hop
/// rewrites masked out: [`frame_fingerprint`] once the link layer is peeled.
///
/// `None` for a packet that a host may really send twice, byte for byte, within microseconds:
/// a pure TCP ACK (no data, no SYN/FIN/RST) without an IPv4 ID to tell two sends apart (ID 0,
/// as Linux sends with DF set, or IPv6). A receiver sends one duplicate ACK per out-of-order
/// segment, and two segments arriving back to back give two identical ACKs (Zeek's
/// `pppoe-over-qinq` trace: frames 17 and 18, the same microsecond). Anything carrying data or
/// a SYN, FIN or RST is only resent after a round trip.
pub fn ip_fingerprint(ip: &[u8]) -> Option<u64> {
    if may_repeat(ip) {
        return None;
    }
    let n = ip.len().min(HASHED_BYTES);
    // The fields a hop rewrites are all in the first 16 bytes: those are hashed as one word
    // with the fields masked, the rest straight from the packet. A copy masked in place would
    // make the hash's word loads wait on the copy's byte stores (store forwarding fails on a
    // load that straddles them), a sixth of the reading thread's time on small packets.
    let head = match ip.first_chunk::<16>() {
        Some(head) => *head,
        None => {
            let mut head = [0u8; 16];
            head[..n].copy_from_slice(&ip[..n]);
            head
        }
    };
    // Little-endian: byte i of the word is bits 8i..8i+8.
    let mut w = u128::from_le_bytes(head);
    match head[0] >> 4 {
        // TTL (byte 8), header checksum (bytes 10 and 11).
        4 if n >= 12 => w &= !(0xff << 64 | 0xffff << 80),
        // Hop limit (byte 7).
        6 if n >= 8 => w &= !(0xff << 56),
        _ => {}
    }
    // A fixed seed: the same packet gets the same fingerprint in every run.
    let mut h = foldhash::quality::FixedState::with_seed(0x706f_7274_6c69_6665).build_hasher();
    h.write_u128(w);
    if n > 16 {
        h.write(&ip[16..n]);
    }
    h.write_usize(ip.len());
    Some(h.finish())
}

/// A pure TCP ACK with no IPv4 ID (see [`ip_fingerprint`]).
fn may_repeat(ip: &[u8]) -> bool {
    let (tcp, ip_payload) = match ip.first().map(|b| b >> 4) {
        Some(4) if ip.len() >= 20 => {
            let ihl = usize::from(ip[0] & 0x0f) * 4;
            let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
            let id = u16::from_be_bytes([ip[4], ip[5]]);
            if ip[9] != 6 || id != 0 || ihl < 20 {
                return false;
            }
            (ip.get(ihl..), total.saturating_sub(ihl))
        }
        Some(6) if ip.len() >= 40 => {
            if ip[6] != 6 {
                return false;
            }
            (
                ip.get(40..),
                usize::from(u16::from_be_bytes([ip[4], ip[5]])),
            )
        }
        _ => return false,
    };
    let Some(tcp) = tcp.filter(|t| t.len() >= 14) else {
        return false;
    };
    let header = usize::from(tcp[12] >> 4) * 4;
    let flags = tcp[13];
    // ACK set; SYN, FIN, RST clear (PSH, ECE, CWR, URG do not make a resend less likely).
    flags & 0x10 != 0 && flags & 0x07 == 0 && ip_payload <= header
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::linktype;

    fn ip_packet(id: u16, ttl: u8) -> Vec<u8> {
        let mut p = vec![
            0x45,
            0,
            0,
            40,
            (id >> 8) as u8,
            id as u8,
            0x40,
            0,
            ttl,
            6,
            0xab,
            0xcd,
        ];
        p.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        p.extend_from_slice(&[0u8; 20]);
        p
    }

    #[test]
    fn the_same_packet_on_two_interfaces_is_counted_once() {
        let mut s = Sanitizer::default();
        let p = ip_packet(7, 64);
        assert_eq!(
            s.check(linktype::RAW, &p, 1_000),
            Verdict::Keep { ts_ns: 1_000 }
        );
        // Seen again 30 µs later one hop further (TTL 63): a duplicate.
        assert_eq!(
            s.check(linktype::RAW, &ip_packet(7, 63), 31_000),
            Verdict::Duplicate
        );
        // A retransmission has a new IP ID and comes much later: kept.
        assert!(matches!(
            s.check(linktype::RAW, &ip_packet(8, 64), 300_000_000),
            Verdict::Keep { .. }
        ));
        // The identical bytes long after the window: kept (a genuine resend).
        assert!(matches!(
            s.check(linktype::RAW, &p, 900_000_000),
            Verdict::Keep { .. }
        ));
        assert_eq!(s.duplicates, 1);
    }

    /// A hop rewrites the TTL (hop limit) and the IPv4 header checksum and nothing else: a
    /// packet differing only there is the same packet, one differing anywhere else is not.
    #[test]
    fn only_what_a_hop_rewrites_is_left_out_of_the_fingerprint() {
        let v4 = ip_packet(7, 64);
        let mut forwarded = ip_packet(7, 63);
        forwarded[10..12].copy_from_slice(&[0xac, 0xcd]);
        assert_eq!(ip_fingerprint(&v4), ip_fingerprint(&forwarded));
        for byte in [0, 6, 9, 12, 19, 20, 39] {
            let mut other = v4.clone();
            other[byte] ^= 1;
            assert_ne!(ip_fingerprint(&v4), ip_fingerprint(&other), "byte {byte}");
        }
        // With six bytes of data: a pure ACK without an ID is never fingerprinted.
        let mut v6 = vec![0x60, 0, 0, 0, 0, 26, 6, 64];
        v6.extend((0..32u8).map(|i| i + 1)); // the two addresses
        v6.extend_from_slice(&[0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18]);
        v6.extend_from_slice(&[0u8; 12]);
        let mut hop = v6.clone();
        hop[7] = 63;
        assert_eq!(ip_fingerprint(&v6), ip_fingerprint(&hop));
        for byte in [1, 6, 8, 15, 16, 39, 59, 65] {
            let mut other = v6.clone();
            other[byte] ^= 1;
            assert_ne!(ip_fingerprint(&v6), ip_fingerprint(&other), "byte {byte}");
        }
    }

    /// The memory is the last 64 packets kept, whatever their time, and a copy counts only
    /// within the window: checked on fingerprints directly, past the ring's wrap, including
    /// two hashes alike in their low 32 bits (compared first) but not in the rest.
    #[test]
    fn a_copy_is_recognised_among_the_last_64_packets_within_the_window() {
        let mut s = Sanitizer::default();
        let keep = |s: &mut Sanitizer, h: u64, t: i64| s.check_fingerprint(Some(h), t);
        for round in 0..3u64 {
            for i in 0..64u64 {
                let t = (round * 64 + i) as i64 * 10;
                assert!(matches!(
                    keep(&mut s, 1000 + round * 64 + i, t),
                    Verdict::Keep { .. }
                ));
            }
        }
        // The last 64 (1128..=1191) are remembered, all within 50 µs of 1 910 ns.
        assert_eq!(keep(&mut s, 1128, 1_920), Verdict::Duplicate);
        assert_eq!(keep(&mut s, 1191, 1_920), Verdict::Duplicate);
        // The one before them went round the ring.
        assert!(matches!(keep(&mut s, 1127, 1_920), Verdict::Keep { .. }));
        // Same low 32 bits, another hash: not a copy.
        assert!(matches!(
            keep(&mut s, 1130 | (1 << 40), 1_930),
            Verdict::Keep { .. }
        ));
        // Past the window the same hash is a new packet.
        assert!(matches!(
            keep(&mut s, 1190, 1_910 + DUP_WINDOW_NS + 1),
            Verdict::Keep { .. }
        ));
        assert_eq!(s.duplicates, 2);
        // A hash of 0 at time 0 matches no empty slot of a fresh memory.
        let mut fresh = Sanitizer::default();
        assert!(matches!(keep(&mut fresh, 0, 0), Verdict::Keep { .. }));
    }

    /// A pure TCP ACK (IPv4, the given ID) or, with `data`, a segment carrying bytes.
    fn tcp_packet(id: u16, data: usize) -> Vec<u8> {
        let total = 40 + data;
        let mut p = vec![0x45, 0, (total >> 8) as u8, total as u8];
        p.extend_from_slice(&[(id >> 8) as u8, id as u8, 0x40, 0, 64, 6, 0, 0]);
        p.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        let mut tcp = [0u8; 20];
        tcp[12] = 5 << 4;
        tcp[13] = 0x10 | if data > 0 { 0x08 } else { 0 };
        p.extend_from_slice(&tcp);
        p.extend(std::iter::repeat_n(b'x', data));
        p
    }

    #[test]
    fn identical_pure_acks_without_an_ip_id_are_two_sends() {
        // Two duplicate ACKs sent back to back (IP ID 0, no data): both are real.
        let mut s = Sanitizer::default();
        let ack = tcp_packet(0, 0);
        assert!(matches!(
            s.check(linktype::RAW, &ack, 1_000),
            Verdict::Keep { .. }
        ));
        assert!(matches!(
            s.check(linktype::RAW, &ack, 1_000),
            Verdict::Keep { .. }
        ));
        // With an IP ID the sender's counter would differ on a second send: a copy.
        let ack = tcp_packet(77, 0);
        assert!(matches!(
            s.check(linktype::RAW, &ack, 2_000),
            Verdict::Keep { .. }
        ));
        assert_eq!(s.check(linktype::RAW, &ack, 2_000), Verdict::Duplicate);
        // Data is only resent after a round trip: a copy 10 µs later is the same packet ...
        let data = tcp_packet(0, 100);
        assert!(matches!(
            s.check(linktype::RAW, &data, 3_000),
            Verdict::Keep { .. }
        ));
        assert_eq!(s.check(linktype::RAW, &data, 13_000), Verdict::Duplicate);
        // ... and 4 ms later a go-back retransmission, byte for byte the same, kept.
        assert!(matches!(
            s.check(linktype::RAW, &data, 4_013_000),
            Verdict::Keep { .. }
        ));
        assert_eq!(s.duplicates, 2);
    }

    #[test]
    fn time_never_goes_backwards_for_the_tracker() {
        let mut s = Sanitizer::default();
        assert_eq!(
            s.check(linktype::RAW, &ip_packet(1, 64), 5_000_000_000),
            Verdict::Keep {
                ts_ns: 5_000_000_000
            }
        );
        assert_eq!(
            s.check(linktype::RAW, &ip_packet(2, 64), 4_000_000_000),
            Verdict::Keep {
                ts_ns: 5_000_000_000
            }
        );
        assert_eq!(
            s.check(linktype::RAW, &ip_packet(3, 64), 6_000_000_000),
            Verdict::Keep {
                ts_ns: 6_000_000_000
            }
        );
        assert_eq!(s.reordered, 1);
    }
}
