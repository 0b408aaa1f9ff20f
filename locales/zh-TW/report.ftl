# 文字報告（`portlife report FILE`）：標題、擷取檔的統計、連線與埠，以及每項診斷結果的排版。
# 數字傳進來時已經格式化；決定單複數的計數以數字傳入（中文不分單複數）。

## 擷取檔

report-format = 格式：{ $format }{ $compression }
report-packets = 封包：{ $packets }（線路上共 { $bytes } 位元組）
report-first = 第一個封包：{ $time }
report-last = 最後一個封包：{ $time }
report-span = 時間長度：{ $span }
report-link-types = 鏈路類型：
report-protocols = 協定：
report-encapsulations = 封裝：
report-reassembled = 由分段重組的 IP 資料包：{ $count }
report-tcp-4tuples = 不同的 TCP 四元組：{ $count }

## 作業系統設定檔

report-profile = 設定檔：{ $label }（埠 { $lo }–{ $hi },TIME-WAIT { $time_wait }）— { $note }
report-host-profiles = 各主機的設定檔：
report-profile-guessed = 猜測
report-profile-chosen = 已選擇
report-host-profile = { $label }（埠 { $lo }–{ $hi },TIME-WAIT { $time_wait }），{ $source }
report-and-more = … 另有 { $count } 個
report-other-hosts = （其他主機：採用上面的設定檔）

## 連線與埠

report-tcp-connections = TCP 連線：{ $count }
report-udp-flows = UDP 流（請求/回應，閒置 30 秒逾時）：{ $count }
report-closed-first = 先關閉的一方：用戶端 { $client }，伺服器 { $server }
report-closed-untold = ……另有 { $count } 條在少了一個方向的情況下關閉：無法判斷哪一方先關閉
report-time-wait = TIME-WAIT:{ $clients } 個用戶端埠，{ $servers } 個伺服器 socket
report-reused-4tuples = 重複使用的四元組：{ $reused }（其中 { $during } 次發生在前一條連線仍處於 TIME-WAIT 時）
report-reused-ports = 被多條連線使用的用戶端埠：{ $count }
report-peak-per-host = 各主機的尖峰占用量：
report-peak-per-destination = 各目的地的尖峰占用量：
report-peak = { $held } 個埠 = { $pct } %（已分配 { $assigned }，使用中 { $active },TIME-WAIT { $time_wait }），時間 { $time }
report-note-roles-inferred = 注意：{ $count } 條連線在擷取開始前就已建立：用戶端與伺服器的角色是推論而來
report-note-open-at-end = 注意：{ $count } 條連線在擷取結束時仍開著：它們的時段在擷取結束處截斷
report-note-time-wait-outlasts = 注意：{ $count } 段 TIME-WAIT 持續到擷取結束之後

## 診斷結果

report-findings-none = 診斷結果：無
report-findings = 診斷結果（{ $count } 項）：
report-findings-grouped = 診斷結果（{ $count } 項；相似的已合併，每一項都在 --json 中）：
report-group = { $count } 項 { $kind }（共 { $connections } 條連線），由大到小：
report-group-more = …… 另有 { $count } 項相似的（各自的數字在 --json 中）
report-evidence = 證據：{ $evidence }
report-connections = 連線：{ $list }
report-why = 原因：{ $text }
report-why-first = 原因（以第一項為例）：{ $text }
report-do = 建議：{ $text }
report-read = 閱讀：書中章節 { $chapter }({ $kind })

## 連線如何結束（也用於程式的連線表與詳細資訊）

outcome-fin-fin = 正常關閉（FIN/FIN）
outcome-reset-by-client = 被用戶端重設
outcome-reset-by-server = 被伺服器重設
outcome-refused = 被拒絕（SYN 收到 RST）
outcome-unreachable = ICMP 無法到達
outcome-unanswered = SYN 未獲回應
outcome-open-at-end = 擷取結束時仍開著
outcome-mid-stream = 中途擷取（開始與結束都不在擷取中）
outcome-closed-by-client = 由用戶端關閉（伺服器方向的封包不在擷取中）
outcome-closed-by-server = 由伺服器關閉（用戶端方向的封包不在擷取中）

## 診斷結果的嚴重程度

severity-info = 資訊
severity-warning = 警告
severity-critical = 嚴重

