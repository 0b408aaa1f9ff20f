# The text report (`portlife report FILE`): its headings, the capture's statistics, the
# connections and ports, and how each finding is laid out. Numbers arrive formatted; a count
# that chooses a plural arrives as a number.

## The capture

report-format = format: { $format }{ $compression }
report-packets = packets: { $packets }  ({ $bytes } { $bytes ->
        [one] byte
       *[other] bytes
    } on the wire)
report-first = first: { $time }
report-last = last:  { $time }
report-span = span:  { $span }
report-link-types = link types:
report-protocols = protocols:
report-encapsulations = encapsulations:
report-reassembled = IP datagrams reassembled from fragments: { $count }
report-tcp-4tuples = distinct TCP 4-tuples: { $count }

## The OS profile

# $note: the profile note (profile-note-* below).
report-profile = profile: { $label } (ports { $lo }–{ $hi }, TIME-WAIT { $time_wait }) — { $note }
report-host-profiles = each host's profile:
report-profile-guessed = guessed
report-profile-chosen = chosen
# $source: report-profile-guessed or report-profile-chosen.
report-host-profile = { $label } (ports { $lo }–{ $hi }, TIME-WAIT { $time_wait }), { $source }
report-and-more = … and { $count } more
report-other-hosts = (any other host: the profile above)

## Connections and ports

report-tcp-connections = TCP connections: { $count }
report-udp-flows = UDP flows (request/response, 30 s idle timeout): { $count }
report-closed-first = closed first: client { $client }, server { $server }
report-closed-untold = … and { $count } closed where one direction is missing: who closed first cannot be told
report-time-wait = TIME-WAIT: { $clients } client { $clients ->
        [one] port
       *[other] ports
    }, { $servers } server { $servers ->
        [one] socket
       *[other] sockets
    }
report-reused-4tuples = reused 4-tuples: { $reused } ({ $during } while the previous connection was still in TIME-WAIT)
report-reused-ports = client ports used by more than one connection: { $count }
report-peak-per-host = peak occupancy per host:
report-peak-per-destination = peak occupancy per destination:
# $pct: two decimals; $time: a UTC date and time.
report-peak = { $held } { $held ->
        [one] port
       *[other] ports
    } = { $pct } % (assigned { $assigned }, active { $active }, TIME-WAIT { $time_wait }) at { $time }
report-note-roles-inferred = note: { $count } { $count ->
        [one] connection
       *[other] connections
    } started before the capture: roles inferred
report-note-open-at-end = note: { $count } { $count ->
        [one] connection
       *[other] connections
    } still open when the capture ended: their spans are cut there
report-note-time-wait-outlasts = note: { $count } TIME-WAIT { $count ->
        [one] period outlasts
       *[other] periods outlast
    } the capture

## Findings

report-findings-none = findings: none
report-findings = findings ({ $count }):
report-findings-grouped = findings ({ $count }; alike ones grouped, every one in --json):
# A folded group of alike findings. $kind: finding-kind-*-plural.
report-group = { $count } { $kind } ({ $connections } { $connections ->
        [one] connection
       *[other] connections
    } in all), the largest first:
report-group-more = … { $count } more like these (each with its numbers in --json)
report-evidence = evidence: { $evidence }
report-connections = connections: { $list }
report-why = why: { $text }
report-why-first = why (the first): { $text }
report-do = do: { $text }
# $chapter: the chapter's file in the book of this language; $kind: the finding's JSON id.
report-read = read: book chapter { $chapter } ({ $kind })

## How a connection ended (also the app's table and details)

