//! One OS profile per client host. A capture often holds several clients with different
//! systems (a Windows laptop and a Linux server behind one switch), and the port model is only
//! true when each host's ports are timed and counted under its own kernel's numbers: its range
//! is the denominator of its occupancy, its TIME-WAIT the length of its ports' last phase.
//!
//! [`Profiles`] is what the user chose: one [`Profile`] for every host (`auto` by default) and
//! any number of per-host overrides (`--profile 10.0.0.2=custom:40000-40199:60`). [`resolve`]
//! turns it into the model's [`HostProfile`]s; [`ProfileOf`] looks a host up, falling back to
//! the default profile for a host with none of its own.

use std::net::IpAddr;
use std::str::FromStr;

use serde::Serialize;

use super::profile::{HostChoice, HostGuess, OsProfile, Profile, ProfileNote, ProfileParseError};
use crate::tcp::{Connection, UdpFlow};

/// The user's profile choice for a whole capture.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Profiles {
    /// For every host without an override. `auto` gives each client host whose SYNs were
    /// captured its own guess, and the others the busiest host's.
    pub default: Profile,
    /// Per-host overrides, the last one for a host winning.
    pub hosts: Vec<(IpAddr, Profile)>,
}

impl From<Profile> for Profiles {
    fn from(default: Profile) -> Self {
        Profiles {
            default,
            hosts: Vec::new(),
        }
    }
}

impl From<&Profile> for Profiles {
    fn from(default: &Profile) -> Self {
        Profiles::from(default.clone())
    }
}

impl From<&Profiles> for Profiles {
    fn from(p: &Profiles) -> Self {
        p.clone()
    }
}

impl Profiles {
    /// Add one `--profile` value: `P` sets the default, `HOST=P` overrides one host.
    pub fn push(&mut self, arg: &str) -> Result<(), ProfileParseError> {
        self.apply(ProfileArg::from_str(arg)?);
        Ok(())
    }

    /// Take one parsed `--profile` value: the default, or one host's.
    pub fn apply(&mut self, arg: ProfileArg) {
        match arg {
            ProfileArg::Default(p) => self.default = p,
            ProfileArg::Host(h, p) => self.set_host(h, p),
        }
    }

    /// Override one host's profile (`auto`: back to its own guess).
    pub fn set_host(&mut self, host: IpAddr, p: Profile) {
        self.hosts.retain(|(h, _)| *h != host);
        self.hosts.push((host, p));
    }

    /// The override of `host`, if any.
    pub fn host(&self, host: IpAddr) -> Option<&Profile> {
        self.hosts
            .iter()
            .rev()
            .find(|(h, _)| *h == host)
            .map(|x| &x.1)
    }
}

/// `--profile` values in order: the last bare one is the default, the last per host wins.
impl FromIterator<ProfileArg> for Profiles {
    fn from_iter<I: IntoIterator<Item = ProfileArg>>(args: I) -> Self {
        let mut p = Profiles::default();
        args.into_iter().for_each(|a| p.apply(a));
        p
    }
}

/// One `--profile` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileArg {
    Default(Profile),
    Host(IpAddr, Profile),
}

impl FromStr for ProfileArg {
    type Err = ProfileParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((host, p)) => {
                let host: IpAddr = host
                    .trim()
                    .parse()
                    .map_err(|_| ProfileParseError(s.to_string()))?;
                Ok(ProfileArg::Host(host, p.trim().parse()?))
            }
            None => Ok(ProfileArg::Default(s.parse()?)),
        }
    }
}

/// Where a host's profile came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileSource {
    /// `auto`: what its own SYNs and ports say ([`HostGuess`]).
    Guessed,
    /// The user named it for this host.
    Chosen,
}

/// The profile one client host's ports are modelled under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostProfile {
    pub host: IpAddr,
    pub profile: OsProfile,
    pub source: ProfileSource,
}

