"""Benchmarks of twilio-monitor-async against the official ``twilio`` client and a raw floor.

Run with ``python -m benchmarks`` (about 5 minutes; ``--quick`` for about one) or ``nox -s bench``.
Everything runs against a pre-rendered page server on loopback (``benchmarks.server``), in a
process of its own so that the clients being measured have a core to themselves.
"""
