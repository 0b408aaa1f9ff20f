//! The scenarios: each one a small story that teaches one lesson of the tutorial.

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::conn::{App, Close, Conn, ConnSpec, Plan, Session, Vantage};
use super::engine::{Flow, Scenario, World};
use super::os::{Os, MS, S, US};
use super::ports::{PortPool, TwReuse};
use super::wire::{self, app, Host, IpMeta};

/// Start of every synthetic capture: 2026-03-02 09:00:00 UTC, in ns since the Unix epoch.
pub const BASE_NS: i64 = 1_772_442_000 * S;

type Step = Box<dyn FnMut(&mut World, i64) -> (Vec<(i64, Flow)>, Option<i64>)>;

/// A scenario driven by a closure: given the world and the batch time, it returns the batch and
/// the time of the next one.
pub struct Gen {
    next: Option<i64>,
    step: Step,
}

impl Gen {
    fn new(first: i64, step: Step) -> Self {
        Gen {
            next: Some(first),
            step,
        }
    }
}

impl Scenario for Gen {
    fn next_time(&self) -> Option<i64> {
        self.next
    }
    fn generate(&mut self, world: &mut World) -> Vec<(i64, Flow)> {
        let Some(t) = self.next else {
            return Vec::new();
        };
        let (batch, next) = (self.step)(world, t);
        self.next = next.map(|n| n.max(t));
        batch
    }
}

fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

fn host(ip: IpAddr, os: Os) -> Host {
    Host::new(ip, os)
}

/// Ask the client's OS for a port to `server:sport`; `None` is EADDRNOTAVAIL.
fn connect(world: &mut World, client: &Host, server: &Host, sport: u16, now: i64) -> Option<u16> {
    let pool = pool(world, client);
    let port = pool.connect((server.ip, sport), now);
    if port.is_none() {
        world.failed_connects += 1;
    }
    port
}

fn pool<'a>(world: &'a mut World, client: &Host) -> &'a mut PortPool {
    let World { rng, pools, .. } = world;
    pools
        .entry(client.ip)
        .or_insert_with(|| PortPool::new(client.os, rng))
}

/// Common connection parameters.
struct Link {
    client: Host,
    server: Host,
    sport: u16,
    rtt: (i64, i64),
    hops: u8,
    vantage: Vantage,
}

fn conn(world: &mut World, l: &Link, cport: u16, start: i64, plan: Plan) -> (i64, Flow) {
    world.connections += 1;
    let rtt = world.rng.range(l.rtt.0, l.rtt.1);
    let spec = ConnSpec {
        client: l.client,
        server: l.server,
        cport,
        sport: l.sport,
        start,
        rtt,
        hops: l.hops,
        vantage: l.vantage,
        plan,
    };
    let rng = world.rng.fork();
    (start, Flow::Tcp(Box::new(Conn::new(spec, rng))))
}

fn http(host: &str, close_header: bool) -> App {
    App::Http {
        host: host.to_string(),
        ua: "curl/8.5.0",
        close_header,
    }
}

/// One short HTTP request per connection.
fn one_shot(app: App, close: Close) -> Session {
    Session {
        exchanges: 1,
        req: (0, 0),
        resp: (300, 2400),
        think: (0, 0),
        server_time: (500 * US, 3 * MS),
        linger: (50 * US, 300 * US),
        close,
        app,
    }
}

