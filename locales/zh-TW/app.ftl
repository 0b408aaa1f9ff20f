# 桌面程式（與網頁版）的文字：選單、面板、提示文字、滑鼠停留時的說明。
# 數字傳進來時已經格式化；決定單複數的計數以數字傳入。

## Toolbar and menus

toolbar-dismiss = 關閉訊息
toolbar-file = 檔案
toolbar-open = 開啟…
toolbar-open-path = 開啟路徑…
toolbar-recent = 最近開啟
toolbar-recent-none = （尚無）
toolbar-quit = 結束
toolbar-samples = 範例
toolbar-no-samples = 找不到內附的範例
toolbar-view = 檢視
toolbar-fit-all = 顯示全部
toolbar-zoom-selection = 縮放到所選連線
toolbar-axis-relative = 相對秒數
toolbar-axis-wall-clock = 實際時間（UTC）
toolbar-fit-all-tooltip = 顯示整個擷取檔
toolbar-axis-relative-button = 時間軸：相對秒數
toolbar-axis-wall-clock-button = 時間軸：實際時間
toolbar-axis-toggle-tooltip = 切換相對秒數/UTC 實際時間
toolbar-os-profile = 作業系統設定檔
toolbar-per-host = 各主機
toolbar-open-folder = 開啟資料夾…
toolbar-capture-damaged = ！ 這份擷取檔被截斷或已損壞（{ $problem }）；以下顯示損壞處之前讀到的 { $packets } 個封包
toolbar-open-folder-tooltip = 資料夾中的每個擷取檔，依時間合併成一份擷取來讀（例如 tcpdump 輪替產生的檔案）
toolbar-per-host-tooltip = 每台用戶端主機的埠都依它自己的設定檔建模
toolbar-host-profile = { $host }:{ $label }（埠 { $lo }–{ $hi },TIME-WAIT { $time_wait_s } 秒）
toolbar-host-no-syn = 沒有擷取到這台主機的 SYN：採用預設的設定檔
toolbar-host-as-default = 與作業系統設定檔選單相同
toolbar-host-auto = 自動（依它自己的猜測）
toolbar-and-more = … 另有 { $count } 個
toolbar-custom-ports-from = 埠從
toolbar-custom-time-wait = TIME-WAIT 秒數
toolbar-profile-summary = 埠 { $lo }–{ $hi },TIME-WAIT { $time_wait_s } 秒 — { $note }
toolbar-profile-summary-per-host = 各主機不同（見「各主機」）；其他主機：埠 { $lo }–{ $hi },TIME-WAIT { $time_wait_s } 秒 — { $note }
toolbar-loading-of = 正在載入 { $file }:{ $read } / { $total } MB
toolbar-loading = 正在載入 { $file }:{ $read } MB
toolbar-cancel = 取消
toolbar-capture-path = 擷取檔路徑：
toolbar-open-path-go = 開啟
toolbar-close = 關閉
toolbar-language = 語言
toolbar-theme-system = 佈景主題：跟隨系統
toolbar-theme-light = 佈景主題：淺色
toolbar-theme-dark = 佈景主題：深色
toolbar-zoom-in = 放大
toolbar-zoom-out = 縮小
toolbar-actual-size = 實際大小
toolbar-presentation-mode = 簡報模式
toolbar-presentation-tooltip = 投影用：全部放大、文字最高對比、色條加高
toolbar-reset-layout = 重設版面
toolbar-reset-layout-tooltip = 每個面板回到預設大小，並顯示整個擷取
toolbar-pool-map-tooltip = 時間游標處臨時埠範圍內的每一個埠
toolbar-needs-desktop = 資料夾、最近開啟的檔案與即時擷取需要桌面版 portlife

## Status bar

status-no-capture = 尚未開啟擷取檔——檔案 -> 開啟、範例，或把檔案拖放到這裡
status-file-packets = { $file } · { $packets } 個封包
status-warnings = ! { $count } 個警告
status-connections = { $count } 條連線
status-udp-flows = · { $count } 個 UDP 流
status-connections-filtered = { $shown } / { $count } 條連線（已過濾）
status-counts-at = 在 { $time }：已分配 { $assigned } · 使用中 { $active } · TIME-WAIT { $time_wait }
status-hover-hint = 把滑鼠移到時間軸上，可看到該時間點的數量
status-peak = 尖峰：{ $ports } 個埠，在 { $host } 上（占範圍的 { $pct } %），時間 { $time }
status-frame-time = 每幀 { $ms } ms

