//! Live capture from a network interface with pnet (Linux AF_PACKET; no libpcap needed).
//!
//! Platform facts handled here rather than ignored:
//! - Opening a packet socket needs CAP_NET_RAW: without it [`LiveError::NoPermission`] says how
//!   to grant it.
//! - On Linux loopback an AF_PACKET socket sees each packet twice, once outgoing and once
//!   incoming. libpcap drops the outgoing copy on `lo`; we ask the kernel not to deliver outgoing
//!   packets to our socket on loopback interfaces (`PACKET_IGNORE_OUTGOING`, Linux ≥ 4.20, see
//!   packet(7)), so each packet is counted once. On older kernels a byte-identical frame
//!   immediately following its twin is dropped instead.
//! - pnet gives no kernel timestamps: packets are stamped with the system wall clock
//!   (CLOCK_REALTIME) when portlife reads them, which lags the kernel's receive time by the
//!   socket's queueing delay (microseconds on an idle machine).
//! - An interface that goes down mid-capture ends the capture with [`LiveError::InterfaceDown`];
//!   whatever was written so far stays written.

use std::io;
use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pnet_datalink::{self as datalink, Channel, DataLinkReceiver, NetworkInterface};
use serde::Serialize;

use super::Packet;
use crate::decode::linktype;

/// What `portlife interfaces` lists.
#[derive(Debug, Clone, Serialize)]
pub struct InterfaceInfo {
    pub name: String,
    pub addresses: Vec<IpAddr>,
    pub up: bool,
    pub loopback: bool,
}

/// The machine's interfaces, loopback first, then by name.
pub fn interfaces() -> Vec<InterfaceInfo> {
    let mut v: Vec<InterfaceInfo> = datalink::interfaces()
        .into_iter()
        .map(|i| InterfaceInfo {
            addresses: i.ips.iter().map(|n| n.ip()).collect(),
            up: i.is_up(),
            loopback: i.is_loopback(),
            name: i.name,
        })
        .collect();
    v.sort_by(|a, b| b.loopback.cmp(&a.loopback).then(a.name.cmp(&b.name)));
    v
}

/// Why a live capture could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(
        "capturing on {iface} needs the CAP_NET_RAW capability (and CAP_NET_ADMIN for promiscuous \
         mode): run with sudo, or grant it once with \
         `sudo setcap cap_net_raw,cap_net_admin=eip {binary}`"
    )]
    NoPermission { iface: String, binary: String },
    #[error("no interface named {name}; available: {available}")]
    NoSuchInterface { name: String, available: String },
    #[error("interface {iface} went down; capture ended")]
    InterfaceDown { iface: String },
    #[error("capture on {iface} failed: {source}")]
    Io { iface: String, source: io::Error },
}

/// A running capture on one interface.
pub struct LiveSource {
    rx: Box<dyn DataLinkReceiver>,
    iface: String,
    loopback: bool,
    /// Whether the kernel already drops loopback's outgoing copies for us.
    kernel_dedup: bool,
    buf: Vec<u8>,
    prev: Vec<u8>,
    prev_ts_ns: i64,
    next_index: u64,
    duplicates_dropped: u64,
}

const PACKET_IGNORE_OUTGOING: libc::c_int = 23;