/// Scenario names with one-line descriptions, in the order `--list` prints them.
pub const SCENARIOS: &[(&str, &str)] = &[
    ("browser-burst", "A Windows browser opens six parallel HTTPS connections from ports 54321-54326 to three hosts on :443, fetches a page's resources, closes them all: six TIME-WAITs (120 s on Windows). The default sample."),
    ("http-no-keepalive", "A Linux client makes 500 short HTTP requests to 10.0.0.5:80 in ~5 s, each on its own connection and closed by the client first: a TIME-WAIT pile-up of ~500 ports."),
    ("http-keepalive", "The same 500 HTTP requests to 10.0.0.5:80 over two kept-alive connections: two ports used, two TIME-WAITs at the end."),
    ("connection-pool", "An app server (10.0.1.20) keeps a pool of 8 connections to PostgreSQL 10.0.1.30:5432 and runs ~320 queries over them; the connections stay open."),
    ("port-exhaustion", "A Linux client with ip_local_port_range 40000-40199 (200 ports) hammers 10.0.0.5:8080 at 100 connects/s: after ~2 s every port is Active or in TIME-WAIT, connect() fails with EADDRNOTAVAIL (nothing on the wire: a ~58 s silence), and connections resume only as TIME-WAITs expire."),
    ("firewall-drop", "A Linux client's SYNs to 192.0.2.80:8443 are silently dropped: each SYN is retransmitted after 1, 2, 4, 8, 16, 32 s and never answered (connect() times out at ~127 s); one connection to another host works, for contrast."),
    ("return-blocked", "Seen on the server 10.0.2.10:443: SYNs from 198.51.100.44 arrive and are answered, but a stateful firewall drops the SYN-ACKs on the way back: SYN-ACKs retransmitted, final ACK never arrives."),
    ("refused", "A Linux client tries 10.0.0.5:8081 where nothing listens: each SYN is answered at once by RST (ECONNREFUSED), three attempts; one working request to :80 for contrast."),
    ("server-closes-first", "50 HTTP/1.1 requests with 'Connection: close': the server sends the first FIN every time, so TIME-WAIT lands on the server 10.0.0.5, not on the client's ports."),
    ("reuse-in-timewait", "A Linux client with only 4 ports (40000-40003) and net.ipv4.tcp_tw_reuse=1 makes 10 connections to 10.0.0.5:80 two seconds apart: from the 5th on, each reuses a port whose previous connection to the same server is still in TIME-WAIT."),
    ("proxy", "Captured on a proxy (10.0.1.10): three clients send requests to :8080; for each, the proxy opens a connection from its own ephemeral port to backend 10.0.2.21:80 or 10.0.2.22:80 and closes it first, so the TIME-WAITs pile up on the proxy's outward ports."),
    ("udp-dns-ntp", "A Linux host resolves names (A and AAAA from one random ephemeral UDP port per lookup) via 192.168.1.1:53, asks NTP servers from ephemeral ports, and one query to a dead resolver (192.168.1.2) draws an ICMP port unreachable."),
    ("ipv6-client", "A Linux client 2001:db8:1::23 opens 8 HTTPS connections to [2001:db8:2::80]:443 over IPv6; seven close normally (client first), one is aborted with RST (no TIME-WAIT)."),
    ("many-pairs", "8 Linux clients (10.1.0.11-18) make 1000 tiny request/response exchanges a second, each on its own connection closed by the client, to 12 server endpoints (4 hosts 10.2.0.21-24 on :80, :443 and :5432): 96 client x server pairs, each piling up TIME-WAIT. A benchmark shape (--scale 100: 100 000 connections, 1 M packets) and a test of how the report reads with many alike findings."),
    ("dynamic-rpc", "A Windows client asks the RPC endpoint mapper on 10.0.3.5:135 for a service, then connects to the high server port it was given (49668): a server port from the dynamic range. Teaser for the dynamic-server-ports chapter (payloads are placeholders, not real DCE/RPC)."),
];

