"""The provider-scale benchmark of slacalc (issue 6): a seeded workload generator and the runner."""
