//! The app's texts in English and Traditional Chinese, and the CJK font that draws the Chinese.
//!
//! Every visible text of the panels goes through [`t`] (or [`tf`] for texts with numbers), keyed
//! by its English form; [`APP`] holds the translations. The mechanism (lookup, `{}` placeholders,
//! catalog checks) is the library's [`portlife::i18n`], shared with the CLI report; the terms are
//! those of the Chinese book's glossary (`book/zh-TW/src/appendix-b-glossary.md`).
//!
//! egui's built-in fonts have no CJK glyphs, so [`install_cjk_font`] loads an installed one
//! (Noto Sans CJK TC from Debian's `fonts-noto-cjk`, SIL Open Font License 1.1; or WenQuanYi /
//! Droid fallbacks) as a fallback after egui's own fonts, the first time Chinese is shown. No font
//! is shipped in the repository.

use std::fmt::Display;
use std::path::PathBuf;

use portlife::i18n::{fill, lookup, Catalog, Lang};

/// `english` in `lang`.
pub fn t(lang: Lang, english: &'static str) -> &'static str {
    lookup(APP, lang, english)
}

/// [`t`], then its `{}` placeholders filled in order.
pub fn tf(lang: Lang, english: &'static str, args: &[&dyn Display]) -> String {
    fill(t(lang, english), args)
}

/// The Debian package that provides the preferred CJK font (said in the warning when none is found).
pub const CJK_FONT_PACKAGE: &str = "fonts-noto-cjk";

/// Installed CJK fonts to try, best first: (path, face index in a collection).
/// Noto Sans CJK's collection holds JP, KR, SC, TC, HK in that order: index 3 is Traditional
/// Chinese (Taiwan) glyph forms.
#[cfg(not(target_arch = "wasm32"))]
pub const CJK_FONT_CANDIDATES: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 3),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 3),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        3,
    ),
    ("/usr/share/fonts/opentype/noto/NotoSansTC-Regular.otf", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("C:\\Windows\\Fonts\\msjh.ttc", 0),
];

/// Whether the CJK font has been looked for, and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CjkFont {
    #[default]
    NotLoaded,
    Loaded(PathBuf),
    /// None of [`CJK_FONT_CANDIDATES`] exists: Chinese would show as boxes.
    Missing,
}

/// The first candidate font that exists, with its face index.
#[cfg(not(target_arch = "wasm32"))]
pub fn find_cjk_font(candidates: &[(&str, u32)]) -> Option<(PathBuf, u32)> {
    candidates
        .iter()
        .map(|(p, i)| (PathBuf::from(p), *i))
        .find(|(p, _)| p.is_file())
}

/// In a browser there are no installed fonts to read: the page's folder has a CJK font cut
/// down to the characters portlife writes (scripts/build-web.sh), fetched once; Chinese
/// shows as soon as it arrives.
#[cfg(target_arch = "wasm32")]
pub fn install_cjk_font(ctx: &egui::Context) -> CjkFont {
    const URL: &str = "fonts/cjk-tc.otf";
    let ctx = ctx.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match crate::app::web::fetch(URL).await {
            Ok(bytes) => {
                add_font(&ctx, bytes, 0);
                ctx.request_repaint();
            }
            Err(e) => web_sys::console::warn_1(&format!("portlife: no CJK font: {e}").into()),
        }
    });
    CjkFont::Loaded(PathBuf::from(URL))
}

/// Add the first installed CJK font as a fallback of both font families (after egui's own fonts,
/// so Latin text looks the same). Returns what was found.
#[cfg(not(target_arch = "wasm32"))]
pub fn install_cjk_font(ctx: &egui::Context) -> CjkFont {
    let Some((path, index)) = find_cjk_font(CJK_FONT_CANDIDATES) else {
        return CjkFont::Missing;
    };
    match std::fs::read(&path) {
        Ok(bytes) => {
            add_font(ctx, bytes, index);
            CjkFont::Loaded(path)
        }
        Err(_) => CjkFont::Missing,
    }
}

