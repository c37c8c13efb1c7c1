"""A learner's preferences: language, track and timezone. Prompts, parsing and
the /settings overview. The commands that change them live in onboarding.py,
because the same commands drive the first-run setup."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.content.loader import KnowledgeBase
from bot.conversation import Button, Reply, rows
from bot.features.context import Context
from bot.i18n import LANGUAGE_NAMES
from bot.intents import normalize
from bot.localtime import clock_text, zone_label

LANGUAGE_WORDS = {
    "en": "en", "english": "en", "eng": "en", "inggris": "en", "bahasa inggris": "en",
    "id": "id", "in": "id", "indonesia": "id", "indonesian": "id", "bahasa": "id",
    "bahasa indonesia": "id", "b indonesia": "id", "indo": "id",
}
INDONESIAN_ZONES = (("WIB", "Asia/Jakarta"), ("WITA", "Asia/Makassar"), ("WIT", "Asia/Jayapura"))
TRACK_CUTOFF = 80.0


def parse_language(text: str) -> str | None:
    """``en`` or ``id`` from "English", "bahasa indonesia", "id"...; else ``None``."""
    key = normalize(text[:40])
    if key in LANGUAGE_WORDS:
        return LANGUAGE_WORDS[key]
    best = process.extractOne(key, list(LANGUAGE_WORDS), scorer=fuzz.QRatio, processor=None,
                              score_cutoff=85)
    return LANGUAGE_WORDS[best[0]] if best else None


def _track_names(kb: KnowledgeBase) -> dict[str, str]:
    names: dict[str, str] = {}
    for track in kb.tracks.values():
        for name in (track.id, track.name, *track.name.split("/"), *track.aliases, *track.frameworks):
            names.setdefault(normalize(name), track.id)
    return names


def track_named(kb: KnowledgeBase, text: str) -> str | None:
    """The track ``text`` names exactly ("python", "golang", "laravel"), without guessing at typos."""
    return _track_names(kb).get(normalize(text[:40])) if text.strip() else None


def parse_track(kb: KnowledgeBase, text: str) -> str | None:
    """A track id from "go", "golang", "Node.js / TypeScript", "laravel"...; else ``None``."""
    names = _track_names(kb)
    key = normalize(text[:40])
    if not key:
        return None
    if key in names:
        return names[key]
    best = process.extractOne(key, list(names), scorer=fuzz.QRatio, processor=None,
                              score_cutoff=TRACK_CUTOFF)
    return names[best[0]] if best else None


def language_prompt(ctx: Context, *, first_contact: bool = False) -> Reply:
    """Ask for the language; on first contact the question is shown in both languages."""
    if first_contact:
        order = sorted(LANGUAGE_NAMES, key=lambda lang: lang != ctx.lang)  # the learner's own language first
        text = "\n\n".join(ctx.texts(lang, "onboarding.welcome") for lang in order)
    else:
        text = ctx.t("lang.prompt")
    buttons = [Button(name, f"/lang {code}") for code, name in LANGUAGE_NAMES.items()]
    return Reply(text, rows(*buttons))


def track_prompt(ctx: Context) -> Reply:
    """Ask for a track, with what each one is good for."""
    lines = [ctx.t("track.prompt"), ""]
    for track in ctx.kb.tracks.values():
        stack = ", ".join(track.frameworks) + " · " + ", ".join(track.databases)
        lines.append(f"- **{track.name}**: {track.best_for.get(ctx.lang)} ({stack})")
    buttons = [Button(track.name, f"/track {track.id}") for track in ctx.kb.tracks.values()]
    return Reply("\n".join(lines), rows(*buttons))


def timezone_prompt(ctx: Context) -> Reply:
    """Ask for a timezone: Indonesian zones and UTC as buttons, anything else typed."""
    zones = [(label, zone) for label, zone in INDONESIAN_ZONES]
    default = ctx.settings.default_timezone
    if default not in {zone for _, zone in zones}:
        zones.insert(0, (default.rsplit("/", 1)[-1].replace("_", " "), default))
    zones.append(("UTC", "UTC"))
    buttons = [Button(f"{label} ({zone})" if label != zone else zone, f"/tz {zone}") for label, zone in zones]
    return Reply(ctx.t("tz.prompt", current=zone_label(ctx.learner.timezone)), rows(*buttons))


async def cmd_settings(ctx: Context, args: str) -> list[Reply]:
    """Show the learner's settings with buttons to change each one."""
    track = ctx.kb.tracks.get(ctx.learner.track or "")
    text = ctx.t(
        "settings.title",
        language=LANGUAGE_NAMES[ctx.lang],
        track=track.name if track else ctx.t("settings.no_track"),
        timezone=zone_label(ctx.learner.timezone),
        time=ctx.now.astimezone(ctx.tz()).strftime("%H:%M"),
        reminders=_reminders_summary(ctx),
    )
    buttons = rows(
        Button(ctx.t("button.language"), "/lang"),
        Button(ctx.t("button.track"), "/track"),
        Button(ctx.t("button.timezone"), "/tz"),
        Button(ctx.t("button.reminders"), "/reminders"),
        Button(ctx.t("button.delete_me"), "/delete_me"),
    )
    return [Reply(text, buttons)]


def _reminders_summary(ctx: Context) -> str:
    learner = ctx.learner
    if learner.pushes_paused:
        return ctx.t("reminders.paused_short")
    if learner.quiz_minute is None:
        return ctx.t("reminders.quiz_off_short")
    return ctx.t("reminders.quiz_short", time=clock_text(learner.quiz_minute))
