//! Lists kept per (key, column): what a read of a key can find on each chain.

use std::collections::HashMap;

/// For each key, one list per column that has entries for it, in column order (entries
/// are appended as the sweep places events, so each list is sorted by position).
#[derive(Debug)]
pub(crate) struct Lists<T> {
    index: HashMap<(usize, u32), usize>,
    by_key: Vec<Vec<usize>>,
    lists: Vec<(u32, Vec<T>)>,
}

impl<T> Lists<T> {
    /// Empty lists for `keys` keys.
    pub(crate) fn new(keys: usize) -> Self {
        Lists {
            index: HashMap::new(),
            by_key: (0..keys).map(|_| Vec::new()).collect(),
            lists: Vec::new(),
        }
    }

    /// Appends `item` to the list of (`key`, `col`).
    pub(crate) fn push(&mut self, key: usize, col: u32, item: T) {
        let next = self.lists.len();
        let at = *self.index.entry((key, col)).or_insert(next);
        if at == next {
            self.lists.push((col, Vec::new()));
            self.by_key[key].push(at);
        }
        self.lists[at].1.push(item);
    }

    /// The lists of `key`, each with its column.
    pub(crate) fn of_key(&self, key: usize) -> impl Iterator<Item = (u32, &[T])> + '_ {
        self.by_key[key].iter().map(|&at| {
            let (col, list) = &self.lists[at];
            (*col, list.as_slice())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_kept_per_key_and_column() {
        let mut l = Lists::new(2);
        l.push(1, 7, 'a');
        l.push(0, 7, 'b');
        l.push(1, 3, 'c');
        l.push(1, 7, 'd');
        let one: Vec<(u32, Vec<char>)> = l.of_key(1).map(|(c, v)| (c, v.to_vec())).collect();
        assert_eq!(one, vec![(7, vec!['a', 'd']), (3, vec!['c'])]);
        assert_eq!(l.of_key(0).count(), 1);
    }
}
