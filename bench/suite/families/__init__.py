"""The row families of the suite, in the order a run measures them."""

from suite.families import ensemble, flask, python_backend, resnet, tiny

ALL = [tiny, python_backend, ensemble, resnet, flask]
BY_KEY = {family.KEY: family for family in ALL}
