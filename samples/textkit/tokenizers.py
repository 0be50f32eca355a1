"""Stand-in for the `textkit.tokenizers` package samples/opaque-field.yaml names, so that
`pipelint run --engine dask` can run the sample (the samples folder is on PYTHONPATH).
The real tokenizer pickles to ~3 MB; this one is a small vocabulary."""


class Tokenizer:
    def __init__(self, vocabulary):
        self.vocabulary = vocabulary


def load_default():
    return Tokenizer({f"token{i}": i for i in range(1000)})
