//! The OS profile selector's choices: ephemeral range and TIME-WAIT length per OS.
//!
//! PROVISIONAL until `portlife::ports::OsProfile` lands on the `tracker` branch; the values and
//! sources are DESIGN.md's table:
//! - Linux: range 32768–60999 (`net.ipv4.ip_local_port_range`, kernel commit 07f4c90062f8);
//!   TIME-WAIT 60 s (`TCP_TIMEWAIT_LEN` in include/net/tcp.h). Old Linux: 32768–61000.
//! - Windows Vista+: 49152–65535 (RFC 6335 §6); TIME-WAIT 120 s (`TcpTimedWaitDelay` default).
//! - macOS: 49152–65535; 2×MSL with `net.inet.tcp.msl` = 15000 ms → 30 s.
//! - FreeBSD: 10000–65535; 2×MSL with `net.inet.tcp.msl` = 30000 ms → 60 s.

/// Which OS the client hosts are assumed to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileChoice {
    Linux,
    LinuxOld,
    Windows,
    MacOs,
    FreeBsd,
    Custom,
    /// Guess from the observed client ports.
    Auto,
}

/// The numbers a profile stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProfileParams {
    pub range: (u16, u16),
    pub time_wait_s: f64,
}

impl ProfileChoice {
    pub const ALL: [ProfileChoice; 7] = [
        ProfileChoice::Linux,
        ProfileChoice::LinuxOld,
        ProfileChoice::Windows,
        ProfileChoice::MacOs,
        ProfileChoice::FreeBsd,
        ProfileChoice::Custom,
        ProfileChoice::Auto,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ProfileChoice::Linux => "Linux",
            ProfileChoice::LinuxOld => "Linux (2.6–3.x)",
            ProfileChoice::Windows => "Windows",
            ProfileChoice::MacOs => "macOS",
            ProfileChoice::FreeBsd => "FreeBSD",
            ProfileChoice::Custom => "Custom",
            ProfileChoice::Auto => "Auto",
        }
    }

    /// The fixed parameters of a named profile (`None` for Custom and Auto).
    pub fn fixed(self) -> Option<ProfileParams> {
        let p = |lo, hi, tw| Some(ProfileParams { range: (lo, hi), time_wait_s: tw });
        match self {
            ProfileChoice::Linux => p(32768, 60999, 60.0),
            ProfileChoice::LinuxOld => p(32768, 61000, 60.0),
            ProfileChoice::Windows => p(49152, 65535, 120.0),
            ProfileChoice::MacOs => p(49152, 65535, 30.0),
            ProfileChoice::FreeBsd => p(10000, 65535, 60.0),
            ProfileChoice::Custom | ProfileChoice::Auto => None,
        }
    }

    /// Guess a named profile from the client ports seen: all inside 49152–65535 suggests
    /// Windows/macOS (we pick Windows), all inside Linux's range suggests Linux, else FreeBSD's
    /// wide range. The app says that it guessed.
    pub fn guess(ports: impl Iterator<Item = u16>) -> ProfileChoice {
        let (mut lo, mut hi, mut any) = (u16::MAX, 0u16, false);
        for p in ports {
            lo = lo.min(p);
            hi = hi.max(p);
            any = true;
        }
        if !any || (lo >= 32768 && hi <= 60999) {
            ProfileChoice::Linux
        } else if lo >= 49152 {
            ProfileChoice::Windows
        } else {
            ProfileChoice::FreeBsd
        }
    }
}