## 作業系統設定檔是怎麼選的（設定檔說明）

profile-note-chosen = 已選擇：{ $label }
profile-note-no-client-ports = 猜測：沒有角色已知的用戶端埠；假設為 Linux (modern)
profile-note-by-range = 猜測為 { $profile }: { $ports } 個用戶端埠，位於 { $min }–{ $max }, { $why }
profile-note-guessed = 猜測為 { $profile }: { $hosts }
profile-note-host = { $host } { $label }（信心度{ $confidence ->
        [high] 高
        [medium] 中
       *[low] 低
    }，{ $connections } 條連線）：{ $reasons }
# 報告一向以半形的「, 」與「; 」連接各項理由與各台主機；要改成「、」與「；」只需改這兩行。
profile-note-reasons-separator = {", "}
profile-note-hosts-separator = {"; "}
# 猜測結果相同的多台用戶端主機合為一句：$hosts 是前幾個位址，$count 是主機總數，$connections 是它們的連線總數。
profile-note-host-group = { $hosts }（共 { $count } 台主機）{ $label }（信心度{ $confidence ->
        [high] 高
        [medium] 中
       *[low] 低
    }，共 { $connections } 條連線）：{ $reasons }
profile-note-host-list-separator = {"、"}
profile-note-host-list-more = { $first } 等，另有 { $more } 台
profile-note-hosts-differ = ；各主機不同：每台主機各用自己的設定檔，沒有擷取到 SYN 的主機則採用這台主機的：{ $host }
profile-note-host-chosen = ；{ $host }：已選擇 { $label }
profile-label-observed = ，觀察到的範圍 { $lo }–{ $hi }

# 用戶端主機的 SYN 與埠透露的作業系統線索。
profile-reason-initial-ttl = 初始 TTL { $ttl }
profile-reason-but-ttl-128 = 但初始 TTL 是 128，也就是 Windows 的預設值
profile-reason-no-timestamps = SYN 不帶 TCP 時間戳記
profile-reason-timestamps = SYN 帶有 TCP 時間戳記
profile-reason-ports-dynamic = 埠位於 49152–65535
profile-reason-sequential = 埠依序取用
profile-reason-ports-windows-old = 埠位於 1025–5000,Vista 之前 Windows 的範圍
profile-reason-outside-vista = 埠不在 Vista 以後的 49152–65535 之內（{ $min }–{ $max }）：較舊的 Windows 或調整過的範圍
profile-reason-ports-linux = 埠位於 32768–60999
profile-reason-one-parity = 先用同一奇偶的埠，正如 Linux 的 connect() 的取法
profile-reason-above-linux = 埠高於 Linux 的 60999，位於 49152–65535
profile-reason-below-linux = 埠低於 32768，位於 FreeBSD 的 10000–65535
profile-reason-observed = 觀察到的範圍 { $lo }–{ $hi }: { $connections } 條連線只用了這 { $ports } 個埠

# 只憑用戶端埠的範圍所能判斷的。
profile-range-dynamic-above-linux = 全部位於 49152–65535（RFC 6335 動態範圍）且高於 Linux 的 60999：是 Windows 或 macOS；選擇 Windows（TIME-WAIT 120 秒），要 30 秒請用 --profile macos
profile-range-linux-and-windows = 同時位於 Linux 的 32768–60999 與 Windows 的 49152–65535 之內；選擇 Linux，要 120 秒的 TIME-WAIT 請用 --profile windows
profile-range-inside-linux = 位於 Linux 的 32768–60999 之內
profile-range-linux-old = 用到了埠 61000:Linux 舊版的 32768–61000
profile-range-spans-linux-and-windows = 橫跨 Linux 與 Windows 的範圍（多台主機？）；假設為 Linux (modern)
profile-range-freebsd = 部分低於 32768:FreeBSD 的 10000–65535
profile-range-below-every = 部分低於 10000，在所有設定檔的範圍之外；假設為 Linux (modern)

## 導覽的文字版（`portlife tour`）

tour-list-entry = { $id }  { $title }（{ $sample }，{ $steps } 步）
tour-heading = { $id } — { $title }（{ $sample }）
tour-step-at = 在 { $time } 秒
tour-step-states = （用戶端 { $client }，伺服器 { $server }）
tour-step-profile = 設定檔 { $profile }
