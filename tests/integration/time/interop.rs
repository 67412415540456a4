//! Interop with real peers (filled in once the peer harness lands).
