//! Handshakes that failed: SYNs never answered, SYN-ACKs never acknowledged, SYNs refused by a RST, and ICMP unreachable errors.

use super::*;

// ---------------------------------------------------------------------------------------------
// Handshake failures.

/// SYNs that were retransmitted at least once and never answered (outcome `unanswered`). A single
/// SYN without a retransmit is not evidence (the capture may have ended right after it).
pub(super) fn syn_unanswered(conns: &[Connection], out: &mut Vec<Finding>) {
    let failed = conns
        .iter()
        .filter(|c| c.outcome == Outcome::Unanswered && c.syn_retransmits >= 1);
    for (dst, cs) in by_server(failed) {
        let retx: u32 = cs.iter().map(|c| c.syn_retransmits).max().unwrap_or(0);
        let wait = cs
            .iter()
            .map(|c| c.last_packet_ns - c.start_ns)
            .max()
            .unwrap_or(0);
        let ok = conns
            .iter()
            .filter(|c| c.server == dst && c.client_side.entered(TcpState::Established).is_some())
            .count();
        let mut f = Finding::new(
            FindingKind::SynUnanswered,
            Severity::Warning,
            "ch09-firewalls.md",
        );
        f.title = format!(
            "{} connection attempt(s) to {dst} got no answer (SYN sent {} times)",
            cs.len(),
            retx + 1
        );
        f.explanation = format!(
            "The client sent a SYN and retransmitted it {retx} time(s) over {:.0} s, each time \
             waiting twice as long, and nothing came back: no SYN-ACK, no RST, no ICMP error. \
             Either a firewall on the way silently drops the packets, or the host is down or \
             does not exist. The client's port stays Assigned until connect() gives up.",
            wait as f64 / 1e9
        );
        f.advice = format!(
            "Check that {dst} is up and that firewalls (host firewall, security groups, network \
             ACLs) allow TCP port {} from this client; a firewall that rejects instead of drops \
             (RST or ICMP admin-prohibited) makes clients fail fast instead of hanging. In the \
             client, set a connect timeout shorter than the OS's (Linux gives up after ~127 s \
             with tcp_syn_retries=6).",
            dst.port
        );
        f.zh_tw.title = format!(
            "對 {dst} 的 {} 次連線嘗試沒有得到任何回應（SYN 送了 {} 次）",
            cs.len(),
            retx + 1
        );
        f.zh_tw.explanation = format!(
            "用戶端送出 SYN，並在 {:.0} 秒內重傳了 {retx} 次，每次等待的時間加倍，卻什麼都沒回來：\
             沒有 SYN-ACK、沒有 RST、沒有 ICMP 錯誤。要不是路上的防火牆默默丟棄了封包，就是主機已停機或不存在。\
             在 connect() 放棄之前，用戶端的埠一直處於已分配（Assigned）。",
            wait as f64 / 1e9
        );
        f.zh_tw.advice = format!(
            "確認 {dst} 正常運作，而且防火牆（主機防火牆、安全群組、網路 ACL）允許這個用戶端連到 TCP 埠 {}；\
             以拒絕（RST 或 ICMP admin-prohibited）取代丟棄的防火牆，能讓用戶端快速失敗而不是卡住。\
             在用戶端設定比作業系統更短的連線逾時（Linux 在 tcp_syn_retries=6 時約 127 秒後才放棄）。",
            dst.port
        );
        f.connections = cs.iter().map(|c| c.id).collect();
        f.ports = vec![dst];
        f = f
            .ev("attempts", cs.len())
            .ev("max_syn_retransmits", retx)
            .ev("waited_ms", wait / MS)
            .ev("successful_connections_to_same_server", ok);
        out.push(f);
    }
}