## Filters

filters-heading = 過濾條件
filters-host = 主機
filters-host-hint = 用戶端 IP 包含
filters-destination = 目的地
filters-destination-hint = 伺服器位址包含，如 93.184.216.34:80
filters-client-port-range = 用戶端埠範圍
filters-outcome = 結果
filters-search = 搜尋
filters-search-hint = 四元組、狀態、結果
filters-clear-filters = 清除過濾條件

## The selected connection

details-connection = 連線
details-clear-selection = 取消選取
details-state-transitions = 狀態轉換
details-column-time = 時間（秒）
details-column-end = 端點
details-transition = 從 -> 到
details-column-frame = 訊框
details-fact-generation = 代（從第 0 代算起）
details-fact-outcome = 結果
details-fact-history = 歷程（Zeek）
details-fact-closed-first = 先關閉的一方
details-fact-packets = 封包數
details-fact-seen = 出現時間
details-fact-roles = 角色
details-fact-encapsulation = 封裝
details-closed-first-client = 用戶端（TIME-WAIT 落在它身上）
details-closed-first-server = 伺服器（TIME-WAIT 在伺服器上）
details-closed-first-nobody = 沒有（沒有 FIN）
details-roles-inferred = 推論而來（開始不在擷取中）
details-fact-one-direction = 只有單一方向
details-closed-first-untold = 無法判斷（少了一個方向的封包）
details-client-direction-missing = 用戶端的封包不在擷取中：它的狀態變化是從伺服器的封包推斷出來的，也看不出連線如何結束
details-server-direction-missing = 伺服器的封包不在擷取中：它的狀態變化是從用戶端的封包推斷出來的，也看不出連線如何結束
details-rst-after-fins = 發生在雙方的 FIN 之後（關閉是正常的；RST 只是提早結束了剩下的部分）
details-fact-after-end = 結束之後
details-after-end-packets = { $count } 個封包，仍在傳送途中或送進 TIME-WAIT；它們不改變任何狀態
details-fact-duplicates = 擷取重複
details-duplicates-dropped = 捨棄了 { $count } 個副本（同一個訊框被看到兩次）
details-fact-longest-silence = 最長的靜默
details-longest-silence = { $hours } 小時，從 { $from } 秒起：比 2 小時的 keep-alive 閒置時間還長
details-inferred = 推斷
details-inferred-tooltip = 不在擷取中：這一端的封包不見了。訊框編號是證明它發生過的、另一端的封包。

## Timeline

timeline-loading = 載入中…
timeline-no-capture = 尚未開啟擷取檔。檔案 -> 開啟、範例，或把 pcap/pcapng 檔案拖放到這裡。
timeline-axis-relative = 從第一個 SYN 起算的時間（秒）
timeline-axis-wall-clock = 實際時間，UTC({ $date })
timeline-capture-end-marker = 擷取結束 | 之後：依作業系統設定檔推算
timeline-row-server = { $row }（伺服器）
timeline-group-client = { $host } — { $count } 個用戶端埠
timeline-group-server = { $host } — 伺服器（它的 TIME-WAIT socket）
timeline-end-states = 用戶端 { $client } · 伺服器 { $server }
timeline-go-to = 前往：
timeline-go-to-hint = 主機或主機與埠，如 10.0.0.2:54321，按 Enter
timeline-break-explanation = 時間軸在這裡截斷：這段時間內所顯示的連線都沒有任何封包，所以畫得較短
timeline-break-tooltip = { $duration } 沒有任何封包
timeline-previous-profile = 切換前在 { $profile } 之下每個 TIME-WAIT 結束的位置
timeline-previous-profile-hide = 隱藏
timeline-previous-profile-hide-tooltip = 不再標出前一個設定檔的 TIME-WAIT

## Timeline legend

