"""console/cache: the console's local SQLAlchemy cache.

``store.Cache`` (events once each, folded missions, AEDs, the position in the log),
``outbox.OutboxStore`` (commands on disk before they are sent), ``migrations`` (versioned
schema steps), ``engine`` (where the file lives, SQLite settings, setting a bad file aside).
"""
