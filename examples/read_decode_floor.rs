//! The speed floor for `portlife report`: read a capture with pcap-parser and decode each packet
//! with etherparse, nothing else (no portlife code). scripts/bench.sh times it beside the report.
//!
//!     cargo run --release --example read_decode_floor -- FILE

use std::fs::File;

use pcap_parser::{PcapBlockOwned, PcapError};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: read_decode_floor FILE");
    let file = File::open(&path).expect("open");
    let mut reader = pcap_parser::create_reader(1 << 20, file).expect("capture");
    let (mut packets, mut tcp) = (0u64, 0u64);
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                if let PcapBlockOwned::Legacy(b) = block {
                    packets += 1;
                    if let Ok(p) = etherparse::SlicedPacket::from_ethernet(b.data) {
                        if matches!(p.transport, Some(etherparse::TransportSlice::Tcp(_))) {
                            tcp += 1;
                        }
                    }
                }
                reader.consume(offset);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => reader.refill().expect("refill"),
            Err(e) => panic!("{e:?}"),
        }
    }
    println!("{packets} packets, {tcp} TCP");
}
