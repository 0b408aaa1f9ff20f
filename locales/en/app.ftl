# The desktop app's (and the web app's) texts: menus, panels, tooltips, hover sentences.
# Numbers arrive formatted; a count that chooses a plural arrives as a number.

## Toolbar and menus

toolbar-dismiss = Dismiss
toolbar-file = File
toolbar-open = Open…
toolbar-open-path = Open path…
toolbar-recent = Recent
toolbar-recent-none = (none yet)
toolbar-quit = Quit
toolbar-samples = Samples
toolbar-no-samples = No bundled samples found
toolbar-view = View
toolbar-fit-all = Fit all
toolbar-zoom-selection = Zoom to selection
toolbar-axis-relative = Relative seconds
toolbar-axis-wall-clock = Wall-clock (UTC)
toolbar-fit-all-tooltip = Show the whole capture
toolbar-axis-relative-button = Axis: relative s
toolbar-axis-wall-clock-button = Axis: wall-clock
toolbar-axis-toggle-tooltip = Toggle relative seconds / UTC wall-clock
toolbar-os-profile = OS profile
toolbar-per-host = Per host
toolbar-open-folder = Open folder…
toolbar-capture-damaged = ! This capture is cut short or damaged ({ $problem }); the { $packets } { $packets ->
        [one] packet
       *[other] packets
    } read before it are shown
