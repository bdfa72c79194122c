"""A bare Django baseline served by the same gunicorn, settings and middleware as the site:
one view inserting one JSON row, one view rendering a 20-question form from one query.
Used only by benchmarks/exam_bench.py (settings module: benchmarks.baseline.settings)."""