/// Build the scenario named `name` for `scale` (≥ 1).
pub fn build(name: &str, scale: u32) -> Option<Gen> {
    let scale = scale.max(1) as i64;
    Some(match name {
        "browser-burst" => browser_burst(scale),
        "http-no-keepalive" => http_no_keepalive(scale),
        "http-keepalive" => http_keepalive(scale),
        "connection-pool" => connection_pool(scale),
        "port-exhaustion" => port_exhaustion(scale),
        "firewall-drop" => firewall_drop(scale),
        "return-blocked" => return_blocked(scale),
        "refused" => refused(scale),
        "server-closes-first" => server_closes_first(scale),
        "reuse-in-timewait" => reuse_in_timewait(scale),
        "proxy" => proxy(scale),
        "udp-dns-ntp" => udp_dns_ntp(scale),
        "ipv6-client" => ipv6_client(scale),
        "many-pairs" => many_pairs(scale),
        "dynamic-rpc" => dynamic_rpc(scale),
        _ => return None,
    })
}

fn browser_burst(scale: i64) -> Gen {
    let client = host(v4(192, 168, 1, 23), Os::WINDOWS);
    let servers = [
        (host(v4(198, 51, 100, 10), Os::LINUX), (18 * MS, 22 * MS)),
        (host(v4(198, 51, 100, 20), Os::LINUX), (8 * MS, 10 * MS)),
        (host(v4(203, 0, 113, 7), Os::LINUX), (30 * MS, 38 * MS)),
    ];
    // Which server each of the six parallel connections goes to (2 + 3 + 1).
    let plan = [0usize, 0, 1, 1, 1, 2];
    let mut round = 0i64;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            if round == 0 {
                // Reproduce the tutorial's example: the sequential allocator is at 54321.
                pool(w, &client).start_at(54321);
            }
            let mut out = Vec::new();
            for (i, &s) in plan.iter().enumerate() {
                let (server, rtt) = servers[s];
                let start = t + i as i64 * w.rng.range(2 * MS, 6 * MS);
                let Some(port) = connect(w, &client, &server, 443, start) else {
                    continue;
                };
                let link = Link {
                    client,
                    server,
                    sport: 443,
                    rtt,
                    hops: 12,
                    vantage: Vantage::Client,
                };
                let exchanges = w.rng.range(3, 7) as u32;
                let sess = Session {
                    exchanges,
                    req: (420, 900),
                    resp: (1_800, 60_000),
                    think: (3 * MS, 60 * MS),
                    server_time: (2 * MS, 25 * MS),
                    linger: (2 * S, 4 * S),
                    close: Close::ClientFirst,
                    app: App::Tls,
                };
                out.push(conn(w, &link, port, start, Plan::Session(sess)));
            }
            round += 1;
            (out, (round < scale).then_some(t + 60 * S))
        }),
    )
}

fn http_no_keepalive(scale: i64) -> Gen {
    let link = Link {
        client: host(v4(10, 0, 0, 2), Os::LINUX),
        server: host(v4(10, 0, 0, 5), Os::LINUX),
        sport: 80,
        rtt: (200 * US, 450 * US),
        hops: 0,
        vantage: Vantage::Client,
    };
    let total = 500 * scale;
    let mut n = 0i64;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            if let Some(port) = connect(w, &link.client, &link.server, 80, t) {
                let sess = one_shot(http("10.0.0.5", false), Close::ClientFirst);
                out.push(conn(w, &link, port, t, Plan::Session(sess)));
            }
            n += 1;
            let gap = w.rng.range(6 * MS, 14 * MS);
            (out, (n < total).then_some(t + gap))
        }),
    )
}

