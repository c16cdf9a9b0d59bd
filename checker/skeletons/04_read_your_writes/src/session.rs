//! What one client has seen: the versions it wrote and read.
//!
//! A session is the client's memory, kept on the client's side and handed to the
//! [`Router`](crate::Router) with every operation. Its **floor** is the version a node
//! must have reached before it may serve this client: anything lower could show the
//! client a state older than one it already knows about.

use read_your_writes_given::Version;

/// One client's memory of the versions it wrote and read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Session {
    /// The version of the client's latest acknowledged write.
    written: Version,
    /// The highest version of a node that served the client a read.
    read: Version,
}

impl Session {
    /// A client that has seen nothing yet: any node may serve it.
    pub fn new() -> Self {
        Session::default()
    }

    /// The lowest version a node must have to serve this client's next read.
    pub fn floor(&self) -> Version {
        // TODO (tasks `ryw` and `monotonic`): the version below which a node could show
        // this client something older than what it wrote or read.
        todo!(
            "the floor of a session that wrote up to {} and read up to {}",
            self.written,
            self.read
        )
    }

    /// Notes that a write of the client was acknowledged at `version`.
    pub fn wrote(&mut self, version: Version) {
        // TODO (task `ryw`): remember the write.
        todo!("remember the write at version {version}")
    }

    /// Notes that a node at `version` served the client a read.
    pub fn read(&mut self, version: Version) {
        // TODO (task `monotonic`): remember the read.
        todo!("remember the read at version {version}")
    }
}
