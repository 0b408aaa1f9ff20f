# 診斷結果：每一種都有標題、說明與建議，用同一組變數寫成，另有一群相似診斷結果的名稱。
# 帶小數的數字傳進來時已經格式化（$pct「87」、$span「12.5」、$lifetime「1.5 ms」）。

## 共用的建議

-advice-reuse-connections = 重複使用連線，而不是每個請求都開一條新連線：HTTP keep-alive（HTTP/1.1 持續連線，或 HTTP/2）或連線池（資料庫驅動程式的連線池、HTTP 用戶端的 session）只讓少數幾個埠忙碌，而不是讓數百個埠停在 TIME-WAIT。
-advice-range = 如果負載是真實的，就擴大範圍：`sysctl net.ipv4.ip_local_port_range` 會顯示範圍，`sysctl -w net.ipv4.ip_local_port_range="15000 64001"` 可以設定它（Linux 4.2 起 connect() 優先使用偶數埠、bind() 使用奇數埠，所以範圍的兩端要一奇一偶）。把連線分散到更多目的地 IP 或埠也有幫助，因為 Linux 是以目的地計算埠的。
-advice-tw-reuse = `net.ipv4.tcp_tw_reuse` 允許對外連線在 TCP 時間戳記確保安全時，重複使用處於 TIME-WAIT 的四元組：0 = 關閉，1 = 開啟，2 = 只限 loopback（Linux 4.19 起的預設值）。它對伺服器的 TIME-WAIT 沒有作用。不要去找 `tcp_tw_recycle`：它讓 NAT 後方的用戶端出問題，已在 Linux 4.12 中移除。

## 埠池壓力

finding-port-pool-pressure-title = { $who }：同時占用 { $size } 個用戶端埠中的 { $held } 個（{ $pct } %）
finding-port-pool-pressure-explanation = 在尖峰時，這台主機{ $scope ->
        [destination] 對 { $destination }{" "}
       *[host] {""}
    }占用了 { $held } 個臨時埠（已分配 { $assigned }、使用中 { $active }、TIME-WAIT { $time_wait }），範圍共有 { $size } 個埠。{ $range_source ->
        [inferred] 擷取檔顯示範圍只有 { $lo }–{ $hi }：這一段的每個埠都被使用、而且被重複使用，範圍外則沒有任何埠——比 { $default_label } 的 { $default_lo }–{ $default_hi } 窄得多。
       *[profile] {""}
    }當每個埠都被占用時，connect() 會以 EADDRNOTAVAIL（「Cannot assign requested address」，無法分配請求的位址）失敗：什麼都不會送出，所以在線路上看不到這些失敗——請留意新連線中出現的空白時段。
finding-port-pool-pressure-advice = { $mostly_time_wait ->
        [yes] 被占用的埠大多處於 TIME-WAIT：{ -advice-reuse-connections }
       *[no] {""}
    }{ -advice-range }{ $suggest ->
        [yes] 要以這個範圍檢視時間軸：`portlife report FILE --profile { $host }=custom:{ $lo }-{ $hi }:{ $time_wait_s }`。
       *[no] {""}
    }
finding-port-pool-pressure-plural = 承受壓力的埠池

## TIME-WAIT 堆積

finding-time-wait-pileup-title = { $host } 在 { $span } 秒內對 { $destination } 開了 { $count } 條短連線，存續時間中位數 { $lifetime }，最多 { $peak } 個埠處於 TIME-WAIT
finding-time-wait-pileup-explanation = { $host } 幾乎每次與 { $destination } 交換資料都開一條新連線（每條連線送出的位元組中位數 { $sent }、收到 { $received }），而且每條都由自己關閉，所以每個埠接著要在 TIME-WAIT 等待 { $time_wait_s } 秒（{ $profile }）。埠離開池子的速度遠快於回來的速度：以這個速率（每秒 { $rate } 條），範圍中的 { $range } 個埠大約只能撐 { $lasts } 秒。
finding-time-wait-pileup-advice = { -advice-reuse-connections }{ -advice-tw-reuse }
finding-time-wait-pileup-plural = TIME-WAIT 堆積

## 在 TIME-WAIT 期間被重用的埠

finding-port-reused-in-time-wait-title = 從 { $host } 到 { $destination } 有 { $count } 條連線重複使用了仍處於 TIME-WAIT 的埠
finding-port-reused-in-time-wait-explanation = 新的 SYN 使用了同一個四元組（相同的用戶端埠、相同的伺服器），而使用它的前一條連線在中位數 { $after } 秒前才結束，仍在它 { $time_wait_s } 秒的 TIME-WAIT 之內{ $side ->
        [server] （處於 TIME-WAIT 的是伺服器的 socket）
       *[client] {""}
    }。Wireshark 會把這種 SYN 標示為「TCP Port numbers reused」。只要另一端接受新的 SYN（序號較大或 TCP 時間戳記較新）就能運作；否則 SYN 會收到舊的 ACK 或被丟棄，連線就會卡住。這麼早就重複使用，表示用戶端缺少埠，或啟用了 tcp_tw_reuse。
