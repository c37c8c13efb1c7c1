"""/setup: a study group's channel, daily quiz time, timezone, language and group-streak rule.

Anyone in the server may look at the settings; only members the platform
says may manage the server (Discord's Manage Server permission) change them.
A change is all or nothing: one bad value is named and nothing is saved.
Choosing a channel posts a short notice there, which is also how Jalur
finds out that it may not write in that channel.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.features.timezones import parse_timezone
from bot.i18n import LANGUAGE_NAMES
from bot.localtime import clock_text, parse_clock, zone, zone_label
from bot.markup import escape
from bot.pushes.kinds import GROUP_QUIZ, next_group_due, reschedule_group
from bot.storage.tables import StudyGroup

log = logging.getLogger(__name__)

OPTIONS = ("channel", "name", "time", "timezone", "members", "language", "phase")
_OPTION = re.compile(r"(?:^|\s)([a-z_]+)=", re.IGNORECASE)
MAX_MEMBERS = 50
DEFAULT_STREAK_MEMBERS = 3
MAX_ECHO = 40
OFF_WORDS = frozenset({"off", "mati", "none", "no"})


@dataclass
class SetupChange:
    """The settings a /setup command asks for (``None``: leave as it is)."""

    channel_id: str | None = None
    channel_name: str | None = None
    quiz_minute: int | None = None
    quiz_off: bool = False
    timezone: str | None = None
    members: int | None = None
    language: str | None = None
    phase: int | None = None
    all_phases: bool = False


def _echo(value: str) -> str:
    return escape(value[:MAX_ECHO]) + ("…" if len(value) > MAX_ECHO else "")


def parse_options(args: str) -> dict[str, str] | None:
    """``channel=1 time=19:00 timezone=Asia/Jakarta`` -> a dict; ``None`` when the text has no ``key=``."""
    found = list(_OPTION.finditer(args))
    if not found or args[: found[0].start()].strip():
        return None
    options: dict[str, str] = {}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(args)
        options[match.group(1).lower()] = args[match.end():end].strip()
    return options


def read_change(ctx: Context, options: dict[str, str]) -> SetupChange | str:
    """The change the options ask for, or the text of what is wrong with them."""
    change = SetupChange()
    for key, value in options.items():
        if key not in OPTIONS:
            return ctx.t("group.unknown_option", option=_echo(key), options=", ".join(OPTIONS[:1] + OPTIONS[2:]))
        if not value:
            return ctx.t("group.empty_option", option=key)
    if "channel" in options:
        if not options["channel"].isdigit() or len(options["channel"]) > 30:
            return ctx.t("group.bad_channel", value=_echo(options["channel"]))
        change.channel_id = options["channel"]
        change.channel_name = options.get("name", options["channel"])[:100]
    if "time" in options:
        if options["time"].lower() in OFF_WORDS:
            change.quiz_off = True
        else:
            change.quiz_minute = parse_clock(options["time"])
            if change.quiz_minute is None:
                return ctx.t("group.bad_time", value=_echo(options["time"]))
    if "timezone" in options:
        change.timezone = parse_timezone(options["timezone"]).zone
        if change.timezone is None:
            return ctx.t("group.bad_timezone", value=_echo(options["timezone"]))
    if "members" in options:
        members = options["members"]
        if not members.isdigit() or not 1 <= int(members) <= MAX_MEMBERS:
            return ctx.t("group.bad_members", value=_echo(members), max=MAX_MEMBERS)
        change.members = int(members)
    if "language" in options:
        if options["language"].lower() not in LANGUAGE_NAMES:
            return ctx.t("group.bad_language", value=_echo(options["language"]))
        change.language = options["language"].lower()
    if "phase" in options:
        phase = options["phase"].lower()
        if phase in {"0", "all", "semua"}:
            change.all_phases = True
        elif phase.isdigit() and 1 <= int(phase) <= len(ctx.kb.phases):
            change.phase = int(phase)
        else:
            return ctx.t("group.bad_phase", value=_echo(options["phase"]), max=len(ctx.kb.phases))
    return change


async def group_or_problem(ctx: Context) -> tuple[StudyGroup | None, list[Reply]]:
    """The study group the message came from, or replies saying why there is none."""
    origin = ctx.origin
    if origin.group_id is None:
        return None, [Reply(ctx.t("group.only_in_server"))]
    group = await ctx.repo.groups.find(origin.platform, origin.group_id)
    if group is None or group.channel_id is None:
        return None, [Reply(ctx.t("group.not_set_up"))]
    return group, []


def channel_text(group: StudyGroup) -> str:
    """``#study-group`` (the name the channel had when it was chosen)."""
    return f"#{escape(group.channel_name or str(group.channel_id))}"


