"""console/api: the console's client of the dispatch API.

``client.DispatchClient`` (one per app), ``commands.Command`` (the mission-changing calls as
values), ``problems`` (typed exceptions), ``settings.ApiSettings`` (address, TLS, timeouts).
"""
