"""The generator of Exempelstad, the fictional sample town in ``data/sample/``."""
