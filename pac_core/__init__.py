"""pac_core: the pure domain of the Commercial Action Plan (no I/O, no clock, no CRM client).

Time always comes in as an argument (``evaluate(plan, records, as_of=...)``).
"""
