"""/reminders, /pause and /resume: which pushes a learner gets, and when (their local time).

``/reminders`` shows the daily quiz time, the weekly nudge, the streak
reminder and quiet hours, with buttons. Each can be changed by a button or
typed: ``/reminders quiz 07:30``, ``/reminders nudge friday 18:00``,
``/reminders streak off``, ``/reminders quiet 23:00-06:30``. A value that
cannot be read is answered with what is wrong, and the old value is kept.
The schedule itself follows from these fields (see ``bot.pushes.kinds``): each change here
moves the pushes it affects at once (``set_and_reschedule``).
"""

from __future__ import annotations

from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.intents import normalize
from bot.localtime import Quiet, clock_text, clock_zone, parse_clock, parse_weekday, shift_clock, zone_label
from bot.markup import escape
from bot.pushes.kinds import DAILY_QUIZ, next_push_due, set_and_reschedule

MAX_ECHO = 30
QUIZ_PRESETS = ("07:00", "12:00", "19:00", "21:00")
NUDGE_PRESETS = (("monday", "08:00"), ("wednesday", "19:00"), ("saturday", "09:00"), ("sunday", "19:00"))
QUIET_PRESETS = ("22:00-07:00", "23:00-06:00", "21:00-08:00")
DEFAULT_NUDGE_MINUTE = 8 * 60
DEFAULT_QUIET = Quiet(22 * 60, 7 * 60)

ON_WORDS = frozenset({"on", "yes", "ya", "nyala", "aktif", "hidupkan", "nyalakan", "enable"})
OFF_WORDS = frozenset({"off", "no", "tidak", "mati", "nonaktif", "matikan", "stop", "disable", "none"})
TOPICS = {
    "quiz": "quiz", "kuis": "quiz", "daily": "quiz", "harian": "quiz",
    "nudge": "nudge", "weekly": "nudge", "mingguan": "nudge", "week": "nudge",
    "streak": "streak", "beruntun": "streak",
    "quiet": "quiet", "tenang": "quiet", "sepi": "quiet", "hening": "quiet",
}


def _day_name(ctx: Context, weekday: int) -> str:
    return ctx.t(f"day.{weekday}")


def _echo(text: str) -> str:
    text = text.strip()
    return escape(text[:MAX_ECHO]) + ("…" if len(text) > MAX_ECHO else "")


def overview(ctx: Context) -> Reply:
    """The learner's reminders, each with a button to change it."""
    learner = ctx.learner
    lines = [ctx.t("reminders.title", timezone=zone_label(learner.timezone))]
    if learner.quiz_minute is None:
        lines.append(ctx.t("reminders.quiz_off_line"))
    else:
        lines.append(ctx.t("reminders.quiz_line", time=clock_text(learner.quiz_minute)))
    if learner.nudge_minute is None:
        lines.append(ctx.t("reminders.nudge_off_line"))
    else:
        lines.append(ctx.t("reminders.nudge_line", day=_day_name(ctx, learner.nudge_weekday),
                           time=clock_text(learner.nudge_minute)))
    lines.append(ctx.t("reminders.streak_on_line" if learner.streak_reminder else "reminders.streak_off_line"))
    if learner.quiet_start is None or learner.quiet_end is None:
        lines.append(ctx.t("reminders.quiet_off_line"))
    else:
        lines.append(ctx.t("reminders.quiet_line", start=clock_text(learner.quiet_start),
                           end=clock_text(learner.quiet_end)))
    if learner.pushes_paused:
        lines += ["", ctx.t("reminders.paused_line")]
    lines += ["", ctx.t("reminders.how")]
    buttons = [
        Button(ctx.t("button.quiz_time"), "/reminders quiz"),
        Button(ctx.t("button.weekly_nudge"), "/reminders nudge"),
        Button(ctx.t("button.streak_reminder_off" if learner.streak_reminder else "button.streak_reminder_on"),
               "/reminders streak " + ("off" if learner.streak_reminder else "on")),
        Button(ctx.t("button.quiet_hours"), "/reminders quiet"),
        Button(ctx.t("button.resume"), "/resume") if learner.pushes_paused else Button(ctx.t("button.pause"),
                                                                                       "/pause"),
    ]
    return Reply("\n".join(lines), rows(*buttons))


def _ack(ctx: Context, text: str) -> list[Reply]:
    return [Reply(text, rows(Button(ctx.t("button.reminders"), "/reminders"), Button(ctx.t("button.next"), "/next")))]


def _switch(value: str) -> bool | None:
    word = normalize(value)
    return True if word in ON_WORDS else False if word in OFF_WORDS else None


