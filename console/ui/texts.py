"""Every word the window shows about the domain, translated, and numbers in the user's locale.

Written with ``QCoreApplication.translate("Texts", ...)`` literally, because that is the form
``pyside6-lupdate`` finds when it collects the strings for ``resources/i18n``. Numbers and times
go through :class:`QLocale` (``1,2 km`` in Danish), and times are shown in Danish local time,
as the dispatch centre lives by it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QLocale

from console.api.commands import Command, CommandKind
from console.domain.localtime import to_local
from console.domain.model import (
    Aed,
    AgeGroup,
    EventType,
    Mission,
    Responder,
    ResponderState,
    TaskKind,
    aed_address,
)
from console.services.link import LinkState

#: The language numbers are written in (``da``: ``1,2 km``); set by :func:`console.ui.i18n.install`.
#: Kept as a code, not a QLocale: the console never changes Qt's process-wide default locale,
#: which PySide cannot release cleanly at exit.
_number_language = "en"


def use_number_language(lang: str) -> None:
    global _number_language
    _number_language = lang


def _locale() -> QLocale:
    if _number_language == "da":
        return QLocale(QLocale.Language.Danish, QLocale.Country.Denmark)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def state_label(state: ResponderState) -> str:
    labels = {
        ResponderState.ALERTED: QCoreApplication.translate("Texts", "Alerted"),
        ResponderState.ACCEPTED: QCoreApplication.translate("Texts", "Accepted"),
        ResponderState.DECLINED: QCoreApplication.translate("Texts", "Declined"),
        ResponderState.REJECTED_TOO_FAR: QCoreApplication.translate("Texts", "Too far away"),
        ResponderState.AED_COLLECTED: QCoreApplication.translate("Texts", "AED collected"),
        ResponderState.ARRIVED: QCoreApplication.translate("Texts", "Arrived"),
        ResponderState.ABANDONED: QCoreApplication.translate("Texts", "Abandoned"),
        ResponderState.RELEASED: QCoreApplication.translate("Texts", "Released"),
    }
    return labels[state]


def task_label(responder: Responder, aed: Aed | None = None) -> str:
    """What the responder was sent to do: a fetcher's AED by its address when ``aed`` (the
    register's entry for it) is given, by its id while the register does not know it."""
    task = responder.task
    if task is None:
        return "—"
    if task.kind is TaskKind.FETCH_AED:
        address = aed_address(aed, task.aed_id)
        if address:
            return QCoreApplication.translate("Texts", "Fetch AED at {address}").format(
                address=address
            )
        return QCoreApplication.translate("Texts", "Fetch AED {aed}").format(aed=task.aed_id)
    return QCoreApplication.translate("Texts", "Straight to patient")


def age_label(age_group: AgeGroup) -> str:
    labels = {
        AgeGroup.ADULT: QCoreApplication.translate("Texts", "Adult"),
        AgeGroup.CHILD: QCoreApplication.translate("Texts", "Child"),
        AgeGroup.UNKNOWN: QCoreApplication.translate("Texts", "Age unknown"),
    }
    return labels[age_group]


def link_label(state: LinkState) -> str:
    labels = {
        LinkState.LIVE: QCoreApplication.translate("Texts", "Live"),
        LinkState.CATCHING_UP: QCoreApplication.translate("Texts", "Catching up"),
        LinkState.STALE: QCoreApplication.translate("Texts", "Stale"),
        LinkState.OFFLINE: QCoreApplication.translate("Texts", "Offline"),
        LinkState.UNAUTHORISED: QCoreApplication.translate("Texts", "Not logged in"),
    }
    return labels[state]


#: Close outcomes the dialog offers; the value is what the server stores (``end_reason``).
OUTCOMES = ("ems_on_scene", "patient_transported", "not_cardiac_arrest", "other")


def outcome_label(outcome: str) -> str:
    labels = {
        "ems_on_scene": QCoreApplication.translate("Texts", "EMS on scene"),
        "patient_transported": QCoreApplication.translate("Texts", "Patient transported"),
        "not_cardiac_arrest": QCoreApplication.translate("Texts", "Not a cardiac arrest"),
        "other": QCoreApplication.translate("Texts", "Other"),
    }
    return labels.get(outcome, outcome)


def command_label(command: Command, address: str | None = None) -> str:
    """A command as the dispatcher reads it in the failure bands and the status bar: what it
    does and where (``address``, the mission's, when the console knows it; else the id)."""
    if command.kind is CommandKind.RAISE:
        where = str(command.body.get("address") or "?")
    elif address:
        where = address
    else:
        where = QCoreApplication.translate("Texts", "mission {id}").format(id=command.mission_id)
    actions = {
        CommandKind.RAISE: QCoreApplication.translate("Texts", "Raise alert: {where}"),
        CommandKind.ALERT_MORE: QCoreApplication.translate(
            "Texts", "Alert more responders: {where}"
        ),
        CommandKind.MESSAGE: QCoreApplication.translate("Texts", "Message responders: {where}"),
        CommandKind.CANCEL: QCoreApplication.translate("Texts", "Cancel the alert: {where}"),
        CommandKind.CLOSE: QCoreApplication.translate("Texts", "Close the mission: {where}"),
    }
    return actions[command.kind].format(where=where)


