//! The event loop: flows (TCP connections, UDP exchanges) each yield packets in time order; a
//! binary heap keyed by (timestamp, insertion order) merges them into one capture, written as it
//! goes. Only flows that are under way are in memory, so `--scale` can make captures of millions
//! of packets without holding them.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::io::Write;
use std::net::IpAddr;

use super::conn::Conn;
use super::ports::PortPool;
use super::rng::Rng;
use crate::source::PcapWriter;

/// Something that produces packets.
pub enum Flow {
    Tcp(Box<Conn>),
    /// Precomputed packets (a DNS query and its answer): small by construction.
    Raw(VecDeque<(i64, Vec<u8>)>),
}

/// Shared state scenarios consult while creating flows: randomness and each client's ports.
pub struct World {
    pub rng: Rng,
    pub pools: HashMap<IpAddr, PortPool>,
    /// connect() calls that found no free port (EADDRNOTAVAIL): nothing goes on the wire.
    pub failed_connects: u64,
    pub connections: u64,
}

/// A scenario: a time-ordered source of batches of flows.
pub trait Scenario {
    /// When the next batch happens (non-decreasing), or `None` when the scenario is over.
    fn next_time(&self) -> Option<i64>;
    /// Create the batch due at `next_time()`. Every flow starts at or after that time.
    fn generate(&mut self, world: &mut World) -> Vec<(i64, Flow)>;
}

/// What a run produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub packets: u64,
    pub bytes: u64,
    /// TCP connection attempts that reached the wire.
    pub connections: u64,
    /// connect() attempts that failed locally with EADDRNOTAVAIL (invisible on the wire).
    pub failed_connects: u64,
    /// Packets whose timestamp had to be raised to keep the file in order (0 in a correct
    /// scenario; tests check it).
    pub reordered: u64,
}

impl Flow {
    fn next(&mut self, world: &mut World) -> Option<(i64, Vec<u8>)> {
        match self {
            Flow::Raw(q) => q.pop_front(),
            Flow::Tcp(c) => {
                let p = c.next_packet();
                if let Some(r) = c.take_release() {
                    if let Some(pool) = world.pools.get_mut(&r.host) {
                        pool.release(r.port, r.dst, r.until, r.tw_since);
                    }
                }
                p
            }
        }
    }
}

/// Run `scenario` to completion, writing every packet to `out` in timestamp order.
pub fn run<W: Write>(
    scenario: &mut dyn Scenario,
    world: &mut World,
    out: &mut PcapWriter<W>,
) -> std::io::Result<Summary> {
    let mut summary = Summary::default();
    let mut slots: Vec<Option<(Flow, Vec<u8>)>> = Vec::new();
    let mut free: Vec<usize> = Vec::new();
    let mut heap: BinaryHeap<Reverse<(i64, u64, usize)>> = BinaryHeap::new();
    let mut pending: BinaryHeap<Reverse<(i64, u64, usize)>> = BinaryHeap::new();
    let mut waiting: Vec<Option<Flow>> = Vec::new();
    let mut wfree: Vec<usize> = Vec::new();
    let mut order: u64 = 0;
    let mut last_ts = i64::MIN;

    loop {
        let batch_t = scenario.next_time();
        let pend_t = pending.peek().map(|Reverse((t, _, _))| *t);
        let heap_t = heap.peek().map(|Reverse((t, _, _))| *t);
        let earliest = [batch_t, pend_t, heap_t].into_iter().flatten().min();
        let Some(now) = earliest else { break };

        if batch_t == Some(now) {
            for (start, flow) in scenario.generate(world) {
                let w = match wfree.pop() {
                    Some(w) => {
                        waiting[w] = Some(flow);
                        w
                    }
                    None => {
                        waiting.push(Some(flow));
                        waiting.len() - 1
                    }
                };
                pending.push(Reverse((start, order, w)));
                order += 1;
            }
            continue;
        }
        if pend_t == Some(now) {
            let Some(Reverse((_, _, w))) = pending.pop() else {
                break;
            };
            let Some(mut flow) = waiting[w].take() else {
                continue;
            };
            wfree.push(w);
            if let Some((ts, pkt)) = flow.next(world) {
                let slot = match free.pop() {
                    Some(s) => s,
                    None => {
                        slots.push(None);
                        slots.len() - 1
                    }
                };
                slots[slot] = Some((flow, pkt));
                heap.push(Reverse((ts, order, slot)));
                order += 1;
            }
            continue;
        }
        let Some(Reverse((ts, _, slot))) = heap.pop() else {
            break;
        };
        let Some((mut flow, pkt)) = slots[slot].take() else {
            continue;
        };
        let ts = if ts < last_ts {
            summary.reordered += 1;
            last_ts
        } else {
            ts
        };
        last_ts = ts;
        out.write_packet(ts, &pkt)?;
        summary.packets += 1;
        summary.bytes += pkt.len() as u64;
        match flow.next(world) {
            Some((nts, npkt)) => {
                slots[slot] = Some((flow, npkt));
                heap.push(Reverse((nts, order, slot)));
                order += 1;
            }
            None => free.push(slot),
        }
    }
    out.flush()?;
    summary.connections = world.connections;
    summary.failed_connects = world.failed_connects;
    Ok(summary)
}
