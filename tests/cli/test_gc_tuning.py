"""The agent process tunes the cyclic GC once started (consulite/server.py GC_THRESHOLD gives the measurement)."""

import gc

from consulite.server import GC_THRESHOLD, tune_gc


def test_tune_gc_freezes_start_up_and_raises_the_thresholds():
    saved = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold() == GC_THRESHOLD
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*saved)