def _in_own_zone(ctx: Context, text: str, minute: int) -> tuple[int, int, str]:
    """A typed time in the learner's own zone: "19.00 WIB" for a learner in Makassar is 20:00.

    Returns (minute, days later, a note saying so; empty when nothing was converted)."""
    named = clock_zone(text)
    if named is None or named == ctx.learner.timezone:
        return minute, 0, ""
    local, days = shift_clock(minute, named, ctx.learner.timezone, ctx.now)
    if local == minute and days == 0:
        return minute, 0, ""
    note = "\n" + ctx.t("reminders.zone_converted", typed=_echo(text), time=clock_text(local),
                        zone=zone_label(ctx.learner.timezone))
    return local, days, note


def _quiet_note(ctx: Context, minute: int) -> str:
    learner = ctx.learner
    if learner.quiet_start is None or learner.quiet_end is None:
        return ""
    if not Quiet(learner.quiet_start, learner.quiet_end).contains(minute):
        return ""
    return "\n" + ctx.t("reminders.in_quiet", start=clock_text(learner.quiet_start),
                        end=clock_text(learner.quiet_end))


async def _set(ctx: Context, **fields: object) -> None:
    """Save reminder settings; the pushes they move are rescheduled at once."""
    await set_and_reschedule(ctx.repo.pushes, ctx.learner, ctx.now, **fields)


async def _quiz(ctx: Context, value: str) -> list[Reply]:
    learner = ctx.learner
    if not value:
        buttons = [Button(t, f"/reminders quiz {t}") for t in QUIZ_PRESETS] + [Button(ctx.t("button.off"),
                                                                                         "/reminders quiz off")]
        ctx.await_text("reminders_quiz")
        return [Reply(ctx.t("reminders.quiz_prompt"), rows(*buttons, per_row=3))]
    switch = _switch(value)
    if switch is False:
        await _set(ctx, quiz_minute=None)
        return _ack(ctx, ctx.t("reminders.quiz_off"))
    minute = ctx.settings.default_quiz_minute if switch else parse_clock(value)
    if minute is None:
        current = clock_text(learner.quiz_minute) if learner.quiz_minute is not None else ctx.t("reminders.off")
        ctx.await_text("reminders_quiz")  # a time typed next is read as the answer
        return [Reply(ctx.t("reminders.bad_time", text=_echo(value), current=current))]
    minute, _, converted = _in_own_zone(ctx, value, minute) if not switch else (minute, 0, "")
    await _set(ctx, quiz_minute=minute)
    return _ack(ctx, ctx.t("reminders.quiz_set", time=clock_text(minute)) + converted + _quiet_note(ctx, minute))


async def _nudge(ctx: Context, value: str) -> list[Reply]:
    learner = ctx.learner
    if not value:
        buttons = [Button(f"{_day_name(ctx, parse_weekday(day) or 0)} {time}", f"/reminders nudge {day} {time}")
                   for day, time in NUDGE_PRESETS]
        buttons.append(Button(ctx.t("button.off"), "/reminders nudge off"))
        ctx.await_text("reminders_nudge")
        return [Reply(ctx.t("reminders.nudge_prompt"), rows(*buttons))]
    switch = _switch(value)
    if switch is False:
        await _set(ctx, nudge_minute=None)
        return _ack(ctx, ctx.t("reminders.nudge_off"))
    weekday, minute = learner.nudge_weekday, learner.nudge_minute or DEFAULT_NUDGE_MINUTE
    converted = ""
    if switch is None:
        when = parse_day_and_time(value)
        if when is None:
            ctx.await_text("reminders_nudge")
            return [Reply(ctx.t("reminders.bad_nudge", text=_echo(value)))]
        day, clock = when
        weekday = weekday if day is None else day
        if clock is not None:
            clock, days, converted = _in_own_zone(ctx, value, clock)
            weekday = (weekday + days) % 7
        minute = minute if clock is None else clock
    await _set(ctx, nudge_weekday=weekday, nudge_minute=minute)
    return _ack(ctx, ctx.t("reminders.nudge_set", day=_day_name(ctx, weekday), time=clock_text(minute))
                + converted + _quiet_note(ctx, minute))


def parse_day_and_time(text: str) -> tuple[int | None, int | None] | None:
    """(weekday, minute) from "friday 18:00", "jumat jam 7 malam", "sunday", "20.00"; ``None``: unreadable."""
    day: int | None = None
    rest: list[str] = []
    for word in text.replace(",", " ").split():
        found = parse_weekday(word)
        if found is not None and day is None:
            day = found
        elif normalize(word) not in {"every", "on", "setiap", "tiap", "hari"}:
            rest.append(word)
    minute = parse_clock(" ".join(rest)) if rest else None
    if (rest and minute is None) or (day is None and minute is None):
        return None
    return day, minute


