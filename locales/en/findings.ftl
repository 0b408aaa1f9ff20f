# The findings: for each kind a title, an explanation and advice, written from the same
# variables, and the kind's name for a group of alike ones. The English texts are also what
# `portlife report --json` carries, word for word: a change here changes the JSON report.
# Numbers with decimals arrive formatted ($pct "87", $span "12.5", $lifetime "1.5 ms").

## Shared advice

-advice-reuse-connections = Reuse connections instead of opening one per request: HTTP keep-alive (HTTP/1.1 persistent connections, or HTTP/2) or a connection pool (a database driver's pool, an HTTP client session) keeps a few ports busy instead of hundreds in TIME-WAIT.
-advice-range = If the load is real, widen the range: `sysctl net.ipv4.ip_local_port_range` shows it, `sysctl -w net.ipv4.ip_local_port_range="15000 64001"` sets it (Linux since 4.2 prefers even ports for connect() and odd ones for bind(), so pick ends of different parity). Spreading connections over more destination IPs or ports also helps, since Linux counts ports per destination.
-advice-tw-reuse = `net.ipv4.tcp_tw_reuse` lets outgoing connections reuse a TIME-WAIT 4-tuple when TCP timestamps make it safe: 0 = off, 1 = on, 2 = loopback only (the default since Linux 4.19). It does nothing for a server's TIME-WAIT. Do not look for `tcp_tw_recycle`: it broke clients behind NAT and was removed in Linux 4.12.

## Port pool pressure

# $who: the host, or "host → destination"; $scope: host or destination; $range_source:
# profile or inferred (the capture proved a narrower range $lo–$hi); $mostly_time_wait and
# $suggest: yes or no.
finding-port-pool-pressure-title = { $who }: { $held } of { $size } client ports held at once ({ $pct } %)
finding-port-pool-pressure-explanation = At its peak this host held { $held } ephemeral ports ({ $assigned } assigned, { $active } active, { $time_wait } in TIME-WAIT){ $scope ->
        [destination] {" "}towards { $destination }
       *[host] {""}
    } out of a range of { $size }.{ $range_source ->
        [inferred] {" "}The capture shows the range is only { $lo }–{ $hi }: every port of that block was used, and used again, and no port outside it — a range much narrower than { $default_label }'s { $default_lo }–{ $default_hi }.
       *[profile] {""}
    } When every port is held, connect() fails with EADDRNOTAVAIL ("Cannot assign requested address"): nothing is sent, so the failures are invisible on the wire — look for a silence in new connections.
finding-port-pool-pressure-advice = { $mostly_time_wait ->
        [yes] Most held ports are in TIME-WAIT: { -advice-reuse-connections }{" "}
       *[no] {""}
    }{ -advice-range }{ $suggest ->
        [yes] {" "}To see the timeline against this range: `portlife report FILE --profile { $host }=custom:{ $lo }-{ $hi }:{ $time_wait_s }`.
       *[no] {""}
    }
finding-port-pool-pressure-plural = port pools under pressure

## TIME-WAIT pile-up

# $span: seconds, one decimal; $lifetime: "1.5 ms"; $rate and $lasts: no decimals.
finding-time-wait-pileup-title = { $count } short connections from { $host } to { $destination } in { $span } s, median lifetime { $lifetime }, up to { $peak } { $peak ->
        [one] port
       *[other] ports
    } in TIME-WAIT
finding-time-wait-pileup-explanation = { $host } opened a new connection for almost every exchange with { $destination } (median { $sent } { $sent ->
        [one] byte
       *[other] bytes
    } sent, { $received } { $received ->
        [one] byte
       *[other] bytes
    } received per connection) and closed each one itself, so each port then waits in TIME-WAIT for { $time_wait_s } s ({ $profile }). Ports leave the pool much faster than they come back: at this rate ({ $rate } per second) the { $range } ports of the range last about { $lasts } s.
finding-time-wait-pileup-advice = { -advice-reuse-connections } { -advice-tw-reuse }
finding-time-wait-pileup-plural = TIME-WAIT pile-ups

## A port reused while in TIME-WAIT

# $after: seconds, one decimal; $side: client or server (whose socket was in TIME-WAIT).
finding-port-reused-in-time-wait-title = { $count } { $count ->
        [one] connection
       *[other] connections
    } from { $host } to { $destination } reused a port still in TIME-WAIT
finding-port-reused-in-time-wait-explanation = A new SYN used the same 4-tuple (same client port, same server) as a connection that ended a median { $after } s before, inside its { $time_wait_s } s TIME-WAIT{ $side ->
        [server] {" "}(the server's socket was the one in TIME-WAIT)
       *[client] {""}
    }. Wireshark marks such SYNs "TCP Port numbers reused". It works when the other end accepts the new SYN (higher sequence number or a newer TCP timestamp); otherwise the SYN is answered with an old ACK or dropped and the connect stalls. Reuse this early means the client is short of ports or has tcp_tw_reuse enabled.
finding-port-reused-in-time-wait-advice = { -advice-reuse-connections } { -advice-tw-reuse }
finding-port-reused-in-time-wait-plural = 4-tuples reused while in TIME-WAIT

## TIME-WAIT ended by a RST

finding-time-wait-ended-by-rst-title = { $count } TIME-WAIT{ $count ->
        [one] {""}
       *[other] s
    } of { $host } with { $other } ended early by a RST
finding-time-wait-ended-by-rst-explanation = A RST from { $other } arrived while { $host }'s socket was in TIME-WAIT and ended it a median { $after } s in, instead of after { $time_wait_s } s: RFC 1337's "TIME-WAIT assassination". Linux honours such a RST while net.ipv4.tcp_rfc1337 is 0 (the default); the port is Available again at once, and a late segment of the old connection could then be taken for part of a new one on the same 4-tuple.
finding-time-wait-ended-by-rst-advice = Usually harmless. RFC 1337 recommends ignoring a RST in TIME-WAIT: on Linux `sysctl net.ipv4.tcp_rfc1337=1`.
finding-time-wait-ended-by-rst-plural = TIME-WAITs ended by a RST

## SYNs unanswered

# $waited: seconds, no decimals; $sent: how many times the SYN was sent.
finding-syn-unanswered-title = { $count } connection { $count ->
        [one] attempt
       *[other] attempts
    } to { $destination } got no answer (SYN sent { $sent } { $sent ->
        [one] time
       *[other] times
    })
finding-syn-unanswered-explanation = The client sent a SYN and retransmitted it { $retransmits } { $retransmits ->
        [one] time
       *[other] times
    } over { $waited } s, each time waiting twice as long, and nothing came back: no SYN-ACK, no RST, no ICMP error. Either a firewall on the way silently drops the packets, or the host is down or does not exist. The client's port stays Assigned until connect() gives up.
finding-syn-unanswered-advice = Check that { $destination } is up and that firewalls (host firewall, security groups, network ACLs) allow TCP port { $port } from this client; a firewall that rejects instead of drops (RST or ICMP admin-prohibited) makes clients fail fast instead of hanging. In the client, set a connect timeout shorter than the OS's (Linux gives up after ~127 s with tcp_syn_retries=6).
finding-syn-unanswered-plural = servers leaving SYNs unanswered

## Handshakes never completed

finding-syn-ack-unacknowledged-title = { $count } { $count ->
        [one] handshake
       *[other] handshakes
    } with { $destination }: SYN-ACK sent, final ACK never seen
finding-syn-ack-unacknowledged-explanation = The SYN arrived and { $destination } answered with a SYN-ACK ({ $synacks } { $synacks ->
        [one] time
       *[other] times
    }), but the client's ACK never came; the client kept retransmitting its SYN ({ $retransmits } { $retransmits ->
        [one] time
       *[other] times
    }) as if it never got the answer. The answer is lost on the way back: typically a stateful firewall or NAT that did not see the outgoing SYN (asymmetric routing), or an egress rule blocking traffic to the client's ephemeral port.
