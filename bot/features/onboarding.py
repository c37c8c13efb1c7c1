"""The first-run setup (/start): language, track, placement, timezone.

The commands that answer each step (/lang, /track, /level, /tz) also work
after setup, where they simply change the setting. A step can be answered
by a button or by typing ("golang", "git, sql", "jakarta").
"""

from __future__ import annotations

import logging

from bot.content.models import Skill
from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.features.preferences import (
    language_prompt,
    parse_language,
    parse_track,
    timezone_prompt,
    track_prompt,
)
from bot.features.progress_report import and_list
from bot.features.timezones import parse_timezone
from bot.i18n import LANGUAGE_NAMES
from bot.intents import normalize
from bot.localtime import clock_text, zone_label
from bot.markup import escape
from bot.pushes.kinds import set_and_reschedule
from bot.roadmap.plan import current_phase, placed_phases, placement_week, plan_start_for_week, week_in_plan
from bot.storage.repository import PLACEMENT_SOURCE
from bot.streaks.record import shift_after_move

log = logging.getLogger(__name__)

STEPS = ("language", "track", "placement", "timezone")
MAX_LEVEL = 3
NOTHING_YET = {"nothing", "none", "no", "0", "belum", "belum ada", "tidak ada", "nggak ada", "gak ada",
               "nol", "nothing yet", "fresh", "baru mulai", "pemula", "beginner"}


def step_prompt(ctx: Context, step: str) -> Reply:
    """The question for an onboarding step."""
    if step == "language":
        return language_prompt(ctx, first_contact=True)
    if step == "track":
        return track_prompt(ctx)
    if step == "placement":
        return placement_prompt(ctx)
    return timezone_prompt(ctx)


def placement_prompt(ctx: Context) -> Reply:
    """Ask what the learner already knows: a level button or a typed list of skills."""
    buttons = [Button(ctx.t(f"placement.level_{n}"), f"/level {n}") for n in range(MAX_LEVEL + 1)]
    return Reply(ctx.t("placement.prompt"), rows(*buttons, per_row=1))


async def _finish(ctx: Context) -> list[Reply]:
    learner = ctx.learner
    await set_and_reschedule(ctx.repo.pushes, learner, ctx.now, onboarding_step=None)  # pushes start now
    if learner.plan_start is None:
        learner.plan_start = ctx.local_today()
    track = ctx.kb.tracks.get(learner.track or "")
    phase = current_phase(ctx.kb, ctx.progress) or len(ctx.kb.phases)
    text = ctx.t(
        "onboarding.done",
        track=track.name if track else "-",
        week=week_in_plan(learner.plan_start, ctx.local_today()),
        phase=phase,
        title=ctx.kb.phase(phase).title.get(ctx.lang),
        timezone=zone_label(learner.timezone),
    )
    if learner.quiz_minute is not None:
        text += "\n\n" + ctx.t("onboarding.pushes", time=clock_text(learner.quiz_minute))
    log.info("learner %s finished onboarding", learner.id)
    return [Reply(text, rows(Button(ctx.t("button.next"), "/next"),
                             Button(ctx.t("button.progress"), "/progress"),
                             Button(ctx.t("button.help"), "/help"), per_row=3))]


async def advance(ctx: Context, step: str, ack: str) -> list[Reply]:
    """After ``step`` was answered: the next question, the summary, or a settings ack.

    During setup the ack answers the pressed step (``edits_pressed``): an adapter that can
    shows it on that step's message, whose buttons are then finished, and the next question
    follows as a new message.
    """
    current = ctx.learner.onboarding_step
    if current is None:
        return [Reply(ack, rows(Button(ctx.t("button.settings"), "/settings"),
                                Button(ctx.t("button.next"), "/next")))]
    done = Reply(ack, edits_pressed=True)  # answers the step's button: shown on the step's own message
    if current != step:
        return [done, step_prompt(ctx, current)]
    following = STEPS[STEPS.index(step) + 1] if STEPS.index(step) + 1 < len(STEPS) else None
    if following is None:
        return [done, *await _finish(ctx)]
    ctx.learner.onboarding_step = following
    return [done, step_prompt(ctx, following)]