legend-help = 如何閱讀
legend-help-rows = 每一列是一個用戶端埠（如 192.168.1.23:54321）。空白 = 可用：沒有任何 socket 占用它。
legend-help-assigned = 橘色：已分配——已送出 SYN，正在等待握手。
legend-help-active = 藍色：使用中——連線開著（或正在關閉）。
legend-help-time-wait = 粉紅色：TIME-WAIT——這台主機先關閉，必須等待 2×MSL 才能重複使用。
legend-help-controls = Ctrl+滾輪或雙指縮放：縮放 · 拖曳：平移 · 點選色條：詳細資訊。
legend-heading = 埠的階段：
legend-available = 可用（空白）
legend-assigned = 已分配（已送出 SYN，握手尚未完成）
legend-active = 使用中（連線開著或正在關閉）
legend-time-wait = TIME-WAIT（這台主機先關閉；等待 { $time_wait_s } 秒）
legend-after-capture = 擷取結束之後（依作業系統設定檔推算）

## A span's hover sentence

hover-udp-flow = UDP 流（沒有握手，沒有 TIME-WAIT）
hover-udp-exchange = UDP 埠 { $port } 為了與 { $server } 交換資料而被占用：送出 { $sent } 個封包，收回 { $received } 個；UDP 沒有握手也沒有 TIME-WAIT，socket 一關閉埠就空出來
hover-time-wait-ended-by-rst = 埠 { $port } 因為這台主機先關閉而進入 TIME-WAIT；對方送來的 RST 在 { $waited }（共 { $full }）後結束了等待：net.ipv4.tcp_rfc1337 為 0 時 Linux 允許這樣做（RFC 1337 稱之為 TIME-WAIT 暗殺）
hover-server-time-wait = 伺服器埠 { $port } 因為伺服器先關閉，把這個四元組保持在 TIME-WAIT { $duration }；用戶端的埠 { $client_port } 立刻就自由了
hover-time-wait-cut-by-reuse = 埠 { $port } 因為這台主機先關閉而在 TIME-WAIT 中等待；{ $waited }（總長 { $full }）後，一個新的 SYN 重複使用了同一個四元組
hover-time-wait = 埠 { $port } 因為這台主機先關閉，在 TIME-WAIT 中等待 { $duration }（這個作業系統的 2×MSL），然後變成可用
hover-time-wait-past-capture = （擷取在等待期間結束；結束時間依作業系統設定檔推算）
hover-assigned-icmp = 埠 { $port } 已為 connect() 分配，但一個 ICMP 錯誤表示無法到達 { $server }；這個埠又自由了
hover-assigned-refused = 埠 { $port } 已為 connect() 分配，但 { $server } 以 RST 回應 SYN（連線被拒絕）；這個埠又自由了
hover-assigned-unanswered = 埠 { $port } 已分配並停留在 SYN-SENT：沒有人回應 SYN（防火牆丟棄了它，或伺服器已停機）
hover-assigned = 埠 { $port } 由核心為 connect() 分配，等待了 { $duration } 才與 { $server } 完成握手
hover-active-reset = 埠 { $port } 承載一條連到 { $server } 的連線，持續 { $duration }；它以 RST 結束，所以之後沒有 TIME-WAIT
hover-active-one-direction = 埠 { $port } 承載一條連到 { $server } 的連線；擷取中只有它單一方向的封包，所以看不出它何時、如何結束
hover-active-open-at-end = 埠 { $port } 承載一條連到 { $server } 的連線，擷取結束時它仍開著
hover-active-server-closed = 埠 { $port } 承載一條連到 { $server } 的連線，持續 { $duration }；伺服器先關閉，所以這個埠之後立刻可用
hover-active = 埠 { $port } 承載一條連到 { $server } 的連線，持續 { $duration }

## Replay bar

replay-pause = 暫停
replay-play = 播放
replay-speed = 速度
replay-previous-selected-tooltip = 跳到所選連線的上一個狀態變化
replay-next-selected-tooltip = 跳到所選連線的下一個狀態變化
replay-previous-any-tooltip = 跳到任一連線的上一個狀態變化
replay-next-any-tooltip = 跳到任一連線的下一個狀態變化
replay-previous-change = << 狀態變化
replay-next-change = 狀態變化 >>
replay-cursor-at = 游標在 { $time } 秒
replay-remove-cursor-tooltip = 移除時間游標（各檢視顯示擷取結束時的狀態）
replay-no-cursor = 沒有游標：點選時間軸、逐步前進，或按播放
replay-play-tooltip = 重播擷取（空白鍵）：時間游標移動，所有檢視跟著走；過了最後一個封包仍繼續，直到最後一個 TIME-WAIT 到期
replay-after-capture = 擷取結束後（最後一個封包之後 { $seconds } 秒）：只剩作業系統設定檔的計時器讓埠繼續變化

