//! Ephemeral port choice, the way each modelled OS makes it, and the bookkeeping that keeps a
//! client from reusing a 4-tuple that would still be in TIME-WAIT.

use std::collections::HashMap;
use std::net::IpAddr;

use super::os::{Os, OsKind, S};
use super::rng::Rng;

/// A remote endpoint (destination IP and port) a client connects to.
pub type Dst = (IpAddr, u16);

/// One use of a local port: to which destination, busy until when, and since when it has been
/// in TIME-WAIT (when it is).
#[derive(Debug, Clone, Copy)]
struct Use {
    dst: Dst,
    until: i64,
    tw_since: Option<i64>,
}

/// How a port-reuse policy treats ports still in TIME-WAIT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwReuse {
    /// Never take a port whose 4-tuple is in TIME-WAIT (Linux `tcp_tw_reuse` = 0, or = 2 —
    /// the default — for any non-loopback destination).
    Never,
    /// Linux `tcp_tw_reuse` = 1: when no port is free, take one whose TIME-WAIT to the same
    /// destination began at least 1 s ago (timestamps make it safe).
    AfterOneSecond,
}

/// The ephemeral ports of one client host.
#[derive(Debug)]
pub struct PortPool {
    os: Os,
    secret: u64,
    /// Linux: the per-destination-hash perturbation table (RFC 6056 Algorithm 4's `table`).
    perturb: HashMap<u64, u32>,
    /// Windows: the next port the sequential allocator tries.
    next_seq: u16,
    uses: HashMap<u16, Vec<Use>>,
    pub tw_reuse: TwReuse,
}

impl PortPool {
    pub fn new(os: Os, rng: &mut Rng) -> Self {
        let (lo, hi) = os.range;
        let next_seq = lo + rng.below((hi - lo) as u64 + 1) as u16;
        PortPool {
            os,
            secret: rng.next_u64(),
            perturb: HashMap::new(),
            next_seq,
            uses: HashMap::new(),
            tw_reuse: TwReuse::Never,
        }
    }

    /// Start the sequential (Windows) allocator at `port`, e.g. to reproduce a textbook example.
    pub fn start_at(&mut self, port: u16) {
        self.next_seq = port;
    }

    /// Whether `port` can carry a new connection to `dst` at `now`.
    fn is_free(&mut self, port: u16, dst: Dst, now: i64) -> bool {
        let shared = self.os.kind == OsKind::Linux;
        let Some(list) = self.uses.get_mut(&port) else {
            return true;
        };
        list.retain(|u| u.until > now);
        // Linux only needs the 4-tuple to be unique (__inet_check_established); Windows keeps a
        // port exclusive to one socket whatever the destination.
        !list.iter().any(|u| !shared || u.dst == dst)
    }

    /// Whether `port` holds only a TIME-WAIT to `dst` that began at least 1 s before `now`.
    fn tw_reusable(&self, port: u16, dst: Dst, now: i64) -> bool {
        let Some(list) = self.uses.get(&port) else {
            return false;
        };
        let mine: Vec<_> = list
            .iter()
            .filter(|u| u.dst == dst && u.until > now)
            .collect();
        !mine.is_empty()
            && mine
                .iter()
                .all(|u| u.tw_since.is_some_and(|t| now - t >= S))
    }

    /// Pick a port for a new connect() to `dst` at `now`, or `None` when every port is taken:
    /// the EADDRNOTAVAIL ("Cannot assign requested address") case, which sends no packet.
    pub fn connect(&mut self, dst: Dst, now: i64) -> Option<u16> {
        let port = match self.os.kind {
            OsKind::Linux => self.linux_pick(dst, now),
            OsKind::Windows => self.windows_pick(dst, now),
        }
        .or_else(|| self.tw_pick(dst, now))?;
        self.hold(port, dst);
        Some(port)
    }

    /// Pick a random free port for a UDP socket (Linux udp_lib_get_port picks a random start).
    pub fn udp(&mut self, dst: Dst, now: i64, rng: &mut Rng) -> Option<u16> {
        let (lo, hi) = self.os.range;
        let n = (hi - lo) as u32 + 1;
        let start = rng.below(n as u64) as u32;
        for i in 0..n {
            let port = lo + ((start + i) % n) as u16;
            if self.is_free_any(port, now) {
                self.hold(port, dst);
                return Some(port);
            }
        }
        None
    }

    fn is_free_any(&mut self, port: u16, now: i64) -> bool {
        match self.uses.get_mut(&port) {
            None => true,
            Some(list) => {
                list.retain(|u| u.until > now);
                list.is_empty()
            }
        }
    }

    fn hold(&mut self, port: u16, dst: Dst) {
        let list = self.uses.entry(port).or_default();
        list.retain(|u| u.dst != dst);
        list.push(Use {
            dst,
            until: i64::MAX,
            tw_since: None,
        });
    }

    /// The connection on (`port`, `dst`) is over for this host from `until` on; `tw_since` is
    /// set when the host holds it in TIME-WAIT (then `until` is the end of TIME-WAIT).
    pub fn release(&mut self, port: u16, dst: Dst, until: i64, tw_since: Option<i64>) {
        if let Some(u) = self
            .uses
            .get_mut(&port)
            .and_then(|l| l.iter_mut().find(|u| u.dst == dst && u.until == i64::MAX))
        {
            u.until = until;
            u.tw_since = tw_since;
        }
    }

