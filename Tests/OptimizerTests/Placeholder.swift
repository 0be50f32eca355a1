// Optimizer tests.