toolbar-open-folder-tooltip = Every capture file in a folder, read as one capture merged by time (tcpdump's rotated files)
toolbar-per-host-tooltip = Each client host's ports are modelled under its own profile
toolbar-host-profile = { $host }: { $label } (ports { $lo }–{ $hi }, TIME-WAIT { $time_wait_s } s)
toolbar-host-no-syn = no SYN of this host captured: under the default profile
toolbar-host-as-default = as the OS profile selector
toolbar-host-auto = Auto (its own guess)
toolbar-and-more = … and { $count } more
toolbar-custom-ports-from = ports from
toolbar-custom-time-wait = TIME-WAIT s
toolbar-profile-summary = ports { $lo }–{ $hi }, TIME-WAIT { $time_wait_s } s — { $note }
toolbar-profile-summary-per-host = the hosts differ (Per host); any other: ports { $lo }–{ $hi }, TIME-WAIT { $time_wait_s } s — { $note }
toolbar-loading-of = Loading { $file }: { $read } / { $total } MB
toolbar-loading = Loading { $file }: { $read } MB
toolbar-cancel = Cancel
toolbar-capture-path = Capture path:
toolbar-open-path-go = Open
toolbar-close = Close
toolbar-language = Language
toolbar-theme-system = Theme: follow the system
toolbar-theme-light = Theme: light
toolbar-theme-dark = Theme: dark
toolbar-zoom-in = Zoom in
toolbar-zoom-out = Zoom out
toolbar-actual-size = Actual size
toolbar-presentation-mode = Presentation mode
toolbar-presentation-tooltip = For a projector: everything larger, text at full contrast, bars taller
toolbar-reset-layout = Reset layout
toolbar-reset-layout-tooltip = Give every panel its default size again and fit the whole capture
toolbar-pool-map-tooltip = Every port of the ephemeral range at the time cursor
toolbar-needs-desktop = Folders, recent files and live capture need the desktop app

## Status bar

status-no-capture = No capture open — File -> Open, Samples, or drop a file here
status-file-packets = { $file } · { $packets } { $packets ->
        [one] packet
       *[other] packets
    }
status-warnings = ! { $count } { $count ->
        [one] warning
       *[other] warnings
    }
status-connections = { $count } { $count ->
        [one] connection
       *[other] connections
    }
status-udp-flows = · { $count } UDP { $count ->
        [one] flow
       *[other] flows
    }
status-connections-filtered = { $shown } of { $count } { $count ->
        [one] connection
       *[other] connections
    } (filtered)
status-counts-at = at { $time }: { $assigned } Assigned · { $active } Active · { $time_wait } TimeWait
status-hover-hint = hover the timeline for counts at a time
status-peak = peak { $ports } { $ports ->
        [one] port
       *[other] ports
    } on { $host } ({ $pct } % of the range) at { $time }
status-frame-time = frame { $ms } ms

## Filters

filters-heading = Filters
filters-host = Host
filters-host-hint = client IP contains
filters-destination = Destination
filters-destination-hint = server ip:port contains
filters-client-port-range = Client port range
filters-outcome = Outcome
filters-search = Search
filters-search-hint = tuple, state, outcome
filters-clear-filters = Clear filters

## The selected connection

details-connection = Connection
details-clear-selection = Clear selection
details-state-transitions = State transitions
details-column-time = time (s)
details-column-end = end
details-transition = from -> to
details-column-frame = frame
details-fact-generation = generation
details-fact-outcome = outcome
details-fact-history = history (Zeek)
details-fact-closed-first = closed first by
details-fact-packets = packets
details-fact-seen = seen
details-fact-roles = roles
details-fact-encapsulation = encapsulation
details-closed-first-client = client (it gets TIME-WAIT)
details-closed-first-server = server (TIME-WAIT on the server)
details-closed-first-nobody = nobody (no FIN)
details-roles-inferred = inferred (start not captured)
details-fact-one-direction = one direction only
details-closed-first-untold = cannot be told (one direction is missing)
details-client-direction-missing = the client's packets are not in the capture: its state changes are inferred from the server's, and how the connection ended cannot be seen
details-server-direction-missing = the server's packets are not in the capture: its state changes are inferred from the client's, and how the connection ended cannot be seen
details-rst-after-fins = after both FINs (the close was normal; the RST cut the rest short)
details-fact-after-end = after the end
details-after-end-packets = { $count } { $count ->
        [one] packet
       *[other] packets
    }, still in flight or into TIME-WAIT; they change no state
details-fact-duplicates = capture duplicates
details-duplicates-dropped = { $count } { $count ->
        [one] copy
       *[other] copies
    } dropped (the same frame seen twice)
details-fact-longest-silence = longest silence
details-longest-silence = { $hours } h from { $from } s: longer than the 2 h keep-alive idle time
details-inferred = inferred
details-inferred-tooltip = Not in the capture: this end's packets are missing. The frame is the other end's packet that proves it happened.

## Timeline

timeline-loading = Loading…
timeline-no-capture = No capture open. File -> Open, Samples, or drop a pcap/pcapng file here.
timeline-axis-relative = time since first SYN (s)
timeline-axis-wall-clock = wall-clock, UTC ({ $date })
timeline-capture-end-marker = capture ends | later: from the OS profile
timeline-row-server = { $row } (server)
timeline-group-client = { $host } — { $count } client { $count ->
        [one] port
       *[other] ports
    }
timeline-group-server = { $host } — server (its TIME-WAIT sockets)
timeline-end-states = client { $client } · server { $server }
timeline-go-to = Go to:
timeline-go-to-hint = host or host:port, Enter
timeline-break-explanation = The axis is broken here: no packet of any connection shown fell in this stretch, so it is drawn short
timeline-break-tooltip = { $duration } without a packet
timeline-previous-profile = where each TIME-WAIT ended under { $profile } before the switch
timeline-previous-profile-hide = Hide
timeline-previous-profile-hide-tooltip = Stop outlining the previous profile's TIME-WAIT

## Timeline legend

legend-help = How to read it
legend-help-rows = Each row is one client port (host:port). Empty = Available: no socket holds it.
legend-help-assigned = Orange: Assigned — SYN sent, waiting for the handshake.
legend-help-active = Blue: Active — the connection is open (or closing).
legend-help-time-wait = Pink: TimeWait — this host closed first and must wait 2×MSL before reuse.
legend-help-controls = Ctrl+wheel or pinch: zoom · drag: pan · click a bar: details.
legend-heading = Port phases:
legend-available = Available (empty)
legend-assigned = Assigned (SYN sent, handshake pending)
legend-active = Active (connection open or closing)
legend-time-wait = TimeWait (this host closed first; waits { $time_wait_s } s)
legend-after-capture = after the capture ended (from the OS profile)

## A span's hover sentence

hover-udp-flow = UDP flow (no handshake, no TIME-WAIT)
hover-udp-exchange = UDP port { $port } held for an exchange with { $server }: { $sent } { $sent ->
        [one] datagram
       *[other] datagrams
    } out, { $received } back; UDP has no handshake and no TIME-WAIT, so the port is free as soon as the socket is closed
hover-time-wait-ended-by-rst = port { $port } waits in TIME-WAIT because this host closed first; a RST from the other end ended the wait after { $waited } (of { $full }), as Linux allows while net.ipv4.tcp_rfc1337 is 0 (RFC 1337 calls it TIME-WAIT assassination)
hover-server-time-wait = server port { $port } holds this 4-tuple in TIME-WAIT for { $duration } because the server closed first; the client's port { $client_port } is free at once
hover-time-wait-cut-by-reuse = port { $port } waits in TIME-WAIT because this host closed first; after { $waited } (of { $full }) a new SYN reused the same 4-tuple
hover-time-wait = port { $port } waits in TIME-WAIT for { $duration } because this host closed first (2×MSL on this OS), then becomes Available
hover-time-wait-past-capture = {" "}(the capture ended during the wait; its end comes from the OS profile)
hover-assigned-icmp = port { $port } was assigned for connect(), but an ICMP error said { $server } cannot be reached; the port is free again
hover-assigned-refused = port { $port } was assigned for connect(), but { $server } answered the SYN with RST (connection refused); the port is free again
hover-assigned-unanswered = port { $port } is assigned and stays in SYN-SENT: nobody answered the SYN (a firewall dropping it, or a dead server)
hover-assigned = port { $port } was assigned by the kernel for connect() and waits { $duration } for the handshake with { $server }
hover-active-reset = port { $port } carries a connection to { $server } for { $duration }; it ends with RST, so no TIME-WAIT follows
hover-active-one-direction = port { $port } carries a connection to { $server }; only one direction of it is in the capture, so how and when it ended cannot be seen
hover-active-open-at-end = port { $port } carries a connection to { $server } that was still open when the capture ended
hover-active-server-closed = port { $port } carries a connection to { $server } for { $duration }; the server closed first, so the port is Available right after
hover-active = port { $port } carries a connection to { $server } for { $duration }

## Replay bar

replay-pause = Pause
replay-play = Play
replay-speed = speed
replay-previous-selected-tooltip = Go to the previous state change of the selected connection
replay-next-selected-tooltip = Go to the next state change of the selected connection
replay-previous-any-tooltip = Go to the previous state change of any connection
replay-next-any-tooltip = Go to the next state change of any connection
replay-previous-change = << State change
replay-next-change = State change >>
replay-cursor-at = cursor at { $time } s
replay-remove-cursor-tooltip = Remove the time cursor (views show the end of the capture)
replay-no-cursor = no cursor: click the time axis, step, or Play
replay-play-tooltip = Replay the capture (Space): the time cursor moves and every view follows, on past the last packet until the last TIME-WAIT has expired
replay-after-capture = after the capture ({ $seconds } s past its last packet): only the profiles' timers move the ports on

## Tabs under the timeline

tab-ladder = Ladder
tab-states = States
tab-occupancy = Occupancy
tab-table = Table

## Export

export-write-failed = cannot write { $path }: { $error }
export-saved = saved { $path }
export-failed = export failed: { $error }
export-path-label = SVG:
export-svg = Export SVG
export-svg-tooltip = Write the visible timeline window as SVG (same renderer as `portlife export --svg`)
export-png-tooltip = Write the timeline as on screen to the same path with .png

## Ladder

ladder-data = data
ladder-retransmission = {"  "}[retransmission]
ladder-one-ack = 1 ACK { $arrow }
ladder-acks = { $count } { $count ->
        [one] ACK
       *[other] ACKs
    } { $arrow }
ladder-data-segments = { $bytes } in { $count } { $arrow }
ladder-folded-segments = { $count } { $count ->
        [one] segment
       *[other] segments
    }: { $parts }
ladder-retransmitted = {" "}({ $count } retransmitted)
ladder-no-selection = Select a connection (click a span in the timeline, or a row of the Table) to see its ladder.
ladder-reading = Reading the connection's packets from the capture…
ladder-read-failed = Could not read the packets of connection { $connection }: { $error }
ladder-previous-packet = < Previous packet
ladder-previous-packet-tooltip = Step back one packet (Left arrow key)
ladder-next-packet = Next packet >
ladder-next-packet-tooltip = Step forward one packet (Right arrow key)
ladder-packet-of = packet { $packet } of { $packets } (frame #{ $frame })
ladder-cursor-before-first = { $count } { $count ->
        [one] packet
       *[other] packets
    }; the cursor is before the first
ladder-truncated = (only the first packets are shown)
ladder-client = client { $endpoint }
ladder-server = server { $endpoint }
ladder-packet-tooltip = { $detail }
    flags { $flags }  ·  after it: client { $client }, server { $server }
ladder-folded-tooltip = { $label }  (click to unfold)
ladder-start-here = Start here: the first connection, from { $client }
ladder-start-here-tooltip = Select the capture's first connection and show its packets, SYN first
ladder-after-last-packet = after the last packet: client { $client } · server { $server }

## State diagram

states-client = client: { $state }
states-server = server: { $state }
states-port-phase = port phase: { $phase }
states-at = at { $time } s
states-at-end = at the end of the capture (no cursor)
states-no-selection = Select a connection to see where its two ends are. Edge numbers: transitions taken in the whole capture (both ends).
states-also-taken = Also taken (not in Figure 5): { $transitions }
states-ends-both = {" "}(client, server)
states-end-client = {" "}(client)
states-end-server = {" "}(server)
states-after = {" "}after
states-state-tooltip = state { $state }{ $after }{ $who }
states-figure-5 = RFC 9293, Figure 5 (TCP connection state diagram)
states-port-lifecycle = Port lifecycle

## Occupancy chart

occupancy-no-client-ports = No client ports in this capture.
occupancy-host = host
occupancy-all-destinations = all destinations
occupancy-destination = destination
occupancy-range = { $note }: range { $lo }–{ $hi } ({ $size } ports)
occupancy-no-series = No series for this choice.
occupancy-verdict-critical = crosses the 80 % critical line
occupancy-verdict-warning = crosses the 60 % warning line
occupancy-verdict-below = stays below the warning line
occupancy-peak = peak occupancy { $pct } % of { $size } ports — { $verdict }
occupancy-axis-pct = % of the port range
occupancy-series-held = held (all phases)
occupancy-line-warning = warning 60 %
occupancy-line-critical = critical 80 %
occupancy-cursor = cursor
occupancy-series-time-wait = TIME-WAIT sockets
occupancy-axis-time-wait = TIME-WAIT count
occupancy-series-peak = { $series } (peak { $pct } %)

## Connection table

table-column-tuple = client -> server
table-column-generation = gen
table-column-start = start (s)
table-column-duration = duration
table-column-closed-by = closed by
table-column-bytes-out = bytes ->
table-column-bytes-in = bytes <-
table-column-history = history
table-filter = Filter:
table-filter-hint = address, port, outcome, history…
table-copy-csv = Copy as CSV
table-copy-csv-tooltip = Copy the marked rows (ctrl-click to mark several) as CSV
table-unmark-all = Unmark all
table-shown = { $shown } of { $count } { $count ->
        [one] connection
       *[other] connections
    }
table-column-at-cursor = at cursor
table-at-cursor-tooltip = Client / server TCP state at the time cursor (replay, ladder step, click on the time axis)
table-sort-tooltip = Sort by this column (click again to reverse)
table-not-yet = not yet
table-shown-rows = { $shown } of { $count } { $count ->
        [one] row
       *[other] rows
    } ({ $connections } { $connections ->
        [one] connection
       *[other] connections
    }, { $flows } UDP { $flows ->
        [one] flow
       *[other] flows
    })

## Pool map

pool-map-title = Pool map
pool-map-no-capture = Open a capture to see its port pool.
pool-map-no-client-ports = This capture has no client ports.
pool-map-client-host = client host
pool-map-host-choice = { $host } ({ $count } { $count ->
        [one] connection
       *[other] connections
    })
pool-map-range = { $size } ports ({ $lo }–{ $hi }), profile { $profile }
pool-map-end = End
pool-map-end-tooltip = Show the pool at the end of the capture
pool-map-at-end = (end of capture)
pool-map-grid = port pool grid
pool-map-cell-tooltip = port { $port } — { $phase }
pool-map-free = free: connect() may pick it
pool-map-holder-udp = UDP flow #{ $flow } to { $remote }
pool-map-holder-tcp = connection #{ $connection } to { $remote }
pool-map-held-for = in this phase for { $phase_for }, held for { $held_for }
pool-map-click-to-select = click to select it
pool-map-none-outside = No client port outside { $lo }–{ $hi }.
pool-map-outside = { $count } { $count ->
        [one] port
       *[other] ports
    } used outside { $lo }–{ $hi }: this client does not fit the profile.
pool-map-occupancy = Occupancy: { $pct } %
pool-map-shared-ports = { $count } { $count ->
        [one] connection holds
       *[other] connections hold
    } { $ports } { $ports ->
        [one] port
       *[other] ports
    } (some ports serve several destinations)
pool-map-choice-title = Port choice of { $host }
pool-map-choice-none = No TCP client connections.
pool-map-choice-point = connection { $index } of { $count }: #{ $connection } took port { $port }
pool-map-choice-axes = x: connection in order of opening (1–{ $count }), y: port; blue even, orange odd.
pool-map-even = even
pool-map-odd = odd
pool-map-choice-too-few = Only { $count } { $count ->
        [one] connection
       *[other] connections
    }: too few to read a pattern (need { $needed }).
pool-map-choice-sequential = Sequential: { $pct } % of new ports are the previous one + 1 — the stack walks the range in order (incremental allocation, as reported for Windows), so the next port is predictable.
pool-map-choice-one-parity = Every port is { $parity }, { $pct } % of them 2 above the previous one: Linux connect() since 4.2 tries the range start's parity first (leaving the other to bind()) and steps a per-destination offset by 2 (RFC 6056 §3.3.4, Algorithm 4).
# $first: even or odd (the parity taken first); $then: the other one's word (pool-map-even, pool-map-odd).
pool-map-choice-parity-then-other = { $first ->
        [even] Even
       *[odd] Odd
    } ports first, then { $then } ones: Linux connect() used up its preferred parity half of the range and fell back to the other half — a sign the pool was exhausted.
pool-map-choice-random = No order: consistent with randomized choice (RFC 6056 §3.3.1, §3.3.2, §3.3.5) or hash-based choice across many destinations (§3.3.3, §3.3.4); a capture cannot tell which.

## Findings strip

findings-what-to-do = What to do:
findings-book-not-built = Build the book (scripts/build-book.sh) to open the chapter from here
findings-none = Findings: none — nothing unusual under this profile
findings-heading = Findings ({ $count })
findings-group = { $count } { $kind } ({ $connections } { $connections ->
        [one] connection
       *[other] connections
    } in all)
findings-showing = Showing the { $count } { $count ->
        [one] connection
       *[other] connections
    } of finding { $finding }.
findings-show-all = Show all connections
findings-click-to-show = Click to show its { $count } { $count ->
        [one] connection
       *[other] connections
    } alone; click again for all.
findings-not-tcp = It is about UDP flows or ports, not TCP connections.
findings-advice = What to do: { $advice }
findings-book = Book: { $chapter }

## Live capture

live-title-recording = Capture (recording)
live-needs-desktop = Live capture needs the desktop app: it opens a network interface, which a web page cannot
live-title = Capture
live-interface = Interface
live-interface-down = {" "}(down)
live-interface-loopback = {" "}(loopback)
live-filter = Filter
live-filter-hint = port (8080) or host (10.0.0.5), empty = all
live-recording = recording { $seconds } s
live-stop = Stop
live-start = Start
live-follow-now = Follow now
live-so-far = { $packets } { $packets ->
        [one] packet
       *[other] packets
    }, { $connections } TCP { $connections ->
        [one] connection
       *[other] connections
    } so far
live-save-as = Save as
live-save-pcap = Save pcap
live-saved = saved { $bytes } { $bytes ->
        [one] byte
       *[other] bytes
    } to { $path }
live-save-failed = cannot save to { $path }: { $error }
live-nothing-yet = nothing captured yet
live-needs-cap-net-raw = Capture needs CAP_NET_RAW for the portlife binary (sudo setcap cap_net_raw+ep $(which portlife)); the window itself runs unprivileged. Timestamps are the system clock when each frame is read.
live-start-failed = cannot start { $program }: { $error }
live-thread-failed = cannot start the capture thread: { $error }
live-thread-no-answer = the capture thread stopped without an answer
live-snapshot-crashed = the snapshot thread crashed
live-capture-saved = capture saved to { $path }
live-process-ended = the capture process ended before writing a capture

## Tours

tour-menu = Tours
tour-step = step { $step } of { $steps }
tour-back = ◀ Back
tour-next = Next ▶
tour-end = End tour

## Opening a capture

app-open-failed = Could not open { $path }: { $error }
app-load-cancelled = Loading { $path } was cancelled; showing the part read so far

## A port range

range-to = to
range-from = from

## The two ends

role-client = client
role-server = server

## Outcome filter

outcome-group-normal = normal
outcome-group-refused = refused
outcome-group-unanswered = unanswered
outcome-group-reset = reset
outcome-group-open = open

## UDP outcomes

outcome-udp-flow = UDP flow
outcome-udp-icmp = UDP flow answered by an ICMP error

## Pool thresholds

threshold-critical = critical (≥ 80 %)
threshold-warning = warning (≥ 60 %)
threshold-below = below the 60 % warning

## Port phases

phase-assigned = Assigned
phase-active = Active
phase-time-wait = TimeWait
phase-available = Available

## OS profile choices

profile-kind-auto = Auto
profile-kind-custom = Custom

## An end's state after the last packet

state-by-timer = { $state } (by the profile's timer)
state-port-reused = { $state } (its port reused)
state-last-seen = { $state } (last seen; after the capture unknown)
