//! dnsmasq as a test DNS server (placeholder).
