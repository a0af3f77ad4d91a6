"""The web page and HTTP API of `treatyscope serve` (the web extra)."""
