"""Data shipped with the console (reference data, map assets, sounds).

Installed as ``console.resources`` and read with :mod:`importlib.resources`, so nothing depends on
the working directory.
"""
