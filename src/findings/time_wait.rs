//! TIME-WAIT: the pile-up of one connection per request, a 4-tuple reused while its TIME-WAIT ran, a TIME-WAIT ended by a RST, and servers that close first (and so hold the TIME-WAIT themselves).

use super::*;

// ---------------------------------------------------------------------------------------------
// TIME-WAIT pile-up.

/// A pile-up needs at least this many short connections from one host to one destination, each
/// closed by the client (so its port went to TIME-WAIT). Fewer is ordinary traffic.
pub(super) const PILEUP_MIN_CONNECTIONS: usize = 50;
/// "Short": from the first SYN to the client's TIME-WAIT in under this long.
pub(super) const PILEUP_SHORT_NS: i64 = S;

/// A candidate TIME-WAIT pile-up: one client host's short, client-closed connections to one
/// destination, with the figures its finding quotes.
pub(super) struct Pileup {
    pub(super) host: IpAddr,
    pub(super) dst: Endpoint,
    pub(super) connections: Vec<u32>,
    pub(super) median_lifetime_ns: i64,
    pub(super) median_sent: i64,
    pub(super) median_received: i64,
    pub(super) first_ns: i64,
    pub(super) last_ns: i64,
}

/// The pile-ups of [`time_wait_pileup`], from the connections alone (the peak number of ports
/// in TIME-WAIT comes from the pool series later). Sorted by host and destination.
pub(super) fn pileups(conns: &[Connection]) -> Vec<Pileup> {
    let mut groups: HashMap<(IpAddr, Endpoint), Vec<&Connection>> = HashMap::default();
    for c in conns {
        let Some(tw) = c.client_side.entered(TcpState::TimeWait) else {
            continue;
        };
        if c.closed_first == Some(Role::Client) && tw.ts_ns - c.start_ns < PILEUP_SHORT_NS {
            groups.entry((c.client.ip, c.server)).or_default().push(c);
        }
    }
    let mut groups: Vec<_> = groups
        .into_iter()
        .filter(|(_, cs)| cs.len() >= PILEUP_MIN_CONNECTIONS)
        .collect();
    groups.sort_unstable_by_key(|(k, _)| *k);
    groups
        .into_iter()
        .map(|((host, dst), cs)| {
            let lifetimes: Vec<i64> = cs
                .iter()
                .filter_map(|c| {
                    c.client_side
                        .entered(TcpState::TimeWait)
                        .map(|t| t.ts_ns - c.start_ns)
                })
                .collect();
            Pileup {
                host,
                dst,
                connections: cs.iter().map(|c| c.id).collect(),
                median_lifetime_ns: median(lifetimes),
                median_sent: median(cs.iter().map(|c| c.client_side.bytes as i64).collect()),
                median_received: median(cs.iter().map(|c| c.server_side.bytes as i64).collect()),
                first_ns: cs.iter().map(|c| c.start_ns).min().unwrap_or(0),
                last_ns: cs.iter().map(|c| c.start_ns).max().unwrap_or(0),
            }
        })
        .collect()
}

