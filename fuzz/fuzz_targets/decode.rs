//! Decoding one frame: the first two bytes pick the link type (biased towards the supported
//! ones), the rest is the frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portlife::decode;

/// Link types portlife decodes (DESIGN.md), so most inputs reach a real decoder; Ethernet and
/// raw IP twice more, since every tunnel peeler is reached through them.
const LINKTYPES: [u16; 23] = [
    1, 0, 12, 14, 101, 108, 113, 239, 276, 228, 229, 9, 50, 51, 104, 105, 127, 242, 178, 1, 1, 101,
    101,
];

fuzz_target!(|data: &[u8]| {
    let Some((&[a, b], frame)) = data.split_first_chunk::<2>().map(|(h, f)| (h, f)) else {
        return;
    };
    let lt = if a & 0x80 == 0 {
        LINKTYPES[usize::from(b) % LINKTYPES.len()]
    } else {
        u16::from_be_bytes([a & 0x7f, b])
    };
    // Payload lengths come from the IP header (the wire length, also for a frame cut by the
    // snaplen), so only "no panic" and a consistent answer are checked.
    let first = decode::decode_layers(lt, frame);
    let again = decode::decode_layers(lt, frame);
    assert_eq!(format!("{first:?}"), format!("{again:?}"));
    assert!(!first.0.protocol_label().is_empty());
    assert!(first.1.path.len() <= decode::encap::MAX_DEPTH);
});
