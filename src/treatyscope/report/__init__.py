"""Renderers: plain results in, text/JSON/Markdown out. The core never imports these."""