/// Round-robin over 8 clients and 12 server endpoints, so each of the 96 pairs gets one
/// connection in 96; 27-byte requests and 40-byte responses keep each to 10 packets.
fn many_pairs(scale: i64) -> Gen {
    let clients: Vec<Host> = (11..=18)
        .map(|d| host(v4(10, 1, 0, d), Os::LINUX))
        .collect();
    let servers: Vec<(Host, u16)> = (21..=24)
        .flat_map(|d| [80, 443, 5432].map(|p| (host(v4(10, 2, 0, d), Os::LINUX), p)))
        .collect();
    let total = 1000 * scale;
    let mut n = 0i64;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            let client = clients[(n % 8) as usize];
            let (server, sport) = servers[((n / 8) % 12) as usize];
            let link = Link {
                client,
                server,
                sport,
                rtt: (150 * US, 350 * US),
                hops: 0,
                vantage: Vantage::Client,
            };
            if let Some(port) = connect(w, &client, &server, sport, t) {
                let sess = Session {
                    exchanges: 1,
                    req: (27, 27),
                    resp: (40, 40),
                    think: (0, 0),
                    server_time: (100 * US, 400 * US),
                    linger: (20 * US, 100 * US),
                    close: Close::ClientFirst,
                    app: App::Opaque,
                };
                out.push(conn(w, &link, port, t, Plan::Session(sess)));
            }
            n += 1;
            let gap = w.rng.range(800 * US, 1200 * US);
            (out, (n < total).then_some(t + gap))
        }),
    )
}

fn http_keepalive(scale: i64) -> Gen {
    let link = Link {
        client: host(v4(10, 0, 0, 2), Os::LINUX),
        server: host(v4(10, 0, 0, 5), Os::LINUX),
        sport: 80,
        rtt: (200 * US, 450 * US),
        hops: 0,
        vantage: Vantage::Client,
    };
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            // Two workers, each with one persistent connection, 250 requests apiece.
            for i in 0..2 {
                let start = t + i * 3 * MS;
                if let Some(port) = connect(w, &link.client, &link.server, 80, start) {
                    let sess = Session {
                        exchanges: 250 * scale as u32,
                        req: (0, 0),
                        resp: (300, 2400),
                        think: (14 * MS, 24 * MS),
                        server_time: (500 * US, 3 * MS),
                        linger: (50 * MS, 200 * MS),
                        close: Close::ClientFirst,
                        app: http("10.0.0.5", false),
                    };
                    out.push(conn(w, &link, port, start, Plan::Session(sess)));
                }
            }
            (out, None)
        }),
    )
}

fn connection_pool(scale: i64) -> Gen {
    let link = Link {
        client: host(v4(10, 0, 1, 20), Os::LINUX),
        server: host(v4(10, 0, 1, 30), Os::LINUX),
        sport: 5432,
        rtt: (150 * US, 400 * US),
        hops: 0,
        vantage: Vantage::Client,
    };
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            for i in 0..8 {
                let start = t + i * w.rng.range(5 * MS, 12 * MS);
                if let Some(port) = connect(w, &link.client, &link.server, 5432, start) {
                    let sess = Session {
                        exchanges: 40 * scale as u32,
                        req: (0, 0),
                        resp: (60, 4_000),
                        think: (50 * MS, 450 * MS),
                        server_time: (300 * US, 8 * MS),
                        linger: (0, 0),
                        close: Close::Open,
                        app: App::Postgres,
                    };
                    out.push(conn(w, &link, port, start, Plan::Session(sess)));
                }
            }
            (out, None)
        }),
    )
}

fn port_exhaustion(scale: i64) -> Gen {
    let link = Link {
        client: host(v4(10, 0, 0, 2), Os::linux_with_range(40000, 40199)),
        server: host(v4(10, 0, 0, 5), Os::LINUX),
        sport: 8080,
        rtt: (200 * US, 450 * US),
        hops: 0,
        vantage: Vantage::Client,
    };
    let end = BASE_NS + 70 * S * scale;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            // The application tries a new connection every 10 ms; when connect() fails with
            // EADDRNOTAVAIL it simply tries again at the next tick.
            if let Some(port) = connect(w, &link.client, &link.server, 8080, t) {
                let sess = one_shot(http("10.0.0.5:8080", false), Close::ClientFirst);
                out.push(conn(w, &link, port, t, Plan::Session(sess)));
            }
            let next = t + 10 * MS;
            (out, (next < end).then_some(next))
        }),
    )
}

