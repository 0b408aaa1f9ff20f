//! Replay of a capture: the shared time cursor moved at ×1 … ×1000, and the moments the cursor
//! can step to (state changes). Pure functions; the replay bar ([`crate::app::inspector::replay`]) calls
//! them and writes `AppState::time_cursor`.

use crate::app::derived::CaptureModel;

/// The replay speeds offered (capture seconds per wall-clock second).
pub const SPEEDS: [f64; 4] = [1.0, 10.0, 100.0, 1000.0];

/// Times (seconds from `t0_ns`) at which a TCP end changes state, sorted and deduplicated:
/// of connection `only` when given, else of every connection.
pub fn change_times(capture: &CaptureModel, t0_ns: i64, only: Option<u32>) -> Vec<f64> {
    let conns: Vec<_> = match only {
        Some(i) => capture.connections.get(i as usize).into_iter().collect(),
        None => capture.connections.iter().collect(),
    };
    let mut ts: Vec<i64> = conns
        .iter()
        .flat_map(|c| {
            c.client_side
                .transitions
                .iter()
                .chain(&c.server_side.transitions)
        })
        .map(|t| t.ts_ns)
        .collect();
    ts.sort_unstable();
    ts.dedup();
    ts.into_iter().map(|t| (t - t0_ns) as f64 / 1e9).collect()
}

/// The first change strictly after `cursor` (a nanosecond of slack so stepping never sticks).
pub fn next_change(times: &[f64], cursor: f64) -> Option<f64> {
    let i = times.partition_point(|t| *t <= cursor + 1e-9);
    times.get(i).copied()
}

/// The last change strictly before `cursor`.
pub fn prev_change(times: &[f64], cursor: f64) -> Option<f64> {
    let i = times.partition_point(|t| *t < cursor - 1e-9);
    i.checked_sub(1).map(|i| times[i])
}

/// Move the cursor on by `dt` wall-clock seconds at `speed`; stops at `end`. Returns the new
/// cursor and whether the end was reached.
pub fn advance(cursor: f64, dt: f64, speed: f64, end: f64) -> (f64, bool) {
    let t = cursor + dt.max(0.0) * speed;
    if t >= end {
        (end, true)
    } else {
        (t, false)
    }
}
