// The HTML report: one self-contained file (inline CSS and script, no network at view time) with the data
// embedded as JSON. Plain DOM code rather than a framework: the page is one virtualised grid, a few filters
// and some tables, which is about 300 lines of script; a framework would add its own size to a file that
// must open offline, and would still need the same hand-written virtualisation for 50,000 × 1,000 cells.
import type { ReportData } from "./report-data.js";

export function renderHtml(data: ReportData): string {
  // JSON inside <script>: "<" escaped so no "</script>" or "<!--" can end or change the element.
  const json = JSON.stringify(data).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  const title = `LangSmith access — ${escapeHtml(baseName(data.meta.source))}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${CSS}</style></head>
<body>
<header><h1>LangSmith access report</h1><div id="meta"></div></header>
<section id="summary"></section>
<section id="access"><h2>Who has what</h2>
<div class="controls">
<input id="q" type="search" placeholder="Search name or email" aria-label="Search people">
<select id="f-role" aria-label="Role"><option value="">any role</option></select>
<select id="f-ws" aria-label="Workspace"><option value="">all workspaces</option></select>
<select id="f-status" aria-label="Status"><option value="">any status</option><option value="active">active</option><option value="disabled">disabled</option></select>
<span id="count"></span>
<span class="legend"><span class="cell x">Role</span> explicit <span class="cell i">Role</span> implicit (through an org role) <span class="cell x b">Role</span> both</span>
</div>
<div id="grid" tabindex="0"><div id="sizer"></div></div>
</section>
<section id="changes" hidden></section>
<aside id="panel" hidden><button id="panel-close" aria-label="Close">×</button><div id="panel-body"></div></aside>
<section id="others"></section>
<script id="data" type="application/json">${json}</script>
<script>${CLIENT}</script>
</body></html>
`;
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
*{box-sizing:border-box}body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header,section{padding:12px 20px}h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:8px 0}
#meta{color:#555;font-size:12px}.cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #dde;border-radius:6px;padding:8px 12px;min-width:120px}
.card b{display:block;font-size:20px}.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:8px}
input,select,button{font:inherit;padding:4px 6px;border:1px solid #bbc;border-radius:4px;background:#fff}#q{width:240px}
#count{color:#555}.legend{margin-left:auto;color:#555;font-size:12px}
#grid{position:relative;overflow:auto;height:60vh;background:#fff;border:1px solid #dde;border-radius:6px}
#sizer{position:relative}.c,.h,.n,.corner{position:absolute;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;font-size:12px;border-bottom:1px solid #eef;border-right:1px solid #f2f2f6}
.h{background:#eef1f6;font-weight:600;padding:4px;cursor:pointer;z-index:2}.n{background:#fff;padding:4px 6px;z-index:1;cursor:pointer;border-right:1px solid #dde}
.corner{background:#e4e8f0;z-index:3;padding:4px 6px;font-weight:600}.n.dis{color:#999;text-decoration:line-through}
.c{padding:3px 4px}.cell{display:inline-block;padding:0 4px;border-radius:3px;font-size:12px}
.x{background:#dcebff;color:#0b3a75}.b{box-shadow:inset 0 -3px 0 #f0b429}.i{background:repeating-linear-gradient(45deg,#fff3d6,#fff3d6 4px,#ffe8b0 4px,#ffe8b0 8px);color:#6b4a00;font-style:italic}
#panel{position:fixed;top:0;right:0;width:min(520px,100%);height:100%;overflow:auto;background:#fff;border-left:1px solid #ccd;box-shadow:-4px 0 12px #0002;padding:16px;z-index:10}
#panel-close{float:right}table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:3px 6px;border-bottom:1px solid #eee;font-size:12px;vertical-align:top}
th{background:#eef1f6}.finding{background:#fff0f0;color:#8a1c1c;font-weight:600}.pager{margin:6px 0;display:flex;gap:6px;align-items:center}
.add{color:#116611}.rem{color:#9a1c1c}.chg{color:#6b4a00}
`;

// Runs in the browser. Kept as plain ES2020 so it needs no build step of its own.
const CLIENT = String.raw`
"use strict";
(function () {
  var D = JSON.parse(document.getElementById("data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var esc = function (s) { return String(s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); };
  var RH = 24, CW = 120, NW = 260, HH = 28, EVERY = -1;
  var P = D.people, W = D.ws, A = D.access, nW = W.length;
  var hay = P.map(function (p) { return (p[1] + " " + p[2] + " " + p[0]).toLowerCase(); });
  var kindName = ["explicit", "implicit", "explicit + implicit"];

  // ---- header, summary
  var m = D.meta;
  $("meta").innerHTML = "Source <b>" + esc(m.source) + "</b> · sync " + esc(m.syncId) + " · synced " + esc(m.endedAt || m.startedAt || "unknown") +
    " · report generated " + esc(m.generatedAt) + " · " + m.resources + " resources, " + m.grants + " grants";
  var disabled = 0, implicitPeople = 0, explicitCells = 0, implicitCells = 0, orgCount = D.orgRoles.map(function () { return 0; });
  for (var p = 0; p < P.length; p++) {
    if (P[p][3]) disabled++;
    P[p][4].forEach(function (r) { orgCount[r]++; });
    var a = A[p], imp = false;
    for (var k = 0; k < a.length; k += 3) {
      var kind = a[k + 1] % 4;
      if (kind === 1) { imp = true; implicitCells += a[k] === EVERY ? nW : 1; } else explicitCells++;
    }
    if (imp) implicitPeople++;
  }
  var cards = [["people", P.length], ["active", P.length - disabled], ["disabled", disabled], ["workspaces", nW],
    ["explicit workspace roles", explicitCells], ["implicit workspace roles", implicitCells], ["people with implicit access", implicitPeople]];
  D.orgRoles.forEach(function (r, i) { cards.push([r, orgCount[i]]); });
  D.others.forEach(function (o) { cards.push([o.typeName, o.rows.length]); });
  $("summary").innerHTML = "<h2>Organization</h2><div class=cards>" + cards.map(function (c) { return "<div class=card><b>" + c[1].toLocaleString("en") + "</b>" + esc(c[0]) + "</div>"; }).join("") + "</div>" +
    (D.rules.length ? "<p>Implicit access: " + esc(rulesText()) + "</p>" : "");
  function rulesText() {
    var holders = {};
    D.rules.forEach(function (r) { holders[r.heldByName] = (holders[r.heldByName] || 0) + 1; });
    return Object.keys(holders).map(function (h) { return "the organization role " + h + " holds a workspace role in " + holders[h] + " workspace(s) (Admin in every workspace, for Organization Admin); everyone with that organization role has it too, marked implicit"; }).join("; ");
  }

  // ---- filters
  D.roles.forEach(function (r, i) { $("f-role").insertAdjacentHTML("beforeend", "<option value='w" + i + "'>" + esc(r) + " (workspace)</option>"); });
  D.orgRoles.forEach(function (r, i) { $("f-role").insertAdjacentHTML("beforeend", "<option value='o" + i + "'>" + esc(r) + " (organization)</option>"); });
  var wsOrder = W.map(function (_, i) { return i; }).sort(function (x, y) { return W[x][1] < W[y][1] ? -1 : W[x][1] > W[y][1] ? 1 : 0; });
  $("f-ws").insertAdjacentHTML("beforeend", wsOrder.map(function (i) { return "<option value='" + i + "'>" + esc(W[i][1]) + "</option>"; }).join(""));

  var rows = [], cols = wsOrder;
  function hasAt(p, ws, role) {
    var a = A[p];
    for (var k = 0; k < a.length; k += 3) {
      if ((ws < 0 || a[k] === ws || a[k] === EVERY) && (role < 0 || (a[k + 1] >> 2) === role)) return true;
    }
    return false;
  }
  function applyFilters() {
    var q = $("q").value.trim().toLowerCase(), role = $("f-role").value, ws = $("f-ws").value, st = $("f-status").value;
    var wsI = ws === "" ? -1 : +ws, wRole = role[0] === "w" ? +role.slice(1) : -1, oRole = role[0] === "o" ? +role.slice(1) : -1;
    cols = wsI < 0 ? wsOrder : [wsI];
    rows = [];
    for (var p = 0; p < P.length; p++) {
      if (st === "active" && P[p][3]) continue;
      if (st === "disabled" && !P[p][3]) continue;
      if (q && hay[p].indexOf(q) < 0) continue;
      if (oRole >= 0 && P[p][4].indexOf(oRole) < 0) continue;
      if ((wsI >= 0 || wRole >= 0) && !hasAt(p, wsI, wRole)) continue;
      rows.push(p);
    }
    rows.sort(function (x, y) { return P[x][1] < P[y][1] ? -1 : P[x][1] > P[y][1] ? 1 : 0; });
    $("count").textContent = rows.length.toLocaleString("en") + " of " + P.length.toLocaleString("en") + " people · " + cols.length.toLocaleString("en") + " workspaces";
    $("sizer").style.width = (NW + cols.length * CW) + "px";
    $("sizer").style.height = (HH + rows.length * RH) + "px";
    $("grid").scrollTop = 0;
    render();
  }
  var timer = 0;
  $("q").addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(applyFilters, 120); });
  ["f-role", "f-ws", "f-status"].forEach(function (id) { $(id).addEventListener("change", applyFilters); });

  // ---- the virtualised grid: only the cells in view exist in the DOM
  function cellsOf(p) {
    var byWs = {}, a = A[p], every = [];
    for (var k = 0; k < a.length; k += 3) {
      var e = { role: D.roles[a[k + 1] >> 2], kind: a[k + 1] % 4, via: a[k + 2] >= 0 ? D.via[a[k + 2]] : "" };
      if (a[k] === EVERY) every.push(e); else (byWs[a[k]] = byWs[a[k]] || []).push(e);
    }
    return { byWs: byWs, every: every };
  }
  // A workspace's own entries plus the "every workspace" ones; the same role held both ways is one "both" entry.
  function withEvery(own, every) {
    var out = own.map(function (e) { return { role: e.role, kind: e.kind, via: e.via }; });
    every.forEach(function (e) {
      var same = out.filter(function (o) { return o.role === e.role; })[0];
      if (same) { same.kind = 2; same.via = e.via; } else out.push(e);
    });
    return out;
  }
  function cellHtml(list) {
    return list.map(function (e) {
      return "<span class='cell " + (e.kind === 1 ? "i" : e.kind === 2 ? "x b" : "x") + "' title='" + esc(e.role + " — " + kindName[e.kind] + (e.via ? " via " + e.via : "")) + "'>" + esc(e.role) + "</span>";
    }).join(" ");
  }
  var frame = 0;
  function render() {
    frame = 0;
    var g = $("grid"), top = g.scrollTop, left = g.scrollLeft, h = g.clientHeight, w = g.clientWidth;
    var r0 = Math.max(0, Math.floor((top) / RH) - 2), r1 = Math.min(rows.length, Math.ceil((top + h) / RH) + 2);
    var c0 = Math.max(0, Math.floor(left / CW) - 1), c1 = Math.min(cols.length, Math.ceil((left + w) / CW) + 1);
    var out = [];
    for (var c = c0; c < c1; c++) {
      out.push("<div class=h data-w=" + cols[c] + " style='top:" + top + "px;left:" + (NW + c * CW) + "px;width:" + CW + "px;height:" + HH + "px' title='" + esc(W[cols[c]][1]) + "'>" + esc(W[cols[c]][1]) + "</div>");
    }
    out.push("<div class=corner style='top:" + top + "px;left:" + left + "px;width:" + NW + "px;height:" + HH + "px'>Person</div>");
    for (var r = r0; r < r1; r++) {
      var p = rows[r], y = HH + r * RH, cs = cellsOf(p);
      out.push("<div class='n" + (P[p][3] ? " dis" : "") + "' data-p=" + p + " style='top:" + y + "px;left:" + left + "px;width:" + NW + "px;height:" + RH + "px' title='" + esc(P[p][2]) + "'>" + esc(P[p][1]) + "</div>");
      for (var c = c0; c < c1; c++) {
        var list = withEvery(cs.byWs[cols[c]] || [], cs.every);
        if (list.length) out.push("<div class=c style='top:" + y + "px;left:" + (NW + c * CW) + "px;width:" + CW + "px;height:" + RH + "px'>" + cellHtml(list) + "</div>");
      }
    }
    $("sizer").innerHTML = out.join("");
  }
  $("grid").addEventListener("scroll", function () { if (!frame) frame = requestAnimationFrame(render); });
  window.addEventListener("resize", function () { if (!frame) frame = requestAnimationFrame(render); });
  $("sizer").addEventListener("click", function (ev) {
    var t = ev.target.closest("[data-p],[data-w]");
    if (!t) return;
    if (t.dataset.p !== undefined) personPanel(+t.dataset.p); else workspacePanel(+t.dataset.w);
  });

  // ---- panels
  function openPanel(html) { $("panel-body").innerHTML = html; $("panel").hidden = false; }
  $("panel-close").addEventListener("click", function () { $("panel").hidden = true; });
  function tableHtml(head, body, cls) {
    return "<table><tr>" + head.map(function (h, i) { return "<th" + (cls && cls[i] ? " class=" + cls[i] : "") + ">" + esc(h) + "</th>"; }).join("") + "</tr>" +
      body.map(function (r) { return "<tr>" + r.map(function (c, i) { return "<td" + (cls && cls[i] ? " class=" + cls[i] : "") + ">" + c + "</td>"; }).join("") + "</tr>"; }).join("") + "</table>";
  }
  function personPanel(p) {
    var pp = P[p], cs = cellsOf(p), body = [];
    Object.keys(cs.byWs).forEach(function (w) { withEvery(cs.byWs[w], cs.every).filter(function (e) { return e.kind !== 1 || !cs.every.length; }).forEach(function (e) { body.push([esc(W[w][1]), cellHtml([e]), esc(kindName[e.kind] + (e.via ? " via " + e.via : ""))]); }); });
    body.sort(function (x, y) { return x[0] < y[0] ? -1 : 1; });
    var every = cs.every.map(function (e) { return "<p>" + cellHtml([e]) + " in <b>every workspace</b> (" + nW + "), implicit" + (e.via ? " via " + esc(e.via) : "") + "</p>"; }).join("");
    var related = relatedRows([pp[0], pp[2]]);
    openPanel("<h2>" + esc(pp[1]) + "</h2><p>" + esc(pp[2]) + "<br>id " + esc(pp[0]) + "<br>status " + (pp[3] ? "disabled" : "active") +
      "<br>organization role: " + esc(pp[4].map(function (r) { return D.orgRoles[r]; }).join(", ") || "none") + "</p>" + every +
      "<h3>Workspaces (" + body.length + ")</h3>" + tableHtml(["workspace", "role", "access"], body) + related);
  }
  function relatedRows(keys) {
    var keysOk = keys.filter(Boolean), out = "";
    D.others.forEach(function (o) {
      var hits = o.rows.filter(function (r) { return r.some(function (v) { return keysOk.indexOf(v) >= 0; }); });
      if (hits.length) out += "<h3>" + esc(o.typeName) + " (" + hits.length + ")</h3>" + tableHtml(o.columns, hits.map(function (r) { return r.map(esc); }), o.columns.map(findingCls));
    });
    return out;
  }
  function workspacePanel(w) {
    var body = [], shown = 0, total = 0;
    for (var p = 0; p < P.length; p++) {
      var a = A[p];
      for (var k = 0; k < a.length; k += 3) {
        if (a[k] !== w && a[k] !== EVERY) continue;
        total++;
        if (shown < 1000) { shown++; var e = { role: D.roles[a[k + 1] >> 2], kind: a[k + 1] % 4, via: a[k + 2] >= 0 ? D.via[a[k + 2]] : "" };
          body.push([esc(P[p][1]), esc(P[p][2]), cellHtml([e]), esc(kindName[e.kind] + (e.via ? " via " + e.via : ""))]); }
      }
    }
    openPanel("<h2>" + esc(W[w][1]) + "</h2><p>id " + esc(W[w][0]) + (W[w][2] ? "<br>handle " + esc(W[w][2]) : "") + "</p><h3>People with access (" + total + ")</h3>" +
      tableHtml(["person", "email", "role", "access"], body) + (total > shown ? "<p>… and " + (total - shown) + " more (use the workspace filter)</p>" : "") + relatedRows([W[w][0]]));
  }

  // ---- other resource types (invitations, API keys, …), paged
  function findingCls(c) { return /finding|risk|warning|stale|expired/i.test(c) ? "finding" : ""; }
  function pagedTable(el, columns, data, per, isHtml) {
    var page = 0, q = "";
    el.insertAdjacentHTML("beforeend", "<div class=pager><input type=search placeholder='Filter' aria-label='Filter'><button>‹</button><span></span><button>›</button></div><div class=tbl></div>");
    var inp = el.querySelector("input"), btn = el.querySelectorAll("button"), info = el.querySelector(".pager span"), box = el.querySelector(".tbl");
    function draw() {
      var rowsF = q ? data.filter(function (r) { return r.join(" ").toLowerCase().indexOf(q) >= 0; }) : data;
      var pages = Math.max(1, Math.ceil(rowsF.length / per)); page = Math.min(page, pages - 1);
      info.textContent = "page " + (page + 1) + " of " + pages + " · " + rowsF.length + " rows";
      box.innerHTML = tableHtml(columns, rowsF.slice(page * per, page * per + per).map(function (r) { return isHtml ? r : r.map(esc); }), columns.map(findingCls));
    }
    inp.addEventListener("input", function () { q = inp.value.toLowerCase(); page = 0; draw(); });
    btn[0].addEventListener("click", function () { page = Math.max(0, page - 1); draw(); });
    btn[1].addEventListener("click", function () { page++; draw(); });
    draw();
  }
  D.others.forEach(function (o) {
    var s = document.createElement("div");
    s.className = "other"; s.dataset.type = o.typeId;
    s.innerHTML = "<h2>" + esc(o.typeName) + " (" + o.rows.length + ")</h2>";
    $("others").appendChild(s);
    pagedTable(s, o.columns, o.rows, 50, false);
  });

  // ---- changes since an older sync
  if (D.diff) {
    var d = D.diff, s = d.summary, ch = $("changes");
    ch.hidden = false;
    ch.innerHTML = "<h2>Changes since " + esc(d.old.source) + " (" + esc(d.old.endedAt || d.old.syncId) + ")</h2><p>" + (d.equal ? "no changes" :
      "people +" + s.peopleAdded + " −" + s.peopleRemoved + " · workspaces +" + s.workspacesAdded + " −" + s.workspacesRemoved + " · grants +" + s.grantsAdded + " −" + s.grantsRemoved + " · role changes " + s.roleChanges) + "</p>";
    var rowsC = d.changes.map(function (c) {
      var what = c.change === "changed" ? c.from + " → " + c.to : c.change === "added" ? "+ " + c.to : "− " + c.from;
      var cls = c.change === "changed" ? "chg" : c.change === "added" ? "add" : "rem";
      return [esc(c.person.name), esc(c.scope.name), "<span class=" + cls + ">" + esc(what) + "</span>", c.implicit ? "implicit" + (c.via ? " via " + esc(c.via) : "") : "explicit"];
    });
    d.resources.added.forEach(function (r) { rowsC.push([esc(r.name), esc(r.type), "<span class=add>+ added</span>", ""]); });
    d.resources.removed.forEach(function (r) { rowsC.push([esc(r.name), esc(r.type), "<span class=rem>− removed</span>", ""]); });
    if (!d.equal) pagedTable(ch, ["person / resource", "workspace / type", "change", "access"], rowsC, 50, true);
  }

  applyFilters();
  window.__report = { firstRender: performance.now(), rows: function () { return rows.length; } };
})();
`;