fn firewall_drop(scale: i64) -> Gen {
    let client = host(v4(10, 0, 0, 2), Os::LINUX);
    let ok = Link {
        client,
        server: host(v4(10, 0, 0, 5), Os::LINUX),
        sport: 443,
        rtt: (300 * US, 500 * US),
        hops: 0,
        vantage: Vantage::Client,
    };
    let dropped = Link {
        client,
        server: host(v4(192, 0, 2, 80), Os::LINUX),
        sport: 8443,
        rtt: (20 * MS, 20 * MS),
        hops: 8,
        vantage: Vantage::Client,
    };
    let mut round = 0i64;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            if let Some(p) = connect(w, &client, &ok.server, 443, t) {
                let sess = Session {
                    exchanges: 2,
                    req: (400, 800),
                    resp: (2_000, 9_000),
                    think: (5 * MS, 20 * MS),
                    server_time: (MS, 4 * MS),
                    linger: (100 * MS, 300 * MS),
                    close: Close::ClientFirst,
                    app: App::Tls,
                };
                out.push(conn(w, &ok, p, t, Plan::Session(sess)));
            }
            for k in 0..2 {
                let start = t + 500 * MS + k * 100 * MS;
                if let Some(p) = connect(w, &client, &dropped.server, 8443, start) {
                    out.push(conn(w, &dropped, p, start, Plan::NoAnswer));
                }
            }
            round += 1;
            (out, (round < scale).then_some(t + 130 * S))
        }),
    )
}

fn return_blocked(scale: i64) -> Gen {
    let server = host(v4(10, 0, 2, 10), Os::LINUX);
    let ok = Link {
        client: host(v4(198, 51, 100, 7), Os::LINUX),
        server,
        sport: 443,
        rtt: (14 * MS, 16 * MS),
        hops: 9,
        vantage: Vantage::Server,
    };
    let blocked = Link {
        client: host(v4(198, 51, 100, 44), Os::LINUX),
        server,
        sport: 443,
        rtt: (24 * MS, 26 * MS),
        hops: 11,
        vantage: Vantage::Server,
    };
    let mut round = 0i64;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            if let Some(p) = connect(w, &ok.client, &server, 443, t) {
                let sess = Session {
                    exchanges: 2,
                    req: (400, 800),
                    resp: (2_000, 9_000),
                    think: (5 * MS, 20 * MS),
                    server_time: (MS, 4 * MS),
                    linger: (100 * MS, 300 * MS),
                    close: Close::ClientFirst,
                    app: App::Tls,
                };
                out.push(conn(w, &ok, p, t, Plan::Session(sess)));
            }
            for k in 0..2 {
                let start = t + 200 * MS + k * 40 * MS;
                if let Some(p) = connect(w, &blocked.client, &server, 443, start) {
                    out.push(conn(w, &blocked, p, start, Plan::SynAckLost));
                }
            }
            round += 1;
            (out, (round < scale).then_some(t + 130 * S))
        }),
    )
}

fn refused(scale: i64) -> Gen {
    let client = host(v4(10, 0, 0, 2), Os::LINUX);
    let server = host(v4(10, 0, 0, 5), Os::LINUX);
    let mk = |sport| Link {
        client,
        server,
        sport,
        rtt: (200 * US, 450 * US),
        hops: 0,
        vantage: Vantage::Client,
    };
    let ok = mk(80);
    let closed = mk(8081);
    let mut round = 0i64;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            if let Some(p) = connect(w, &client, &server, 80, t) {
                let sess = one_shot(http("10.0.0.5", false), Close::ClientFirst);
                out.push(conn(w, &ok, p, t, Plan::Session(sess)));
            }
            for k in 0..3 {
                let start = t + 200 * MS + k * S;
                if let Some(p) = connect(w, &client, &server, 8081, start) {
                    out.push(conn(w, &closed, p, start, Plan::Refused));
                }
            }
            round += 1;
            (out, (round < scale).then_some(t + 5 * S))
        }),
    )
}