async def cmd_start(ctx: Context, args: str) -> list[Reply]:
    """Start (or continue) the setup; welcome back a learner who finished it."""
    step = ctx.learner.onboarding_step
    if step == "language":
        return [step_prompt(ctx, step)]
    if step is not None:
        return [Reply(ctx.t("onboarding.continue")), step_prompt(ctx, step)]
    return [Reply(ctx.t("onboarding.welcome_back"),
                  rows(Button(ctx.t("button.next"), "/next"), Button(ctx.t("button.progress"), "/progress"),
                       Button(ctx.t("button.settings"), "/settings"), per_row=3))]


def _ask_again(ctx: Context, what: str) -> None:
    """After setup, the learner's next typed message answers the question just asked."""
    if ctx.learner.onboarding_step is None:
        ctx.await_text(what)


async def cmd_lang(ctx: Context, args: str) -> list[Reply]:
    """Set the language: ``/lang en`` or ``/lang id``."""
    if not args.strip():
        _ask_again(ctx, "language")
        return [language_prompt(ctx)]
    lang = parse_language(args)
    if lang is None:
        _ask_again(ctx, "language")
        return [Reply(ctx.t("lang.invalid", text=escape(args[:40]))), language_prompt(ctx)]
    ctx.stop_awaiting()
    ctx.learner.language = lang
    return await advance(ctx, "language", ctx.t("lang.set", language=LANGUAGE_NAMES[lang]))


async def cmd_track(ctx: Context, args: str) -> list[Reply]:
    """Set the track: ``/track go|python|node|java|php``."""
    if not args.strip():
        _ask_again(ctx, "track")
        return [track_prompt(ctx)]
    track = parse_track(ctx.kb, args)
    if track is None:
        _ask_again(ctx, "track")
        return [Reply(ctx.t("track.invalid", text=escape(args[:40]))), track_prompt(ctx)]
    ctx.stop_awaiting()
    ctx.learner.track = track
    return await advance(ctx, "track", ctx.t("track.set", track=ctx.kb.tracks[track].name))


async def cmd_level(ctx: Context, args: str) -> list[Reply]:
    """Placement by self-report: ``/level 0`` (fresh) to ``/level 3`` (phases 1-3 known)."""
    if ctx.learner.onboarding_step is None:
        return [Reply(ctx.t("placement.after_onboarding"))]
    text = args.strip()
    if not (text.isdigit() and 0 <= int(text) <= MAX_LEVEL):
        return [Reply(ctx.t("placement.bad_level", max=MAX_LEVEL)), placement_prompt(ctx)]
    level = int(text)
    known = [skill for phase in range(1, level + 1) for skill in ctx.kb.skills_in_phase(phase, core=True)]
    ack = ctx.t(f"placement.level_{level}_ack")
    if level:
        ack += "\n" + await _place(ctx, known)
    else:
        ctx.learner.plan_start = plan_start_for_week(ctx.local_today(), 1)
    return await advance(ctx, "placement", ack)


async def _place(ctx: Context, known: list[Skill]) -> str:
    """Mark ``known`` as learned before Jalur and start the plan where that puts the learner.

    One rule for the level buttons and typed skills (``placement_week``). The
    portfolio projects of the phases placed past stay open: the learner is
    told so, nothing is ticked for them.
    """
    for skill in known:
        await ctx.repo.set_skill_status(ctx.learner.id, skill.id, "done", source=PLACEMENT_SOURCE, now=ctx.now)
    await ctx.reload_progress()
    week = placement_week(ctx.kb, ctx.progress)
    ctx.learner.plan_start = plan_start_for_week(ctx.local_today(), week)
    phase = current_phase(ctx.kb, ctx.progress) or len(ctx.kb.phases)
    lines = [ctx.t("placement.start", week=week, phase=phase, title=ctx.kb.phase(phase).title.get(ctx.lang))]
    placed = sorted(placed_phases(ctx.kb, ctx.progress))
    if placed:
        key = "placement.project_open" if len(placed) == 1 else "placement.projects_open"
        lines.append(ctx.t(key, phases=and_list(ctx, [str(p) for p in placed]), first=placed[0]))
    return "\n".join(lines)


