"""Evaluation: a scenario and a rule book -> results (evaluation.check), the covered area as geometry
(evaluation.coverage), verdicts for millions of points (evaluation.vectorised), and rule examples run as tests."""