fn server_closes_first(scale: i64) -> Gen {
    let link = Link {
        client: host(v4(10, 0, 0, 2), Os::LINUX),
        server: host(v4(10, 0, 0, 5), Os::LINUX),
        sport: 80,
        rtt: (200 * US, 450 * US),
        hops: 0,
        vantage: Vantage::Client,
    };
    let total = 50 * scale;
    let mut n = 0i64;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            if let Some(port) = connect(w, &link.client, &link.server, 80, t) {
                let sess = one_shot(http("10.0.0.5", true), Close::ServerFirst);
                out.push(conn(w, &link, port, t, Plan::Session(sess)));
            }
            n += 1;
            let gap = w.rng.range(40 * MS, 80 * MS);
            (out, (n < total).then_some(t + gap))
        }),
    )
}

fn reuse_in_timewait(scale: i64) -> Gen {
    let link = Link {
        client: host(v4(10, 0, 0, 2), Os::linux_with_range(40000, 40003)),
        server: host(v4(10, 0, 0, 5), Os::LINUX),
        sport: 80,
        rtt: (200 * US, 450 * US),
        hops: 0,
        vantage: Vantage::Client,
    };
    let total = 10 * scale;
    let mut n = 0i64;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            if n == 0 {
                pool(w, &link.client).tw_reuse = TwReuse::AfterOneSecond;
            }
            let mut out = Vec::new();
            if let Some(port) = connect(w, &link.client, &link.server, 80, t) {
                let sess = one_shot(http("10.0.0.5", false), Close::ClientFirst);
                out.push(conn(w, &link, port, t, Plan::Session(sess)));
            }
            n += 1;
            (out, (n < total).then_some(t + 2 * S))
        }),
    )
}

fn proxy(scale: i64) -> Gen {
    let proxy = host(v4(10, 0, 1, 10), Os::LINUX);
    let clients = [
        host(v4(192, 168, 1, 23), Os::WINDOWS),
        host(v4(192, 168, 1, 31), Os::LINUX),
        host(v4(192, 168, 1, 47), Os::LINUX),
    ];
    let backends = [
        host(v4(10, 0, 2, 21), Os::LINUX),
        host(v4(10, 0, 2, 22), Os::LINUX),
    ];
    let total = 60 * scale;
    let mut n = 0i64;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            let client = clients[(n % 3) as usize];
            let backend = backends[(n % 2) as usize];
            let front = Link {
                client,
                server: proxy,
                sport: 8080,
                rtt: (1_500 * US, 1_500 * US),
                hops: 1,
                vantage: Vantage::Server,
            };
            let back = Link {
                client: proxy,
                server: backend,
                sport: 80,
                rtt: (300 * US, 300 * US),
                hops: 0,
                vantage: Vantage::Client,
            };
            let size = w.rng.range(400, 4_000) as usize;
            let backend_time = w.rng.range(MS, 6 * MS);
            // The proxy has read the request 1.5 RTT (+ up to 0.3 ms) after the client's SYN;
            // it then opens the backend connection, whose handshake, request and response take
            // at most 2 backend RTTs + the backend's time + 0.6 ms: the client's request waits
            // that long for its answer.
            let backend_start = t + 2_250 * US + 400 * US;
            let wait = 400 * US + 2 * 300 * US + backend_time + 600 * US + 300 * US;
            if let Some(cp) = connect(w, &client, &proxy, 8080, t) {
                let sess = Session {
                    server_time: (wait, wait),
                    resp: (size, size),
                    ..one_shot(http("proxy.example:8080", false), Close::ClientFirst)
                };
                out.push(conn(w, &front, cp, t, Plan::Session(sess)));
                if let Some(bp) = connect(w, &proxy, &backend, 80, backend_start) {
                    let sess = Session {
                        server_time: (backend_time, backend_time),
                        resp: (size, size),
                        linger: (20 * US, 60 * US),
                        ..one_shot(http("backend", false), Close::ClientFirst)
                    };
                    out.push(conn(w, &back, bp, backend_start, Plan::Session(sess)));
                }
            }
            n += 1;
            let gap = w.rng.range(60 * MS, 200 * MS);
            (out, (n < total).then_some(t + gap))
        }),
    )
}

