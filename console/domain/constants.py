"""Every number the dispatch rules depend on, in one place, each with its source.

The sources are the documents in ``shared/seeds`` (TrygFonden's Hjerteløber FAQ, privacy policy
and the June 2025 status report); ``DOMAIN.md`` summarises them. When a rule changes, it changes
here and nowhere else.
"""

from __future__ import annotations

from datetime import time, timedelta
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

#: Shortest dispatcher message (dispatch-api.md: message ``text`` 1–280 characters).
MIN_MESSAGE_CHARS: Final = 1

# --------------------------------------------------------------------------- ETA model
# The figures below are estimates for a planning aid, not measurements of this scheme; eta.py's
# docstring gives the reasoning for each. Change them here when the scheme's own data says so.

#: Median turnout (alert → leaving) by day and at night, seconds. DOMAIN.md, "What the studies
#: show": "a median 1:45, 2:22 at night".
TURNOUT_DAY_S: Final = 105.0
TURNOUT_NIGHT_S: Final = 142.0

#: Night for the turnout figure, local time (issue "Foundation": night = 23:00–07:00).
NIGHT_STARTS: Final = time(23, 0)
NIGHT_ENDS: Final = time(7, 0)

#: Route factor (circuity: network distance / straight-line distance) per mode. Newell (1980):
#: ~1.2 for random urban point pairs; O'Sullivan (1996): 1.21–1.23 around stations; Boscoe, Henry
#: & Zdeb (2012): ~1.4 for driving, higher at short distances. Runners and cyclists use paths and
#: cut-throughs that cars cannot, so they get the lower figure.
ROUTE_FACTOR_FOOT: Final = 1.3
ROUTE_FACTOR_BIKE: Final = 1.3
ROUTE_FACTOR_CAR: Final = 1.4

#: Travel speed per mode along the route, m/s: a volunteer running hard over 1–3 km (~5:30 min/km),
#: a cyclist in a hurry (Copenhagen's average cycling speed is ~16 km/h), a car in town with
#: junctions and parking (50 km/h limit, ~36 km/h door to door).
SPEED_FOOT_M_S: Final = 3.0
SPEED_BIKE_M_S: Final = 5.0
SPEED_CAR_M_S: Final = 10.0

#: Time to take an AED from its cabinet (find it, open it, perhaps a code), seconds. An estimate.
AED_PICKUP_S: Final = 30.0
