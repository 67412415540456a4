//! Real-server process management (placeholder until the hostinfo work lands).
