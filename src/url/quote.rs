//! Percent-encoding as Python's urllib.parse does it (placeholder).