async def placement_text(ctx: Context, text: str) -> list[Reply]:
    """Placement from a typed list of skills ("git, sql and linux") or "nothing yet"."""
    if normalize(text) in NOTHING_YET:
        return await cmd_level(ctx, "0")
    found, unknown = ctx.finder.find_many(text)
    if not found:
        return [Reply(ctx.t("placement.not_understood", text=escape(text[:60]))), placement_prompt(ctx)]
    ack = ctx.t("placement.marked", skills=", ".join(ctx.skill_name(s) for s in found))
    if unknown:
        ack += "\n" + ctx.t("placement.unknown_parts", parts=escape(", ".join(p[:40] for p in unknown[:5])))
    ack += "\n" + await _place(ctx, found)
    return await advance(ctx, "placement", ack)


async def cmd_tz(ctx: Context, args: str) -> list[Reply]:
    """Set the timezone: ``/tz Asia/Jakarta``, a city, WIB/WITA/WIT or UTC+7."""
    if not args.strip():
        _ask_again(ctx, "timezone")
        return [timezone_prompt(ctx)]
    guess = parse_timezone(args)
    if guess.zone is None:
        _ask_again(ctx, "timezone")
        shown = escape(args.strip()[:40])
        current = zone_label(ctx.learner.timezone)
        if guess.suggestions:
            buttons = [Button(zone_label(zone), f"/tz {zone}") for zone in guess.suggestions]
            return [Reply(ctx.t("tz.suggest", text=shown, current=current), rows(*buttons, per_row=1))]
        return [Reply(ctx.t("tz.invalid", text=shown, current=current)), timezone_prompt(ctx)]
    shift = shift_after_move(ctx.learner, ctx.now, guess.zone)  # the streak neither breaks nor grows
    await set_and_reschedule(ctx.repo.pushes, ctx.learner, ctx.now, timezone=guess.zone, streak_shift=shift)
    ctx.stop_awaiting()
    time = ctx.now.astimezone(ctx.tz()).strftime("%H:%M")
    return await advance(ctx, "timezone", ctx.t("tz.set", timezone=zone_label(guess.zone), time=time))


async def language_text(ctx: Context, text: str, other_request: bool) -> list[Reply] | None:
    """A typed answer to "which language?"; ``None`` when it is a different request."""
    if parse_language(text) is None and other_request:
        return None
    return await cmd_lang(ctx, text)


async def track_text(ctx: Context, text: str, other_request: bool) -> list[Reply] | None:
    """A typed answer to "which track?"; ``None`` when it is a different request."""
    if parse_track(ctx.kb, text) is None and other_request:
        return None
    return await cmd_track(ctx, text)


async def timezone_text(ctx: Context, text: str, other_request: bool) -> list[Reply] | None:
    """A typed answer to "which timezone?"; ``None`` when it is a different request."""
    if parse_timezone(text).zone is None and other_request:
        return None
    return await cmd_tz(ctx, text)


async def onboarding_text(ctx: Context, text: str) -> list[Reply]:
    """Typed text while a setup step is open answers that step."""
    step = ctx.learner.onboarding_step
    if step == "language":
        if parse_language(text) is None:
            return [step_prompt(ctx, step)]
        return await cmd_lang(ctx, text)
    if step == "track":
        return await cmd_track(ctx, text)
    if step == "placement":
        return await placement_text(ctx, text)
    return await cmd_tz(ctx, text)
