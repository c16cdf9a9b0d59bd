//! [`Config`]: everything about a simulated world that is fixed when it is built.
//!
//! The seed decides every random choice; the rest says what the network does to
//! messages and how long the drivers may run. Faults that a test switches on and off
//! while it runs (partitions, blocks, crashes) are methods of the
//! [`World`](super::World) instead.

use std::time::Duration;

use super::SimError;

/// The settings of a [`World`](super::World), built with chained methods:
///
/// ```
/// use std::time::Duration;
/// use testkit::sim::Config;
///
/// let config = Config::new(42)
///     .delay(Duration::from_millis(1), Duration::from_millis(10))
///     .loss(0.05)
///     .client_timeout(Duration::from_millis(500));
/// assert_eq!(config.seed, 42);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Decides every random choice of the run.
    pub seed: u64,
    /// The shortest delay a message takes on any link.
    pub min_delay: Duration,
    /// The longest delay a message takes on any link (unless FIFO holds it back).
    pub max_delay: Duration,
    /// Whether each link (one direction between two endpoints) delivers in send order.
    /// Off by default: independent random delays reorder messages.
    pub fifo: bool,
    /// Probability that a message between nodes is lost.
    pub loss: f64,
    /// Probability that a message between nodes is delivered twice.
    pub duplicate: f64,
    /// Probability that a request or answer between a client and a node is lost.
    pub client_loss: f64,
    /// Probability that a request or answer between a client and a node is delivered
    /// twice.
    pub client_duplicate: f64,
    /// How often each node's [`on_tick`](super::Node::on_tick) runs after a start;
    /// `None`: never, unless the node asks.
    pub tick: Option<Duration>,
    /// How long a client waits for an answer before it records the call as unknown and
    /// may go on; `None`: forever.
    pub client_timeout: Option<Duration>,
    /// The most events one call of a driver such as
    /// [`run_until_quiet`](super::World::run_until_quiet) processes.
    pub max_events: u64,
    /// The most virtual time one call of a driver that waits for a condition may let
    /// pass.
    pub max_wait: Duration,
    /// Whether to keep a [`Trace`](super::Trace). Switching it off saves time and memory
    /// in long randomized runs; the run itself is the same.
    pub trace: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config::new(0)
    }
}

impl Config {
    /// The defaults with `seed`: delays of 1 to 5 ms, reordering, no loss or
    /// duplication, a tick every 10 ms, no client timeout, and limits of a million events
    /// or one virtual minute per driver call.
    pub fn new(seed: u64) -> Self {
        Config {
            seed,
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            fifo: false,
            loss: 0.0,
            duplicate: 0.0,
            client_loss: 0.0,
            client_duplicate: 0.0,
            tick: Some(Duration::from_millis(10)),
            client_timeout: None,
            max_events: 1_000_000,
            max_wait: Duration::from_secs(60),
            trace: true,
        }
    }

    /// Message delays drawn uniformly from `min..=max`.
    pub fn delay(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max;
        self
    }

    /// Whether links deliver in send order.
    pub fn fifo(mut self, fifo: bool) -> Self {
        self.fifo = fifo;
        self
    }

    /// Loss probability between nodes.
    pub fn loss(mut self, p: f64) -> Self {
        self.loss = p;
        self
    }

    /// Duplication probability between nodes.
    pub fn duplicate(mut self, p: f64) -> Self {
        self.duplicate = p;
        self
    }

    /// Loss probability between clients and nodes.
    pub fn client_loss(mut self, p: f64) -> Self {
        self.client_loss = p;
        self
    }

    /// Duplication probability between clients and nodes.
    pub fn client_duplicate(mut self, p: f64) -> Self {
        self.client_duplicate = p;
        self
    }

    /// The tick interval (`None`: no ticks unless a node asks).
    pub fn tick(mut self, every: Option<Duration>) -> Self {
        self.tick = every;
        self
    }

    /// How long clients wait for an answer.
    pub fn client_timeout(mut self, after: Duration) -> Self {
        self.client_timeout = Some(after);
        self
    }

    /// The limits of one driver call: events processed and virtual time waited.
    pub fn limits(mut self, max_events: u64, max_wait: Duration) -> Self {
        self.max_events = max_events;
        self.max_wait = max_wait;
        self
    }

    /// Whether to keep a trace.
    pub fn trace(mut self, on: bool) -> Self {
        self.trace = on;
        self
    }

    /// Checks that the settings make sense together.
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |why: String| Err(SimError::BadConfig(why));
        if self.min_delay > self.max_delay {
            return bad(format!(
                "min_delay {:?} is above max_delay {:?}",
                self.min_delay, self.max_delay
            ));
        }
        for (name, p) in [
            ("loss", self.loss),
            ("duplicate", self.duplicate),
            ("client_loss", self.client_loss),
            ("client_duplicate", self.client_duplicate),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return bad(format!("{name} is {p}, a probability must lie in 0..=1"));
            }
        }
        if self.tick == Some(Duration::ZERO) {
            return bad("tick is zero; use None for no ticks".to_owned());
        }
        if self.client_timeout == Some(Duration::ZERO) {
            return bad("client_timeout is zero".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_settings_are_named() {
        assert_eq!(Config::default().validate(), Ok(()));
        let err = Config::new(1).loss(1.5).validate().unwrap_err();
        assert!(err.to_string().contains("loss is 1.5"), "{err}");
        let ms = Duration::from_millis;
        let err = Config::new(1).delay(ms(5), ms(1)).validate().unwrap_err();
        assert!(err.to_string().contains("min_delay"), "{err}");
        let err = Config::new(1)
            .tick(Some(Duration::ZERO))
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("tick"), "{err}");
    }
}
