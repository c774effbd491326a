"""Property-based fuzzing of every input path (plan and mapping loaders, importer, linter, period parser, CRM
record normalisers): ``targets.py`` holds the targets, ``tests/unit/test_fuzz_inputs.py`` runs them with a small
budget, ``./dev fuzz`` (``python -m tests.fuzz``) with a large one."""