def distance_text(metres: float | None) -> str:
    """``850 m`` below a kilometre, ``1.2 km`` (``1,2 km``) above."""
    if metres is None or not math.isfinite(metres) or metres < 0:
        return "—"
    locale = _locale()
    if metres < 1000:
        return f"{locale.toString(round(metres / 10) * 10)} m"
    return f"{locale.toString(metres / 1000, 'f', 1)} km"


def duration_text(seconds: float | None) -> str:
    """``0:45``, ``12:05``, ``1:02:09``: how long, as a stopwatch shows it."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def clock_text(moment: datetime | None, *, seconds: bool = True) -> str:
    """A wall-clock time in Danish local time (``14:02:11``)."""
    if moment is None:
        return "—"
    return to_local(moment).strftime("%H:%M:%S" if seconds else "%H:%M")


def eta_text(moment: datetime | None, now: datetime) -> str:
    """``≈ 14:06 (3:40)``: the expected time and how long until then."""
    if moment is None:
        return "—"
    left = (moment - now).total_seconds()
    if left <= 0:
        return QCoreApplication.translate("Texts", "≈ {time} (due)").format(
            time=clock_text(moment, seconds=False)
        )
    return f"≈ {clock_text(moment, seconds=False)} ({duration_text(left)})"


def mission_title(mission: Mission) -> str:
    return mission.address or QCoreApplication.translate("Texts", "(no address)")


def event_text(
    event_type: EventType,
    data: dict[str, object],
    aliases: dict[str, str],
    aeds: Mapping[str, Aed] | None = None,
) -> str:
    """One line of the mission's timeline; an AED by its address when ``aeds`` (the register)
    knows it, by its id before."""
    runner = str(data.get("runner_id", ""))
    who = aliases.get(runner, runner)

    def known_address(aed_id: object) -> str:
        known = aeds.get(aed_id) if aeds is not None and isinstance(aed_id, str) else None
        return aed_address(known, aed_id)

    if event_type is EventType.MISSION_CREATED:
        return QCoreApplication.translate("Texts", "Alert raised: {address}").format(
            address=data.get("address", "")
        )
    if event_type is EventType.RUNNER_ALERTED:
        return QCoreApplication.translate("Texts", "{who} alerted ({distance})").format(
            who=who, distance=distance_text(_number(data.get("distance_m")))
        )
    if event_type is EventType.RUNNER_ACCEPTED:
        task = data.get("task")
        if isinstance(task, dict) and task.get("kind") == TaskKind.FETCH_AED.value:
            address = known_address(task.get("aed_id"))
            if address:
                return QCoreApplication.translate(
                    "Texts", "{who} accepted: fetch AED at {address}"
                ).format(who=who, address=address)
            return QCoreApplication.translate("Texts", "{who} accepted: fetch AED {aed}").format(
                who=who, aed=task.get("aed_id")
            )
        return QCoreApplication.translate("Texts", "{who} accepted: straight to patient").format(
            who=who
        )
    if event_type is EventType.RUNNER_DECLINED:
        return QCoreApplication.translate("Texts", "{who} declined").format(who=who)
    if event_type is EventType.RUNNER_REJECTED:
        return QCoreApplication.translate("Texts", "{who} too far away ({distance})").format(
            who=who, distance=distance_text(_number(data.get("distance_m")))
        )
    if event_type is EventType.RUNNER_AED_COLLECTED:
        address = known_address(data.get("aed_id"))
        if address:
            return QCoreApplication.translate(
                "Texts", "{who} collected the AED at {address}"
            ).format(who=who, address=address)
        return QCoreApplication.translate("Texts", "{who} collected AED {aed}").format(
            who=who, aed=data.get("aed_id")
        )
    if event_type is EventType.RUNNER_ARRIVED:
        return QCoreApplication.translate("Texts", "{who} arrived").format(who=who)
    if event_type is EventType.RUNNER_ABANDONED:
        return QCoreApplication.translate("Texts", "{who} abandoned").format(who=who)
    if event_type is EventType.RUNNER_RELEASED:
        return QCoreApplication.translate("Texts", "{who} released").format(who=who)
    if event_type is EventType.MISSION_EXPANDED:
        return QCoreApplication.translate(
            "Texts", "Alert more: {count} more within {radius}"
        ).format(count=data.get("requested"), radius=distance_text(_number(data.get("radius_m"))))
    if event_type is EventType.MISSION_MESSAGE:
        if data.get("runner_id"):
            return QCoreApplication.translate("Texts", "Message to {who}: {text}").format(
                who=who, text=data.get("text")
            )
        return QCoreApplication.translate("Texts", "Message to all who accepted: {text}").format(
            text=data.get("text")
        )
    if event_type is EventType.MISSION_CANCELLED:
        return QCoreApplication.translate("Texts", "Cancelled: {reason}").format(
            reason=data.get("reason")
        )
    if event_type is EventType.MISSION_CLOSED:
        return QCoreApplication.translate("Texts", "Closed: {outcome}").format(
            outcome=outcome_label(str(data.get("outcome")))
        )
    if event_type is EventType.RUNNER_POSITION:
        return QCoreApplication.translate("Texts", "{who} moved").format(who=who)
    return event_type.value


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
