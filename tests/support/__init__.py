"""What more than one test folder (and the cache bench) needs: the real ``amk-dispatchd``.

Imported as ``tests.support``: pytest puts the repository root on ``sys.path`` (``pythonpath``
in pyproject.toml), so no test folder needs an ``__init__.py`` and no module is loaded by its
file path. Everything here is test equipment, not product code: it asserts, and it may block.
"""
