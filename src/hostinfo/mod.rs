//! Host, address, service and DNS lookups (placeholder).
