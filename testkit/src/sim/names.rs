//! Names for what happens in a world: 64-bit digests that are equal in two runs when the
//! same thing happened, so that the explorer (see `explore`) can tell it has reached a
//! state it already explored from.
//!
//! Nodes are deterministic: a node's state is a function of the inputs it handled, in
//! order, and of the times it handled them. So each node keeps a digest of its inputs,
//! and each message is named by its sender's digest when it was sent and its place among
//! that handler's sends: two runs that sent "the same message" give it the same name,
//! whatever the message holds. Nothing here looks at a node's state or a message's
//! contents: those are the student's types, and a digest through their `Hash` or
//! `Debug` would let a submission decide what the explorer treats as the same.

/// One step of SplitMix64's output function: a good 64-bit mixer.
fn spread(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The digest of `a` followed by `b`: order matters.
pub(super) fn mix(a: u64, b: u64) -> u64 {
    spread(a ^ spread(b))
}

/// The digest of a text (a timer's name).
pub(super) fn text(s: &str) -> u64 {
    s.bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| mix(h, u64::from(b)))
}

/// Tags, so that inputs of different kinds never share a name.
pub(super) const NODE: u64 = 1;
pub(super) const START: u64 = 2;
pub(super) const TICK: u64 = 3;
pub(super) const TIMER: u64 = 4;
pub(super) const REQUEST: u64 = 5;
pub(super) const SEND: u64 = 6;
pub(super) const FRESH: u64 = 7;
pub(super) const ENDED: u64 = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_content_change_the_digest() {
        assert_ne!(mix(1, 2), mix(2, 1));
        assert_ne!(mix(mix(0, 1), 2), mix(mix(0, 2), 1));
        assert_eq!(mix(7, 8), mix(7, 8));
        assert_ne!(text("vote"), text("tick"));
        assert_eq!(text("vote"), text("vote"));
    }
}