## Tabs under the timeline

tab-ladder = 封包階梯圖
tab-states = 狀態圖
tab-occupancy = 占用量
tab-table = 連線表

## Export

export-write-failed = 無法寫入 { $path }:{ $error }
export-saved = 已儲存 { $path }
export-failed = 匯出失敗：{ $error }
export-path-label = SVG 檔：
export-svg = 匯出 SVG
export-svg-tooltip = 把時間軸目前可見的範圍寫成 SVG（與 `portlife export --svg` 使用同一個繪圖程式）
export-png-tooltip = 把畫面上的時間軸寫到同一路徑，副檔名改為 .png

## Ladder

ladder-data = 資料
ladder-retransmission = {"  "}[重傳]
ladder-one-ack = 1 個 ACK { $arrow }
ladder-acks = { $count } 個 ACK { $arrow }
ladder-data-segments = { $bytes }（共 { $count } 個區段）{ $arrow }
ladder-folded-segments = { $count } 個區段：{ $parts }
ladder-retransmitted = （重傳 { $count } 個）
ladder-no-selection = 選取一條連線（點選時間軸上的色條，或連線表中的一列），即可看到它的封包階梯圖。
ladder-reading = 正在從擷取檔讀取這條連線的封包…
ladder-read-failed = 無法讀取連線 { $connection } 的封包：{ $error }
ladder-previous-packet = < 上一個封包
ladder-previous-packet-tooltip = 後退一個封包（左方向鍵）
ladder-next-packet = 下一個封包 >
ladder-next-packet-tooltip = 前進一個封包（右方向鍵）
ladder-packet-of = 第 { $packet } 個封包，共 { $packets } 個（訊框 #{ $frame }）
ladder-cursor-before-first = { $count } 個封包；游標在第一個封包之前
ladder-truncated = （只顯示前面的封包）
ladder-client = 用戶端 { $endpoint }
ladder-server = 伺服器 { $endpoint }
ladder-packet-tooltip = { $detail }
    旗標 { $flags }  ·  之後：用戶端 { $client }，伺服器 { $server }
ladder-folded-tooltip = { $label }  （點選以展開）
ladder-start-here = 從這裡開始：第一條連線，來自 { $client }
ladder-start-here-tooltip = 選取擷取中的第一條連線，從 SYN 開始顯示它的封包
ladder-after-last-packet = 最後一個封包之後：用戶端 { $client } · 伺服器 { $server }

## State diagram

states-client = 用戶端：{ $state }
states-server = 伺服器：{ $state }
states-port-phase = 埠的階段：{ $phase }
states-at = 在 { $time } 秒
states-at-end = 在擷取結束時（沒有游標）
states-no-selection = 選取一條連線，即可看到它的兩端各在哪個狀態。箭頭上的數字：整個擷取檔中（兩端合計）走過這個轉換的次數。
states-also-taken = 另外也走過（不在 Figure 5 中）：{ $transitions }
states-ends-both = （用戶端、伺服器）
states-end-client = （用戶端）
states-end-server = （伺服器）
states-after = （之後）
states-state-tooltip = 狀態 { $state }{ $after }{ $who }
states-figure-5 = RFC 9293,Figure 5（TCP 連線狀態圖）
states-port-lifecycle = 埠的生命週期

## Occupancy chart

occupancy-no-client-ports = 這個擷取檔中沒有用戶端埠。
occupancy-host = 主機
occupancy-all-destinations = 所有目的地
occupancy-destination = 目的地
occupancy-range = { $note }：範圍 { $lo }–{ $hi }（共 { $size } 個埠）
occupancy-no-series = 這個選擇沒有資料序列。
occupancy-verdict-critical = 超過 80 % 危險線
occupancy-verdict-warning = 超過 60 % 警告線
occupancy-verdict-below = 一直低於警告線
occupancy-peak = 尖峰占用量 { $pct } %（埠範圍共 { $size } 個埠）— { $verdict }
occupancy-axis-pct = 占埠範圍的 %
occupancy-series-held = 占用中（所有階段）
occupancy-line-warning = 警告 60 %
occupancy-line-critical = 危險 80 %
occupancy-cursor = 游標
occupancy-series-time-wait = TIME-WAIT socket 數
occupancy-axis-time-wait = TIME-WAIT 數量
occupancy-series-peak = { $series }（尖峰 { $pct } %）

