"""Modules copied verbatim (under a do-not-edit header) into every generated package."""
