"""Emitters: IR in, file contents out (nothing here touches the disk)."""
