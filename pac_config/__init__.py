"""Loading what ops staff and managers edit (files under ``config/``): typed, validated, located.

Every error is reported as ``file:line key.path: problem (fix)``, all at once.
"""
