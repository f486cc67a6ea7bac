"""console/services: asyncio services between the cache/API and the widgets; no Qt.

``console_services.ConsoleServices.start`` builds everything (offline-capable): the live
``event_sync.EventSync``, the ``outbox_sender.OutboxSender``, ``missions.MissionService``,
``aeds.AedService``, ``runners.RunnerService``, ``replay.ReplaySource`` and
``server_clock.ServerClock``, whose models are ``observable.Observable``/``ObservableMap`` with
plain callbacks.
"""
