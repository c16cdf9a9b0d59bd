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
    ///
    /// The maximum of both memories, not just the writes: a read showed the client the
    /// state at that version, and a later read from a node further behind would undo
    /// it (monotonic reads).
    pub fn floor(&self) -> Version {
        self.written.max(self.read)
    }

    /// Notes that a write of the client was acknowledged at `version`.
    ///
    /// Versions only grow, but a client may learn of them out of order (two routers, say),
    /// so the memory keeps the largest, never simply the last.
    pub fn wrote(&mut self, version: Version) {
        self.written = self.written.max(version);
    }

    /// Notes that a node at `version` served the client a read.
    ///
    /// The node's version, not the version of the value read: the client saw the whole
    /// state at that version, including that later writes had not touched the key.
    pub fn read(&mut self, version: Version) {
        self.read = self.read.max(version);
    }
}
