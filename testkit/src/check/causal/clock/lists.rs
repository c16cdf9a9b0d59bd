//! Lists kept per (key, column): what a read of a key can find on each chain, and the same
//! entries per key in the order they were added (the sweep's order, so by rank).

use std::collections::HashMap;

/// For each key, one list per column that has entries for it, in column order (entries
/// are appended as the sweep places events, so each list is sorted by position), and
/// every entry of the key with its column, in the order added.
#[derive(Debug)]
pub(crate) struct Lists<T> {
    index: HashMap<(usize, u32), usize>,
    by_key: Vec<Vec<usize>>,
    lists: Vec<(u32, Vec<T>)>,
    added: Vec<Vec<(u32, T)>>,
}

impl<T: Copy> Lists<T> {
    /// Empty lists for `keys` keys.
    pub(crate) fn new(keys: usize) -> Self {
        Lists {
            index: HashMap::new(),
            by_key: (0..keys).map(|_| Vec::new()).collect(),
            lists: Vec::new(),
            added: (0..keys).map(|_| Vec::new()).collect(),
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
        self.added[key].push((col, item));
    }

    /// Every entry of `key` with its column, in the order added.
    pub(crate) fn in_order(&self, key: usize) -> &[(u32, T)] {
        &self.added[key]
    }

    /// How many columns have entries for `key`.
    pub(crate) fn columns(&self, key: usize) -> usize {
        self.by_key[key].len()
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
        assert_eq!(l.in_order(1), &[(7, 'a'), (3, 'c'), (7, 'd')]);
        assert_eq!(l.columns(1), 2);
    }
}
