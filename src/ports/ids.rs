//! Dense ids for keys met in runs: the rows of the timeline, the pools' groups and the
//! findings' client hosts all number what they group this way, then bucket by id with a
//! counting sort ([`bucket_starts`]) rather than keep a list per key.

use std::hash::Hash;

use foldhash::HashMap;

/// Each key's id, in order of first sight (0, 1, 2, …). Neighbours mostly share a key (one
/// connection's phases, one busy host's connections), so the last key's id is remembered and a
/// run costs one lookup.
pub(crate) struct Ids<K> {
    ids: HashMap<K, u32>,
    keys: Vec<K>,
    last: Option<(K, u32)>,
}

impl<K: Copy + Eq + Hash> Ids<K> {
    pub(crate) fn new() -> Self {
        Ids {
            ids: HashMap::default(),
            keys: Vec::new(),
            last: None,
        }
    }

    /// Room for `n` keys before the table grows.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Ids {
            ids: HashMap::with_capacity_and_hasher(n, Default::default()),
            keys: Vec::with_capacity(n),
            last: None,
        }
    }

    /// `k`'s id: the next one if `k` is new.
    pub(crate) fn of(&mut self, k: K) -> u32 {
        match self.last {
            Some((lk, id)) if lk == k => id,
            _ => {
                let keys = &mut self.keys;
                let id = *self.ids.entry(k).or_insert_with(|| {
                    keys.push(k);
                    keys.len() as u32 - 1
                });
                self.last = Some((k, id));
                id
            }
        }
    }

    /// The keys by id.
    pub(crate) fn into_keys(self) -> Vec<K> {
        self.keys
    }
}

/// Where each id's bucket starts in one flat array holding `per` slots for every item with that
/// id: id `i`'s bucket is `starts[i]..starts[i + 1]`. Ids of `n` or more (a "no group" mark)
/// get no slots.
pub(crate) fn bucket_starts(n: usize, ids: impl Iterator<Item = u32>, per: usize) -> Vec<usize> {
    let mut sizes = vec![0usize; n];
    for id in ids.filter(|&id| (id as usize) < n) {
        sizes[id as usize] += per;
    }
    starts_of(&sizes)
}

/// Where each bucket starts in one flat array, given their sizes: bucket `i` is
/// `starts[i]..starts[i + 1]`.
pub(crate) fn starts_of(sizes: &[usize]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(sizes.len() + 1);
    starts.push(0);
    for &n in sizes {
        starts.push(starts[starts.len() - 1] + n);
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_first_sight_and_a_key_keeps_its_id_after_others() {
        let mut ids = Ids::new();
        let seen: Vec<u32> = ["b", "b", "a", "b", "c", "a"].map(|k| ids.of(k)).to_vec();
        assert_eq!(seen, [0, 0, 1, 0, 2, 1]);
        assert_eq!(ids.into_keys(), ["b", "a", "c"]);
    }

    #[test]
    fn buckets_follow_each_other_in_id_order_and_a_mark_past_the_ids_gets_none() {
        let starts = bucket_starts(3, [2, 0, 2, u32::MAX, 2].into_iter(), 2);
        assert_eq!(starts, [0, 2, 2, 8]);
    }
}
