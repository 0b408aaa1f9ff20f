//! One simulated TCP connection, generated a phase at a time (handshake, each request/response
//! exchange, close) so that a long-lived connection never holds more than one exchange's
//! packets in memory.

use std::collections::VecDeque;

use super::os::{OsKind, MS, S, US};
use super::ports::Dst;
use super::rng::Rng;
use super::wire::{self, app, opts, Host, IpMeta, TcpMeta, ACK, FIN, PSH, RST, SYN};

/// Where the capture was taken: on the client's or on the server's interface. Packets a host
/// sends are stamped when sent; packets it receives, one one-way delay later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vantage {
    Client,
    Server,
}

/// How a connection ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    /// The client sends the first FIN: TIME-WAIT lands on the client.
    ClientFirst,
    /// The server sends the first FIN: TIME-WAIT lands on the server.
    ServerFirst,
    /// The client aborts with RST: no TIME-WAIT anywhere.
    ClientReset,
    /// Still open when the capture ends.
    Open,
}

/// What the payloads look like.
#[derive(Debug, Clone)]
pub enum App {
    Http {
        host: String,
        ua: &'static str,
        /// Send `Connection: close` (request and response).
        close_header: bool,
    },
    Tls,
    Postgres,
    Opaque,
}

/// The shape of a connection that gets established.
#[derive(Debug, Clone)]
pub struct Session {
    pub exchanges: u32,
    /// Request and response sizes in bytes (inclusive ranges).
    pub req: (usize, usize),
    pub resp: (usize, usize),
    /// Client think time between a response and the next request.
    pub think: (i64, i64),
    /// Server time between a request and its response.
    pub server_time: (i64, i64),
    /// Time between the last response and the close.
    pub linger: (i64, i64),
    pub close: Close,
    pub app: App,
}

/// What happens to a connection attempt.
#[derive(Debug, Clone)]
pub enum Plan {
    Session(Session),
    /// SYNs retransmitted with the client OS's back-off, never answered (a firewall drops them).
    NoAnswer,
    /// The SYN is answered by RST (nothing listens on the port).
    Refused,
    /// Seen from the server: SYN-ACKs go out (and are retransmitted) but the client's ACK never
    /// arrives (a stateful firewall on the way back drops the SYN-ACKs).
    SynAckLost,
}

/// Everything needed to generate one connection.
#[derive(Debug, Clone)]
pub struct ConnSpec {
    pub client: Host,
    pub server: Host,
    pub cport: u16,
    pub sport: u16,
    pub start: i64,
    pub rtt: i64,
    /// Routers between client and server (each decrements the TTL).
    pub hops: u8,
    pub vantage: Vantage,
    pub plan: Plan,
}

/// The client's port is free again (or enters TIME-WAIT) from `until`.
#[derive(Debug, Clone, Copy)]
pub struct Release {
    pub host: std::net::IpAddr,
    pub port: u16,
    pub dst: Dst,
    pub until: i64,
    pub tw_since: Option<i64>,
}

#[derive(Debug, Clone, Copy)]
struct Side {
    isn: u32,
    /// Next sequence number to send.
    nxt: u32,
    /// Next sequence number expected from the peer (what an ACK acknowledges).
    rcv: u32,
    ip_id: u16,
    ts_off: u32,
    ts_recent: u32,
    window: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Handshake,
    Exchange(u32),
    Done,
}

/// A connection being generated.
pub struct Conn {
    spec: ConnSpec,
    rng: Rng,
    c: Side,
    s: Side,
    use_ts: bool,
    /// Payload bytes per full segment, each way (peer's MSS minus options).
    seg_c: usize,
    seg_s: usize,
    step: Step,
    /// When the client is ready for its next action (true time).
    clock: i64,
    flow_label: (u32, u32),
    buf: VecDeque<(i64, Vec<u8>)>,
    staged: Vec<(i64, u32, Vec<u8>)>,
    release: Option<Release>,
}

/// Linux's minimum delayed-ACK timer (TCP_DELACK_MIN, HZ/25 = 40 ms).
const DELACK: i64 = 40 * MS;