/// The server sent SYN-ACK (its side reached SYN-RECEIVED) but the client's final ACK never
/// arrived: the server never reached ESTABLISHED and the SYN or SYN-ACK was retransmitted (so it is
/// not just a capture that ended mid-handshake), and no RST ended it. Seen from the server, the
/// return traffic (SYN-ACK to the client) is being blocked.
pub(super) fn syn_ack_unacknowledged(conns: &[Connection], out: &mut Vec<Finding>) {
    let stuck = conns.iter().filter(|c| handshake_stuck(c));
    for (dst, cs) in by_server(stuck) {
        let retx: u32 = cs.iter().map(|c| c.syn_retransmits).max().unwrap_or(0);
        let synacks = cs.iter().map(|c| c.server_side.packets).max().unwrap_or(0);
        let mut f = Finding::new(
            FindingKind::SynAckUnacknowledged,
            Severity::Warning,
            "ch09-firewalls.md",
        );
        f.title = format!(
            "{} handshake(s) with {dst}: SYN-ACK sent, final ACK never seen",
            cs.len()
        );
        f.explanation = format!(
            "The SYN arrived and {dst} answered with a SYN-ACK ({synacks} times), but the \
             client's ACK never came; the client kept retransmitting its SYN ({retx} times) as \
             if it never got the answer. The answer is lost on the way back: typically a \
             stateful firewall or NAT that did not see the outgoing SYN (asymmetric routing), or \
             an egress rule blocking traffic to the client's ephemeral port."
        );
        f.advice = "Allow return traffic to the client's ephemeral ports: stateful firewalls do \
            this by tracking the connection (\"established, related\"); stateless ACLs need the \
            ephemeral range (e.g. 32768–60999 for Linux, 49152–65535 for Windows) open for \
            replies. Check that replies leave by the same path the request came in."
            .to_string();
        f.zh_tw.title = format!(
            "與 {dst} 的 {} 次握手：已送出 SYN-ACK，卻從未看到最後的 ACK",
            cs.len()
        );
        f.zh_tw.explanation = format!(
            "SYN 到達了，{dst} 也以 SYN-ACK 回應（{synacks} 次），但用戶端的 ACK 從未出現；用戶端一直重傳它的 SYN\
             （{retx} 次），彷彿從沒收到回應。回應在回程中遺失了：典型的原因是沒有看到對外 SYN 的狀態防火牆或 NAT\
             （非對稱路由），或是一條阻擋送往用戶端臨時埠之流量的輸出規則。"
        );
        f.zh_tw.advice = "允許回傳流量到達用戶端的臨時埠：狀態防火牆靠追蹤連線（「established, related」）\
            做到這一點；無狀態 ACL 則需要為回應開放臨時埠範圍（例如 Linux 為 32768–60999,Windows 為 49152–65535）。\
            並確認回應走的路徑與請求進來的路徑相同。"
            .to_string();
        f.connections = cs.iter().map(|c| c.id).collect();
        f.ports = cs.iter().map(|c| c.client).collect();
        f.ports.push(dst);
        f = f
            .ev("handshakes", cs.len())
            .ev("max_syn_retransmits", retx)
            .ev("max_server_packets", synacks);
        out.push(f);
    }
}

pub(super) fn handshake_stuck(c: &Connection) -> bool {
    !c.roles_inferred
        && c.server_side.entered(TcpState::SynReceived).is_some()
        && c.server_side.entered(TcpState::Established).is_none()
        && matches!(c.outcome, Outcome::OpenAtEnd | Outcome::Unanswered)
        && (c.syn_retransmits >= 1 || c.server_side.packets >= 2)
}

/// SYNs answered by RST (outcome `refused`): nothing listens on that port.
pub(super) fn connection_refused(conns: &[Connection], out: &mut Vec<Finding>) {
    let refused = conns.iter().filter(|c| c.outcome == Outcome::Refused);
    for (dst, cs) in by_server(refused) {
        let mut f = Finding::new(
            FindingKind::ConnectionRefused,
            Severity::Warning,
            "ch10-troubleshooting.md",
        );
        f.title = format!(
            "{} connection(s) to {dst} refused (SYN answered by RST)",
            cs.len()
        );
        f.explanation = format!(
            "{dst} answered each SYN with a RST: the host is up but nothing listens on port {} \
             (or a firewall rejects with RST). The client gets ECONNREFUSED at once, and its \
             port goes straight back to Available — no TIME-WAIT.",
            dst.port
        );
        f.advice = format!(
            "Check that the service runs and listens on {dst} (`ss -ltn` on the server), on \
             the right address (not only 127.0.0.1) and port. If it restarts, retry with back-off \
             rather than in a tight loop."
        );
        f.zh_tw.title = format!("對 {dst} 的 {} 條連線被拒絕（SYN 收到 RST）", cs.len());
        f.zh_tw.explanation = format!(
            "{dst} 對每個 SYN 都回應 RST：主機正常運作，但埠 {} 上沒有任何程式在監聽（或是防火牆以 RST 拒絕）。\
             用戶端立刻得到 ECONNREFUSED，它的埠直接回到可用（Available）——沒有 TIME-WAIT。",
            dst.port
        );
        f.zh_tw.advice = format!(
            "確認服務正在執行，並在 {dst} 上監聽（在伺服器上用 `ss -ltn`），而且位址（不只是 127.0.0.1）\
             與埠都正確。如果服務正在重新啟動，請以退避（back-off）方式重試，而不是在緊密迴圈中重試。"
        );
        f.connections = cs.iter().map(|c| c.id).collect();
        f.ports = vec![dst];
        f = f.ev("refused", cs.len());
        out.push(f);
    }
}

