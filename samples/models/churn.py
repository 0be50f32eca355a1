"""Stand-in for the `models.churn` package samples/model-weights.yaml names, so that
`pipelint run --engine dask` can run the sample (the samples folder is on PYTHONPATH).

The real model is a pickled gradient-boosted model of ~180 MiB; this one is a logistic
model over 64 features. `score` keeps the block's shape (an elementwise probability), as
the export assumes of a `python:` function (docs/dask.md, "Shapes")."""
import numpy as np


class ChurnModel:
    def __init__(self, weights):
        self.weights = weights


def load_model():
    return ChurnModel(np.linspace(-1.0, 1.0, 64))


def score(block, model):
    return 1.0 / (1.0 + np.exp(-(np.asarray(block, dtype=np.float64) * model.weights)))
