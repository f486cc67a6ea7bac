"""Every number the dispatch rules depend on, in one place, each with its source.

The sources are the documents in ``shared/seeds`` (TrygFonden's Hjerteløber FAQ, privacy policy
and the June 2025 status report); ``DOMAIN.md`` summarises them. When a rule changes, it changes
here and nowhere else.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final
from zoneinfo import ZoneInfo

#: Mean Earth radius (IUGG R1), metres. Used for every haversine distance.
EARTH_RADIUS_M: Final = 6_371_008.8

#: How many runners one alert reaches. FAQ: "de 20 nærmeste hjerteløbere"; DOMAIN.md rule 2.
ALERT_COUNT: Final = 20

#: Alert radius around the patient, metres. FAQ: "inden for en radius af 5 km"; DOMAIN.md rule 2.
ALERT_RADIUS_M: Final = 5_000.0

#: The widest radius a dispatcher may ask for with alert-more / runner lookups (dispatch-api.md).
MAX_RADIUS_M: Final = 10_000.0

#: Largest count a single alert-more may ask for (dispatch-api.md: count 1–20).
MAX_ALERT_MORE_COUNT: Final = 20

#: A runner is active while their last position is newer than this. Privacy policy: positions are
#: deleted after 72 hours without significant change; DOMAIN.md "Who is who".
ACTIVE_POSITION_MAX_AGE: Final = timedelta(hours=72)

#: The first this-many acceptances fetch an AED; later ones go straight to the patient.
#: FAQ / DOMAIN.md rule 4: "de første fire".
AED_FETCHERS: Final = 4

#: At most this many responders are sent to one AED, over all open missions (DOMAIN.md rule 4).
MAX_RESPONDERS_PER_AED: Final = 5

#: The service area is Denmark's land outline plus this margin, metres, so that islands, piers and
#: harbours that the ~10 m outline misses still count (issue "Foundation").
SERVICE_AREA_MARGIN_M: Final = 2_000.0

#: AED opening hours are written in local time; the service runs in Denmark.
LOCAL_TZ: Final = ZoneInfo("Europe/Copenhagen")

#: Free-text limits from the contract (dispatch-api.md, Conventions).
MAX_ADDRESS_CHARS: Final = 200
MAX_NOTE_CHARS: Final = 500
MAX_REASON_CHARS: Final = 200
MAX_MESSAGE_CHARS: Final = 280

#: National figures of the June 2025 status report, used by the world generator and calibration.
NATIONAL_ACTIVE_RUNNERS: Final = 57_307
NATIONAL_AEDS: Final = 26_182
NATIONAL_AEDS_24_7: Final = 18_656
