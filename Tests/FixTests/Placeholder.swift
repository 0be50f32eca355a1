// Tests for the fix engine.