impl Conn {
    pub fn new(spec: ConnSpec, mut rng: Rng) -> Self {
        let mss = |h: &Host| if h.ip.is_ipv4() { 1460 } else { 1440 };
        let use_ts = spec.client.os.timestamps() && spec.server.os.timestamps();
        let optlen = if use_ts { 12 } else { 0 };
        let side = |rng: &mut Rng, window: u16| {
            let isn = rng.next_u32();
            Side {
                isn,
                nxt: isn,
                rcv: 0,
                ip_id: rng.next_u32() as u16,
                ts_off: rng.next_u32(),
                ts_recent: 0,
                window,
            }
        };
        let win = |h: &Host| match h.os.kind {
            OsKind::Linux => 502,
            OsKind::Windows => 513,
        };
        let c = side(&mut rng, win(&spec.client));
        let s = side(&mut rng, win(&spec.server) + 7);
        let flow_label = (rng.next_u32() & 0xf_ffff, rng.next_u32() & 0xf_ffff);
        Conn {
            seg_c: mss(&spec.server) - optlen,
            seg_s: mss(&spec.client) - optlen,
            clock: spec.start,
            spec,
            rng,
            c,
            s,
            use_ts,
            step: Step::Handshake,
            flow_label,
            buf: VecDeque::new(),
            staged: Vec::new(),
            release: None,
        }
    }

    pub fn spec(&self) -> &ConnSpec {
        &self.spec
    }

    /// The next packet of this connection in time order, generating the next phase when the
    /// current one is used up; `None` when the connection has nothing more to send.
    pub fn next_packet(&mut self) -> Option<(i64, Vec<u8>)> {
        while self.buf.is_empty() && self.step != Step::Done {
            self.generate_phase();
        }
        self.buf.pop_front()
    }

    /// A port release decided by the phase just generated (taken once).
    pub fn take_release(&mut self) -> Option<Release> {
        self.release.take()
    }

    fn dst(&self) -> Dst {
        (self.spec.server.ip, self.spec.sport)
    }

    fn set_release(&mut self, until: i64, tw_since: Option<i64>) {
        self.release = Some(Release {
            host: self.spec.client.ip,
            port: self.spec.cport,
            dst: self.dst(),
            until,
            tw_since,
        });
    }

    fn owd(&self) -> i64 {
        self.spec.rtt / 2
    }

    fn generate_phase(&mut self) {
        match self.step {
            Step::Handshake => self.handshake(),
            Step::Exchange(k) => self.exchange(k),
            Step::Done => {}
        }
        // Phases are generated in true time; the capture sees them from one vantage, which can
        // interleave packets of the two directions: order them (stable on emit order).
        self.staged.sort_by_key(|(ts, n, _)| (*ts, *n));
        self.buf
            .extend(self.staged.drain(..).map(|(ts, _, frame)| (ts, frame)));
    }

    fn tsval(&self, from_client: bool, t: i64) -> u32 {
        let side = if from_client { &self.c } else { &self.s };
        ((t / MS) as u32).wrapping_add(side.ts_off)
    }

