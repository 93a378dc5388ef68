"""Shared test configuration: hypothesis profiles.

* ``ci`` (selected when the environment variable CI is set): bounded and derandomized,
  so CI is deterministic and fits the time budget while still running every property.
* ``dev`` (default): more examples, random seeds.
* ``thorough``: many examples; select with ``HYPOTHESIS_PROFILE=thorough``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=40, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