/// TCP attempts ended by an ICMP error and UDP requests answered by one, per (server, reason).
pub(super) fn icmp_unreachable(conns: &[Connection], udp: &[UdpFlow], out: &mut Vec<Finding>) {
    /// (server, reason, is UDP) → (TCP connection indices, UDP flow indices).
    type Group = (Endpoint, &'static str, bool);
    let mut groups: BTreeMap<Group, (Vec<u32>, Vec<u32>)> = BTreeMap::new();
    let key = |r: IcmpReason| match r {
        IcmpReason::PortUnreachable => "port_unreachable",
        IcmpReason::AdminProhibited => "admin_prohibited",
        IcmpReason::Unreachable => "unreachable",
    };
    for c in conns {
        if let Some(r) = c.icmp {
            groups
                .entry((c.server, key(r), false))
                .or_default()
                .0
                .push(c.id);
        }
    }
    for u in udp {
        if let Some(r) = u.icmp {
            groups
                .entry((u.server, key(r), true))
                .or_default()
                .1
                .push(u.id);
        }
    }
    for ((dst, reason, is_udp), (tcp_ids, udp_ids)) in groups {
        let n = tcp_ids.len() + udp_ids.len();
        let proto = if is_udp { "UDP" } else { "TCP" };
        let mut f = Finding::new(
            FindingKind::IcmpUnreachable,
            Severity::Warning,
            if reason == "admin_prohibited" {
                "ch09-firewalls.md"
            } else {
                "ch10-troubleshooting.md"
            },
        );
        let what = match reason {
            "port_unreachable" => "port unreachable",
            "admin_prohibited" => "administratively prohibited",
            _ => "destination unreachable",
        };
        f.title = format!("{n} {proto} exchange(s) with {dst} answered by ICMP {what}");
        f.explanation = match reason {
            "port_unreachable" => format!(
                "{dst} (or a router for it) said with ICMP that nothing listens on {proto} port \
                 {}. For UDP this is how \"connection refused\" looks; the client's port is free \
                 again at once.",
                dst.port
            ),
            "admin_prohibited" => format!(
                "A firewall rejected the {proto} packets to {dst} and said so with ICMP \
                 \"administratively prohibited\": a rule forbids this traffic."
            ),
            _ => format!("An ICMP error said {dst} cannot be reached (no route or host down)."),
        };
        f.advice = match reason {
            "port_unreachable" => format!(
                "Check that the service on {dst} runs, or point the client at one that does \
                 (for DNS: the resolver list)."
            ),
            "admin_prohibited" => format!(
                "Find the firewall rule that rejects {proto} port {} to {} and allow the traffic \
                 if it is legitimate.",
                dst.port, dst.ip
            ),
            _ => "Check routing and that the host is up.".to_string(),
        };
        let zh_what = match reason {
            "port_unreachable" => "埠無法到達（port unreachable）",
            "admin_prohibited" => "管理上禁止（administratively prohibited）",
            _ => "目的地無法到達（destination unreachable）",
        };
        f.zh_tw.title = format!("與 {dst} 的 {n} 次 {proto} 交換收到 ICMP {zh_what}");
        f.zh_tw.explanation = match reason {
            "port_unreachable" => format!(
                "{dst}（或替它轉送的路由器）以 ICMP 表示 {proto} 埠 {} 上沒有任何程式在監聽。\
                 對 UDP 來說，這就是「連線被拒絕」的樣子；用戶端的埠會立刻再度可用。",
                dst.port
            ),
            "admin_prohibited" => format!(
                "防火牆拒絕了送往 {dst} 的 {proto} 封包，並以 ICMP「administratively prohibited」\
                 告知：有一條規則禁止這種流量。"
            ),
            _ => format!("一個 ICMP 錯誤表示無法到達 {dst}（沒有路由或主機已停機）。"),
        };
        f.zh_tw.advice = match reason {
            "port_unreachable" => format!(
                "確認 {dst} 上的服務正在執行，或讓用戶端改連到有在執行的服務（DNS 的話：檢查解析器清單）。"
            ),
            "admin_prohibited" => format!(
                "找出拒絕 {proto} 埠 {} 送往 {} 的防火牆規則；如果這是正當流量，就允許它。",
                dst.port, dst.ip
            ),
            _ => "檢查路由，並確認主機正常運作。".to_string(),
        };
        f.connections = tcp_ids;
        f.udp_flows = udp_ids;
        f.ports = vec![dst];
        f = f.ev("count", n).ev("reason", reason).ev("protocol", proto);
        out.push(f);
    }
}
