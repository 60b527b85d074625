"""The specialist-side sync API (HTTP, versioned under /v1)."""
