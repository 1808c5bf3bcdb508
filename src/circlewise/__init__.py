"""Circlewise: form, run and measure peer coaching circles."""
