"""Swagger 2.0 in: a contract converted to OpenAPI 3.0.3 in memory, every node traced to its source.

>>> conversion = convert_swagger2({"swagger": "2.0", "info": {"title": "t", "version": "1"}})
>>> conversion.document["openapi"], conversion.trace.source_of("/info/title")
('3.0.3', '/info/title')

One module per part of the contract (`servers`, `schemas`, `parameters`, `bodies`,
`responses`, `security`, `refs`), composed by `document`. `trace` records, for each pointer
of the converted document, the pointer of the original node it came from, so the loader can
locate every later finding in the original file; what has no 3.0 equivalent is a `Note`
(reported as `swagger2-unconverted`), never a silent drop.
"""

from generator.swagger2.document import SOURCE_FORMAT, Conversion, convert_swagger2, is_swagger2
from generator.swagger2.trace import Note, Trace

__all__ = ["SOURCE_FORMAT", "Conversion", "Note", "Trace", "convert_swagger2", "is_swagger2"]