outcome-fin-fin = normal close (FIN/FIN)
outcome-reset-by-client = reset by client
outcome-reset-by-server = reset by server
outcome-refused = refused (SYN answered by RST)
outcome-unreachable = ICMP unreachable
outcome-unanswered = SYN unanswered
outcome-open-at-end = still open at capture end
outcome-mid-stream = mid-stream (start and end not captured)
outcome-closed-by-client = closed by the client (the server's direction not captured)
outcome-closed-by-server = closed by the server (the client's direction not captured)

## How bad a finding is

severity-info = info
severity-warning = warning
severity-critical = CRITICAL

## How the OS profile was chosen (the profile note)

# $label: the profile's label ("Linux (modern)", "custom 1024–2047, TIME-WAIT 45 s").
profile-note-chosen = chosen: { $label }
profile-note-no-client-ports = guessed: no client ports with known roles; assumed Linux (modern)
# $profile: the profile's short name (linux, windows…); $why: a profile-range-* message.
profile-note-by-range = guessed { $profile }: { $ports } client { $ports ->
        [one] port
       *[other] ports
    } in { $min }–{ $max }, { $why }
# $hosts: profile-note-host for each client host, joined by profile-note-hosts-separator.
profile-note-guessed = guessed { $profile }: { $hosts }
# $confidence: high, medium or low; $reasons: profile-reason-* and profile-range-* messages
# joined by profile-note-reasons-separator.
profile-note-host = { $host } { $label } ({ $confidence ->
        [high] high
        [medium] medium
       *[low] low
    } confidence, { $connections } { $connections ->
        [one] connection
       *[other] connections
    }): { $reasons }
profile-note-reasons-separator = {", "}
# Client hosts guessed alike, said once. $hosts: their first addresses (joined by
# profile-note-host-list-separator, then profile-note-host-list-more when there are more);
# $count: how many hosts (at least 2); $connections: theirs together.
profile-note-host-group = { $hosts } ({ $count } hosts) { $label } ({ $confidence ->
        [high] high
        [medium] medium
       *[low] low
    } confidence, { $connections } { $connections ->
        [one] connection
       *[other] connections
    } in all): { $reasons }
profile-note-host-list-separator = {", "}
# $first: the addresses listed; $more: how many hosts are not.
profile-note-host-list-more = { $first } and { $more } more
profile-note-hosts-separator = {"; "}
profile-note-hosts-differ = ; the hosts differ: each is modelled under its own, a host with no SYN captured under that of { $host }
# A host given a profile of its own (--profile HOST=P), after the default's note.
profile-note-host-chosen = ; { $host }: chosen { $label }
# After a profile's label when its range is the one a host's traffic proved.
profile-label-observed = , observed range { $lo }–{ $hi }

# What a client host's SYNs and ports show about its OS.
profile-reason-initial-ttl = initial TTL { $ttl }
profile-reason-but-ttl-128 = but initial TTL 128, Windows' default
profile-reason-no-timestamps = no TCP timestamps in its SYNs
profile-reason-timestamps = TCP timestamps in its SYNs
profile-reason-ports-dynamic = ports in 49152–65535
profile-reason-sequential = ports taken in sequence
profile-reason-ports-windows-old = ports in 1025–5000, Windows' range before Vista
profile-reason-outside-vista = ports outside Vista's 49152–65535 ({ $min }–{ $max }): an older Windows or a tuned range
profile-reason-ports-linux = ports in 32768–60999
profile-reason-one-parity = ports of one parity first, as Linux connect() takes them
profile-reason-above-linux = ports above Linux's 60999, in 49152–65535
profile-reason-below-linux = ports below 32768, in FreeBSD's 10000–65535
profile-reason-observed = observed range { $lo }–{ $hi }: { $connections } connections on these { $ports } ports only

# What the client ports' range alone says.
profile-range-dynamic-above-linux = all in 49152–65535 (RFC 6335 dynamic range) and above Linux's 60999: Windows or macOS; chose Windows (120 s TIME-WAIT), use --profile macos for 30 s
profile-range-linux-and-windows = inside both Linux's 32768–60999 and Windows' 49152–65535; chose Linux, use --profile windows for 120 s TIME-WAIT
profile-range-inside-linux = inside Linux's 32768–60999
profile-range-linux-old = port 61000 used: Linux's old 32768–61000
profile-range-spans-linux-and-windows = span Linux's and Windows' ranges (several hosts?); assumed Linux (modern)
profile-range-freebsd = some below 32768: FreeBSD's 10000–65535
profile-range-below-every = some below 10000, outside every profile's range; assumed Linux (modern)

## The guided tours as text (`portlife tour`)

tour-list-entry = { $id }  { $title }  ({ $sample }, { $steps } { $steps ->
        [one] step
       *[other] steps
    })
tour-heading = { $id } — { $title } ({ $sample })
# $time: seconds after the capture's first packet, three decimals.
tour-step-at = at { $time } s
# $client, $server: RFC 9293 state names.
tour-step-states = {" "}(client { $client }, server { $server })
tour-step-profile = profile { $profile }