## Connection table

table-column-tuple = 用戶端 -> 伺服器
table-column-generation = 代
table-column-start = 開始（秒）
table-column-duration = 持續時間
table-column-closed-by = 關閉方
table-column-bytes-out = 位元組 ->
table-column-bytes-in = 位元組 <-
table-column-history = 歷程
table-filter = 過濾：
table-filter-hint = 位址、埠、結果、歷程…
table-copy-csv = 複製為 CSV
table-copy-csv-tooltip = 把標記的列複製為 CSV（按住 Ctrl 點選可標記多列）
table-unmark-all = 取消全部標記
table-shown = { $shown } / { $count } 條連線
table-column-at-cursor = 游標處
table-at-cursor-tooltip = 時間游標處用戶端/伺服器的 TCP 狀態（重播、在封包階梯圖上逐步前進，或點選時間軸）
table-sort-tooltip = 依這一欄排序（再點一次反向排序）
table-not-yet = 尚未開始
table-shown-rows = 顯示 { $shown } 列，共 { $count } 列（{ $connections } 個連線、{ $flows } 個 UDP 流）

## Pool map

pool-map-title = 埠池地圖
pool-map-no-capture = 開啟一個擷取檔，即可看到它的埠池。
pool-map-no-client-ports = 這個擷取檔沒有用戶端埠。
pool-map-client-host = 用戶端主機
pool-map-host-choice = { $host }（{ $count } 條連線）
pool-map-range = { $size } 個埠（{ $lo }–{ $hi }），設定檔 { $profile }
pool-map-end = 結束
pool-map-end-tooltip = 顯示擷取結束時的埠池
pool-map-at-end = （擷取結束時）
pool-map-grid = 埠池方格
pool-map-cell-tooltip = 埠 { $port } — { $phase }
pool-map-free = 空閒：connect() 可能選中它
pool-map-holder-udp = UDP 流 #{ $flow }，到 { $remote }
pool-map-holder-tcp = 連線 #{ $connection }，到 { $remote }
pool-map-held-for = 處於這個階段 { $phase_for }，被占用 { $held_for }
pool-map-click-to-select = 點選以選取它
pool-map-none-outside = 沒有用戶端埠在 { $lo }–{ $hi } 之外。
pool-map-outside = 有 { $count } 個埠用在 { $lo }–{ $hi } 之外：這個用戶端不符合設定檔。
pool-map-occupancy = 占用量：{ $pct } %
pool-map-shared-ports = { $count } 條連線占用 { $ports } 個埠（有些埠同時服務多個目的地）
pool-map-choice-title = { $host } 的埠選擇
pool-map-choice-none = 沒有 TCP 用戶端連線。
pool-map-choice-point = 第 { $index } 條連線，共 { $count } 條：#{ $connection } 取得埠 { $port }
pool-map-choice-axes = x：依開啟順序排列的連線（1–{ $count }），y：埠；藍色為偶數，橘色為奇數。
pool-map-even = 偶數
pool-map-odd = 奇數
pool-map-choice-too-few = 只有 { $count } 條連線：太少，看不出規律（至少需要 { $needed } 條）。
pool-map-choice-sequential = 依序：{ $pct } % 的新埠是前一個埠 + 1——協定堆疊依序走過整個範圍（遞增分配，Windows 即有此報告），所以下一個埠可以預測。
pool-map-choice-one-parity = 每個埠都是{ $parity }，其中 { $pct } % 比前一個埠大 2:Linux 4.2 起的 connect() 先試與範圍起點同奇偶的埠（另一半留給 bind()），並以每個目的地各自的偏移量每次加 2（RFC 6056 §3.3.4,Algorithm 4）。
pool-map-choice-parity-then-other = 先是{ $first ->
        [even] 偶數
       *[odd] 奇數
    }埠，然後是{ $then }埠：Linux connect() 用完了範圍中它優先使用的那一半（同奇偶），才退回另一半——這是埠池曾經耗盡的跡象。
