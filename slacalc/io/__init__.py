"""The reading layer: files and frames in, validated outage and customer tables out.

``cells`` turns text into times, numbers and percents; ``headers`` maps a file's headers to
slacalc's fields; ``times`` reads times in a zone; ``tables`` reads CSV, Excel and JSON into raw
text columns; ``outages`` and ``customers`` check every row. Imports :mod:`slacalc.model` only,
never the engine.
"""