async def _streak(ctx: Context, value: str) -> list[Reply]:
    switch = _switch(value) if value else not ctx.learner.streak_reminder
    if switch is None:
        return [Reply(ctx.t("reminders.bad_switch", text=_echo(value)))]
    await _set(ctx, streak_reminder=switch)
    return _ack(ctx, ctx.t("reminders.streak_on" if switch else "reminders.streak_off"))


def parse_quiet(text: str) -> Quiet | None:
    """Quiet hours from "22:00-07:00", "22.00 - 07.00" or "22-7"; ``None`` if unreadable or empty."""
    for dash in ("-", "–", "—", " to ", " sampai ", " s/d "):
        if dash in text:
            first, _, second = text.partition(dash)
            start, end = parse_clock(first), parse_clock(second)
            if start is None or end is None or start == end:
                return None
            return Quiet(start, end)
    return None


async def _quiet(ctx: Context, value: str) -> list[Reply]:
    if not value:
        buttons = [Button(q, f"/reminders quiet {q}") for q in QUIET_PRESETS]
        buttons.append(Button(ctx.t("button.off"), "/reminders quiet off"))
        ctx.await_text("reminders_quiet")
        return [Reply(ctx.t("reminders.quiet_prompt"), rows(*buttons))]
    switch = _switch(value)
    if switch is False:
        await _set(ctx, quiet_start=None, quiet_end=None)
        return _ack(ctx, ctx.t("reminders.quiet_off"))
    quiet = DEFAULT_QUIET if switch else parse_quiet(value)
    if quiet is None:
        ctx.await_text("reminders_quiet")
        return [Reply(ctx.t("reminders.bad_quiet", text=_echo(value)))]
    await _set(ctx, quiet_start=quiet.start, quiet_end=quiet.end)
    return _ack(ctx, ctx.t("reminders.quiet_set", start=clock_text(quiet.start), end=clock_text(quiet.end)))


SETTERS = {"quiz": _quiz, "nudge": _nudge, "streak": _streak, "quiet": _quiet}
# The questions /reminders asks (what ``ctx.await_text`` waits for) and the reminder each sets.
AWAITED = {"reminders_quiz": "quiz", "reminders_nudge": "nudge", "reminders_quiet": "quiet"}


def _readable(topic: str, text: str) -> bool:
    """True when ``text`` answers the question about ``topic`` (a time, a day, on/off...)."""
    if _switch(text) is not None:
        return True
    if topic == "quiz":
        return parse_clock(text) is not None
    if topic == "nudge":
        return parse_day_and_time(text) is not None
    return parse_quiet(text) is not None


async def typed_answer(ctx: Context, text: str, other_request: bool) -> list[Reply] | None:
    """A typed answer ("20:00", "jam 8 malam", "22-06") to the question /reminders just asked.

    ``None`` when the text is not an answer but a different request ("what next?").
    """
    topic = AWAITED[ctx.learner.awaiting or ""]
    if other_request and not _readable(topic, text):
        return None
    ctx.stop_awaiting()  # an unreadable answer asks again, and waits again
    return await SETTERS[topic](ctx, text.strip())


async def cmd_reminders(ctx: Context, args: str) -> list[Reply]:
    """Show the reminders, or change one: ``/reminders quiz|nudge|streak|quiet VALUE``."""
    head, _, value = args.strip().partition(" ")
    if not head:
        return [overview(ctx)]
    topic = TOPICS.get(normalize(head))
    if topic is None:
        return [Reply(ctx.t("reminders.unknown", text=_echo(head))), overview(ctx)]
    return await SETTERS[topic](ctx, value.strip())


async def cmd_pause(ctx: Context, args: str) -> list[Reply]:
    """Stop every push until /resume."""
    if ctx.learner.pushes_paused:
        return _ack(ctx, ctx.t("pause.already"))
    await _set(ctx, pushes_paused=True)
    return [Reply(ctx.t("pause.done"), rows(Button(ctx.t("button.resume"), "/resume")))]


async def cmd_resume(ctx: Context, args: str) -> list[Reply]:
    """Turn pushes back on after /pause, and say when the next daily quiz comes."""
    was_paused = ctx.learner.pushes_paused
    await _set(ctx, pushes_paused=False)
    text = ctx.t("resume.done" if was_paused else "resume.not_paused")
    due = next_push_due(DAILY_QUIZ, ctx.learner, ctx.now)
    if due is not None:
        local = due.at.astimezone(ctx.tz())
        text += "\n" + ctx.t("resume.next_quiz", day=_day_name(ctx, local.weekday()), time=local.strftime("%H:%M"))
    return _ack(ctx, text)
