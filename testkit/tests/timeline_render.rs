//! Exact pictures of small histories.

use pretty_assertions::assert_eq;
use testkit::history::timeline::{Options, Timeline, render};
use testkit::history::{Action, History, Operation};

fn history(ops: impl IntoIterator<Item = Operation>) -> History {
    History::from_ops(ops).unwrap()
}

/// Client 0 writes and then reads; client 1 reads across the write's return.
fn two_clients() -> History {
    history([
        Operation::write(0, 1, 0, 20),
        Operation::read(1, Some(1.into()), 10, 30),
        Operation::read(0, Some(1.into()), 25, 40),
    ])
}

/// Client 0's cas times out and client 0 goes on; client 1 writes then reads.
fn with_unknown() -> History {
    let cas = Action::Cas {
        from: Some(1.into()),
        to: 2.into(),
    };
    history([
        Operation::write(1, 1, 0, 10),
        Operation::unknown(0, cas, 5),
        Operation::read(1, Some(1.into()), 12, 20),
        Operation::read(0, Some(2.into()), 15, 18),
    ])
}

#[test]
fn overlapping_operations_of_two_clients() {
    assert_eq!(
        render(&two_clients(), &Options::new()),
        "c0 [w(1)-][r:1-]\n\
         c1  [r:1---]\n"
    );
}

#[test]
fn a_return_and_the_next_call_at_the_same_time_touch() {
    // The third operation returns at the instant it is called.
    let h = history([
        Operation::write(0, 1, 0, 5),
        Operation::read(0, Some(1.into()), 5, 9),
        Operation::write(0, 2, 9, 9),
        Operation::read(0, Some(2.into()), 9, 12),
    ]);
    assert_eq!(
        render(&h, &Options::new()),
        "c0 [w(1)-][r:1-][w(2)-][r:2-]\n"
    );
    assert_eq!(
        render(&h, &Options::new().times(true)),
        "   0     5     9            12\n\
         c0 [w(1)-][r:1-][w(2)-][r:2-]\n"
    );
}

#[test]
fn times_spread_columns_so_they_do_not_collide() {
    let h = history([
        Operation::write(0, 1, 1_000, 2_000),
        Operation::read(1, Some(1.into()), 1_500, 1_600),
    ]);
    assert_eq!(
        render(&h, &Options::new().times(true)),
        "   1000 1500 1600 2000\n\
         c0 [w(1)----------]\n\
         c1      [r:1-]\n"
    );
}

#[test]
fn unknown_outcomes_run_open_to_the_edge_and_later_ops_take_a_new_row() {
    assert_eq!(
        render(&with_unknown(), &Options::new()),
        "c0  [cas(1->2)?--->\n\
         c0         [r:2-]\n\
         c1 [w(1)-][r:1---]\n"
    );
}

#[test]
fn failed_operations_are_marked() {
    let h = history([
        Operation::failed(0, Action::Write(1.into()), 0, 4),
        Operation::read(1, None, 2, 6),
    ]);
    assert_eq!(
        render(&h, &Options::new()),
        "c0 [w(1)!-]\n\
         c1  [r:nil-]\n"
    );
}

#[test]
fn highlighted_operations_use_a_double_bar_and_a_legend() {
    assert_eq!(
        render(&with_unknown(), &Options::new().highlight([1, 2])),
        "c0  [cas(1->2)?===>\n\
         c0         [r:2-]\n\
         c1 [w(1)-][r:1===]\n\
         [==] highlighted: ops 1, 2\n"
    );
}

#[test]
fn a_subset_keeps_only_its_clients_and_its_own_columns() {
    let h = history([
        Operation::write(0, 1, 0, 20),
        Operation::read(1, Some(1.into()), 10, 30),
        Operation::write(2, 2, 5, 8),
        Operation::read(0, Some(1.into()), 25, 40),
    ]);
    let full = render(&h, &Options::new());
    assert!(full.contains("c2 "), "{full}");
    // Id 99 is not in the history and is ignored.
    let part = render(&h, &Options::new().only([0, 1, 3, 99]));
    assert_eq!(part, render(&two_clients(), &Options::new()));
    // A highlight outside the subset is not drawn, so it gets no legend.
    assert_eq!(
        render(&h, &Options::new().only([0, 1, 3]).highlight([2])),
        part
    );
    assert_eq!(render(&h, &Options::new().only([])), "(no operations)\n");
}

#[test]
fn keys_prefix_the_labels() {
    let h = history([
        Operation::append(0, "ab", 0, 10).on("x"),
        Operation::read(1, Some("ab".into()), 4, 6).on("x"),
    ]);
    assert_eq!(
        render(&h, &Options::new()),
        "c0 [x.a(\"ab\")--]\n\
         c1  [x.r:\"ab\"-]\n"
    );
}

#[test]
fn characters_that_are_not_printable_ascii_are_escaped() {
    let h = history([Operation::write(0, 1, 0, 1).on("\u{e9}")]);
    assert_eq!(render(&h, &Options::new()), "c0 [\\u{e9}.w(1)-]\n");
}

#[test]
fn the_margin_fits_the_widest_client_name() {
    let h = history([
        Operation::write(0, 1, 0, 1),
        Operation::read(10, Some(1.into()), 2, 3),
    ]);
    assert_eq!(
        render(&h, &Options::new()),
        "c0  [w(1)-]\n\
         c10        [r:1-]\n"
    );
}

#[test]
fn an_empty_history_says_so() {
    assert_eq!(
        render(&History::new(), &Options::new()),
        "(no operations)\n"
    );
}

#[test]
fn too_wide_rows_are_cut_with_a_note() {
    assert_eq!(
        render(&two_clients(), &Options::new().max_width(12)),
        "(timeline cut to 12 of 16 columns)\n\
         c0 [w(1)-][…\n\
         c1  [r:1---]\n"
    );
    // Wide enough: nothing changes.
    assert_eq!(
        render(&two_clients(), &Options::new().max_width(16)),
        render(&two_clients(), &Options::new())
    );
}

#[test]
fn the_display_wrapper_prints_the_same_text() {
    let options = Options::new().highlight([0]).times(true);
    assert_eq!(
        Timeline::new(&two_clients(), options.clone()).to_string(),
        render(&two_clients(), &options)
    );
}
