//! The hidden suite of 06_sequential: a register replicated through a sequencer keeps
//! each rule of the README (checked event by event by a monitor that reads the world's
//! trace, in hand-built runs, in every order of small ones and in random ones), and the
//! student's scenario, played here on the course's own register, shows that it is not
//! linearizable.
//!
//! Every value a verdict reads is of a type the course wrote (`sequential_given`), every
//! history and trace is recorded here by the world, and the student's replica reports
//! only its own state (`value()`, `applied()`, std types): nothing the student's crate
//! implements for a type of its own decides a result.
//!
//! | file | concern |
//! | --- | --- |
//! | `world.rs` | the exercise's network, the student's replicas, histories |
//! | `explain.rs` | the words of failures |
//! | `monitor.rs` | the rules of task `sequential`, read off a world's trace |
//! | `drive.rs` | running a world with the monitor after every event |
//! | `scripted.rs` | hand-built runs, one rule each |
//! | `explored.rs` | every schedule of small worlds, within bounds |
//! | `random.rs` | random runs until every situation came up, shrunk on failure |
//! | `course.rs` | the course's own replica, for task `not_linearizable` |
//! | `stale.rs` | the student's scenario, played on the course's replica |
//! | `student.rs` | the exercise as the bridge hands it over |
//!
//! The suite is a library that never sees the exercise: `bridge.rs`, the binary, hands
//! it the student's replica and scenario behind the traits of `student` (see
//! `docs/src/authors.md`, "A suite with a bridge").

mod course;
mod drive;
mod explain;
mod explored;
mod monitor;
mod random;
mod scripted;
mod stale;
pub mod student;
mod world;

suite_harness::suite! {
    fn run;
    "sequential" => [
        scripted::a_new_replica_is_empty [1],
        scripted::a_read_is_answered_at_once_from_the_local_copy [2],
        scripted::a_copy_of_a_submit_is_numbered_once [3, 4, 5],
        scripted::two_writes_of_one_value_are_two_writes [6],
        scripted::an_early_write_waits_for_its_turn [7],
        explored::every_order_of_writes_at_one_instant [7, 13],
        explored::every_order_of_copies [5, 8],
        scripted::clients_sharing_a_replica_each_get_their_own_answer [9, 10],
        random::a_client_reads_its_own_write [9],
        scripted::writes_return_whatever_the_tick [11],
        scripted::clusters_of_every_size [4, 12],
        random::random_schedules_are_sequentially_consistent [3, 4, 5, 7, 8, 9, 10, 13],
    ],
    "not_linearizable" => [
        stale::the_scenario_is_well_formed [1, 2],
        stale::the_run_is_sequential_but_not_linearizable [3, 4],
        stale::the_run_makes_its_point_at_every_speed [5],
    ],
}