/// Packets of one UDP request/response from an ephemeral port (or an ICMP error).
fn udp_exchange(
    w: &mut World,
    client: &Host,
    server: &Host,
    dport: u16,
    t: i64,
    rtt: i64,
    msgs: &[(Vec<u8>, Option<Vec<u8>>)],
) -> Option<(i64, Flow)> {
    let sport = {
        let World { rng, pools, .. } = w;
        let pool = pools
            .entry(client.ip)
            .or_insert_with(|| PortPool::new(client.os, rng));
        pool.udp((server.ip, dport), t, rng)?
    };
    let mut q = VecDeque::new();
    let mut id = w.rng.next_u32() as u16;
    let mut at = t;
    let mut end = t;
    for (req, resp) in msgs {
        let ip = IpMeta {
            ttl: client.os.ttl(),
            ip_id: id,
            flow_label: 0,
        };
        id = id.wrapping_add(1);
        let f = wire::udp_frame(client, server, ip, sport, dport, req);
        let back_ip = IpMeta {
            ttl: server.os.ttl() - 1,
            ip_id: w.rng.next_u32() as u16,
            flow_label: 0,
        };
        let back = at + rtt + w.rng.range(50 * US, 400 * US);
        let reply = match resp {
            Some(r) => wire::udp_frame(server, client, back_ip, dport, sport, r),
            None => wire::icmp_port_unreachable(server, client, back_ip, &f),
        };
        q.push_back((at, f));
        q.push_back((back, reply));
        end = end.max(back);
        at += w.rng.range(20 * US, 80 * US);
    }
    // Sorted: queries go out back to back, answers come back one RTT later.
    let mut v: Vec<_> = q.into_iter().collect();
    v.sort_by_key(|(ts, _)| *ts);
    if let Some(pool) = w.pools.get_mut(&client.ip) {
        pool.release(sport, (server.ip, dport), end, None);
    }
    Some((t, Flow::Raw(v.into())))
}

fn udp_dns_ntp(scale: i64) -> Gen {
    let client = host(v4(192, 168, 1, 31), Os::LINUX);
    let resolver = host(v4(192, 168, 1, 1), Os::LINUX);
    let dead = host(v4(192, 168, 1, 2), Os::LINUX);
    let ntp = [
        host(v4(192, 0, 2, 123), Os::LINUX),
        host(v4(198, 51, 100, 123), Os::LINUX),
    ];
    let names = [
        "www.example.com",
        "api.example.com",
        "cdn.example.net",
        "mail.example.org",
        "updates.example.com",
        "time.example.net",
    ];
    let mut n = 0i64;
    let total = 12 * scale;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            let name = names[(n % names.len() as i64) as usize];
            let qid = w.rng.next_u32() as u16;
            let addr4 = [203, 0, 113, (10 + n % 200) as u8];
            let addr6 = {
                let mut a = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0).octets();
                a[15] = (10 + n % 200) as u8;
                a
            };
            // glibc sends the A and AAAA queries back to back from one socket (one port).
            let msgs = vec![
                (
                    app::dns_query(qid, name, 1),
                    Some(app::dns_answer(qid, name, 1, &addr4, 300)),
                ),
                (
                    app::dns_query(qid.wrapping_add(1), name, 28),
                    Some(app::dns_answer(qid.wrapping_add(1), name, 28, &addr6, 300)),
                ),
            ];
            let rtt = w.rng.range(MS, 15 * MS);
            out.extend(udp_exchange(w, &client, &resolver, 53, t, rtt, &msgs));
            if n % 6 == 1 {
                // A query to a secondary resolver that is down: ICMP port unreachable.
                let q = app::dns_query(qid ^ 0x5a5a, name, 1);
                out.extend(udp_exchange(
                    w,
                    &client,
                    &dead,
                    53,
                    t + 5 * MS,
                    400 * US,
                    &[(q, None)],
                ));
            }
            if n % 6 == 3 {
                for (i, server) in ntp.iter().enumerate() {
                    let at = t + 10 * MS + i as i64 * 2 * MS;
                    let rtt = w.rng.range(8 * MS, 30 * MS);
                    let recv = at + rtt / 2;
                    let msgs = [(
                        app::ntp_request(at),
                        Some(app::ntp_reply(at, recv, recv + 30 * US)),
                    )];
                    out.extend(udp_exchange(w, &client, server, 123, at, rtt, &msgs));
                }
            }
            n += 1;
            let gap = w.rng.range(300 * MS, 1_500 * MS);
            (out, (n < total).then_some(t + gap))
        }),
    )
}