    /// Send one segment at true time `t` from one side; returns its arrival time at the other.
    fn emit(&mut self, from_client: bool, t: i64, flags: u8, payload: &[u8], ack: u32) -> i64 {
        let owd = self.owd();
        let arrive = t + owd;
        let (src, dst) = if from_client {
            (self.spec.client, self.spec.server)
        } else {
            (self.spec.server, self.spec.client)
        };
        let at_sender = (self.spec.vantage == Vantage::Client) == from_client;
        let ts = if at_sender { t } else { arrive };
        let ttl = if at_sender {
            src.os.ttl()
        } else {
            src.os.ttl().saturating_sub(self.spec.hops)
        };
        let tsval = self.tsval(from_client, t);
        let me = if from_client { self.c } else { self.s };
        let options = if flags & SYN != 0 {
            let ws = src.os.window_scale();
            let mss = if src.ip.is_ipv4() { 1460 } else { 1440 };
            let tsecr = if flags & ACK != 0 { me.ts_recent } else { 0 };
            if self.use_ts {
                opts::linux_syn(mss, ws, tsval, tsecr)
            } else {
                opts::no_ts_syn(mss, ws)
            }
        } else if self.use_ts && flags & RST == 0 {
            opts::ts(tsval, me.ts_recent)
        } else {
            Vec::new()
        };
        let window = if flags & SYN != 0 {
            if from_client {
                64240
            } else {
                65160
            }
        } else if flags & RST != 0 && flags & ACK != 0 && !from_client {
            0
        } else {
            me.window
        };
        let seq = if flags & RST != 0 && flags & ACK != 0 && me.nxt == me.isn {
            0 // a RST answering a SYN carries seq 0 (RFC 9293 §3.10.7.1)
        } else {
            me.nxt
        };
        let meta = TcpMeta {
            sport: if from_client {
                self.spec.cport
            } else {
                self.spec.sport
            },
            dport: if from_client {
                self.spec.sport
            } else {
                self.spec.cport
            },
            seq,
            ack,
            flags,
            window,
        };
        let ip = IpMeta {
            ttl,
            ip_id: me.ip_id,
            flow_label: if from_client {
                self.flow_label.0
            } else {
                self.flow_label.1
            },
        };
        let frame = wire::tcp_frame(&src, &dst, ip, meta, &options, payload);
        let n = self.staged.len() as u32;
        self.staged.push((ts, n, frame));
        let adv = payload.len() as u32 + u32::from(flags & (SYN | FIN) != 0);
        let me = if from_client {
            &mut self.c
        } else {
            &mut self.s
        };
        me.ip_id = me.ip_id.wrapping_add(1);
        me.nxt = me.nxt.wrapping_add(adv);
        let peer = if from_client {
            &mut self.s
        } else {
            &mut self.c
        };
        peer.ts_recent = tsval;
        arrive
    }

    fn handshake(&mut self) {
        let t0 = self.spec.start;
        match self.spec.plan.clone() {
            Plan::Session(sess) => {
                let a = self.emit(true, t0, SYN, &[], 0);
                self.s.rcv = self.c.nxt;
                let t1 = a + self.rng.range(20 * US, 60 * US);
                let a = self.emit(false, t1, SYN | ACK, &[], self.s.rcv);
                self.c.rcv = self.s.nxt;
                let t2 = a + self.rng.range(10 * US, 40 * US);
                self.emit(true, t2, ACK, &[], self.c.rcv);
                self.clock = t2 + self.rng.range(20 * US, 200 * US);
                self.step = if sess.exchanges == 0 {
                    self.close(&sess, self.clock, self.clock);
                    Step::Done
                } else {
                    Step::Exchange(0)
                };
            }
            Plan::NoAnswer => {
                self.emit(true, t0, SYN, &[], 0);
                let (retries, give_up) = self.spec.client.os.syn_schedule();
                for &d in retries {
                    self.c.nxt = self.c.isn; // a retransmission repeats the sequence number
                    self.emit(true, t0 + d, SYN, &[], 0);
                }
                self.set_release(t0 + give_up, None);
                self.step = Step::Done;
            }
            Plan::Refused => {
                let a = self.emit(true, t0, SYN, &[], 0);
                self.s.rcv = self.c.nxt;
                let t1 = a + self.rng.range(10 * US, 30 * US);
                let back = self.emit(false, t1, RST | ACK, &[], self.s.rcv);
                self.set_release(back, None);
                self.step = Step::Done;
            }
            Plan::SynAckLost => {
                // Client SYNs arrive (retransmitted with the client's back-off); the server
                // answers the first and retransmits its SYN-ACK on its own timer: Linux
                // tcp_synack_retries = 5, 1 s initial timeout doubling (+1, +3, +7, +15, +31 s).
                // Duplicate SYNs get no extra SYN-ACK here (Linux rate-limits answers to
                // out-of-window segments, tcp_invalid_ratelimit = 500 ms).
                let a = self.emit(true, t0, SYN, &[], 0);
                self.s.rcv = self.c.nxt;
                let t1 = a + self.rng.range(20 * US, 60 * US);
                self.emit(false, t1, SYN | ACK, &[], self.s.rcv);
                let (retries, give_up) = self.spec.client.os.syn_schedule();
                let synack_timer = [S, 3 * S, 7 * S, 15 * S, 31 * S];
                // Generated in time order so each TSecr echoes the latest TSval seen.
                let mut timer = synack_timer.iter().peekable();
                for &d in retries {
                    while let Some(&&r) = timer.peek().filter(|&&&r| t1 + r < t0 + d) {
                        timer.next();
                        self.s.nxt = self.s.isn;
                        self.emit(false, t1 + r, SYN | ACK, &[], self.s.rcv);
                    }
                    self.c.nxt = self.c.isn;
                    self.emit(true, t0 + d, SYN, &[], 0);
                }
                for &r in timer {
                    self.s.nxt = self.s.isn;
                    self.emit(false, t1 + r, SYN | ACK, &[], self.s.rcv);
                }
                self.set_release(t0 + give_up, None);
                self.step = Step::Done;
            }
        }
    }

