//! What the capture itself could not see: connections whose start or end is outside it, and those seen in one direction only.

use super::*;

// ---------------------------------------------------------------------------------------------
// Capture gaps.

/// Connections whose SYN is not in the capture (roles inferred): their Assigned phase and maybe
/// their start are missing.
pub(super) fn start_not_captured(conns: &[Connection], out: &mut Vec<Finding>) {
    // A SYN-ACK seen with the client's direction missing: the connection started during the
    // capture, its SYN on the other direction (the one-direction finding says so).
    let ids: Vec<u32> = conns
        .iter()
        .filter(|c| c.roles_inferred)
        .filter(|c| !(c.direction_missing.is_some() && c.completeness & 2 != 0))
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return;
    }
    let mut f = Finding::new(
        FindingKind::StartNotCaptured,
        Severity::Info,
        "ch11-live-lab.md",
    );
    f.say(args![count = ids.len()]);
    f = f.ev("connections", ids.len());
    f.connections = ids;
    out.push(f);
}

/// Connections that completed the handshake and were still open at the capture's end (not the
/// failures other findings explain): their close and TIME-WAIT are not in it.
pub(super) fn end_not_captured(conns: &[Connection], out: &mut Vec<Finding>) {
    let ids: Vec<u32> = conns
        .iter()
        .filter(|c| {
            matches!(c.outcome, Outcome::OpenAtEnd | Outcome::MidStream)
                && !handshake_stuck(c)
                && c.direction_missing.is_none()
        })
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return;
    }
    let mut f = Finding::new(
        FindingKind::EndNotCaptured,
        Severity::Info,
        "ch11-live-lab.md",
    );
    f.say(args![count = ids.len()]);
    f = f.ev("connections", ids.len());
    f.connections = ids;
    out.push(f);
}

/// Connections whose one side sent nothing captured although the other side's segments prove
/// it took part ([`Connection::direction_missing`]): the capture sees only one direction
/// (asymmetric routing, or a capture filter / a mirror port that sees one way). A SYN followed
/// by the client's own RST proves no answer, so it is not one of them.
pub(super) fn one_directional(conns: &[Connection], out: &mut Vec<Finding>) {
    let ids: Vec<u32> = conns
        .iter()
        .filter(|c| c.direction_missing.is_some())
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return;
    }
    let mut f = Finding::new(
        FindingKind::OneDirectional,
        Severity::Info,
        "ch11-live-lab.md",
    );
    f.say(args![count = ids.len()]);
    f = f.ev("connections", ids.len());
    f.connections = ids;
    out.push(f);
}