finding-port-reused-in-time-wait-advice = { -advice-reuse-connections }{ -advice-tw-reuse }
finding-port-reused-in-time-wait-plural = 在 TIME-WAIT 期間被重用的四元組

## 被 RST 提前結束的 TIME-WAIT

finding-time-wait-ended-by-rst-title = { $host } 與 { $other } 之間有 { $count } 個 TIME-WAIT 被 RST 提前結束
finding-time-wait-ended-by-rst-explanation = { $host } 的 socket 還在 TIME-WAIT 時收到了來自 { $other } 的 RST，於是在中位數 { $after } 秒時就結束，而不是等滿 { $time_wait_s } 秒：這就是 RFC 1337 所說的「TIME-WAIT assassination」（TIME-WAIT 暗殺）。只要 net.ipv4.tcp_rfc1337 是 0（預設值），Linux 就會接受這樣的 RST；埠立刻回到可用狀態，而舊連線遲到的區段就可能被當成同一個四元組上新連線的一部分。
finding-time-wait-ended-by-rst-advice = 通常無害。RFC 1337 建議在 TIME-WAIT 時忽略 RST：在 Linux 上可設定 `sysctl net.ipv4.tcp_rfc1337=1`。
finding-time-wait-ended-by-rst-plural = 被 RST 提前結束的 TIME-WAIT

## SYN 未獲回應

finding-syn-unanswered-title = 對 { $destination } 的 { $count } 次連線嘗試沒有得到任何回應（SYN 送了 { $sent } 次）
finding-syn-unanswered-explanation = 用戶端送出 SYN，並在 { $waited } 秒內重傳了 { $retransmits } 次，每次等待的時間加倍，卻什麼都沒回來：沒有 SYN-ACK、沒有 RST、沒有 ICMP 錯誤。要不是路上的防火牆默默丟棄了封包，就是主機已停機或不存在。在 connect() 放棄之前，用戶端的埠一直處於已分配（Assigned）。
finding-syn-unanswered-advice = 確認 { $destination } 正常運作，而且防火牆（主機防火牆、安全群組、網路 ACL）允許這個用戶端連到 TCP 埠 { $port }；以拒絕（RST 或 ICMP admin-prohibited）取代丟棄的防火牆，能讓用戶端快速失敗而不是卡住。在用戶端設定比作業系統更短的連線逾時（Linux 在 tcp_syn_retries=6 時約 127 秒後才放棄）。
finding-syn-unanswered-plural = 不回應 SYN 的伺服器

## 沒有完成的交握

finding-syn-ack-unacknowledged-title = 與 { $destination } 的 { $count } 次握手：已送出 SYN-ACK，卻從未看到最後的 ACK
finding-syn-ack-unacknowledged-explanation = SYN 到達了，{ $destination } 也以 SYN-ACK 回應（{ $synacks } 次），但用戶端的 ACK 從未出現；用戶端一直重傳它的 SYN（{ $retransmits } 次），彷彿從沒收到回應。回應在回程中遺失了：典型的原因是沒有看到對外 SYN 的狀態防火牆或 NAT（非對稱路由），或是一條阻擋送往用戶端臨時埠之流量的輸出規則。
finding-syn-ack-unacknowledged-advice = 允許回傳流量到達用戶端的臨時埠：狀態防火牆靠追蹤連線（「established, related」）做到這一點；無狀態 ACL 則需要為回應開放臨時埠範圍（例如 Linux 為 32768–60999,Windows 為 49152–65535）。並確認回應走的路徑與請求進來的路徑相同。
finding-syn-ack-unacknowledged-plural = 沒有完成的交握

## 連線被拒絕

finding-connection-refused-title = 對 { $destination } 的 { $count } 條連線被拒絕（SYN 收到 RST）
finding-connection-refused-explanation = { $destination } 對每個 SYN 都回應 RST：主機正常運作，但埠 { $port } 上沒有任何程式在監聽（或是防火牆以 RST 拒絕）。用戶端立刻得到 ECONNREFUSED，它的埠直接回到可用（Available）——沒有 TIME-WAIT。
finding-connection-refused-advice = 確認服務正在執行，並在 { $destination } 上監聽（在伺服器上用 `ss -ltn`），而且位址（不只是 127.0.0.1）與埠都正確。如果服務正在重新啟動，請以退避（back-off）方式重試，而不是在緊密迴圈中重試。
finding-connection-refused-plural = 拒絕連線的伺服器

## ICMP 錯誤

finding-icmp-unreachable-title = 與 { $destination } 的 { $count } 次 { $protocol } 交換收到 ICMP { $reason ->
        [port_unreachable] 埠無法到達（port unreachable）
        [admin_prohibited] 管理上禁止（administratively prohibited）
       *[unreachable] 目的地無法到達（destination unreachable）
    }
