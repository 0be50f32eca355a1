"""Importable calibration classes (pickled by reference: module + qualname)."""


class Holder:
    """A plain importable class whose instances carry a __dict__."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def lookup(self, block):
        return self.series.to_numpy()[block]
