//! pcapng: section headers and interface descriptions change how the packet blocks after them
//! are read; enhanced and simple packet blocks carry the packets; every other block is counted
//! and skipped.

use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapNGPacketBlock;

use super::{warn, Interface, Layout, Record, Step};
use crate::source::{Warning, WarningKind};

impl Layout {
    /// One pcapng block: what it changes in the layout, and the packet it holds if any.
    /// `next_index` counts a packet skipped for want of its interface.
    pub(super) fn pcapng_block(
        &mut self,
        block: Block<'_>,
        offset: usize,
        next_index: &mut u64,
        buf: &mut Vec<u8>,
        warnings: &mut Vec<Warning>,
    ) -> Step {
        match block {
            Block::SectionHeader(shb) => {
                if *next_index > 0 || !self.interfaces.is_empty() {
                    self.section += 1;
                }
                self.big_endian = shb.big_endian();
                self.interfaces.clear();
                Step::Skip(offset)
            }
            Block::InterfaceDescription(idb) => {
                let units = match units_per_second(idb.if_tsresol) {
                    Some(u) if u > 0 => u,
                    _ => {
                        warnings.push(warn(
                            WarningKind::BadTsresol,
                            None,
                            format!(
                                "interface {} has an invalid if_tsresol ({:#04x}); assuming microseconds",
                                self.interfaces.len(),
                                idb.if_tsresol
                            ),
                        ));
                        1_000_000
                    }
                };
                self.interfaces.push(Interface {
                    linktype: idb.linktype.0 as u16,
                    snaplen: idb.snaplen,
                    units_per_sec: units,
                    offset_s: idb.if_tsoffset,
                });
                Step::Skip(offset)
            }
            Block::EnhancedPacket(epb) => match self.interfaces.get(epb.if_id as usize).copied() {
                Some(iface) => {
                    let units = ((epb.ts_high as u64) << 32) | epb.ts_low as u64;
                    let ts_ns = units_to_ns(units, iface);
                    let caplen = (epb.caplen as usize).min(epb.data.len());
                    buf.clear();
                    buf.extend_from_slice(&epb.data[..caplen]);
                    Step::Packet(Record {
                        offset,
                        in_reader: None,
                        ts_ns: Some(ts_ns),
                        linktype: iface.linktype,
                        interface: epb.if_id,
                        orig_len: epb.origlen,
                    })
                }
                None => {
                    self.unknown_interface += 1;
                    *next_index += 1;
                    Step::Skip(offset)
                }
            },
            Block::SimplePacket(spb) => match self.interfaces.first().copied() {
                Some(iface) => {
                    let data = spb.packet_data();
                    let keep = if iface.snaplen > 0 {
                        data.len().min(iface.snaplen as usize)
                    } else {
                        data.len()
                    };
                    buf.clear();
                    buf.extend_from_slice(&data[..keep]);
                    // SPBs carry no timestamp (pcapng spec §4.4).
                    Step::Packet(Record {
                        offset,
                        in_reader: None,
                        ts_ns: None,
                        linktype: iface.linktype,
                        interface: 0,
                        orig_len: spb.origlen,
                    })
                }
                None => {
                    self.unknown_interface += 1;
                    *next_index += 1;
                    Step::Skip(offset)
                }
            },
            other => {
                let name = match other {
                    Block::NameResolution(_) => "name resolution",
                    Block::InterfaceStatistics(_) => "interface statistics",
                    Block::SystemdJournalExport(_) => "systemd journal",
                    Block::DecryptionSecrets(_) => "decryption secrets",
                    Block::ProcessInformation(_) => "process information",
                    Block::Custom(_) => "custom",
                    _ => "unknown",
                };
                *self.skipped_blocks.entry(name).or_default() += 1;
                Step::Skip(offset)
            }
        }
    }
}

/// pcapng `if_tsresol` → timestamp units per second (pcapng spec §4.2: high bit clear = 10^-n s,
/// set = 2^-n s). Written here because pcap-parser 0.17's `build_ts_resolution` checks the 2^-n
/// exponent before masking the high bit, so it rejects every power-of-two resolution.
fn units_per_second(tsresol: u8) -> Option<u64> {
    let exp = (tsresol & 0x7f) as u32;
    if tsresol & 0x80 == 0 {
        10u64.checked_pow(exp)
    } else {
        1u64.checked_shl(exp).filter(|_| exp < 64)
    }
}

fn units_to_ns(units: u64, iface: Interface) -> i64 {
    let ns = (units as u128 * 1_000_000_000u128) / iface.units_per_sec as u128;
    let ns = i64::try_from(ns).unwrap_or(i64::MAX);
    ns.saturating_add(iface.offset_s.saturating_mul(1_000_000_000))
}
