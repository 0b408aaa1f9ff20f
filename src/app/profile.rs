//! The OS profile selector's choices, mapped onto the library's [`portlife::ports::Profile`]
//! (whose [`portlife::ports::OsProfile`] values cite their sources).

use portlife::ports::Profile;

/// Which OS the hosts are assumed to run (the selector's entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileChoice {
    Linux,
    LinuxOld,
    Windows,
    WindowsOld,
    MacOs,
    FreeBsd,
    Custom,
    /// Guess from the observed client ports.
    Auto,
}

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

impl ProfileChoice {
    pub const ALL: [ProfileChoice; 8] = [
        ProfileChoice::Linux,
        ProfileChoice::LinuxOld,
        ProfileChoice::Windows,
        ProfileChoice::WindowsOld,
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
            ProfileChoice::WindowsOld => "Windows (2000/XP)",
            ProfileChoice::MacOs => "macOS",
            ProfileChoice::FreeBsd => "FreeBSD",
            ProfileChoice::Custom => "Custom",
            ProfileChoice::Auto => "Auto",
        }
    }

    /// The library's profile for this choice.
    pub fn to_profile(self, custom: CustomParams) -> Profile {
        match self {
            ProfileChoice::Linux => Profile::Linux,
            ProfileChoice::LinuxOld => Profile::LinuxOld,
            ProfileChoice::Windows => Profile::Windows,
            ProfileChoice::WindowsOld => Profile::WindowsOld,
            ProfileChoice::MacOs => Profile::MacOs,
            ProfileChoice::FreeBsd => Profile::FreeBsd,
            ProfileChoice::Custom => Profile::Custom {
                lo: custom.lo.min(custom.hi).max(1),
                hi: custom.hi.max(custom.lo),
                time_wait_s: custom.time_wait_s,
            },
            ProfileChoice::Auto => Profile::Auto,
        }
    }
}
