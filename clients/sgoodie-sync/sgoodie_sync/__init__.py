"""sgoodie-sync: publish a folder of exported photos to an sgoodie site, and bring a client
gallery's picks back as a file-name list for Lightroom Classic or Capture One."""

__version__ = "1.0.0"