def settings_text(ctx: Context, group: StudyGroup) -> str:
    """The group's settings, and a warning when its channel stopped working."""
    quiz = (ctx.t("group.quiz_at", time=clock_text(group.quiz_minute),
                  timezone=zone_label(group.timezone))
            if group.quiz_minute is not None else ctx.t("group.quiz_off"))
    phase = ctx.t("group.phase_one", phase=group.phase) if group.phase else ctx.t("group.phase_all")
    lines = [ctx.t("group.settings", channel=channel_text(group), quiz=quiz, phase=phase,
                   members=group.streak_members, language=LANGUAGE_NAMES[group.language])]
    if group.channel_problem_since is not None:
        lines += ["", ctx.t("group.channel_problem", channel=channel_text(group))]
    due = next_group_due(GROUP_QUIZ, group, ctx.now)
    if due is not None:
        local = due.at.astimezone(zone(group.timezone))
        lines.append(ctx.t("group.next_quiz", when=local.strftime("%Y-%m-%d %H:%M"),
                           timezone=zone_label(group.timezone)))
    return "\n".join(lines)


def _apply(group: StudyGroup, change: SetupChange) -> bool:
    """Apply a change; True when the channel must be (re)checked by posting in it."""
    check = group.channel_problem_since is not None
    if change.channel_id is not None:
        check = check or change.channel_id != group.channel_id
        group.channel_id, group.channel_name = change.channel_id, change.channel_name
    if change.quiz_off:
        group.quiz_minute = None
    elif change.quiz_minute is not None:
        group.quiz_minute = change.quiz_minute
    if change.timezone is not None:
        group.timezone = change.timezone
    if change.members is not None:
        group.streak_members = change.members
    if change.language is not None:
        group.language = change.language
    if change.all_phases:
        group.phase = None
    elif change.phase is not None:
        group.phase = change.phase
    group.channel_problem_since = None
    return check


async def cmd_setup(ctx: Context, args: str) -> list[Reply]:
    """Show the server's settings; with options (admins only), change them."""
    origin = ctx.origin
    if origin.group_id is None:
        return [Reply(ctx.t("group.only_in_server"))]
    group = await ctx.repo.groups.find(origin.platform, origin.group_id)
    if not args.strip():
        if group is None or group.channel_id is None:
            return [Reply(ctx.t("group.not_set_up"))]
        return [Reply(settings_text(ctx, group), card=True)]
    if not origin.group_admin:
        return [Reply(ctx.t("group.admins_only"))]
    options = parse_options(args)
    if options is None:
        return [Reply(ctx.t("group.setup_usage"))]
    change = read_change(ctx, options)
    if isinstance(change, str):
        return [Reply(change + "\n" + ctx.t("group.nothing_changed"))]
    new = group is None
    if group is None:
        if change.channel_id is None:
            return [Reply(ctx.t("group.needs_channel"))]
        group = StudyGroup(platform=origin.platform, external_id=origin.group_id, language=ctx.lang,
                           timezone=ctx.settings.default_timezone, quiz_minute=ctx.settings.default_quiz_minute,
                           streak_members=DEFAULT_STREAK_MEMBERS, created_at=ctx.now, updated_at=ctx.now)
        await ctx.repo.groups.add(group)
    check = _apply(group, change) or new
    group.updated_at = ctx.now
    await reschedule_group(ctx.repo.pushes, group, ctx.now)
    log.info("group %s: settings changed", group.id)
    replies = [Reply(ctx.t("group.saved") + "\n\n" + settings_text(ctx, group), card=True)]
    if check:
        replies.insert(0, _notice(ctx, group))
    return replies


def _notice(ctx: Context, group: StudyGroup) -> Reply:
    """The notice posted in the chosen channel (in the group's language)."""
    lang = group.language
    if group.quiz_minute is None:
        text = ctx.texts(lang, "group.notice_no_daily")
    else:
        text = ctx.texts(lang, "group.notice", time=clock_text(group.quiz_minute),
                         timezone=zone_label(group.timezone))
    return Reply(text, rows(Button(ctx.texts(lang, "button.leaderboard"), "/leaderboard")),
                 channel=group.channel_id, language=lang)