finding-icmp-unreachable-explanation = { $reason ->
        [port_unreachable] { $destination }（或替它轉送的路由器）以 ICMP 表示 { $protocol } 埠 { $port } 上沒有任何程式在監聽。對 UDP 來說，這就是「連線被拒絕」的樣子；用戶端的埠會立刻再度可用。
        [admin_prohibited] 防火牆拒絕了送往 { $destination } 的 { $protocol } 封包，並以 ICMP「administratively prohibited」告知：有一條規則禁止這種流量。
       *[unreachable] 一個 ICMP 錯誤表示無法到達 { $destination }（沒有路由或主機已停機）。
    }
finding-icmp-unreachable-advice = { $reason ->
        [port_unreachable] 確認 { $destination } 上的服務正在執行，或讓用戶端改連到有在執行的服務（DNS 的話：檢查解析器清單）。
        [admin_prohibited] 找出拒絕 { $protocol } 埠 { $port } 送往 { $address } 的防火牆規則；如果這是正當流量，就允許它。
       *[unreachable] 檢查路由，並確認主機正常運作。
    }
finding-icmp-unreachable-plural = ICMP 無法抵達錯誤

## 伺服器先關閉

finding-server-closes-first-title = { $server } 在 { $count } 條連線中的 { $closed } 條先關閉：TIME-WAIT 落在伺服器上
finding-server-closes-first-explanation = 先送出 FIN 的一方進入 TIME-WAIT。這裡是伺服器 { $server }，所以它的 socket（以每個用戶端的四元組區分）在 TIME-WAIT 中等待，而用戶端的埠立刻就自由了。這不會耗用臨時埠，但繁忙的伺服器會累積 TIME-WAIT socket（耗用記憶體，可用 `ss -tan state time-wait` 計數）——這是 HTTP 使用 `Connection: close` 或伺服器端閒置逾時的典型現象。
finding-server-closes-first-advice = 對伺服器的埠來說通常無害。要避免這種反覆開關，就讓連線保持開啟（HTTP keep-alive、較長的伺服器閒置逾時），或讓用戶端先關閉。`tcp_tw_reuse` 在這裡幫不上忙：它只影響對外連線。
finding-server-closes-first-plural = 先關閉連線的伺服器

## 擷取檔看不到的部分

finding-start-not-captured-title = { $count } 條連線在擷取開始前就已建立
finding-start-not-captured-explanation = 它們的 SYN 不在擷取檔中，所以哪一方是用戶端是猜測的（送出 SYN-ACK 的是伺服器；否則，位於臨時埠範圍內的埠屬於用戶端），而且它們的埠缺少已分配（Assigned）階段。
finding-start-not-captured-advice = 在應用程式連線之前就開始擷取，或接受最初的幾條連線是不完整的。
finding-start-not-captured-plural = 沒有擷取到的開頭

finding-end-not-captured-title = { $count } 條連線在擷取結束時仍開著
finding-end-not-captured-explanation = 它們的關閉（FIN 或 RST）以及可能的 TIME-WAIT 都在擷取結束之後：它們的埠顯示為一直被占用到擷取結束。對連線池來說這是預料中的——長壽的連線正是它的目的。
finding-end-not-captured-advice = 如果關閉過程很重要，就擷取久一點。
finding-end-not-captured-plural = 沒有擷取到的結尾

finding-one-directional-title = { $count } 條連線只看到單一方向
finding-one-directional-explanation = 擷取檔中只有這些連線其中一方的封包，但它們帶有需要另一方才會有的確認或資料：擷取點只看得到一個方向（非對稱路由、鏡像埠或擷取過濾器）。看不到的那一方的狀態變化是從看得到的一方的行為推斷出來的（已標明），而每條連線如何結束不在擷取中：它的埠只畫到最後一個封包為止。
finding-one-directional-advice = 在兩個方向都會經過的地方擷取（在兩台主機之一上，或鏡像兩個方向），或檢查擷取過濾器。
finding-one-directional-plural = 只擷取到單向的連線

## 設定檔範圍外的埠

finding-client-ports-outside-profile-title = { $host }:{ $ports } 個用戶端埠中有 { $outside } 個在 { $profile } 的範圍 { $lo }–{ $hi } 之外
finding-client-ports-outside-profile-explanation = 這台主機使用了用戶端埠 { $lowest }–{ $highest }；其中 { $outside } 個在所選設定檔的臨時埠範圍之外，所以占用百分比與 TIME-WAIT 長度可能與這台主機的作業系統不符（或是應用程式明確地綁定了它的埠）。
finding-client-ports-outside-profile-advice = 試試 `--profile { $host }={ $suggestion }`。
finding-client-ports-outside-profile-plural = 使用設定檔範圍外埠的主機