/// The profile of each host: its own, or the default.
#[derive(Clone, Copy, Debug)]
pub struct ProfileOf<'a> {
    pub default: &'a OsProfile,
    /// Sorted by host.
    pub hosts: &'a [HostProfile],
}

impl<'a> ProfileOf<'a> {
    pub fn of(&self, host: IpAddr) -> &'a OsProfile {
        if self.hosts.is_empty() {
            return self.default;
        }
        match self.hosts.binary_search_by(|h| h.host.cmp(&host)) {
            Ok(i) => &self.hosts[i].profile,
            Err(_) => self.default,
        }
    }

    /// Whether every host is under the default profile.
    pub fn uniform(&self) -> bool {
        self.hosts.iter().all(|h| h.profile == *self.default)
    }
}

/// The default profile, how it was chosen, and each host's own (sorted by host). Under `auto`
/// every guessed host has its own; an override replaces a host's (its `auto` is its guess).
pub fn resolve(
    choice: &Profiles,
    conns: &[Connection],
    udp: &[UdpFlow],
    guesses: &[HostGuess],
) -> (OsProfile, ProfileNote, Vec<HostProfile>) {
    let (default, mut note) = choice.default.resolve_with(conns, udp, guesses);
    let guessed = |host: IpAddr| guesses.iter().find(|g| g.host == host);
    let mut hosts: Vec<HostProfile> = match choice.default {
        Profile::Auto => guesses
            .iter()
            .map(|g| HostProfile {
                host: g.host,
                profile: g.profile(),
                source: ProfileSource::Guessed,
            })
            .collect(),
        _ => Vec::new(),
    };
    for (host, p) in &choice.hosts {
        hosts.retain(|h| h.host != *host);
        let (profile, source, said) = match p {
            Profile::Auto => match guessed(*host) {
                Some(g) => (
                    g.profile(),
                    ProfileSource::Guessed,
                    (OsProfile::named(g.os).label, g.observed_range),
                ),
                None => continue,
            },
            p => {
                let profile = p.resolve_with(conns, udp, guesses).0;
                let label = profile.label.clone();
                (profile, ProfileSource::Chosen, (label, None))
            }
        };
        note.host_choices.push(HostChoice {
            host: *host,
            label: said.0,
            observed: said.1,
        });
        hosts.push(HostProfile {
            host: *host,
            profile,
            source,
        });
    }
    hosts.sort_by_key(|h| h.host);
    (default, note, hosts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_arguments() {
        let mut p = Profiles::default();
        p.push("windows").unwrap();
        p.push("10.0.0.2=custom:40000-40199:60").unwrap();
        p.push("::1=macos").unwrap();
        p.push("10.0.0.2=linux").unwrap();
        assert_eq!(p.default, Profile::Windows);
        let ten: IpAddr = "10.0.0.2".parse().unwrap();
        assert_eq!(p.host(ten), Some(&Profile::Linux));
        assert_eq!(p.host("::1".parse().unwrap()), Some(&Profile::MacOs));
        assert_eq!(p.hosts.len(), 2);
        assert!(p.push("10.0.0=linux").is_err());
        assert!(p.push("10.0.0.2=solaris").is_err());
    }

    #[test]
    fn lookup_falls_back_to_the_default() {
        let linux = OsProfile::linux();
        let hosts = vec![
            HostProfile {
                host: "10.0.0.1".parse().unwrap(),
                profile: OsProfile::windows(),
                source: ProfileSource::Guessed,
            },
            HostProfile {
                host: "10.0.0.3".parse().unwrap(),
                profile: OsProfile::macos(),
                source: ProfileSource::Chosen,
            },
        ];
        let of = ProfileOf {
            default: &linux,
            hosts: &hosts,
        };
        assert_eq!(of.of("10.0.0.1".parse().unwrap()).name, "windows");
        assert_eq!(of.of("10.0.0.2".parse().unwrap()).name, "linux");
        assert_eq!(of.of("10.0.0.3".parse().unwrap()).name, "macos");
        assert!(!of.uniform());
    }
}