    fn request_bytes(&mut self, sess: &Session, k: u32) -> Vec<u8> {
        let n = self.rng.range(sess.req.0 as i64, sess.req.1 as i64) as usize;
        match &sess.app {
            App::Http {
                host,
                ua,
                close_header,
            } => {
                let id = self.rng.range(1, 99_999);
                let path = format!("/api/items/{id}?page={k}");
                app::http_request(host, &path, ua, *close_header)
            }
            App::Tls => app::tls_records(n, &mut self.rng),
            App::Postgres => {
                let id = self.rng.range(1, 999_999);
                app::pg_query(&format!(
                    "SELECT id, name, price FROM items WHERE id = {id}"
                ))
            }
            App::Opaque => app::opaque(n, &mut self.rng),
        }
    }

    fn response_bytes(&mut self, sess: &Session) -> Vec<u8> {
        let n = self.rng.range(sess.resp.0 as i64, sess.resp.1 as i64) as usize;
        match &sess.app {
            App::Http { close_header, .. } => app::http_response(n, *close_header),
            App::Tls => app::tls_records(n, &mut self.rng),
            App::Postgres => app::pg_result((n / 40).max(1), 29),
            App::Opaque => app::opaque(n, &mut self.rng),
        }
    }

    /// Send `data` from one side starting at true time `t`, in MSS-sized segments with slow
    /// start (initial window 10 segments, RFC 6928, doubling each round trip). The receiver ACKs
    /// every second segment at once; a last odd segment is ACKed after the delayed-ACK timer
    /// unless the receiver's own next segment (due `reply_in` after arrival) carries the ACK.
    /// Returns when the last segment arrived and when the sender sent it.
    fn transfer(&mut self, from_client: bool, t: i64, data: &[u8], reply_in: i64) -> (i64, i64) {
        let seg = if from_client { self.seg_c } else { self.seg_s };
        let chunks: Vec<&[u8]> = data.chunks(seg.max(1)).collect();
        let total = chunks.len();
        let mut cwnd = 10usize;
        let mut round_start = t;
        let mut i = 0;
        let mut last_arrival = t;
        let mut last_sent = t;
        while i < total {
            let n = cwnd.min(total - i);
            let mut ts = round_start;
            for k in 0..n {
                let chunk = chunks[i + k];
                let last = i + k + 1 == total;
                let flags = if last { ACK | PSH } else { ACK };
                let ack = if from_client { self.c.rcv } else { self.s.rcv };
                let arrival = self.emit(from_client, ts, flags, chunk, ack);
                last_sent = ts;
                // The receiver now has everything up to this segment.
                let recv = if from_client {
                    &mut self.s
                } else {
                    &mut self.c
                };
                recv.rcv = recv.rcv.wrapping_add(chunk.len() as u32);
                let nth = i + k + 1;
                if nth % 2 == 0 {
                    let a = recv.rcv;
                    self.emit(!from_client, arrival + 15 * US, ACK, &[], a);
                } else if last && reply_in >= DELACK {
                    let a = recv.rcv;
                    self.emit(!from_client, arrival + DELACK, ACK, &[], a);
                }
                last_arrival = arrival;
                // Serialisation at 1 Gbit/s: 8 ns per byte plus Ethernet/IP/TCP overhead.
                ts += (chunk.len() as i64 + 78) * 8;
            }
            i += n;
            cwnd *= 2;
            round_start = (round_start + self.spec.rtt).max(ts);
        }
        (last_arrival, last_sent)
    }