/// Many short connections from one client host to one destination, each leaving a port in
/// TIME-WAIT (the client closed first): one connection per request.
pub(super) fn time_wait_pileup(pileups: &[Pileup], pools: Pools<'_>, out: &mut Vec<Finding>) {
    for p in pileups {
        let Pileup {
            host,
            dst,
            ref connections,
            median_lifetime_ns: med_ns,
            median_sent: sent,
            median_received: recv,
            first_ns: first,
            last_ns: last,
        } = *p;
        let n = connections.len();
        let span_s = (last - first) as f64 / 1e9;
        let profile = pools.profiles.of(host);
        let range = profile.range_size();
        let per_s = n as f64 / span_s.max(1e-3);
        let lasts_s = range as f64 / per_s;
        let peak_tw = pools
            .destinations
            .iter()
            .find(|d| d.host == host && d.destination == Some(dst))
            .map(|d| d.steps.iter().map(|s| s.time_wait).max().unwrap_or(0))
            .unwrap_or(0);
        let tw_s = profile.time_wait_ns / S;
        let mut f = Finding::new(
            FindingKind::TimeWaitPileup,
            Severity::Warning,
            "ch08-good-practice.md",
        );
        f.title = format!(
            "{} short connections from {host} to {dst} in {span_s:.1} s, median lifetime {}, \
             up to {peak_tw} ports in TIME-WAIT",
            n,
            fmt_ms(med_ns)
        );
        f.explanation = format!(
            "{host} opened a new connection for almost every exchange with {dst} (median {sent} \
             bytes sent, {recv} bytes received per connection) and closed each one itself, so \
             each port then waits in TIME-WAIT for {tw_s} s ({}). Ports leave the pool much \
             faster than they come back: at this rate ({:.0} per second) the {} ports of the \
             range last about {:.0} s.",
            profile.label, per_s, range, lasts_s,
        );
        f.advice = format!("{ADVICE_REUSE_CONNECTIONS} {ADVICE_TW_REUSE}");
        f.connections = connections.clone();
        f.ports = vec![Endpoint::new(host, 0), dst];
        f.zh_tw.title = format!(
            "{host} 在 {span_s:.1} 秒內對 {dst} 開了 {} 條短連線，存續時間中位數 {}，\
             最多 {peak_tw} 個埠處於 TIME-WAIT",
            n,
            fmt_ms(med_ns)
        );
        f.zh_tw.explanation = format!(
            "{host} 幾乎每次與 {dst} 交換資料都開一條新連線（每條連線送出的位元組中位數 {sent}、\
             收到 {recv}），而且每條都由自己關閉，所以每個埠接著要在 TIME-WAIT 等待 {tw_s} 秒（{}）。\
             埠離開池子的速度遠快於回來的速度：以這個速率（每秒 {:.0} 條），範圍中的 {} 個埠大約只能撐 {:.0} 秒。",
            profile.label,
            per_s,
            range,
            lasts_s,
        );
        f.zh_tw.advice = format!("{ZH_ADVICE_REUSE_CONNECTIONS}{ZH_ADVICE_TW_REUSE}");
        f = f
            .ev("connections", n)
            .ev("median_lifetime_ms", round1(med_ns as f64 / 1e6))
            .ev("median_client_bytes", sent)
            .ev("median_server_bytes", recv)
            .ev("peak_time_wait", peak_tw)
            .ev("time_wait_s", tw_s)
            .ev("first_ns", first)
            .ev("last_ns", last);
        out.push(f);
    }
}

// ---------------------------------------------------------------------------------------------
// Port reused while in TIME-WAIT.

/// Every connection whose SYN cut short its 4-tuple's previous TIME-WAIT (as the profile times
/// it): Wireshark's "TCP port numbers reused". One finding per (client host, destination).
pub(super) fn port_reused_in_time_wait(
    conns: &[Connection],
    ports: &PortModel,
    out: &mut Vec<Finding>,
) {
    /// (new connection id, ns since the TIME-WAIT began, client port, server-side TIME-WAIT).
    type Reuse = (u32, i64, u16, bool);
    let mut groups: BTreeMap<(IpAddr, Endpoint), Vec<Reuse>> = BTreeMap::new();
    for s in ports
        .spans
        .iter()
        .filter(|s| s.phase == Phase::TimeWait && s.cut_by_reuse && !s.udp)
    {
        let Some(prev) = conns.get(s.conn as usize) else {
            continue;
        };
        let Some(next) = prev.next_generation.and_then(|n| conns.get(n as usize)) else {
            continue;
        };
        groups
            .entry((prev.client.ip, prev.server))
            .or_default()
            .push((
                next.id,
                next.start_ns - s.start_ns,
                prev.client.port,
                s.server_side,
            ));
    }
    for ((host, dst), mut v) in groups {
        v.sort_unstable();
        v.dedup_by_key(|x| x.0);
        let after = median(v.iter().map(|x| x.1).collect());
        let server_side = v.iter().any(|x| x.3);
        // The TIME-WAIT cut short was the client's, unless only the server's ever was.
        let waited = if v.iter().all(|x| x.3) { dst.ip } else { host };
        let tw_s = ports.profile_of(waited).time_wait_ns / S;
        let mut f = Finding::new(
            FindingKind::PortReusedInTimeWait,
            Severity::Warning,
            "ch04-time-wait.md",
        );
        f.title = format!(
            "{} connection(s) from {host} to {dst} reused a port still in TIME-WAIT",
            v.len()
        );
        f.explanation = format!(
            "A new SYN used the same 4-tuple (same client port, same server) as a connection \
             that ended a median {:.1} s before, inside its {tw_s} s TIME-WAIT{}. Wireshark \
             marks such SYNs \"TCP Port numbers reused\". It works when the other end accepts \
             the new SYN (higher sequence number or a newer TCP timestamp); otherwise the SYN \
             is answered with an old ACK or dropped and the connect stalls. Reuse this early \
             means the client is short of ports or has tcp_tw_reuse enabled.",
            after as f64 / 1e9,
            if server_side {
                " (the server's socket was the one in TIME-WAIT)"
            } else {
                ""
            }
        );
        f.advice = format!("{ADVICE_REUSE_CONNECTIONS} {ADVICE_TW_REUSE}");
        f.connections = v.iter().map(|x| x.0).collect();
        f.zh_tw.title = format!(
            "從 {host} 到 {dst} 有 {} 條連線重複使用了仍處於 TIME-WAIT 的埠",
            v.len()
        );
        f.zh_tw.explanation = format!(
            "新的 SYN 使用了同一個四元組（相同的用戶端埠、相同的伺服器），而使用它的前一條連線在中位數 {:.1} 秒前\
             才結束，仍在它 {tw_s} 秒的 TIME-WAIT 之內{}。Wireshark 會把這種 SYN 標示為「TCP Port numbers \
             reused」。只要另一端接受新的 SYN（序號較大或 TCP 時間戳記較新）就能運作；否則 SYN 會收到舊的 ACK \
             或被丟棄，連線就會卡住。這麼早就重複使用，表示用戶端缺少埠，或啟用了 tcp_tw_reuse。",
            after as f64 / 1e9,
            if server_side {
                "（處於 TIME-WAIT 的是伺服器的 socket）"
            } else {
                ""
            }
        );
        f.zh_tw.advice = format!("{ZH_ADVICE_REUSE_CONNECTIONS}{ZH_ADVICE_TW_REUSE}");
        f.ports = ports_then(host, v.iter().map(|x| x.2), dst);
        f = f
            .ev("reuses", v.len())
            .ev("median_reuse_after_ms", after / MS)
            .ev("time_wait_s", tw_s);
        out.push(f);
    }
}

