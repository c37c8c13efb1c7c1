// Jalur's dashboard page: reads /api/v1/dashboard for the learner the credential names and draws it
// with SVG written for this page. Inside Telegram it loads Telegram's Mini App script (only there),
// but works without it: the initData and the theme come in the address's fragment too.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const STATUS_ICONS = { done: "✅", learning: "📖", skipped: "⏭", not_started: "⬜" };
const state = { texts: {}, data: null, credential: null, lang: "en" };

// --- who is asking -------------------------------------------------------------------------------

function fragment() {
  return new URLSearchParams(window.location.hash.slice(1));
}

function credential() {
  const params = fragment();
  const initData = params.get("tgWebAppData") || (window.Telegram && window.Telegram.WebApp &&
    window.Telegram.WebApp.initData);
  if (initData) return "tma " + initData;
  const token = params.get("t");
  if (token) return "Bearer " + token;
  return null;
}

function insideTelegram() {
  return fragment().has("tgWebAppData");
}

function guessLanguage() {
  let code = navigator.language || "en";
  const initData = fragment().get("tgWebAppData");
  if (initData) {
    try { code = JSON.parse(new URLSearchParams(initData).get("user")).language_code || code; } catch (e) { /* keep */ }
  }
  return /^(id|in)\b/i.test(code) ? "id" : "en";
}

// --- Telegram: theme and script ------------------------------------------------------------------

function applyTheme(theme) {
  if (!theme || !theme.bg_color) return;
  const root = document.documentElement;
  root.classList.add("tg");
  const map = { bg_color: "--bg", text_color: "--fg", hint_color: "--hint", link_color: "--link",
                button_color: "--accent", button_text_color: "--accent-fg", secondary_bg_color: "--card" };
  for (const [key, variable] of Object.entries(map)) {
    if (theme[key]) root.style.setProperty(variable, theme[key]);
  }
  root.classList.toggle("tg-dark", luminance(theme.bg_color) < 0.4);
}

function luminance(hex) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
  if (!m) return 1;
  return (0.299 * parseInt(m[1], 16) + 0.587 * parseInt(m[2], 16) + 0.114 * parseInt(m[3], 16)) / 255;
}

function startTelegram() {
  if (!insideTelegram()) return;
  try { applyTheme(JSON.parse(fragment().get("tgWebAppThemeParams") || "{}")); } catch (e) { /* default theme */ }
  const script = document.createElement("script");
  script.src = "https://telegram.org/js/telegram-web-app.js";
  script.onload = () => {
    const app = window.Telegram && window.Telegram.WebApp;
    if (!app) return;
    app.ready();
    app.expand();
    applyTheme(app.themeParams);
    app.onEvent("themeChanged", () => applyTheme(app.themeParams));
  };
  document.head.appendChild(script);
}

// --- texts ---------------------------------------------------------------------------------------

function t(key, params) {
  const template = state.texts[key] || key;
  return template.replace(/\{(\w+)(?::([^}|]*)\|([^}]*))?\}/g, (_, name, one, other) => {
    const value = params ? params[name] : undefined;
    if (one !== undefined) return value === 1 ? one : other;
    return value === undefined ? "" : String(value);
  });
}

function monthName(isoDate) {
  return t("month." + Number(isoDate.slice(5, 7)));
}

function shortDate(isoDate) {
  return Number(isoDate.slice(8, 10)) + " " + monthName(isoDate);
}

// --- small DOM helpers ---------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function titled(node, text) {
  node.append(svg("title", { text }));
  return node;
}

function setStatus(text, error) {
  const status = document.getElementById("status");
  status.textContent = text || "";
  status.hidden = !text;
  status.classList.toggle("error", !!error);
}

// --- loading -------------------------------------------------------------------------------------

