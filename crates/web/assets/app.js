// The live web view: renders /api/state, and follows /events (EventSource) to update without a reload.
"use strict";

const view = { loads: 0, renders: 0, events: 0, csrf: "", seq: 0, shown: new Set(), known: new Set() };
window.infrakitView = view;

const $ = (id) => document.getElementById(id);

/** An element with a class and text (text only: nothing from the server is parsed as HTML). */
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function age(ms) {
  if (ms === null || ms === undefined) return "-";
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + "s";
  if (s < 3600) return Math.floor(s / 60) + "m " + (s % 60) + "s";
  if (s < 86400) return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
  return Math.floor(s / 86400) + "d " + Math.floor((s % 86400) / 3600) + "h";
}

const short = (h) => (h || "").slice(0, 10);

function count(label, value, bad) {
  const c = el("div", "count" + (bad ? " bad" : ""));
  c.append(el("b", null, value), el("span", null, label));
  c.dataset.count = label;
  return c;
}

function notice(text, bad) {
  const n = $("notice");
  n.textContent = text;
  n.className = "notice" + (bad ? " bad" : "");
  n.hidden = !text;
  if (text) setTimeout(() => { if (n.textContent === text) n.hidden = true; }, 6000);
}

async function control(group, verb, button) {
  button.disabled = true;
  try {
    const resp = await fetch("/api/groups/" + encodeURIComponent(group) + "/" + verb, {
      method: "POST",
      headers: { "X-CSRF-Token": view.csrf },
    });
    const answer = await resp.json().catch(() => ({ error: resp.statusText }));
    notice(answer.ok || answer.error, !resp.ok);
  } catch (e) {
    notice("cannot reach the server: " + e, true);
  } finally {
    button.disabled = false;
    refreshSoon();
  }
}

function renderRollout(g, r) {
  const box = el("div", "rollout");
  const total = r.replaced + r.outdated_left;
  const pct = total > 0 ? Math.round((100 * r.replaced) / total) : (r.state === "done" ? 100 : 0);
  const kind = r.is_rollback ? "Rollback" : "Rolling update";
  const head = el("div", null);
  head.append(el("strong", null, kind + " to " + short(r.to_hash)), document.createTextNode(" "));
  const cls = r.state === "paused" ? "warn" : r.state === "done" ? "ok" : "";
  head.append(el("span", "badge " + cls, r.state));
  box.append(head);
  const bar = el("div", "bar");
  const fill = el("div");
  fill.style.width = pct + "%";
  bar.append(fill);
  box.append(bar);
  box.append(el("div", "plugins", r.replaced + " replaced, " + r.outdated_left + " outdated left (" + pct + "%)"));
  if (r.reason) box.append(el("div", "error", r.reason));
  if (r.last_failure) box.append(el("div", "error", "last failure: " + r.last_failure));
  const controls = el("div", "controls");
  for (const [verb, label, enabled] of [
    ["pause", "Pause", r.state === "running"],
    ["resume", "Resume", r.state === "paused"],
    ["rollback", "Roll back", r.state !== "done" && !r.is_rollback],
  ]) {
    const b = el("button", null, label);
    b.dataset.control = verb;
    b.disabled = !enabled;
    b.addEventListener("click", () => control(g.id, verb, b));
    controls.append(b);
  }
  box.append(controls);
  return box;
}

