//! A fixed-size set of small integers, one bit per possible member.
//!
//! The causal checker stores, for every operation, the set of writes that happen before
//! it. With a few thousand writes a bit per write keeps that table to a few megabytes and
//! makes the union along every edge a loop over machine words. A `BTreeSet` per operation
//! was the rejected alternative: the same answers, but the closure would cost a pointer
//! chase per member instead of one `|` per 64 members.

/// A set of integers below the length given to [`Bits::new`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// An empty set that can hold `0..len`.
    pub(crate) fn new(len: usize) -> Self {
        Bits {
            words: vec![0; len.div_ceil(64)],
        }
    }

    /// Adds `i`; returns whether it was new.
    pub(crate) fn insert(&mut self, i: usize) -> bool {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        let fresh = self.words[word] & bit == 0;
        self.words[word] |= bit;
        fresh
    }

    /// Whether `i` is a member.
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    /// Adds every member of `other` (which must have the same capacity).
    pub(crate) fn union_with(&mut self, other: &Bits) {
        for (mine, theirs) in self.words.iter_mut().zip(&other.words) {
            *mine |= theirs;
        }
    }

    /// The members, in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        ones(self.words.iter().copied())
    }

    /// The members of both `self` and `other`, in increasing order.
    pub(crate) fn iter_and<'a>(&'a self, other: &'a Bits) -> impl Iterator<Item = usize> + 'a {
        ones(self.words.iter().zip(&other.words).map(|(a, b)| a & b))
    }

    /// The members of `self` that are not in `other`, in increasing order.
    pub(crate) fn iter_minus<'a>(&'a self, other: &'a Bits) -> impl Iterator<Item = usize> + 'a {
        ones(self.words.iter().zip(&other.words).map(|(a, b)| a & !b))
    }
}

/// The positions of the set bits in a sequence of words.
fn ones(words: impl Iterator<Item = u64>) -> impl Iterator<Item = usize> {
    words.enumerate().flat_map(|(index, mut word)| {
        std::iter::from_fn(move || {
            if word == 0 {
                return None;
            }
            let bit = word.trailing_zeros() as usize;
            // Clear the lowest set bit.
            word &= word - 1;
            Some(index * 64 + bit)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_contains_and_iterate_across_words() {
        let mut s = Bits::new(130);
        assert!(s.insert(0));
        assert!(s.insert(64));
        assert!(s.insert(129));
        assert!(!s.insert(64));
        assert!(s.contains(129) && !s.contains(1) && !s.contains(500));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 64, 129]);
    }

    #[test]
    fn union_and_intersection() {
        let (mut a, mut b) = (Bits::new(100), Bits::new(100));
        a.insert(3);
        a.insert(70);
        b.insert(70);
        b.insert(99);
        assert_eq!(a.iter_and(&b).collect::<Vec<_>>(), vec![70]);
        assert_eq!(a.iter_minus(&b).collect::<Vec<_>>(), vec![3]);
        a.union_with(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![3, 70, 99]);
    }
}