// ---------------------------------------------------------------------------------------------
// TIME-WAIT ended by a RST.

/// Every TIME-WAIT a RST ended early, one finding per (host holding it, other end). Linux
/// honours such a RST while `net.ipv4.tcp_rfc1337` is 0, its default (tcp_timewait_state_process:
/// "TIME_WAIT assassination"); RFC 1337 §3 recommends ignoring it.
pub(super) fn time_wait_ended_by_rst(
    conns: &[Connection],
    ports: &PortModel,
    out: &mut Vec<Finding>,
) {
    /// (connection id, ns the TIME-WAIT lasted, port).
    type Ended = (u32, i64, u16);
    let mut groups: BTreeMap<(IpAddr, Endpoint), Vec<Ended>> = BTreeMap::new();
    for c in conns {
        for (side, holder, other) in [
            (&c.client_side, c.client, c.server),
            (&c.server_side, c.server, c.client),
        ] {
            let Some(tw) = side.entered(TcpState::TimeWait) else {
                continue;
            };
            let ended = side
                .transitions
                .iter()
                .find(|t| t.from == TcpState::TimeWait && t.to == TcpState::Closed);
            if let Some(e) = ended {
                groups.entry((holder.ip, other)).or_default().push((
                    c.id,
                    e.ts_ns - tw.ts_ns,
                    holder.port,
                ));
            }
        }
    }
    for ((host, other), v) in groups {
        let tw_s = ports.profile_of(host).time_wait_ns / S;
        let after = median(v.iter().map(|x| x.1).collect());
        let mut f = Finding::new(
            FindingKind::TimeWaitEndedByRst,
            Severity::Info,
            "ch04-time-wait.md",
        );
        f.title = format!(
            "{} TIME-WAIT(s) of {host} with {other} ended early by a RST",
            v.len()
        );
        f.explanation = format!(
            "A RST from {other} arrived while {host}'s socket was in TIME-WAIT and ended it a \
             median {:.1} s in, instead of after {tw_s} s: RFC 1337's \"TIME-WAIT \
             assassination\". Linux honours such a RST while net.ipv4.tcp_rfc1337 is 0 (the \
             default); the port is Available again at once, and a late segment of the old \
             connection could then be taken for part of a new one on the same 4-tuple.",
            after as f64 / 1e9
        );
        f.advice = "Usually harmless. RFC 1337 recommends ignoring a RST in TIME-WAIT: on Linux \
                    `sysctl net.ipv4.tcp_rfc1337=1`."
            .into();
        f.zh_tw.title = format!(
            "{host} 與 {other} 之間有 {} 個 TIME-WAIT 被 RST 提前結束",
            v.len()
        );
        f.zh_tw.explanation = format!(
            "{host} 的 socket 還在 TIME-WAIT 時收到了來自 {other} 的 RST，於是在中位數 {:.1} 秒時就結束，\
             而不是等滿 {tw_s} 秒：這就是 RFC 1337 所說的「TIME-WAIT assassination」（TIME-WAIT 暗殺）。\
             只要 net.ipv4.tcp_rfc1337 是 0（預設值），Linux 就會接受這樣的 RST；埠立刻回到可用狀態，\
             而舊連線遲到的區段就可能被當成同一個四元組上新連線的一部分。",
            after as f64 / 1e9
        );
        f.zh_tw.advice =
            "通常無害。RFC 1337 建議在 TIME-WAIT 時忽略 RST：在 Linux 上可設定 `sysctl net.ipv4.tcp_rfc1337=1`。"
                .into();
        f.connections = v.iter().map(|x| x.0).collect();
        f.ports = ports_then(host, v.iter().map(|x| x.2), other);
        f = f
            .ev("ended", v.len())
            .ev("median_after_ms", after / MS)
            .ev("time_wait_s", tw_s);
        out.push(f);
    }
}

