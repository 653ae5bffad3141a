// Turnout dashboard: one Server-Sent Events stream (/ui/events), one "state" event a second.
// No build step: plain DOM and uPlot, both served from the controller's jar.
"use strict";
(function () {
  const HISTORY = 300; // seconds of timeline kept per rollout
  const timelines = new Map(); // rollout key -> {t: [], w: [], e: [], plot}
  window.__turnout = { frames: 0, last: null };

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    kids.flat().forEach((k) => e.append(k instanceof Node ? k : document.createTextNode(String(k))));
    return e;
  };
  const HINTS = { pinned: "share of this version's requests whose client arrived pinned to it" };
  const pct = (v) => (v === undefined || v === null ? "–" : v.toFixed(2) + "%");
  const secs = (v) => (v === undefined || v === null ? "–" : v === "+Inf" ? "> 30 s" : (v * 1000).toFixed(1) + " ms");

  // A mirrored version's copies, in the same columns as its live row just above.
  const mirrorRow = (v) =>
    el("tr", { class: "mirror", "data-mirror": v.name },
      el("td", {}, "↳ copies"),
      el("td", { class: "l" }, "mirror " + v.mirror + "%"),
      el("td", {}, ""),
      el("td", {}, ""),
      el("td", { class: "rps" }, v.mirrored.rps.toFixed(1)),
      el("td", { class: v.mirrored.errorRate > 0 ? "bad" : "" }, pct(v.mirrored.errorRate)),
      el("td", {}, secs(v.mirrored.p99)),
      el("td", {}, "–"),
      el("td", { class: "pinned" }, "–"));

  function hostCard(h) {
    const rows = h.versions.flatMap((v) => [
      el("tr", { "data-version": v.name },
        el("td", {}, v.name),
        el("td", { class: "l " + v.state }, v.state),
        el("td", {}, v.weight),
        el("td", {}, v.endpoints),
        el("td", { class: "rps" }, v.rps.toFixed(1)),
        el("td", { class: v.errorRate > 0 ? "bad" : "" }, pct(v.errorRate)),
        el("td", {}, secs(v.p99)),
        el("td", {}, v.assetMisses),
        el("td", { class: "pinned" }, v.pinned.toFixed(1) + "%")),
    ].concat(v.mirrored ? [mirrorRow(v)] : []));
    return el("div", { class: "card host", "data-host": h.host },
      el("h2", {}, h.host),
      el("table", {},
        el("tr", {}, ["version", "state", "weight", "endpoints", "req/s", "errors", "p99", "asset misses", "pinned"]
          .map((t, i) => el("th", { class: i < 2 ? "l" : "", title: HINTS[t] || "" }, t))),
        rows));
  }

  function stepsBar(r) {
    const st = r.status || {};
    const mirror = r.mirror
      ? [el("span", { class: st.mirror ? (st.phase === "Failed" ? "failed" : st.phase === "Succeeded" ? "done" : "now")
          : st.phase && st.phase !== "Pending" ? "done" : "" }, "mirror " + r.mirror + "%")]
      : [];
    return el("div", { class: "steps" }, mirror.concat(r.steps.map((s, i) => {
      if (st.mirror) return el("span", {}, s + "%"); // not reached while the copies are judged
      let cls = "";
      if (st.phase === "Succeeded" || i < (st.step || 0)) cls = "done";
      if (i === st.step && (st.phase === "Progressing" || st.phase === "Paused")) cls = "now";
      if (i === st.step && st.phase === "Failed") cls = "failed";
      return el("span", { class: cls }, s + "%");
    })));
  }

  function rolloutCard(r, frame) {
    const st = r.status || { phase: "Pending" };
    const key = r.service;
    const lim = r.limits || {};
    const card = el("div", { class: "card rollout", "data-rollout": key, "data-phase": st.phase },
      el("h2", {}, `Rollout ${r.host} → ${r.version} `,
        el("span", { class: "badge phase-" + st.phase }, st.phase)),
      stepsBar(r));
    const m = r.step || st.measured;
    if (m) {
      const bad = (v, l) => (l !== undefined && v > l ? "bad" : "ok");
      card.append(el("table", {},
        el("tr", {}, ["", "requests", "error rate", "p99", "asset misses"].map((t) => el("th", {}, t))),
        el("tr", {}, el("td", {}, st.mirror ? "mirror copies" : r.step ? "this step" : "last judged"),
          el("td", {}, m.requests + " / ≥" + lim.minRequests),
          el("td", { class: bad(m.errorRate, lim.maxErrorRate) }, pct(m.errorRate) + " / ≤" + lim.maxErrorRate + "%"),
          el("td", { class: bad(m.p99, lim.maxP99) }, secs(m.p99) + (lim.maxP99 ? " / ≤" + secs(lim.maxP99) : "")),
          el("td", { class: bad(m.assetMisses, lim.maxAssetMisses) }, m.assetMisses + " / ≤" + lim.maxAssetMisses))));
    }
    if (st.message) card.append(el("p", { class: st.failure ? "bad message" : "muted message" }, st.message));
    // Timeline of the target's weight and error rate, from the frames this page has seen.
    let tl = timelines.get(key);
    if (!tl) { tl = { t: [], w: [], e: [] }; timelines.set(key, tl); }
    const host = frame.hosts.find((h) => h.host === r.host);
    const v = host && host.versions.find((x) => x.name === r.version);
    tl.t.push(frame.at / 1000); tl.w.push(v ? v.weight : 0); tl.e.push(v ? v.errorRate : 0);
    if (tl.t.length > HISTORY) { tl.t.shift(); tl.w.shift(); tl.e.shift(); }
    const box = el("div", { class: "chart" });
    card.append(box);
    if (window.uPlot && tl.t.length > 1) {
      tl.plot = new uPlot({
        width: Math.min(900, document.body.clientWidth - 80), height: 160,
        series: [{}, { label: r.version + " weight", stroke: "#2b6cb0", scale: "w" },
                     { label: "error rate %", stroke: "#c53030", scale: "e" }],
        axes: [{}, { scale: "w" }, { scale: "e", side: 1 }],
        scales: { w: { range: [0, 100] }, e: { range: [0, 100] } },
      }, [tl.t, tl.w, tl.e], box);
    }
    return card;
  }

  function render(frame) {
    $("leader").textContent = frame.leader ? "this replica leads rollouts" : "follower";
    $("gateways").textContent = frame.gateways.length + " gateway(s) reporting";
    $("rollouts").replaceChildren(...frame.rollouts.map((r) => rolloutCard(r, frame)));
    $("hosts").replaceChildren(...frame.hosts.map(hostCard));
  }

  function connect() {
    const es = new EventSource("events");
    es.onopen = () => { $("conn").textContent = "live"; };
    es.onerror = () => { $("conn").textContent = "reconnecting…"; };
    es.addEventListener("state", (ev) => {
      const frame = JSON.parse(ev.data);
      window.__turnout.frames++;
      window.__turnout.last = frame;
      render(frame);
    });
  }
  connect();
})();