fn ipv6_client(scale: i64) -> Gen {
    let link = Link {
        client: host(
            IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x23)),
            Os::LINUX,
        ),
        server: host(
            IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 0x80)),
            Os::LINUX,
        ),
        sport: 443,
        rtt: (11 * MS, 14 * MS),
        hops: 6,
        vantage: Vantage::Client,
    };
    let total = 8 * scale;
    let mut n = 0i64;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            if let Some(port) = connect(w, &link.client, &link.server, 443, t) {
                let sess = Session {
                    exchanges: w.rng.range(1, 4) as u32,
                    req: (400, 900),
                    resp: (1_500, 30_000),
                    think: (5 * MS, 40 * MS),
                    server_time: (MS, 10 * MS),
                    linger: (200 * MS, 900 * MS),
                    close: if n % 8 == 5 {
                        Close::ClientReset
                    } else {
                        Close::ClientFirst
                    },
                    app: App::Tls,
                };
                out.push(conn(w, &link, port, t, Plan::Session(sess)));
            }
            n += 1;
            let gap = w.rng.range(100 * MS, 600 * MS);
            (out, (n < total).then_some(t + gap))
        }),
    )
}

fn dynamic_rpc(scale: i64) -> Gen {
    let client = host(v4(192, 168, 1, 23), Os::WINDOWS);
    let server = host(v4(10, 0, 3, 5), Os::WINDOWS);
    let mk = |sport| Link {
        client,
        server,
        sport,
        rtt: (700 * US, 900 * US),
        hops: 1,
        vantage: Vantage::Client,
    };
    let epm = mk(135);
    let svc = mk(49668);
    let mut round = 0i64;
    Gen::new(
        BASE_NS,
        Box::new(move |w, t| {
            let mut out = Vec::new();
            if let Some(p) = connect(w, &client, &server, 135, t) {
                let sess = Session {
                    exchanges: 2,
                    req: (116, 160),
                    resp: (84, 156),
                    think: (200 * US, 600 * US),
                    server_time: (100 * US, 400 * US),
                    linger: (100 * US, 300 * US),
                    close: Close::ClientFirst,
                    app: App::Opaque,
                };
                out.push(conn(w, &epm, p, t, Plan::Session(sess)));
            }
            let later = t + 40 * MS;
            if let Some(p) = connect(w, &client, &server, 49668, later) {
                let sess = Session {
                    exchanges: 6,
                    req: (120, 1_400),
                    resp: (100, 6_000),
                    think: (MS, 30 * MS),
                    server_time: (200 * US, 3 * MS),
                    linger: (2 * S, 3 * S),
                    close: Close::ClientFirst,
                    app: App::Opaque,
                };
                out.push(conn(w, &svc, p, later, Plan::Session(sess)));
            }
            round += 1;
            (out, (round < scale).then_some(t + 10 * S))
        }),
    )
}