// ---------------------------------------------------------------------------------------------
// Who closes first.

/// A server closes first in at least this many connections…
pub(super) const SERVER_CLOSE_MIN: usize = 10;

/// …and in at least half of its connections: TIME-WAIT accumulates on the server. One server
/// close now and then (an idle timeout, `Connection: close` on an error) is ordinary.
pub(super) fn server_closes_first(conns: &[Connection], out: &mut Vec<Finding>) {
    for (srv, cs) in by_server(conns.iter()) {
        let first: Vec<&Connection> = cs
            .iter()
            .copied()
            .filter(|c| c.closed_first == Some(Role::Server))
            .collect();
        if first.len() < SERVER_CLOSE_MIN || first.len() * 2 < cs.len() {
            continue;
        }
        let mut f = Finding::new(
            FindingKind::ServerClosesFirst,
            Severity::Info,
            "ch04-time-wait.md",
        );
        f.title = format!(
            "{srv} closed first in {} of {} connections: TIME-WAIT sits on the server",
            first.len(),
            cs.len()
        );
        f.explanation = format!(
            "Whoever sends the first FIN enters TIME-WAIT. Here the server {srv} did, so its \
             sockets (keyed by each client's 4-tuple) wait in TIME-WAIT while the clients' ports \
             are free at once. This uses no ephemeral ports, but a busy server accumulates \
             TIME-WAIT sockets (memory, `ss -tan state time-wait` counts) — typical of HTTP \
             with `Connection: close` or a server-side idle timeout."
        );
        f.advice = "Usually harmless for the server's ports. To avoid the churn, keep connections \
            alive (HTTP keep-alive, longer server idle timeouts) or let the client close first. \
            `tcp_tw_reuse` does not help here: it only affects outgoing connections."
            .to_string();
        f.zh_tw.title = format!(
            "{srv} 在 {} 條連線中的 {} 條先關閉：TIME-WAIT 落在伺服器上",
            cs.len(),
            first.len()
        );
        f.zh_tw.explanation = format!(
            "先送出 FIN 的一方進入 TIME-WAIT。這裡是伺服器 {srv}，所以它的 socket（以每個用戶端的四元組區分）\
             在 TIME-WAIT 中等待，而用戶端的埠立刻就自由了。這不會耗用臨時埠，但繁忙的伺服器會累積 TIME-WAIT \
             socket（耗用記憶體，可用 `ss -tan state time-wait` 計數）——這是 HTTP 使用 `Connection: close` \
             或伺服器端閒置逾時的典型現象。"
        );
        f.zh_tw.advice = "對伺服器的埠來說通常無害。要避免這種反覆開關，就讓連線保持開啟（HTTP keep-alive、\
            較長的伺服器閒置逾時），或讓用戶端先關閉。`tcp_tw_reuse` 在這裡幫不上忙：它只影響對外連線。"
            .to_string();
        f.connections = first.iter().map(|c| c.id).collect();
        f.ports = vec![srv];
        f = f
            .ev("server_closed_first", first.len())
            .ev("connections", cs.len());
        out.push(f);
    }
}
