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

use std::collections::VecDeque;
use std::hash::{BuildHasher, Hasher};

use crate::decode;

/// How close in time two identical IP packets must be to count as one packet seen twice. A real
/// TCP retransmission comes after at least the minimum RTO (200 ms on Linux) and carries a new
/// IPv4 ID / TCP timestamp, so it is not mistaken for a duplicate.
pub const DUP_WINDOW_NS: i64 = 5_000_000;
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
#[derive(Debug, Clone, Default)]
pub struct Sanitizer {
    last_ts: Option<i64>,
    recent: VecDeque<(u64, i64)>,
    pub duplicates: u64,
    pub reordered: u64,
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
            while self
                .recent
                .front()
                .is_some_and(|&(_, t)| ts - t > DUP_WINDOW_NS)
            {
                self.recent.pop_front();
            }
            if self.recent.iter().any(|&(rh, _)| rh == h) {
                self.duplicates += 1;
                return Verdict::Duplicate;
            }
            if self.recent.len() == RECENT {
                self.recent.pop_front();
            }
            self.recent.push_back((h, ts));
        }
        Verdict::Keep { ts_ns: ts }
    }
}

/// What duplicate detection compares: the hash of the frame's IP packet (`None`: not IP).
pub fn frame_fingerprint(linktype: u16, frame: &[u8]) -> Option<u64> {
    decode::ip_bytes(linktype, frame).map(ip_fingerprint)
}

/// Hash of an IP packet (the bytes from its header on) with the fields a forwarding hop
/// rewrites masked out: [`frame_fingerprint`] once the link layer is peeled.
pub fn ip_fingerprint(ip: &[u8]) -> u64 {
    let n = ip.len().min(HASHED_BYTES);
    let mut b = [0u8; HASHED_BYTES];
    b[..n].copy_from_slice(&ip[..n]);
    match b[0] >> 4 {
        4 if n >= 12 => {
            b[8] = 0; // TTL
            b[10] = 0; // header checksum
            b[11] = 0;
        }
        6 if n >= 8 => b[7] = 0, // hop limit
        _ => {}
    }
    // A fixed seed: the same packet gets the same fingerprint in every run.
    let mut h = foldhash::quality::FixedState::with_seed(0x706f_7274_6c69_6665).build_hasher();
    h.write(&b[..n]);
    h.write_usize(ip.len());
    h.finish()
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
