from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Demo and simulation data (`make demo`, `simulate_contest`, benchmarks). It writes
    through every app's services and models; no app imports it."""

    name = "devdata"