finding-syn-ack-unacknowledged-advice = Allow return traffic to the client's ephemeral ports: stateful firewalls do this by tracking the connection ("established, related"); stateless ACLs need the ephemeral range (e.g. 32768–60999 for Linux, 49152–65535 for Windows) open for replies. Check that replies leave by the same path the request came in.
finding-syn-ack-unacknowledged-plural = handshakes never completed

## Connections refused

finding-connection-refused-title = { $count } { $count ->
        [one] connection
       *[other] connections
    } to { $destination } refused (SYN answered by RST)
finding-connection-refused-explanation = { $destination } answered each SYN with a RST: the host is up but nothing listens on port { $port } (or a firewall rejects with RST). The client gets ECONNREFUSED at once, and its port goes straight back to Available — no TIME-WAIT.
finding-connection-refused-advice = Check that the service runs and listens on { $destination } (`ss -ltn` on the server), on the right address (not only 127.0.0.1) and port. If it restarts, retry with back-off rather than in a tight loop.
finding-connection-refused-plural = servers refusing connections

## ICMP errors

# $reason: port_unreachable, admin_prohibited or unreachable; $protocol: TCP or UDP.
finding-icmp-unreachable-title = { $count } { $protocol } { $count ->
        [one] exchange
       *[other] exchanges
    } with { $destination } answered by ICMP { $reason ->
        [port_unreachable] port unreachable
        [admin_prohibited] administratively prohibited
       *[unreachable] destination unreachable
    }
