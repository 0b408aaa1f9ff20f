//! A connection while the tracker follows it: its record and the sequence bookkeeping only the
//! following needs. The bookkeeping lives in a table of its own beside the records, so that the
//! finished records, which every later stage reads many times, are a fifth smaller; [`Live`]
//! puts the two together for the tracker's steps ([`super::tracker`]) and Zeek's vocabulary
//! ([`super::zeek`]).

use super::{Connection, Role};

/// Per-endpoint sequence bookkeeping (index 0 = client, 1 = server). Not serialized.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SeqTrack {
    /// Sequence number of the endpoint's SYN.
    pub(crate) isn: [Option<u32>; 2],
    /// Sequence number of the endpoint's FIN.
    pub(crate) fin_seq: [Option<u32>; 2],
    /// The peer acknowledged this endpoint's SYN / FIN.
    pub(crate) syn_acked: [bool; 2],
    pub(crate) fin_acked: [bool; 2],
    /// This endpoint has processed the peer's SYN / FIN.
    pub(crate) got_syn: [bool; 2],
    pub(crate) got_fin: [bool; 2],
    /// It sent a SYN without ACK / a SYN-ACK / a RST.
    pub(crate) sent_syn: [bool; 2],
    pub(crate) sent_synack: [bool; 2],
    pub(crate) sent_rst: [bool; 2],
    /// The first FIN captured. It is the connection's `closed_first` only when both directions
    /// are in the capture: with one missing, the unseen end may have closed earlier.
    pub(crate) first_fin: Option<Role>,
    /// When the connection first counted as ended.
    pub(crate) ended_at: Option<i64>,
    /// Zeek history: the sequence number of the last SYN/SYN-ACK/FIN/RST letter per direction.
    pub(crate) history_seq: [[u32; 4]; 2],
    /// Which `history_seq` slots hold a number (bit `4 × direction + letter`); a bitmask keeps
    /// the record 30 bytes smaller than `Option`s.
    pub(crate) history_seen: u8,
}

/// A connection while the tracker follows it: its record, and the sequence bookkeeping only
/// the following needs. The two live in separate tables so that the finished records, which
/// every later stage reads many times, are a fifth smaller; the record's fields read through
/// this as its own.
pub(crate) struct Live<'a> {
    pub(crate) c: &'a mut Connection,
    pub(crate) seq: &'a mut SeqTrack,
}

impl std::ops::Deref for Live<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.c
    }
}

impl std::ops::DerefMut for Live<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.c
    }
}