fn add_font(ctx: &egui::Context, bytes: Vec<u8>, index: u32) {
    let mut fonts = egui::FontDefinitions::default();
    let mut data = egui::FontData::from_owned(bytes);
    data.index = index;
    fonts
        .font_data
        .insert("cjk".to_owned(), std::sync::Arc::new(data));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("cjk".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// The one-line warning shown instead of boxes when Chinese is chosen and no CJK font exists.
pub fn missing_font_warning() -> String {
    format!(
        "Chinese text needs a CJK font: install {CJK_FONT_PACKAGE} (apt-get install {CJK_FONT_PACKAGE}) \
         and restart / 顯示中文需要 CJK 字型"
    )
}

/// Every visible text of the app with its Traditional Chinese translation. Keys are the exact
/// English texts passed to [`t`] / [`tf`].
pub const APP: Catalog = &[
    // Toolbar.
    ("Dismiss", "關閉訊息"),
    ("File", "檔案"),
    ("Open…", "開啟…"),
    ("Open path…", "開啟路徑…"),
    ("Recent", "最近開啟"),
    ("(none yet)", "（尚無）"),
    ("Quit", "結束"),
    ("Samples", "範例"),
    ("Tours", "導覽"),
    ("step {} of {}", "第 {} 步，共 {} 步"),
    ("◀ Back", "◀ 上一步"),
    ("Next ▶", "下一步 ▶"),
    ("End tour", "結束導覽"),
    ("No bundled samples found", "找不到內附的範例"),
    ("View", "檢視"),
    ("Fit all", "顯示全部"),
    ("Zoom to selection", "縮放到所選連線"),
    ("Relative seconds", "相對秒數"),
    ("Wall-clock (UTC)", "實際時間（UTC）"),
    ("Show the whole capture", "顯示整個擷取檔"),
    ("Axis: relative s", "時間軸：相對秒數"),
    ("Axis: wall-clock", "時間軸：實際時間"),
    (
        "Toggle relative seconds / UTC wall-clock",
        "切換相對秒數/UTC 實際時間",
    ),
    ("OS profile", "作業系統設定檔"),
    ("Auto", "自動"),
    ("Custom", "自訂"),
    ("Per host", "各主機"),
    ("Open folder…", "開啟資料夾…"),
    (
        "! This capture is cut short or damaged ({}); the {} packets read before it are shown",
        "！ 這份擷取檔被截斷或已損壞（{}）；以下顯示損壞處之前讀到的 {} 個封包",
    ),
    (
        "Every capture file in a folder, read as one capture merged by time (tcpdump's rotated files)",
        "資料夾中的每個擷取檔，依時間合併成一份擷取來讀（例如 tcpdump 輪替產生的檔案）",
    ),
    (
        "Each client host's ports are modelled under its own profile",
        "每台用戶端主機的埠都依它自己的設定檔建模",
    ),
    (
        "{}: {} (ports {}–{}, TIME-WAIT {} s)",
        "{}:{}（埠 {}–{},TIME-WAIT {} 秒）",
    ),
    (
        "no SYN of this host captured: under the default profile",
        "沒有擷取到這台主機的 SYN：採用預設的設定檔",
    ),
    ("as the OS profile selector", "與作業系統設定檔選單相同"),
    ("Auto (its own guess)", "自動（依它自己的猜測）"),
    ("… and {} more", "… 另有 {} 個"),
    ("ports from", "埠從"),
    ("to", "到"),
    ("from", "從"),
    ("TIME-WAIT s", "TIME-WAIT 秒數"),
    ("ports {}–{}, TIME-WAIT {} s — {}", "埠 {}–{},TIME-WAIT {} 秒 — {}"),
    (
        "the hosts differ (Per host); any other: ports {}–{}, TIME-WAIT {} s — {}",
        "各主機不同（見「各主機」）；其他主機：埠 {}–{},TIME-WAIT {} 秒 — {}",
    ),
    ("Loading {}: {} / {} MB", "正在載入 {}:{} / {} MB"),
    ("Loading {}: {} MB", "正在載入 {}:{} MB"),
    ("Cancel", "取消"),
    ("Capture path:", "擷取檔路徑："),
    ("Open", "開啟"),
    ("Close", "關閉"),
    ("Language", "語言"),
    ("Could not open {}: {}", "無法開啟 {}:{}"),
    (
        "Loading {} was cancelled; showing the part read so far",
        "已取消載入 {}；顯示目前已讀取的部分",
    ),
    // Status bar.
    (
        "No capture open — File -> Open, Samples, or drop a file here",
        "尚未開啟擷取檔——檔案 -> 開啟、範例，或把檔案拖放到這裡",
    ),
    ("{} · {} packets", "{} · {} 個封包"),
    ("! {} warnings", "! {} 個警告"),
    ("{} connections", "{} 條連線"),
    ("· {} UDP flows", "· {} 個 UDP 流"),
    ("UDP flow (no handshake, no TIME-WAIT)", "UDP 流（沒有握手，沒有 TIME-WAIT）"),
    ("UDP port {} held for an exchange with {}: {} datagrams out, {} back; UDP has no handshake and no TIME-WAIT, so the port is free as soon as the socket is closed", "UDP 埠 {} 為了與 {} 交換資料而被占用：送出 {} 個封包，收回 {} 個；UDP 沒有握手也沒有 TIME-WAIT，socket 一關閉埠就空出來"),
    ("port {} waits in TIME-WAIT because this host closed first; a RST from the other end ended the wait after {} (of {}), as Linux allows while net.ipv4.tcp_rfc1337 is 0 (RFC 1337 calls it TIME-WAIT assassination)", "埠 {} 因為這台主機先關閉而進入 TIME-WAIT；對方送來的 RST 在 {}（共 {}）後結束了等待：net.ipv4.tcp_rfc1337 為 0 時 Linux 允許這樣做（RFC 1337 稱之為 TIME-WAIT 暗殺）"),
    ("{} of {} connections (filtered)", "{} / {} 條連線（已過濾）"),
    (
        "at {}: {} Assigned · {} Active · {} TimeWait",
        "在 {}：已分配 {} · 使用中 {} · TIME-WAIT {}",
    ),
    (
        "hover the timeline for counts at a time",
        "把滑鼠移到時間軸上，可看到該時間點的數量",
    ),
    (
        "peak {} ports on {} ({} % of the range) at {}",
        "尖峰：{} 個埠，在 {} 上（占範圍的 {} %），時間 {}",
    ),
    ("frame {} ms", "每幀 {} ms"),
    // Filters.
    ("Filters", "過濾條件"),
    ("Host", "主機"),
    ("client IP contains", "用戶端 IP 包含"),
    ("Destination", "目的地"),
    ("server ip:port contains", "伺服器位址包含，如 93.184.216.34:80"),
    ("Client port range", "用戶端埠範圍"),
    ("Outcome", "結果"),
    ("normal", "正常"),
    ("refused", "被拒絕"),
    ("unanswered", "未獲回應"),
    ("reset", "重設"),
    ("open", "仍開著"),
    ("Search", "搜尋"),
    ("tuple, state, outcome", "四元組、狀態、結果"),
    ("Clear filters", "清除過濾條件"),
    ("How to read it", "如何閱讀"),
    (
        "Each row is one client port (host:port). Empty = Available: no socket holds it.",
        "每一列是一個用戶端埠（如 192.168.1.23:54321）。空白 = 可用：沒有任何 socket 占用它。",
    ),
    (
        "Orange: Assigned — SYN sent, waiting for the handshake.",
        "橘色：已分配——已送出 SYN，正在等待握手。",
    ),
    (
        "Blue: Active — the connection is open (or closing).",
        "藍色：使用中——連線開著（或正在關閉）。",
    ),
    (
        "Pink: TimeWait — this host closed first and must wait 2×MSL before reuse.",
        "粉紅色：TIME-WAIT——這台主機先關閉，必須等待 2×MSL 才能重複使用。",
    ),
    (
        "Ctrl+wheel or pinch: zoom · drag: pan · click a bar: details.",
        "Ctrl+滾輪或雙指縮放：縮放 · 拖曳：平移 · 點選色條：詳細資訊。",
    ),
    // Details.
    ("Connection", "連線"),
    ("Clear selection", "取消選取"),
    ("State transitions", "狀態轉換"),
    ("time (s)", "時間（秒）"),
    ("end", "端點"),
    ("from -> to", "從 -> 到"),
    ("frame", "訊框"),
    ("client", "用戶端"),
    ("server", "伺服器"),
    ("generation", "代（從第 0 代算起）"),
    ("outcome", "結果"),
    ("history (Zeek)", "歷程（Zeek）"),
    ("closed first by", "先關閉的一方"),
    ("packets", "封包數"),
    ("seen", "出現時間"),
    ("roles", "角色"),
    ("encapsulation", "封裝"),
    ("client (it gets TIME-WAIT)", "用戶端（TIME-WAIT 落在它身上）"),
    ("server (TIME-WAIT on the server)", "伺服器（TIME-WAIT 在伺服器上）"),
    ("nobody (no FIN)", "沒有（沒有 FIN）"),
    ("inferred (start not captured)", "推論而來（開始不在擷取中）"),
    ("one direction only", "只有單一方向"),
    ("cannot be told (one direction is missing)", "無法判斷（少了一個方向的封包）"),
    ("the client's packets are not in the capture: its state changes are inferred from the server's, and how the connection ended cannot be seen", "用戶端的封包不在擷取中：它的狀態變化是從伺服器的封包推斷出來的，也看不出連線如何結束"),
    ("the server's packets are not in the capture: its state changes are inferred from the client's, and how the connection ended cannot be seen", "伺服器的封包不在擷取中：它的狀態變化是從用戶端的封包推斷出來的，也看不出連線如何結束"),
    ("after both FINs (the close was normal; the RST cut the rest short)", "發生在雙方的 FIN 之後（關閉是正常的；RST 只是提早結束了剩下的部分）"),
    ("after the end", "結束之後"),
    ("{} packets, still in flight or into TIME-WAIT; they change no state", "{} 個封包，仍在傳送途中或送進 TIME-WAIT；它們不改變任何狀態"),
    ("capture duplicates", "擷取重複"),
    ("{} copies dropped (the same frame seen twice)", "捨棄了 {} 個副本（同一個訊框被看到兩次）"),
    ("longest silence", "最長的靜默"),
    ("{} h from {} s: longer than the 2 h keep-alive idle time", "{} 小時，從 {} 秒起：比 2 小時的 keep-alive 閒置時間還長"),
    ("inferred", "推斷"),
    ("Not in the capture: this end's packets are missing. The frame is the other end's packet that proves it happened.", "不在擷取中：這一端的封包不見了。訊框編號是證明它發生過的、另一端的封包。"),
    // Timeline.
    ("Loading…", "載入中…"),
    (
        "No capture open. File -> Open, Samples, or drop a pcap/pcapng file here.",
        "尚未開啟擷取檔。檔案 -> 開啟、範例，或把 pcap/pcapng 檔案拖放到這裡。",
    ),
    ("Port phases:", "埠的階段："),
    ("Available (empty)", "可用（空白）"),
    (
        "Assigned (SYN sent, handshake pending)",
        "已分配（已送出 SYN，握手尚未完成）",
    ),
    (
        "Active (connection open or closing)",
        "使用中（連線開著或正在關閉）",
    ),
    (
        "TimeWait (this host closed first; waits {} s)",
        "TIME-WAIT（這台主機先關閉；等待 {} 秒）",
    ),
    (
        "after the capture ended (from the OS profile)",
        "擷取結束之後（依作業系統設定檔推算）",
    ),
    ("time since first SYN (s)", "從第一個 SYN 起算的時間（秒）"),
    ("wall-clock, UTC ({})", "實際時間，UTC({})"),
    (
        "capture ends | later: from the OS profile",
        "擷取結束 | 之後：依作業系統設定檔推算",
    ),
    ("{} (server)", "{}（伺服器）"),
    ("{} — {} client ports", "{} — {} 個用戶端埠"),
    (
        "{} — server (its TIME-WAIT sockets)",
        "{} — 伺服器（它的 TIME-WAIT socket）",
    ),
    ("Assigned", "已分配"),
    ("Active", "使用中"),
    ("TimeWait", "TIME-WAIT"),
    ("client {} · server {}", "用戶端 {} · 伺服器 {}"),
    // Hover sentences (timeline::model::explain).
    (
        "server port {} holds this 4-tuple in TIME-WAIT for {} because the server closed first; the client's port {} is free at once",
        "伺服器埠 {} 因為伺服器先關閉，把這個四元組保持在 TIME-WAIT {}；用戶端的埠 {} 立刻就自由了",
    ),
    (
        "port {} waits in TIME-WAIT because this host closed first; after {} (of {}) a new SYN reused the same 4-tuple",
        "埠 {} 因為這台主機先關閉而在 TIME-WAIT 中等待；{}（總長 {}）後，一個新的 SYN 重複使用了同一個四元組",
    ),
    (
        "port {} waits in TIME-WAIT for {} because this host closed first (2×MSL on this OS), then becomes Available",
        "埠 {} 因為這台主機先關閉，在 TIME-WAIT 中等待 {}（這個作業系統的 2×MSL），然後變成可用",
    ),
    (
        " (the capture ended during the wait; its end comes from the OS profile)",
        "（擷取在等待期間結束；結束時間依作業系統設定檔推算）",
    ),
    (
        "port {} was assigned for connect(), but an ICMP error said {} cannot be reached; the port is free again",
        "埠 {} 已為 connect() 分配，但一個 ICMP 錯誤表示無法到達 {}；這個埠又自由了",
    ),
    (
        "port {} was assigned for connect(), but {} answered the SYN with RST (connection refused); the port is free again",
        "埠 {} 已為 connect() 分配，但 {} 以 RST 回應 SYN（連線被拒絕）；這個埠又自由了",
    ),
    (
        "port {} is assigned and stays in SYN-SENT: nobody answered the SYN (a firewall dropping it, or a dead server)",
        "埠 {} 已分配並停留在 SYN-SENT：沒有人回應 SYN（防火牆丟棄了它，或伺服器已停機）",
    ),
    (
        "port {} was assigned by the kernel for connect() and waits {} for the handshake with {}",
        "埠 {} 由核心為 connect() 分配，等待了 {} 才與 {} 完成握手",
    ),
    (
        "port {} carries a connection to {} for {}; it ends with RST, so no TIME-WAIT follows",
        "埠 {} 承載一條連到 {} 的連線，持續 {}；它以 RST 結束，所以之後沒有 TIME-WAIT",
    ),
    (
        "port {} carries a connection to {}; only one direction of it is in the capture, so how and when it ended cannot be seen",
        "埠 {} 承載一條連到 {} 的連線；擷取中只有它單一方向的封包，所以看不出它何時、如何結束",
    ),
    (
        "port {} carries a connection to {} that was still open when the capture ended",
        "埠 {} 承載一條連到 {} 的連線，擷取結束時它仍開著",
    ),
    (
        "port {} carries a connection to {} for {}; the server closed first, so the port is Available right after",
        "埠 {} 承載一條連到 {} 的連線，持續 {}；伺服器先關閉，所以這個埠之後立刻可用",
    ),
    (
        "port {} carries a connection to {} for {}",
        "埠 {} 承載一條連到 {} 的連線，持續 {}",
    ),

    // Replay bar.
    ("Pause", "暫停"),
    ("Play", "播放"),
    ("speed", "速度"),
    ("Go to the previous state change of the selected connection", "跳到所選連線的上一個狀態變化"),
    ("Go to the next state change of the selected connection", "跳到所選連線的下一個狀態變化"),
    ("Go to the previous state change of any connection", "跳到任一連線的上一個狀態變化"),
    ("Go to the next state change of any connection", "跳到任一連線的下一個狀態變化"),
    ("<< State change", "<< 狀態變化"),
    ("State change >>", "狀態變化 >>"),
    ("cursor at {} s", "游標在 {} 秒"),
    ("Remove the time cursor (views show the end of the capture)", "移除時間游標（各檢視顯示擷取結束時的狀態）"),
    ("no cursor: click the time axis, step, or Play", "沒有游標：點選時間軸、逐步前進，或按播放"),

    // Views tabs.
    ("Ladder", "封包階梯圖"),
    ("States", "狀態圖"),
    ("Occupancy", "占用量"),
    ("Table", "連線表"),

    // Export.
    ("cannot write {}: {}", "無法寫入 {}:{}"),
    ("saved {}", "已儲存 {}"),
    ("export failed: {}", "匯出失敗：{}"),
    ("SVG:", "SVG 檔："),
    ("Export SVG", "匯出 SVG"),
    ("Write the visible timeline window as SVG (same renderer as `portlife export --svg`)", "把時間軸目前可見的範圍寫成 SVG（與 `portlife export --svg` 使用同一個繪圖程式）"),
    ("Write the timeline as on screen to the same path with .png", "把畫面上的時間軸寫到同一路徑，副檔名改為 .png"),

    // Ladder.
    ("data", "資料"),
    ("  [retransmission]", "  [重傳]"),
    ("1 ACK {}", "1 個 ACK {}"),
    ("{} ACKs {}", "{} 個 ACK {}"),
    ("{} in {} {}", "{}（共 {} 個區段）{}"),
    ("{} segments: {}", "{} 個區段：{}"),
    (" ({} retransmitted)", "（重傳 {} 個）"),
    ("Select a connection (click a span in the timeline, or a row of the Table) to see its ladder.", "選取一條連線（點選時間軸上的色條，或連線表中的一列），即可看到它的封包階梯圖。"),
    ("Reading the connection's packets from the capture…", "正在從擷取檔讀取這條連線的封包…"),
    ("Could not read the packets of connection {}: {}", "無法讀取連線 {} 的封包：{}"),
    ("< Previous packet", "< 上一個封包"),
    ("Step back one packet (Left arrow key)", "後退一個封包（左方向鍵）"),
    ("Next packet >", "下一個封包 >"),
    ("Step forward one packet (Right arrow key)", "前進一個封包（右方向鍵）"),
    ("packet {} of {} (frame #{})", "第 {} 個封包，共 {} 個（訊框 #{}）"),
    ("{} packets; the cursor is before the first", "{} 個封包；游標在第一個封包之前"),
    ("(only the first packets are shown)", "（只顯示前面的封包）"),
    ("client {}", "用戶端 {}"),
    ("server {}", "伺服器 {}"),
    ("{}\nflags {}  ·  after it: client {}, server {}", "{}\n旗標 {}  ·  之後：用戶端 {}，伺服器 {}"),
    ("{}  (click to unfold)", "{}  （點選以展開）"),

    // State diagram.
    ("client: {}", "用戶端：{}"),
    ("server: {}", "伺服器：{}"),
    ("port phase: {}", "埠的階段：{}"),
    ("Available", "可用"),
    ("at {} s", "在 {} 秒"),
    ("at the end of the capture (no cursor)", "在擷取結束時（沒有游標）"),
    ("Select a connection to see where its two ends are. Edge numbers: transitions taken in the whole capture (both ends).", "選取一條連線，即可看到它的兩端各在哪個狀態。箭頭上的數字：整個擷取檔中（兩端合計）走過這個轉換的次數。"),
    ("Also taken (not in Figure 5): {}", "另外也走過（不在 Figure 5 中）：{}"),
    (" (client, server)", "（用戶端、伺服器）"),
    (" (client)", "（用戶端）"),
    (" (server)", "（伺服器）"),
    (" after", "（之後）"),
    ("state {}{}{}", "狀態 {}{}{}"),
    ("RFC 9293, Figure 5 (TCP connection state diagram)", "RFC 9293,Figure 5（TCP 連線狀態圖）"),
    ("Port lifecycle", "埠的生命週期"),

    // Occupancy chart.
    ("No client ports in this capture.", "這個擷取檔中沒有用戶端埠。"),
    ("host", "主機"),
    ("all destinations", "所有目的地"),
    ("destination", "目的地"),
    ("{}: range {}–{} ({} ports)", "{}：範圍 {}–{}（共 {} 個埠）"),
    ("No series for this choice.", "這個選擇沒有資料序列。"),
    ("crosses the 80 % critical line", "超過 80 % 危險線"),
    ("crosses the 60 % warning line", "超過 60 % 警告線"),
    ("stays below the warning line", "一直低於警告線"),
    ("peak occupancy {} % of {} ports — {}", "尖峰占用量 {} %（埠範圍共 {} 個埠）— {}"),
    ("% of the port range", "占埠範圍的 %"),
    ("held (all phases)", "占用中（所有階段）"),
    ("warning 60 %", "警告 60 %"),
    ("critical 80 %", "危險 80 %"),
    ("cursor", "游標"),
    ("TIME-WAIT sockets", "TIME-WAIT socket 數"),
    ("TIME-WAIT count", "TIME-WAIT 數量"),
    ("{} (peak {} %)", "{}（尖峰 {} %）"),

    // Connection table.
    ("client -> server", "用戶端 -> 伺服器"),
    ("gen", "代"),
    ("start (s)", "開始（秒）"),
    ("duration", "持續時間"),
    ("closed by", "關閉方"),
    ("bytes ->", "位元組 ->"),
    ("bytes <-", "位元組 <-"),
    ("history", "歷程"),
    ("Filter:", "過濾："),
    ("address, port, outcome, history…", "位址、埠、結果、歷程…"),
    ("Copy as CSV", "複製為 CSV"),
    ("Copy the marked rows (ctrl-click to mark several) as CSV", "把標記的列複製為 CSV（按住 Ctrl 點選可標記多列）"),
    ("Unmark all", "取消全部標記"),
    ("{} of {} connections", "{} / {} 條連線"),
    ("at cursor", "游標處"),
    ("Client / server TCP state at the time cursor (replay, ladder step, click on the time axis)", "時間游標處用戶端/伺服器的 TCP 狀態（重播、在封包階梯圖上逐步前進，或點選時間軸）"),
    ("Sort by this column (click again to reverse)", "依這一欄排序（再點一次反向排序）"),
    ("not yet", "尚未開始"),
    ("Go to:", "前往："),
    ("host or host:port, Enter", "主機或主機與埠，如 10.0.0.2:54321，按 Enter"),
    ("The axis is broken here: no packet of any connection shown fell in this stretch, so it is drawn short", "時間軸在這裡截斷：這段時間內所顯示的連線都沒有任何封包，所以畫得較短"),
    ("{} without a packet", "{} 沒有任何封包"),
    ("Theme: follow the system", "佈景主題：跟隨系統"),
    ("Theme: light", "佈景主題：淺色"),
    ("Theme: dark", "佈景主題：深色"),
    ("Start here: the first connection, from {}", "從這裡開始：第一條連線，來自 {}"),
    ("Select the capture's first connection and show its packets, SYN first", "選取擷取中的第一條連線，從 SYN 開始顯示它的封包"),
    ("What to do:", "該怎麼做："),
    ("Build the book (scripts/build-book.sh) to open the chapter from here", "先建置本書（scripts/build-book.sh），就能從這裡開啟該章"),
    ("Zoom in", "放大"),
    ("Zoom out", "縮小"),
    ("Actual size", "實際大小"),
    ("Presentation mode", "簡報模式"),
    ("For a projector: everything larger, text at full contrast, bars taller", "投影用：全部放大、文字最高對比、色條加高"),
    ("where each TIME-WAIT ended under {} before the switch", "切換前在 {} 之下每個 TIME-WAIT 結束的位置"),
    ("Hide", "隱藏"),
    ("Stop outlining the previous profile's TIME-WAIT", "不再標出前一個設定檔的 TIME-WAIT"),
    ("UDP flow", "UDP 流"),
    ("UDP flow answered by an ICMP error", "UDP 流，對方回了 ICMP 錯誤"),
    ("{} of {} rows ({} connections, {} UDP flows)", "顯示 {} 列，共 {} 列（{} 個連線、{} 個 UDP 流）"),
    ("Reset layout", "重設版面"),
    ("Give every panel its default size again and fit the whole capture", "每個面板回到預設大小，並顯示整個擷取"),
    ("after the last packet: client {} · server {}", "最後一個封包之後：用戶端 {} · 伺服器 {}"),
    ("Replay the capture (Space): the time cursor moves and every view follows, on past the last packet until the last TIME-WAIT has expired", "重播擷取（空白鍵）：時間游標移動，所有檢視跟著走；過了最後一個封包仍繼續，直到最後一個 TIME-WAIT 到期"),
    ("after the capture ({} s past its last packet): only the profiles' timers move the ports on", "擷取結束後（最後一個封包之後 {} 秒）：只剩作業系統設定檔的計時器讓埠繼續變化"),
    ("{} (by the profile's timer)", "{}（由作業系統設定檔的計時器推定）"),
    ("{} (its port reused)", "{}（其埠已被新連線重用）"),
    ("{} (last seen; after the capture unknown)", "{}（最後所見；擷取結束後不明）"),

    // Pool map.
    ("Pool map", "埠池地圖"),
    ("Every port of the ephemeral range at the time cursor", "時間游標處臨時埠範圍內的每一個埠"),
    ("Open a capture to see its port pool.", "開啟一個擷取檔，即可看到它的埠池。"),
    ("This capture has no client ports.", "這個擷取檔沒有用戶端埠。"),
    ("client host", "用戶端主機"),
    ("{} ({} connections)", "{}（{} 條連線）"),
    ("{} ports ({}–{}), profile {}", "{} 個埠（{}–{}），設定檔 {}"),
    ("End", "結束"),
    ("Show the pool at the end of the capture", "顯示擷取結束時的埠池"),
    ("(end of capture)", "（擷取結束時）"),
    ("port pool grid", "埠池方格"),
    ("port {} — {}", "埠 {} — {}"),
    ("free: connect() may pick it", "空閒：connect() 可能選中它"),
    ("UDP flow #{} to {}", "UDP 流 #{}，到 {}"),
    ("connection #{} to {}", "連線 #{}，到 {}"),
    ("in this phase for {}, held for {}", "處於這個階段 {}，被占用 {}"),
    ("click to select it", "點選以選取它"),
    ("No client port outside {}–{}.", "沒有用戶端埠在 {}–{} 之外。"),
    ("{} port(s) used outside {}–{}: this client does not fit the profile.", "有 {} 個埠用在 {}–{} 之外：這個用戶端不符合設定檔。"),
    ("Occupancy: {} %", "占用量：{} %"),
    ("critical (≥ 80 %)", "危險（≥ 80 %）"),
    ("warning (≥ 60 %)", "警告（≥ 60 %）"),
    ("below the 60 % warning", "低於 60 % 警告線"),
    ("{} connections hold {} ports (some ports serve several destinations)", "{} 條連線占用 {} 個埠（有些埠同時服務多個目的地）"),
    ("Port choice of {}", "{} 的埠選擇"),
    ("No TCP client connections.", "沒有 TCP 用戶端連線。"),
    ("connection {} of {}: #{} took port {}", "第 {} 條連線，共 {} 條：#{} 取得埠 {}"),
    ("x: connection in order of opening (1–{}), y: port; blue even, orange odd.", "x：依開啟順序排列的連線（1–{}），y：埠；藍色為偶數，橘色為奇數。"),
    ("even", "偶數"),
    ("odd", "奇數"),
    ("Only {} connection(s): too few to read a pattern (need {}).", "只有 {} 條連線：太少，看不出規律（至少需要 {} 條）。"),
    ("Sequential: {} % of new ports are the previous one + 1 — the stack walks the range in order (incremental allocation, as reported for Windows), so the next port is predictable.", "依序：{} % 的新埠是前一個埠 + 1——協定堆疊依序走過整個範圍（遞增分配，Windows 即有此報告），所以下一個埠可以預測。"),
    ("Every port is {}, {} % of them 2 above the previous one: Linux connect() since 4.2 tries the range start's parity first (leaving the other to bind()) and steps a per-destination offset by 2 (RFC 6056 §3.3.4, Algorithm 4).", "每個埠都是{}，其中 {} % 比前一個埠大 2:Linux 4.2 起的 connect() 先試與範圍起點同奇偶的埠（另一半留給 bind()），並以每個目的地各自的偏移量每次加 2（RFC 6056 §3.3.4,Algorithm 4）。"),
    ("{} ports first, then {} ones: Linux connect() used up its preferred parity half of the range and fell back to the other half — a sign the pool was exhausted.", "先是{}埠，然後是{}埠：Linux connect() 用完了範圍中它優先使用的那一半（同奇偶），才退回另一半——這是埠池曾經耗盡的跡象。"),
    ("No order: consistent with randomized choice (RFC 6056 §3.3.1, §3.3.2, §3.3.5) or hash-based choice across many destinations (§3.3.3, §3.3.4); a capture cannot tell which.", "看不出順序：符合隨機選擇（RFC 6056 §3.3.1、§3.3.2、§3.3.5），或對許多目的地以雜湊選擇（§3.3.3、§3.3.4）；單憑擷取檔無法分辨是哪一種。"),

    // Findings strip.
    ("Findings: none — nothing unusual under this profile", "診斷結果：無——在這個設定檔下沒有異常"),
    ("Findings ({})", "診斷結果（{}）"),
    ("{} {} ({} connections in all)", "{} 項 {}（共 {} 條連線）"),
    ("Showing the {} connection(s) of finding {}.", "正在顯示 {} 條連線（第 {} 項診斷結果）。"),
    ("Show all connections", "顯示所有連線"),
    ("Click to show its {} connection(s) alone; click again for all.", "點選以只顯示它的 {} 條連線；再點一次顯示全部。"),
    ("It is about UDP flows or ports, not TCP connections.", "它是關於 UDP 流或埠，不是 TCP 連線。"),
    ("What to do: {}", "該怎麼做：{}"),
    ("Book: {}", "書中章節：{}"),

    // Live capture.
    ("Capture (recording)", "擷取（錄製中）"),
    (
        "Live capture needs the desktop app: it opens a network interface, which a web page cannot",
        "即時擷取需要桌面版 portlife：它要開啟網路介面，網頁做不到",
    ),
    (
        "Folders, recent files and live capture need the desktop app",
        "資料夾、最近開啟的檔案與即時擷取需要桌面版 portlife",
    ),
    ("Capture", "擷取"),
    ("Interface", "網路介面"),
    (" (down)", "（已停用）"),
    ("Filter", "過濾"),
    ("port (8080) or host (10.0.0.5), empty = all", "埠（8080）或主機（10.0.0.5），空白 = 全部"),
    ("recording {} s", "已錄製 {} 秒"),
    ("Stop", "停止"),
    ("Start", "開始"),
    ("Follow now", "跟隨目前時間"),
    ("{} packets, {} TCP connections so far", "目前為止 {} 個封包、{} 條 TCP 連線"),
    ("Save as", "另存為"),
    ("Save pcap", "儲存 pcap"),
    ("saved {} bytes to {}", "已儲存 {} 位元組到 {}"),
    ("cannot save to {}: {}", "無法儲存到 {}:{}"),
    ("nothing captured yet", "尚未擷取到任何東西"),
    ("Capture needs CAP_NET_RAW for the portlife binary (sudo setcap cap_net_raw+ep $(which portlife)); the window itself runs unprivileged. Timestamps are the system clock when each frame is read.", "擷取需要 portlife 執行檔具有 CAP_NET_RAW 權限（sudo setcap cap_net_raw+ep \"$(which portlife)\"）；視窗本身不需特殊權限執行。時間戳記是讀到每個訊框時的系統時鐘。"),
    ("cannot start {}: {}", "無法啟動 {}:{}"),
    ("cannot start the capture thread: {}", "無法啟動擷取執行緒：{}"),
    ("the capture thread stopped without an answer", "擷取執行緒沒有回應就停止了"),
    ("the snapshot thread crashed", "快照執行緒當掉了"),
    ("capture saved to {}", "擷取檔已儲存到 {}"),
    ("the capture process ended before writing a capture", "擷取程序在寫出擷取檔之前就結束了"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use portlife::i18n::{
        catalog_problems, half_width_beside_chinese, literals_passed_to, punctuation_problems,
    };

    /// The sources whose texts must all be in [`APP`].
    const SOURCES: &[(&str, &str)] = &[
        ("chrome/toolbar.rs", include_str!("chrome/toolbar.rs")),
        ("chrome/status.rs", include_str!("chrome/status.rs")),
        ("chrome/filters.rs", include_str!("chrome/filters.rs")),
        ("details.rs", include_str!("details.rs")),
        ("timeline/mod.rs", include_str!("timeline/mod.rs")),
        ("timeline/model.rs", include_str!("timeline/model.rs")),
        ("timeline/export.rs", include_str!("timeline/export.rs")),
        ("state.rs", include_str!("state.rs")),
        ("inspector/mod.rs", include_str!("inspector/mod.rs")),
        ("inspector/state.rs", include_str!("inspector/state.rs")),
        (
            "inspector/replay/mod.rs",
            include_str!("inspector/replay/mod.rs"),
        ),
        (
            "inspector/ladder/mod.rs",
            include_str!("inspector/ladder/mod.rs"),
        ),
        (
            "inspector/ladder/model.rs",
            include_str!("inspector/ladder/model.rs"),
        ),
        (
            "inspector/states/mod.rs",
            include_str!("inspector/states/mod.rs"),
        ),
        (
            "inspector/occupancy/mod.rs",
            include_str!("inspector/occupancy/mod.rs"),
        ),
        (
            "inspector/table/mod.rs",
            include_str!("inspector/table/mod.rs"),
        ),
        (
            "inspector/table/model.rs",
            include_str!("inspector/table/model.rs"),
        ),
        ("pool_map/mod.rs", include_str!("pool_map/mod.rs")),
        ("findings/mod.rs", include_str!("findings/mod.rs")),
        ("live/mod.rs", include_str!("live/mod.rs")),
        ("live/child.rs", include_str!("live/child.rs")),
    ];

    #[test]
    fn every_app_text_has_both_translations() {
        assert_eq!(catalog_problems(APP), Vec::<String>::new());
        let mut n = 0;
        for (file, src) in SOURCES {
            for call in ["t", "tf"] {
                for k in literals_passed_to(src, call) {
                    n += 1;
                    assert!(
                        APP.iter().any(|(en, _)| *en == k),
                        "{file}: {k:?} has no zh-TW translation in app::i18n::APP"
                    );
                }
            }
        }
        assert!(n > 80, "only {n} looked-up texts found");
        // Texts the app translates that come from the library (not literals in app sources).
        for pct in [0.0, 70.0, 90.0] {
            let word = portlife::report::pool_svg::threshold_word(pct);
            assert_ne!(t(Lang::ZhTw, word), word, "threshold word {word:?}");
        }
        for (en, zh) in APP {
            assert_ne!(
                t(Lang::ZhTw, en),
                *en,
                "{en:?} is not translated (zh-TW equals English)"
            );
            assert_eq!(t(Lang::ZhTw, en), *zh);
        }
    }

    /// The app's Chinese writes ，；：？！（） beside Chinese, as the book does (its rule:
    /// [`half_width_beside_chinese`]).
    #[test]
    fn app_texts_use_full_width_punctuation() {
        assert_eq!(punctuation_problems(APP), Vec::<String>::new());
        assert_eq!(
            half_width_beside_chinese(&missing_font_warning()),
            Vec::<char>::new()
        );
    }

    #[test]
    fn the_first_installed_font_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let font = dir.path().join("x.ttc");
        std::fs::write(&font, b"not really a font").unwrap();
        let missing = dir.path().join("missing.ttc");
        let cands = [(missing.to_str().unwrap(), 1), (font.to_str().unwrap(), 3)];
        assert_eq!(find_cjk_font(&cands), Some((font.clone(), 3)));
        assert_eq!(find_cjk_font(&cands[..1]), None);
        assert!(missing_font_warning().contains(CJK_FONT_PACKAGE));
    }
}
