//! A few checks to run while you work: `cargo test -p classification`. The hidden tests
//! go much further (every combination of requirements, many PACELC settings, a thousand
//! generated histories compared with the test kit's checkers).

use classification::{
    Behaviour, Exactness, History, Latency, Level, Models, Operation, Order, Pacelc, Requirements,
    choose, classify, satisfies,
};

#[test]
fn a_bank_transfer_needs_linearizability() {
    let transfer = Requirements {
        exactness: Exactness::Exact,
        order: Order::SameForEveryone,
        own_writes: true,
        latency: Latency::Sensitive,
    };
    assert_eq!(choose(&transfer), Level::Linearizable);
}

#[test]
fn likes_can_be_eventual() {
    let likes = Requirements {
        exactness: Exactness::MayLag,
        order: Order::Irrelevant,
        own_writes: false,
        latency: Latency::Sensitive,
    };
    assert_eq!(choose(&likes), Level::Eventual);
}

#[test]
fn a_dynamo_style_store_is_pa_el() {
    let dynamo = Behaviour {
        cut_off_replica_answers: true,
        replicas: 3,
        write_acks: 1,
        read_replies: 1,
        reads_at_primary: false,
    };
    assert_eq!(classify(&dynamo), Pacelc::PaEl);
}

#[test]
fn a_stale_read_is_sequential_but_not_linearizable() {
    let history = History::from_ops([
        Operation::write(0, 1, 0, 10),
        Operation::read(1, None, 20, 30),
    ])
    .unwrap();
    assert_eq!(
        satisfies(&history),
        Models {
            linearizable: false,
            sequential: true,
            causal: true,
            read_your_writes: true,
            eventual: true,
        }
    );
}

#[test]
fn missing_your_own_write_breaks_read_your_writes() {
    let history = History::from_ops([
        Operation::write(0, 1, 0, 10),
        Operation::read(0, Some(2), 20, 30),
    ])
    .unwrap();
    let models = satisfies(&history);
    assert!(!models.read_your_writes && !models.eventual, "{models:?}");
}