async function getJson(path) {
  const headers = state.credential ? { Authorization: state.credential } : {};
  const response = await fetch(path, { headers, credentials: "omit", cache: "no-store" });
  if (!response.ok) {
    const error = new Error("HTTP " + response.status);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

async function loadTexts(lang) {
  state.texts = await getJson("api/v1/texts/" + lang);
  state.lang = lang;
  document.documentElement.lang = lang;
}

async function load() {
  state.credential = credential();
  try {
    await loadTexts(guessLanguage());
  } catch (e) {
    setStatus("Jalur: the dashboard could not be loaded.", true);
    return;
  }
  setStatus(t("dashboard.loading"));
  if (!state.credential) {
    setStatus(t("dashboard.error_auth"), true);
    return;
  }
  try {
    state.data = await getJson("api/v1/dashboard");
    if (state.data.learner.language !== state.lang) await loadTexts(state.data.learner.language);
  } catch (error) {
    const key = error.status === 401 || error.status === 403 ? "dashboard.error_auth"
      : error.status === 404 ? "dashboard.error_gone" : "dashboard.error_network";
    setStatus(t(key), true);
    if (key === "dashboard.error_network") {
      const retry = el("button", { class: "primary", text: t("dashboard.retry") });
      retry.addEventListener("click", () => { retry.remove(); load(); });
      document.getElementById("status").after(retry);
    }
    return;
  }
  setStatus("");
  render();
}

function render() {
  const data = state.data;
  document.getElementById("title").textContent = t("dashboard.title");
  document.getElementById("skill-close").textContent = t("dashboard.skill_close");
  const plan = data.roadmap.plan;
  const subtitle = [data.learner.track, plan ? weekText(plan.week) : null].filter(Boolean).join(" · ");
  document.getElementById("subtitle").textContent = subtitle;
  for (const view of ["roadmap", "streak", "recall", "group"]) {
    document.getElementById("tab-" + view).textContent = t("dashboard.tab_" + view);
  }
  drawRoadmap(document.getElementById("view-roadmap"), data.roadmap);
  drawStreak(document.getElementById("view-streak"), data.streak);
  drawRecall(document.getElementById("view-recall"), data.recall);
  drawGroups(document.getElementById("view-group"), data.groups);
  document.getElementById("tabs").hidden = false;
  const wanted = fragment().get("view");
  show(["roadmap", "streak", "recall", "group"].includes(wanted) ? wanted : "roadmap");
  document.body.dataset.renderedMs = String(Math.round(performance.now()));  // since navigation started
  document.body.dataset.ready = "true";
}

function show(view) {
  for (const tab of document.querySelectorAll(".tabs button")) {
    const on = tab.dataset.view === view;
    tab.setAttribute("aria-selected", on ? "true" : "false");
    document.getElementById("view-" + tab.dataset.view).hidden = !on;
  }
}

function weekText(week) {
  return t(week > state.data.roadmap.weeks ? "dashboard.week_past" : "dashboard.week",
           { week, total: state.data.roadmap.weeks });
}

// --- roadmap -------------------------------------------------------------------------------------

function drawRoadmap(root, roadmap) {
  root.replaceChildren();
  const plan = roadmap.plan;
  if (plan) {
    root.append(el("p", { class: "summary", text: plan.summary }));
  } else {
    root.append(el("p", { class: "hint", text: t("dashboard.no_plan") }));
  }
  root.append(timeline(roadmap));
  if (plan) {
    root.append(el("div", { class: "legend" },
      el("i", { class: "cal" }), " " + weekText(plan.week) + " ",
      el("i", { class: "learned" }), " " + t("dashboard.steps_week", { week: Math.round(plan.steps_week) })));
  }
  for (const phase of roadmap.phases) root.append(phaseCard(phase));
}

function timeline(roadmap) {
  const width = 360, left = 10, span = width - 2 * left, top = 18, height = 26;
  const x = (week) => left + span * Math.min(Math.max(week, 0), roadmap.weeks) / roadmap.weeks;
  const chart = svg("svg", { viewBox: `0 0 ${width} 70`, width: "100%", role: "img", id: "timeline",
                             "data-weeks": roadmap.weeks,
                             "aria-label": roadmap.plan ? weekText(roadmap.plan.week) : t("dashboard.no_plan") });
  for (const phase of roadmap.phases) {
    const [first, last] = phase.weeks;
    const x0 = x(first - 1), x1 = x(last);
    chart.append(svg("rect", { x: x0 + 1, y: top, width: x1 - x0 - 2, height, rx: 4, class: "p" + phase.number,
                               opacity: phase.completed ? 1 : 0.35 }));
    const done = (x1 - x0 - 2) * phase.steps_done / phase.steps;
    chart.append(svg("rect", { x: x0 + 1, y: top + height - 6, width: done, height: 6, class: "p" + phase.number }));
    chart.append(svg("text", { x: (x0 + x1) / 2, y: top + 17, "text-anchor": "middle", text: String(phase.number) }));
    chart.append(svg("text", { x: x0 + 2, y: top + height + 14, class: "hint", text: String(first) }));
  }
  chart.append(svg("text", { x: x(roadmap.weeks) - 2, y: top + height + 14, class: "hint", "text-anchor": "end",
                             text: String(roadmap.weeks) }));
  const plan = roadmap.plan;
  if (plan) {
    const cal = x(Math.min(plan.week, roadmap.weeks) - 0.5);
    chart.append(titled(svg("line", { x1: cal, x2: cal, y1: 4, y2: top + height + 2, class: "marker",
                                      id: "marker-week", "data-week": plan.week }), weekText(plan.week)));
    const learned = x(plan.steps_week);
    chart.append(titled(svg("line", { x1: learned, x2: learned, y1: top - 4, y2: top + height + 6,
                                      class: "marker learned", id: "marker-learned",
                                      "data-week": plan.steps_week }),
                        t("dashboard.steps_week", { week: Math.round(plan.steps_week) })));
  }
  return chart;
}

function phaseCard(phase) {
  const card = el("div", { class: "card phase" + (phase.here ? " here" : ""), id: "phase-" + phase.number });
  const heading = el("h3", { text: t("dashboard.phase", { phase: phase.number, title: phase.title }) });
  card.append(heading);
  const meta = [t("dashboard.weeks", { first: phase.weeks[0], last: phase.weeks[1] }),
                t("dashboard.steps", { done: phase.steps_done, total: phase.steps })];
  if (phase.here) meta.push("📍 " + t("dashboard.here"));
  if (phase.completed) meta.push("🏁");
  card.append(el("p", { class: "hint", text: meta.join(" · ") }));
  const bar = el("div", { class: "bar" }, el("span"));
  bar.firstChild.style.width = (100 * phase.steps_done / phase.steps).toFixed(1) + "%";
  card.append(bar);
  if (phase.placed) card.append(el("p", { class: "hint", text: t("dashboard.placed") }));
  const chips = el("div", { class: "chips" });
  for (const skill of phase.skills) {
    const chip = el("button", { class: `chip ${skill.status === "not_started" ? "open" : skill.status}` +
                                       (skill.core ? "" : " elective"),
                                "data-skill": skill.id, "data-status": skill.status,
                                title: t("status." + skill.status) },
      STATUS_ICONS[skill.status] + " " + skill.name,
      skill.core ? null : el("span", { class: "tag", text: " · " + t("dashboard.elective") }),
      skill.current ? el("span", { class: "tag", text: " · " + t("dashboard.current_skill") }) : null);
    chip.addEventListener("click", () => openSkill(skill.id));
    chips.append(chip);
  }
  card.append(chips);
  const project = phase.project;
  const checked = project.must_haves.filter((item) => item.checked).length;
  card.append(el("h3", { text: (project.done ? "✅ " : "🛠 ") + t("dashboard.project", { title: project.title }) }));
  card.append(el("p", { class: "hint", text: t("dashboard.must_haves", { checked, total: project.must_haves.length }) }));
  const list = el("ul", { class: "checks" });
  for (const item of project.must_haves) list.append(el("li", { text: (item.checked ? "✅ " : "⬜ ") + item.text }));
  card.append(list);
  return card;
}

async function openSkill(id) {
  const dialog = document.getElementById("skill-dialog");
  const body = document.getElementById("skill-body");
  body.replaceChildren(el("p", { class: "hint", text: t("dashboard.loading") }));
  if (typeof dialog.showModal === "function") dialog.showModal(); else dialog.setAttribute("open", "");
  try {
    const skill = await getJson("api/v1/skills/" + encodeURIComponent(id));
    body.replaceChildren(...renderLines(skill.lines));
    body.dataset.skill = skill.id;
  } catch (e) {
    body.replaceChildren(el("p", { class: "status error", text: t("dashboard.skill_missing") }));
  }
}

function renderLines(lines) {
  const nodes = [];
  let list = null;
  for (const line of lines) {
    const spans = line.spans.map(spanNode);
    if (line.item) {
      if (!list) { list = el("ul"); nodes.push(list); }
      list.append(el("li", {}, ...spans));
      continue;
    }
    list = null;
    if (spans.length) nodes.push(el("p", {}, ...spans));
  }
  return nodes;
}

function spanNode(span) {
  if (span.kind === "bold") return el("strong", { text: span.text });
  if (span.kind === "italic") return el("em", { text: span.text });
  if (span.kind === "code") return el("code", { text: span.text });
  if (span.kind === "link" && /^https?:\/\//i.test(span.url || "")) {
    return el("a", { href: span.url, target: "_blank", rel: "noopener noreferrer", text: span.text });
  }
  return document.createTextNode(span.text);
}

// --- streak --------------------------------------------------------------------------------------

function level(count) {
  return count >= 10 ? 4 : count >= 6 ? 3 : count >= 3 ? 2 : count >= 1 ? 1 : 0;
}

function addDays(isoDate, days) {
  const d = new Date(isoDate + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function drawStreak(root, streak) {
  root.replaceChildren();
  const tiles = el("div", { class: "tiles" },
    tile(t("dashboard.streak_current"), t("dashboard.days", { days: streak.current }), "streak-current"),
    tile(t("dashboard.streak_longest"), t("dashboard.days", { days: streak.longest }), "streak-longest"),
    tile(t("dashboard.freezes"), "❄️ " + t("dashboard.freezes_count", { freezes: streak.freezes, max: streak.max_freezes }),
         "streak-freezes"));
  root.append(tiles);
  if (streak.current > 0) {
    root.append(el("p", { text: streak.at_risk ? t("dashboard.at_risk") : t("dashboard.safe_today") }));
  }
  root.append(el("h2", { text: t("dashboard.heatmap_title") }));
  const total = streak.answers.reduce((a, b) => a + b, 0);
  root.append(el("p", { class: "hint", id: "heatmap-summary",
                        text: t("dashboard.heatmap_summary", { answers: total, active: streak.active_days,
                                                               frozen: streak.frozen_days }) }));
  root.append(heatmap(streak));
  root.append(el("div", { class: "legend" }, t("dashboard.legend_less") + " ",
    el("i", { class: "cell0" }), el("i", { class: "cell1" }), el("i", { class: "cell2" }),
    el("i", { class: "cell3" }), el("i", { class: "cell4" }), " " + t("dashboard.legend_more") + " · ",
    el("i", { class: "cellf" }), " " + t("dashboard.day_frozen")));
  root.append(el("p", { class: "hint", text: t("dashboard.boundary", { boundary: streak.boundary,
                                                                      timezone: state.data.learner.timezone }) }));
}

function tile(label, value, id) {
  return el("div", { class: "tile", id }, el("span", { class: "value", text: value }),
            el("span", { class: "label", text: label }));
}

function heatmap(streak) {
  // A year is too wide for a phone in one piece: two stacked halves of about six months, a column a week.
  const size = 11, gap = 2, top = 16, left = 4;
  const first = new Date(streak.first + "T00:00:00Z");
  const offset = (first.getUTCDay() + 6) % 7; // Monday first
  const columns = Math.ceil((streak.answers.length + offset) / 7), split = Math.ceil(columns / 2);
  const holder = el("div", { id: "heatmap", class: "heatmap", role: "img",
                             "aria-label": t("dashboard.heatmap_title") });
  const halves = [0, 1].map((half) => {
    const count = half ? columns - split : split;
    const width = left + count * (size + gap) + 18, height = top + 7 * (size + gap);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img",
                               preserveAspectRatio: "xMinYMin meet", class: "heatmap-half" });
    holder.append(chart);
    return chart;
  });
  const seenMonths = new Set();
  streak.answers.forEach((count, index) => {
    const day = addDays(streak.first, index);
    const slot = index + offset, column = Math.floor(slot / 7), row = slot % 7;
    const half = column < split ? 0 : 1, chart = halves[half];
    const mark = streak.marks[index];
    const x = left + (column - half * split) * (size + gap), y = top + row * (size + gap);
    const month = day.slice(0, 7);
    if (!seenMonths.has(month) && Number(day.slice(8, 10)) <= 7 && row === 0) {
      chart.append(svg("text", { x, y: top - 5, class: "hint", text: monthName(day) }));
      seenMonths.add(month);
    }
    const kind = count > 0 ? "cell" + level(count) : mark === "f" ? "cellf" : mark === "-" ? "cell-" : "cell0";
    const classes = kind + (mark === "t" || day === streak.today ? " cellt" : "");
    let tip = t("dashboard.day_tip", { date: shortDate(day), answers: count });
    if (mark === "f") tip += " · " + t("dashboard.day_frozen");
    chart.append(titled(svg("rect", { x, y, width: size, height: size, rx: 2, class: classes,
                                      "data-date": day, "data-count": count, "data-mark": mark }), tip));
  });
  return holder;
}

// --- recall --------------------------------------------------------------------------------------

function drawRecall(root, recall) {
  root.replaceChildren();
  root.append(el("div", { class: "tiles" },
    tile(t("dashboard.recall_overall"), recall.overall === null ? "–" : recall.overall + "%", "recall-overall"),
    tile(t("dashboard.due_now"), String(recall.due_now), "recall-due-now"),
    tile(t("dashboard.due_week"), String(recall.due_by_day.reduce((a, b) => a + b, 0)), "recall-due-week")));
  if (!recall.skills.length) {
    root.append(el("p", { class: "hint", text: t("dashboard.recall_none") }));
  } else {
    root.append(el("h2", { text: t("dashboard.recall_title") }), recallBars(recall.skills));
  }
  root.append(el("h2", { text: t("dashboard.due_week") }), dueBars(recall.due_by_day));
  if (recall.accuracy.length) {
    root.append(el("h2", { text: t("dashboard.accuracy_title") }), accuracyLine(recall.accuracy));
  }
  if (recall.totals.answers) {
    root.append(el("p", { class: "hint", id: "recall-totals", text: t("dashboard.totals", recall.totals) }));
  }
}

function recallBars(skills) {
  const row = 24, labelWidth = 150, width = 360, barWidth = width - labelWidth - 44;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${skills.length * row + 4}`, width: "100%", role: "img",
                             id: "recall-chart", "aria-label": t("dashboard.recall_title") });
  skills.forEach((skill, index) => {
    const y = index * row + 4;
    const name = skill.name.length > 22 ? skill.name.slice(0, 21) + "…" : skill.name;
    chart.append(svg("text", { x: 0, y: y + 14, text: name }));
    chart.append(svg("rect", { x: labelWidth, y: y + 4, width: barWidth, height: 12, rx: 3, class: "track" }));
    const value = skill.recall === null ? 0 : skill.recall;
    const kind = value >= 80 ? "good" : value >= 50 ? "fair" : "weak";
    chart.append(titled(svg("rect", { x: labelWidth, y: y + 4, width: barWidth * value / 100, height: 12, rx: 3,
                                      class: kind + " recall-bar", "data-skill": skill.id,
                                      "data-recall": skill.recall === null ? "" : skill.recall }),
                        skill.name + ": " + (skill.recall === null ? "–" : skill.recall + "%")));
    const label = skill.recall === null ? t("dashboard.recall_missed", { missed: skill.missed }) : skill.recall + "%";
    chart.append(svg("text", { x: labelWidth + barWidth + 4, y: y + 14, text: label }));
  });
  return chart;
}

function dueBars(counts) {
  const width = 360, height = 110, base = 84, step = width / counts.length, most = Math.max(1, ...counts);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", id: "due-chart" });
  counts.forEach((count, index) => {
    const h = 64 * count / most, x = index * step + step * 0.2;
    chart.append(titled(svg("rect", { x, y: base - h, width: step * 0.6, height: Math.max(h, 1), rx: 3,
                                      class: "accent due-bar", "data-count": count }), String(count)));
    chart.append(svg("text", { x: x + step * 0.3, y: base - h - 4, "text-anchor": "middle", text: String(count) }));
    const day = addDays(state.data.learner.today, index);
    chart.append(svg("text", { x: x + step * 0.3, y: base + 16, "text-anchor": "middle", class: "hint",
                               text: index === 0 ? t("dashboard.today") : shortDate(day) }));
  });
  return chart;
}

function accuracyLine(weeks) {
  const width = 360, height = 140, left = 40, right = 10, top = 10, bottom = 110;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", id: "accuracy-chart" });
  for (const value of [0, 50, 100]) {
    const y = bottom - (bottom - top) * value / 100;
    chart.append(svg("line", { x1: left, x2: width - right, y1: y, y2: y, class: "grid" }));
    chart.append(svg("text", { x: left - 4, y: y + 4, "text-anchor": "end", class: "hint", text: value + "%" }));
  }
  const step = weeks.length > 1 ? (width - left - right) / (weeks.length - 1) : 0;
  const points = weeks.map((week, index) => [left + (weeks.length > 1 ? index * step : (width - left - right) / 2),
                                              bottom - (bottom - top) * week.score / 100]);
  chart.append(svg("polyline", { points: points.map((p) => p.join(",")).join(" "), class: "line" }));
  weeks.forEach((week, index) => {
    chart.append(titled(svg("circle", { cx: points[index][0], cy: points[index][1], r: 3, class: "accent accuracy-point",
                                        "data-week": week.week, "data-score": week.score }),
                        t("dashboard.accuracy_tip", { date: shortDate(week.week), correct: week.correct,
                                                      answers: week.answers, score: week.score })));
  });
  chart.append(svg("text", { x: left, y: bottom + 18, class: "hint", text: shortDate(weeks[0].week) }));
  chart.append(svg("text", { x: width - right, y: bottom + 18, class: "hint", "text-anchor": "end",
                             text: shortDate(weeks[weeks.length - 1].week) }));
  return chart;
}

// --- study groups --------------------------------------------------------------------------------

function drawGroups(root, groups) {
  root.replaceChildren();
  if (!groups.length) {
    root.append(el("p", { class: "hint", text: t("dashboard.group_none") }));
    return;
  }
  for (const group of groups) {
    const card = el("div", { class: "card group" });
    card.append(el("h3", { text: group.name ? t("dashboard.group_title", { name: group.name })
                                            : t("dashboard.group_title_unnamed") }));
    card.append(el("p", { text: "🔥 " + t("dashboard.group_streak", { days: group.streak,
                                                                     members: group.streak_members }) }));
    if (!group.standings.length) {
      card.append(el("p", { class: "hint", text: t("dashboard.group_empty") }));
    } else {
      const table = el("table", { class: "board" });
      for (const s of group.standings) {
        const medal = ["🥇", "🥈", "🥉"][s.rank - 1] || s.rank + ".";
        const name = (s.name || t("dashboard.someone")) + (s.me ? " (" + t("dashboard.you") + ")" : "");
        table.append(el("tr", { class: s.me ? "me" : "" }, el("td", { text: medal }), el("td", { text: name }),
                        el("td", { class: "num", text: t("dashboard.points", { points: s.points }) })));
      }
      card.append(table);
    }
    root.append(card);
  }
}

// --- start ---------------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  for (const tab of document.querySelectorAll(".tabs button")) {
    tab.addEventListener("click", () => show(tab.dataset.view));
  }
  startTelegram();
  load();
});
