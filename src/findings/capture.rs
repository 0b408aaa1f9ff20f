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
    f.title = format!("{} connection(s) started before the capture", ids.len());
    f.explanation = "Their SYN is not in the capture, so which side is the client was guessed \
        (the SYN-ACK's sender is the server; otherwise the port in an ephemeral range is the \
        client's), and their port's Assigned phase is missing."
        .to_string();
    f.advice = "Start the capture before the application connects, or accept that the first \
        connections are partial."
        .to_string();
    f.zh_tw.title = format!("{} 條連線在擷取開始前就已建立", ids.len());
    f.zh_tw.explanation =
        "它們的 SYN 不在擷取檔中，所以哪一方是用戶端是猜測的（送出 SYN-ACK 的是伺服器；\
        否則，位於臨時埠範圍內的埠屬於用戶端），而且它們的埠缺少已分配（Assigned）階段。"
            .to_string();
    f.zh_tw.advice = "在應用程式連線之前就開始擷取，或接受最初的幾條連線是不完整的。".to_string();
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
    f.title = format!(
        "{} connection(s) still open when the capture ended",
        ids.len()
    );
    f.explanation = "Their close (FIN or RST) and any TIME-WAIT are after the capture: their \
        ports are shown as held until the capture's end. For a connection pool this is \
        expected — long-lived connections are the point."
        .to_string();
    f.advice = "Capture longer if the close matters.".to_string();
    f.zh_tw.title = format!("{} 條連線在擷取結束時仍開著", ids.len());
    f.zh_tw.explanation =
        "它們的關閉（FIN 或 RST）以及可能的 TIME-WAIT 都在擷取結束之後：它們的埠顯示為\
        一直被占用到擷取結束。對連線池來說這是預料中的——長壽的連線正是它的目的。"
            .to_string();
    f.zh_tw.advice = "如果關閉過程很重要，就擷取久一點。".to_string();
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
    f.title = format!("{} connection(s) seen in one direction only", ids.len());
    f.explanation = "Only one side's packets of these connections are in the capture, yet they \
        carry acknowledgements or data that need the other side: the capture point sees one \
        direction only (asymmetric routing, a mirror port, or a capture filter). The unseen \
        side's state changes are inferred from what the seen side did (marked so), and how each \
        connection ended is not in the capture: its port is drawn until its last packet."
        .to_string();
    f.advice = "Capture where both directions pass (on one of the two hosts, or both mirror \
        directions), or check the capture filter."
        .to_string();
    f.zh_tw.title = format!("{} 條連線只看到單一方向", ids.len());
    f.zh_tw.explanation = "擷取檔中只有這些連線其中一方的封包，但它們帶有需要另一方才會有的確認或資料：\
        擷取點只看得到一個方向（非對稱路由、鏡像埠或擷取過濾器）。看不到的那一方的狀態變化是從看得到的一方的行為推斷出來的（已標明），而每條連線如何結束不在擷取中：它的埠只畫到最後一個封包為止。"
        .to_string();
    f.zh_tw.advice =
        "在兩個方向都會經過的地方擷取（在兩台主機之一上，或鏡像兩個方向），或檢查擷取過濾器。"
            .to_string();
    f = f.ev("connections", ids.len());
    f.connections = ids;
    out.push(f);
}