impl LiveSource {
    /// Open `name` for capture. `promiscuous` also asks for frames not addressed to this host.
    pub fn open(name: &str, promiscuous: bool) -> Result<Self, LiveError> {
        let all = datalink::interfaces();
        let Some(iface) = all.iter().find(|i| i.name == name).cloned() else {
            return Err(LiveError::NoSuchInterface {
                name: name.to_string(),
                available: all
                    .iter()
                    .map(|i| i.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let loopback = iface.is_loopback();
        let (socket_fd, kernel_dedup) = open_packet_socket(&iface, loopback)?;
        let config = datalink::Config {
            read_timeout: Some(Duration::from_millis(100)),
            read_buffer_size: 65536 + 64,
            promiscuous,
            socket_fd: Some(socket_fd),
            ..Default::default()
        };
        let rx = match datalink::channel(&iface, config) {
            Ok(Channel::Ethernet(_tx, rx)) => rx,
            Ok(_) => {
                return Err(LiveError::Io {
                    iface: name.to_string(),
                    source: io::Error::other("unsupported channel type"),
                })
            }
            Err(e) => return Err(map_open_error(name, e)),
        };
        Ok(LiveSource {
            rx,
            iface: name.to_string(),
            loopback,
            kernel_dedup,
            buf: Vec::with_capacity(65536),
            prev: Vec::new(),
            prev_ts_ns: 0,
            next_index: 0,
            duplicates_dropped: 0,
        })
    }

    pub fn interface(&self) -> &str {
        &self.iface
    }

    /// Link type of the frames this source yields (Linux gives Ethernet framing on `lo` too).
    pub fn linktype(&self) -> u16 {
        linktype::ETHERNET
    }

    /// Loopback copies dropped in user space (only on kernels without PACKET_IGNORE_OUTGOING).
    pub fn duplicates_dropped(&self) -> u64 {
        self.duplicates_dropped
    }

    /// The next frame, or `Ok(None)` when none arrived within the read timeout (100 ms), so the
    /// caller can check its clock and Ctrl-C between packets.
    pub fn next_packet(&mut self) -> Result<Option<Packet<'_>>, LiveError> {
        loop {
            let frame = match self.rx.next() {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::TimedOut => return Ok(None),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(None),
                Err(e) if e.raw_os_error() == Some(libc::ENETDOWN) => {
                    return Err(LiveError::InterfaceDown {
                        iface: self.iface.clone(),
                    })
                }
                Err(e) => {
                    return Err(LiveError::Io {
                        iface: self.iface.clone(),
                        source: e,
                    })
                }
            };
            let ts_ns = now_ns();
            if self.loopback && !self.kernel_dedup {
                // The twin of a loopback packet follows it at once with the same bytes.
                if frame == self.prev.as_slice() && ts_ns - self.prev_ts_ns < 1_000_000 {
                    self.duplicates_dropped += 1;
                    self.prev.clear();
                    continue;
                }
                self.prev.clear();
                self.prev.extend_from_slice(frame);
                self.prev_ts_ns = ts_ns;
            }
            self.buf.clear();
            self.buf.extend_from_slice(frame);
            let index = self.next_index;
            self.next_index += 1;
            return Ok(Some(Packet {
                index,
                ts_ns,
                ts_known: true,
                linktype: linktype::ETHERNET,
                interface: 0,
                data: &self.buf,
                orig_len: self.buf.len() as u32,
            }));
        }
    }
}

/// System wall clock now, ns since the Unix epoch.
pub fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

fn map_open_error(iface: &str, e: io::Error) -> LiveError {
    if e.kind() == io::ErrorKind::PermissionDenied || e.raw_os_error() == Some(libc::EPERM) {
        LiveError::NoPermission {
            iface: iface.to_string(),
            binary: std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "portlife".into()),
        }
    } else {
        LiveError::Io {
            iface: iface.to_string(),
            source: e,
        }
    }
}

/// Create the AF_PACKET socket ourselves so loopback can ignore outgoing copies; pnet binds it.
fn open_packet_socket(iface: &NetworkInterface, loopback: bool) -> Result<(i32, bool), LiveError> {
    let proto = (libc::ETH_P_ALL as u16).to_be() as libc::c_int;
    // SAFETY: plain socket(2) call; the fd is handed to pnet, which owns and closes it.
    let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW, proto) };
    if fd < 0 {
        return Err(map_open_error(&iface.name, io::Error::last_os_error()));
    }
    let mut kernel_dedup = false;
    if loopback {
        let one: libc::c_int = 1;
        // SAFETY: setsockopt with a pointer to a live c_int and its exact size.
        let rc = unsafe {
            libc::setsockopt(
                fd,
                libc::SOL_PACKET,
                PACKET_IGNORE_OUTGOING,
                &one as *const libc::c_int as *const libc::c_void,
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        kernel_dedup = rc == 0;
    }
    Ok((fd, kernel_dedup))
}