finding-icmp-unreachable-explanation = { $reason ->
        [port_unreachable] { $destination } (or a router for it) said with ICMP that nothing listens on { $protocol } port { $port }. For UDP this is how "connection refused" looks; the client's port is free again at once.
        [admin_prohibited] A firewall rejected the { $protocol } packets to { $destination } and said so with ICMP "administratively prohibited": a rule forbids this traffic.
       *[unreachable] An ICMP error said { $destination } cannot be reached (no route or host down).
    }
finding-icmp-unreachable-advice = { $reason ->
        [port_unreachable] Check that the service on { $destination } runs, or point the client at one that does (for DNS: the resolver list).
        [admin_prohibited] Find the firewall rule that rejects { $protocol } port { $port } to { $address } and allow the traffic if it is legitimate.
       *[unreachable] Check routing and that the host is up.
    }
finding-icmp-unreachable-plural = ICMP unreachable errors

## Servers closing first

finding-server-closes-first-title = { $server } closed first in { $closed } of { $count } { $count ->
        [one] connection
       *[other] connections
    }: TIME-WAIT sits on the server
finding-server-closes-first-explanation = Whoever sends the first FIN enters TIME-WAIT. Here the server { $server } did, so its sockets (keyed by each client's 4-tuple) wait in TIME-WAIT while the clients' ports are free at once. This uses no ephemeral ports, but a busy server accumulates TIME-WAIT sockets (memory, `ss -tan state time-wait` counts) — typical of HTTP with `Connection: close` or a server-side idle timeout.
finding-server-closes-first-advice = Usually harmless for the server's ports. To avoid the churn, keep connections alive (HTTP keep-alive, longer server idle timeouts) or let the client close first. `tcp_tw_reuse` does not help here: it only affects outgoing connections.
finding-server-closes-first-plural = servers closing first

## What the capture could not see

finding-start-not-captured-title = { $count } { $count ->
        [one] connection
       *[other] connections
    } started before the capture
finding-start-not-captured-explanation = Their SYN is not in the capture, so which side is the client was guessed (the SYN-ACK's sender is the server; otherwise the port in an ephemeral range is the client's), and their port's Assigned phase is missing.
finding-start-not-captured-advice = Start the capture before the application connects, or accept that the first connections are partial.
finding-start-not-captured-plural = starts not captured

finding-end-not-captured-title = { $count } { $count ->
        [one] connection
       *[other] connections
    } still open when the capture ended
finding-end-not-captured-explanation = Their close (FIN or RST) and any TIME-WAIT are after the capture: their ports are shown as held until the capture's end. For a connection pool this is expected — long-lived connections are the point.
finding-end-not-captured-advice = Capture longer if the close matters.
finding-end-not-captured-plural = ends not captured

finding-one-directional-title = { $count } { $count ->
        [one] connection
       *[other] connections
    } seen in one direction only
finding-one-directional-explanation = Only one side's packets of these connections are in the capture, yet they carry acknowledgements or data that need the other side: the capture point sees one direction only (asymmetric routing, a mirror port, or a capture filter). The unseen side's state changes are inferred from what the seen side did (marked so), and how each connection ended is not in the capture: its port is drawn until its last packet.
finding-one-directional-advice = Capture where both directions pass (on one of the two hosts, or both mirror directions), or check the capture filter.
finding-one-directional-plural = one-direction captures

## Ports outside the profile's range

# $suggestion: a --profile value (windows, custom:1024-2047:60).
finding-client-ports-outside-profile-title = { $host }: { $outside } of { $ports } client ports outside { $profile }'s range { $lo }–{ $hi }
finding-client-ports-outside-profile-explanation = This host used client ports { $lowest }–{ $highest }; { $outside } of them are outside the selected profile's ephemeral range, so the occupancy percentages and TIME-WAIT lengths may not match this host's OS (or the application bound its ports explicitly).
finding-client-ports-outside-profile-advice = Try `--profile { $host }={ $suggestion }`.
finding-client-ports-outside-profile-plural = hosts using ports outside their profile's range