function renderGroup(g) {
  const s = g.status.Status || {};
  const card = el("section", "group");
  card.dataset.group = g.id;
  const head = el("div", "group-head");
  head.append(el("h2", null, g.id));
  const state = s.outage ? ["outage", "bad"] : s.converged ? ["converged", "ok"] : ["converging", "warn"];
  head.append(el("span", "badge " + state[1], state[0]));
  card.append(head);
  card.append(el("div", "plugins", g.instancePlugin + " · " + g.flavorPlugin + " · config " + short(g.hash) +
    (g.pets ? " · pets" : " · cattle") + " · " + g.status.Passes + " passes"));
  const counts = el("div", "counts");
  counts.append(
    count("target", s.target), count("current", s.current), count("healthy", s.healthy),
    count("unhealthy", g.unhealthy, g.unhealthy > 0), count("creating", s.creating), count("destroying", s.destroying));
  card.append(counts);
  if (g.status.Error) card.append(el("p", "error", g.status.Error));
  if (s.notes && s.notes.length) {
    const ul = el("ul", "notes");
    for (const n of s.notes) ul.append(el("li", null, n));
    card.append(ul);
  }
  if (s.rollout) card.append(renderRollout(g, s.rollout));
  card.append(el("h3", null, "Instances (" + g.instances.length + ")"));
  const wrap = el("div", "table-wrap");
  const table = el("table");
  const thead = el("thead");
  const hr = el("tr");
  for (const [h, cls] of [["Logical ID"], ["Instance"], ["Health"], ["Age"], ["Config", "hide-narrow"]]) hr.append(el("th", cls, h));
  thead.append(hr);
  const tbody = el("tbody");
  for (const i of g.instances) {
    const tr = el("tr");
    tr.dataset.instance = i.id;
    if (view.loads > 1 && !view.known.has(i.id)) tr.className = "fresh";
    tr.append(el("td", "mono", i.logicalID || "-"), el("td", "mono", i.id));
    const h = el("td");
    h.append(el("span", "dot " + i.health), document.createTextNode(i.health));
    tr.append(h, el("td", null, age(i.ageMs)));
    const cfg = el("td", "mono hide-narrow" + (i.current ? "" : " outdated"), short(i.config) + (i.current ? "" : " (outdated)"));
    cfg.title = Object.entries(i.tags || {}).map(([k, v]) => k + "=" + v).join("\n");
    tr.append(cfg);
    tbody.append(tr);
  }
  table.append(thead, tbody);
  wrap.append(table);
  card.append(wrap);
  const details = el("details");
  details.append(el("summary", null, "Spec"), el("pre", null, JSON.stringify(g.spec, null, 2)));
  card.append(details);
  return card;
}

function renderReplica(r) {
  const badge = $("replica");
  if (!r || r.Error) {
    badge.textContent = "replica: " + ((r && r.Error) || "unknown");
    badge.className = "badge bad";
    return;
  }
  if (r.Leader) {
    badge.textContent = r.Name + " · leader";
    badge.className = "badge ok";
  } else if (r.Unknown) {
    badge.textContent = r.Name + " · leader unknown";
    badge.className = "badge bad";
  } else {
    badge.textContent = r.Name + " · follower" + (r.LeaderName ? " (leader: " + r.LeaderName + ")" : "");
    badge.className = "badge warn";
  }
  badge.title = r.TakingOver || r.Unknown || "";
}

function eventItem(e) {
  const li = el("li");
  li.dataset.kind = e.kind;
  li.append(el("span", "when", (e.time || "").slice(11, 23)));
  const k = el("span");
  k.append(el("span", "badge kind-" + e.kind, e.kind));
  li.append(k);
  const what = el("span", "what");
  const who = [e.group, e.instance, e.logicalID ? "(" + e.logicalID + ")" : null].filter(Boolean).join(" ");
  if (who) what.append(el("strong", "mono", who), document.createTextNode(" "));
  what.append(document.createTextNode(e.reason || ""));
  li.append(what);
  return li;
}

function addEvent(e) {
  if (view.shown.has(e.seq)) return;
  view.shown.add(e.seq);
  view.events += 1;
  const list = $("events");
  list.prepend(eventItem(e));
  while (list.children.length > 200) list.lastChild.remove();
  view.seq = Math.max(view.seq, e.seq);
}

function render(state) {
  view.csrf = state.csrf;
  view.seq = Math.max(view.seq, state.seq || 0);
  renderReplica(state.replica);
  const groups = $("groups");
  const cards = state.groups.map(renderGroup);
  if (!cards.length) cards.push(el("p", "empty", "No groups yet: commit one (infrakit group commit spec.yaml)."));
  groups.replaceChildren(...cards);
  view.known = new Set(state.groups.flatMap((g) => g.instances.map((i) => i.id)));
  for (const e of state.events) addEvent(e);
  view.renders += 1;
}

async function refresh() {
  try {
    const resp = await fetch("/api/state", { cache: "no-store" });
    if (!resp.ok) throw new Error(resp.status + " " + resp.statusText);
    view.loads += 1;
    render(await resp.json());
  } catch (e) {
    notice("cannot read the state: " + e.message, true);
  }
}

let pending = null;
function refreshSoon() {
  if (pending) return;
  pending = setTimeout(() => { pending = null; refresh(); }, 150);
}

function follow() {
  const source = new EventSource("/events?after=" + view.seq);
  const live = $("live");
  source.onopen = () => { live.textContent = "live"; live.className = "badge ok"; };
  source.onerror = () => { live.textContent = "reconnecting…"; live.className = "badge off"; };
  source.onmessage = (m) => {
    try { addEvent(JSON.parse(m.data)); } catch (_) { return; }
    refreshSoon();
  };
}

refresh().then(follow);
// Ages and health verdicts also change between events.
setInterval(refresh, 5000);
