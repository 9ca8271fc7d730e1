"""Test-wide settings: the shared server fixtures and a hypothesis profile for noisy CI machines."""

from hypothesis import HealthCheck, settings

pytest_plugins = [
    "tests.support.smtp_fixtures",
    "tests.support.imap_fixtures",
    "tests.support.store_fixtures",
    "tests.support.harness_fixtures",
]

settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci")