pool-map-choice-random = 看不出順序：符合隨機選擇（RFC 6056 §3.3.1、§3.3.2、§3.3.5），或對許多目的地以雜湊選擇（§3.3.3、§3.3.4）；單憑擷取檔無法分辨是哪一種。

## Findings strip

findings-what-to-do = 該怎麼做：
findings-book-not-built = 先建置本書（scripts/build-book.sh），就能從這裡開啟該章
findings-none = 診斷結果：無——在這個設定檔下沒有異常
findings-heading = 診斷結果（{ $count }）
findings-group = { $count } 項 { $kind }（共 { $connections } 條連線）
findings-showing = 正在顯示 { $count } 條連線（第 { $finding } 項診斷結果）。
findings-show-all = 顯示所有連線
findings-click-to-show = 點選以只顯示它的 { $count } 條連線；再點一次顯示全部。
findings-not-tcp = 它是關於 UDP 流或埠，不是 TCP 連線。
findings-advice = 該怎麼做：{ $advice }
findings-book = 書中章節：{ $chapter }

## Live capture

live-title-recording = 擷取（錄製中）
live-needs-desktop = 即時擷取需要桌面版 portlife：它要開啟網路介面，網頁做不到
live-title = 擷取
live-interface = 網路介面
live-interface-down = （已停用）
live-interface-loopback = （loopback）
live-filter = 過濾
live-filter-hint = 埠（8080）或主機（10.0.0.5），空白 = 全部
live-recording = 已錄製 { $seconds } 秒
live-stop = 停止
live-start = 開始
live-follow-now = 跟隨目前時間
live-so-far = 目前為止 { $packets } 個封包、{ $connections } 條 TCP 連線
live-save-as = 另存為
live-save-pcap = 儲存 pcap
live-saved = 已儲存 { $bytes } 位元組到 { $path }
live-save-failed = 無法儲存到 { $path }:{ $error }
live-nothing-yet = 尚未擷取到任何東西
live-needs-cap-net-raw = 擷取需要 portlife 執行檔具有 CAP_NET_RAW 權限（sudo setcap cap_net_raw+ep "$(which portlife)"）；視窗本身不需特殊權限執行。時間戳記是讀到每個訊框時的系統時鐘。
live-start-failed = 無法啟動 { $program }:{ $error }
live-thread-failed = 無法啟動擷取執行緒：{ $error }
live-thread-no-answer = 擷取執行緒沒有回應就停止了
live-snapshot-crashed = 快照執行緒當掉了
live-capture-saved = 擷取檔已儲存到 { $path }
live-process-ended = 擷取程序在寫出擷取檔之前就結束了

## Tours

tour-menu = 導覽
tour-step = 第 { $step } 步，共 { $steps } 步
tour-back = ◀ 上一步
tour-next = 下一步 ▶
tour-end = 結束導覽

## Opening a capture

app-open-failed = 無法開啟 { $path }:{ $error }
app-load-cancelled = 已取消載入 { $path }；顯示目前已讀取的部分

## A port range

range-to = 到
range-from = 從

## The two ends

role-client = 用戶端
role-server = 伺服器

## Outcome filter

outcome-group-normal = 正常
outcome-group-refused = 被拒絕
outcome-group-unanswered = 未獲回應
outcome-group-reset = 重設
outcome-group-open = 仍開著

## UDP outcomes

outcome-udp-flow = UDP 流
outcome-udp-icmp = UDP 流，對方回了 ICMP 錯誤

## Pool thresholds

threshold-critical = 危險（≥ 80 %）
threshold-warning = 警告（≥ 60 %）
threshold-below = 低於 60 % 警告線

## Port phases

phase-assigned = 已分配
phase-active = 使用中
phase-time-wait = TIME-WAIT
phase-available = 可用

## OS profile choices

profile-kind-auto = 自動
profile-kind-custom = 自訂

## An end's state after the last packet

state-by-timer = { $state }（由作業系統設定檔的計時器推定）
state-port-reused = { $state }（其埠已被新連線重用）
state-last-seen = { $state }（最後所見；擷取結束後不明）