    fn exchange(&mut self, k: u32) {
        let Plan::Session(sess) = self.spec.plan.clone() else {
            self.step = Step::Done;
            return;
        };
        let last = k + 1 == sess.exchanges;
        let server_time = self.rng.range(sess.server_time.0, sess.server_time.1);
        let after = if last {
            self.rng.range(sess.linger.0, sess.linger.1)
        } else {
            self.rng.range(sess.think.0, sess.think.1)
        };
        let req = self.request_bytes(&sess, k);
        let (arrived, _) = self.transfer(true, self.clock, &req, server_time);
        let resp = self.response_bytes(&sess);
        // When the client's next segment leaves after the response's last one arrives: if it
        // comes before the delayed-ACK timer, it carries the ACK and no lone ACK is sent.
        let client_next = match (last, &sess.close) {
            // Nothing more from the client: the timer fires.
            (true, Close::Open) => i64::MAX,
            // The server's FIN follows within a millisecond, and the client's answer to it
            // acknowledges everything (a delayed ACK after that would come from a socket that
            // has already acknowledged the FIN).
            (true, Close::ServerFirst) => MS,
            // Its FIN or RST, or its next request, after the pause.
            _ => after,
        };
        let (got, srv_sent) = self.transfer(false, arrived + server_time, &resp, client_next);
        self.clock = got + after;
        if last {
            let srv_close = srv_sent + self.rng.range(30 * US, 300 * US);
            self.close(&sess, self.clock, srv_close);
            self.step = Step::Done;
        } else {
            self.step = Step::Exchange(k + 1);
        }
    }

    /// The close sequence: FIN from the closer; the peer's app closes too, either at once (its
    /// FIN carries the ACK: a three-segment close) or a little later (ACK, then FIN); the
    /// closer's final ACK puts it in TIME-WAIT.
    fn close(&mut self, sess: &Session, client_t: i64, server_t: i64) {
        match sess.close {
            Close::Open => {}
            Close::ClientReset => {
                let a = self.c.rcv;
                self.emit(true, client_t, RST | ACK, &[], a);
                self.set_release(client_t, None);
            }
            Close::ClientFirst => {
                let (fin_arrives_back, _) = self.fin_dance(true, client_t);
                let tw_end = fin_arrives_back + self.spec.client.os.time_wait_ns;
                self.set_release(tw_end, Some(fin_arrives_back));
            }
            Close::ServerFirst => {
                let (_, last_ack_arrives) = self.fin_dance(false, server_t);
                self.set_release(last_ack_arrives, None);
            }
        }
    }

    /// Returns (when the closer received the peer's FIN and sent the last ACK, when that ACK
    /// arrived at the peer).
    fn fin_dance(&mut self, client_closes: bool, t: i64) -> (i64, i64) {
        let closer = client_closes;
        let a = self.ack_of(closer);
        let arr = self.emit(closer, t, FIN | ACK, &[], a);
        self.fin_received(!closer);
        let peer_t = arr + self.rng.range(20 * US, 120 * US);
        let fin_back = if self.rng.chance(0.7) {
            let a = self.ack_of(!closer);
            self.emit(!closer, peer_t, FIN | ACK, &[], a)
        } else {
            let a = self.ack_of(!closer);
            self.emit(!closer, peer_t, ACK, &[], a);
            let later = peer_t + self.rng.range(MS, 5 * MS);
            self.emit(!closer, later, FIN | ACK, &[], a)
        };
        self.fin_received(closer);
        let a = self.ack_of(closer);
        let done = fin_back + self.rng.range(10 * US, 40 * US);
        let arr = self.emit(closer, done, ACK, &[], a);
        (done, arr)
    }

    fn ack_of(&self, from_client: bool) -> u32 {
        if from_client {
            self.c.rcv
        } else {
            self.s.rcv
        }
    }

    /// The given side has received the peer's FIN (which takes one sequence number).
    fn fin_received(&mut self, by_client: bool) {
        if by_client {
            self.c.rcv = self.s.nxt;
        } else {
            self.s.rcv = self.c.nxt;
        }
    }
}
