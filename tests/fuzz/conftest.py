"""Fuzzing settings: how many examples each operation gets (``DANGQUN_FUZZ_EXAMPLES``, default 2,
so that CI's run stays within about a minute per database; raise it locally to dig deeper)."""

import os

FUZZ_EXAMPLES = int(os.environ.get("DANGQUN_FUZZ_EXAMPLES", "2"))
