//! The connection table's key: a direction-free 4-tuple. Its own home because both the
//! tracker (lookups) and the eviction pass (removals) use it.

use crate::decode::Endpoint;

/// A direction-free 4-tuple, compact: each endpoint as (address as a 128-bit number, family
/// << 16 | port), the lower one first. Integers hash and compare several times faster than
/// `IpAddr` enums, and the table is looked up once per packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    lo: (u128, u32),
    hi: (u128, u32),
}

impl Key {
    pub(crate) fn new(a: Endpoint, b: Endpoint) -> Self {
        let (a, b) = (Key::endpoint(a), Key::endpoint(b));
        if a <= b {
            Key { lo: a, hi: b }
        } else {
            Key { lo: b, hi: a }
        }
    }

    /// The family is kept apart from the address, so 1.2.3.4 and ::ffff:1.2.3.4 stay two
    /// addresses as they are on the wire.
    fn endpoint(e: Endpoint) -> (u128, u32) {
        match e.ip {
            std::net::IpAddr::V4(v4) => (u128::from(u32::from(v4)), 4 << 16 | u32::from(e.port)),
            std::net::IpAddr::V6(v6) => (u128::from(v6), 6 << 16 | u32::from(e.port)),
        }
    }
}
