//! The values the user gave the custom profile, kept while another profile is chosen. The
//! profiles to choose from are the library's [`portlife::ports::ProfileKind`] (whose
//! [`portlife::ports::OsProfile`] values cite their sources).

use portlife::ports::{Profile, ProfileKind};

/// The user's custom range and TIME-WAIT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomParams {
    pub lo: u16,
    pub hi: u16,
    pub time_wait_s: u32,
}

impl Default for CustomParams {
    fn default() -> Self {
        CustomParams {
            lo: 32768,
            hi: 60999,
            time_wait_s: 60,
        }
    }
}

impl CustomParams {
    /// The library's profile of `kind`, with these values if it is the custom one.
    pub fn profile(self, kind: ProfileKind) -> Profile {
        kind.with_custom(self.lo, self.hi, self.time_wait_s)
    }
}
