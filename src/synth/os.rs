//! What a simulated host's operating system does differently on the wire and with its ports.

/// Nanoseconds per second / millisecond, for readable constants.
pub const S: i64 = 1_000_000_000;
pub const MS: i64 = 1_000_000;
pub const US: i64 = 1_000;

/// The operating systems the synthesizer models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsKind {
    Linux,
    Windows,
}

/// Per-host behaviour: initial TTL, SYN options, TIME-WAIT length and ephemeral range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Os {
    pub kind: OsKind,
    /// Ephemeral port range, inclusive.
    pub range: (u16, u16),
    /// How long a connection this host closed first stays in TIME-WAIT.
    pub time_wait_ns: i64,
}

impl Os {
    /// Modern Linux: `net.ipv4.ip_local_port_range` = 32768 60999 since kernel commit
    /// 07f4c90062f8 ("tcp/dccp: try to not exhaust ip_local_port_range in connect()"), which
    /// made the range end odd so that connect() can use one parity and bind() the other.
    /// TIME-WAIT is TCP_TIMEWAIT_LEN = 60 s (include/net/tcp.h), not tunable.
    pub const LINUX: Os = Os {
        kind: OsKind::Linux,
        range: (32768, 60999),
        time_wait_ns: 60 * S,
    };

    /// Windows Vista and later: the RFC 6335 §6 dynamic range 49152–65535; TIME-WAIT 120 s
    /// (TcpTimedWaitDelay default, Microsoft docs for Server 2003 and later).
    pub const WINDOWS: Os = Os {
        kind: OsKind::Windows,
        range: (49152, 65535),
        time_wait_ns: 120 * S,
    };

    /// Linux with a custom `ip_local_port_range`.
    pub const fn linux_with_range(lo: u16, hi: u16) -> Os {
        Os {
            kind: OsKind::Linux,
            range: (lo, hi),
            time_wait_ns: 60 * S,
        }
    }

    /// Initial IP TTL / IPv6 hop limit.
    pub fn ttl(&self) -> u8 {
        match self.kind {
            OsKind::Linux => 64,
            OsKind::Windows => 128,
        }
    }

    /// Window-scale shift this host announces in its SYN.
    pub fn window_scale(&self) -> u8 {
        match self.kind {
            OsKind::Linux => 7,
            OsKind::Windows => 8,
        }
    }

    /// Whether this host offers RFC 7323 timestamps (Windows does not by default).
    pub fn timestamps(&self) -> bool {
        self.kind == OsKind::Linux
    }

    /// SYN retransmission schedule (delays after the first SYN) before connect() gives up,
    /// and the time at which it gives up.
    /// Linux: initial RTO 1 s (TCP_TIMEOUT_INIT), doubling, `tcp_syn_retries` = 6:
    /// retransmits at +1, +3, +7, +15, +31, +63 s and fails at +127 s.
    /// Windows: `TcpMaxConnectRetransmissions` = 2 with a 3 s initial timeout → +3, +9, fails +21 s.
    pub fn syn_schedule(&self) -> (&'static [i64], i64) {
        match self.kind {
            OsKind::Linux => (&[S, 3 * S, 7 * S, 15 * S, 31 * S, 63 * S], 127 * S),
            OsKind::Windows => (&[3 * S, 9 * S], 21 * S),
        }
    }
}