    /// Linux connect(): RFC 6056 §3.3.4 Algorithm 4 ("double-hash port selection"), as in
    /// `__inet_hash_connect()` (net/ipv4/inet_hashtables.c): a keyed hash of the 4-tuple gives an
    /// offset, a per-hash-bucket counter (`table_perturb`) moves it on after each use, and the
    /// scan steps by 2 so that connect() stays on the parity of the range's low end and leaves the
    /// other parity for bind() (kernel commit 07f4c90062f8); only when that half is full does it
    /// try the other parity. Simplified: the real hash is SipHash with a boot-time secret.
    fn linux_pick(&mut self, dst: Dst, now: i64) -> Option<u16> {
        let (lo, hi) = self.os.range;
        let remaining = (hi - lo) as u32 + 1;
        let key = self.hash_dst(dst);
        let bucket = key & 0xffff;
        let perturb = *self.perturb.get(&bucket).unwrap_or(&0);
        let mut offset = (key as u32).wrapping_add(perturb) % remaining;
        offset &= !1;
        for _parity in 0..2 {
            let mut i = 0;
            while i < remaining {
                let port = lo + ((offset + i) % remaining) as u16;
                if self.is_free(port, dst, now) {
                    *self.perturb.entry(bucket).or_insert(0) += i + 2;
                    return Some(port);
                }
                i += 2;
            }
            offset += 1;
        }
        None
    }

    /// Windows: a sequential-ish allocator across the whole dynamic range, skipping ports in use
    /// (Windows does not share a port among destinations without SO_REUSE_UNICASTPORT).
    fn windows_pick(&mut self, dst: Dst, now: i64) -> Option<u16> {
        let (lo, hi) = self.os.range;
        let n = (hi - lo) as u32 + 1;
        let start = (self.next_seq.clamp(lo, hi) - lo) as u32;
        for i in 0..n {
            let port = lo + ((start + i) % n) as u16;
            if self.is_free(port, dst, now) {
                self.next_seq = if port == hi { lo } else { port + 1 };
                return Some(port);
            }
        }
        None
    }

    /// `tcp_tw_reuse` = 1: the port whose TIME-WAIT to `dst` is oldest, if it is old enough.
    fn tw_pick(&self, dst: Dst, now: i64) -> Option<u16> {
        if self.tw_reuse != TwReuse::AfterOneSecond {
            return None;
        }
        let mut best: Option<(i64, u16)> = None;
        for (&port, list) in &self.uses {
            if self.tw_reusable(port, dst, now) {
                let since = list
                    .iter()
                    .filter_map(|u| u.tw_since)
                    .min()
                    .unwrap_or(i64::MAX);
                if best.is_none_or(|(b, p)| (since, port) < (b, p)) {
                    best = Some((since, port));
                }
            }
        }
        best.map(|(_, p)| p)
    }

    fn hash_dst(&self, dst: Dst) -> u64 {
        // FNV-1a over the destination and the secret: stable across Rust versions, unlike
        // std's DefaultHasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ self.secret;
        let mut eat = |b: u8| {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        };
        match dst.0 {
            IpAddr::V4(ip) => ip.octets().iter().for_each(|b| eat(*b)),
            IpAddr::V6(ip) => ip.octets().iter().for_each(|b| eat(*b)),
        }
        dst.1.to_be_bytes().iter().for_each(|b| eat(*b));
        h ^ (h >> 29)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn dst(last: u8) -> Dst {
        (IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)), 80)
    }

    #[test]
    fn linux_connect_ports_keep_one_parity_until_half_is_used() {
        let mut rng = Rng::new(1);
        let mut pool = PortPool::new(Os::linux_with_range(40000, 40009), &mut rng);
        let ports: Vec<u16> = (0..5).map(|_| pool.connect(dst(5), 0).unwrap()).collect();
        assert!(ports.iter().all(|p| p % 2 == 0), "{ports:?}");
        let more: Vec<u16> = (0..5).map(|_| pool.connect(dst(5), 0).unwrap()).collect();
        assert!(more.iter().all(|p| p % 2 == 1), "{more:?}");
        assert_eq!(pool.connect(dst(5), 0), None, "the range is exhausted");
        // Another destination can still use the same ports (4-tuples differ).
        assert!(pool.connect(dst(6), 0).is_some());
    }

    #[test]
    fn time_wait_blocks_the_port_until_it_ends() {
        let mut rng = Rng::new(2);
        let mut pool = PortPool::new(Os::linux_with_range(40000, 40001), &mut rng);
        let p = pool.connect(dst(5), 0).unwrap();
        let q = pool.connect(dst(5), 0).unwrap();
        pool.release(p, dst(5), 60 * S, Some(0));
        pool.release(q, dst(5), 60 * S, Some(0));
        assert_eq!(pool.connect(dst(5), 59 * S), None);
        assert!(pool.connect(dst(5), 60 * S).is_some());
    }

    #[test]
    fn windows_allocates_sequentially() {
        let mut rng = Rng::new(3);
        let mut pool = PortPool::new(Os::WINDOWS, &mut rng);
        pool.start_at(54321);
        let ports: Vec<u16> = (0..6).map(|i| pool.connect(dst(i), 0).unwrap()).collect();
        assert_eq!(ports, vec![54321, 54322, 54323, 54324, 54325, 54326]);
    }
}
