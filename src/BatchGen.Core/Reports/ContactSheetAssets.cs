namespace BatchGen.Core.Reports;

/// <summary>The contact sheet's inline stylesheet and script (no network, no external files).</summary>
internal static class ContactSheetAssets
{
    public const string Css = """
        :root { --bg:#f4f5f7; --card:#fff; --ink:#1d2330; --muted:#667085; --line:#e3e6eb; --accent:#3056d3;
                --ok:#1f8a4c; --bad:#c23934; --wait:#8a6d1f; --idle:#7a8291; }
        * { box-sizing: border-box; }
        body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
        header { position: sticky; top:0; z-index:2; background:#fff; border-bottom:1px solid var(--line); padding:14px 24px 12px; }
        h1 { margin:0 0 2px; font-size:20px; font-weight:650; }
        h2 { font-size:16px; margin:28px 0 10px; }
        .meta { color:var(--muted); margin:0 0 10px; }
        .meta b { color:var(--ink); font-weight:600; }
        .toolbar { display:flex; flex-wrap:wrap; gap:8px 14px; align-items:center; }
        .toolbar button { font:inherit; border:1px solid var(--accent); background:var(--accent); color:#fff; border-radius:6px; padding:5px 12px; cursor:pointer; }
        .toolbar button.secondary { background:#fff; color:var(--accent); }
        .toolbar label { color:var(--muted); display:flex; gap:6px; align-items:center; }
        .toolbar select { font:inherit; padding:4px 6px; border:1px solid var(--line); border-radius:6px; background:#fff; color:var(--ink); }
        #shown { color:var(--muted); margin-left:auto; }
        main { padding:16px 24px 40px; }
        .scroll { overflow-x:auto; }
        table.sheet { border-collapse:separate; border-spacing:10px; margin:-10px; }
        table.sheet th { text-align:left; font-weight:600; color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; vertical-align:bottom; padding:0 2px; }
        table.sheet th.row { vertical-align:top; text-transform:none; font-size:14px; color:var(--ink); padding-top:8px; max-width:140px; overflow-wrap:anywhere; }
        td.cell { vertical-align:top; min-width:260px; }
        td.cell.empty::after { content:"no job"; color:var(--muted); font-size:12px; }
        .card { background:var(--card); border:1px solid var(--line); border-radius:10px; overflow:hidden; margin:0 0 10px; width:260px; box-shadow:0 1px 2px rgba(16,24,40,.05); }
        .media { position:relative; }
        .card video { display:block; width:100%; aspect-ratio:16/9; background:#111; }
        .outputs { display:flex; gap:4px; padding:4px; background:#111; }
        .outputs .output { position:relative; margin:0; flex:1 1 0; min-width:0; }
        .outputs .output video { aspect-ratio:16/9; }
        .outputs figcaption { position:absolute; top:2px; left:4px; color:#fff; font-size:11px; text-shadow:0 1px 2px #000; pointer-events:none; }
        .badge.corner { position:absolute; top:8px; left:8px; pointer-events:none; box-shadow:0 1px 2px rgba(0,0,0,.3); }
        .id { margin-top:4px; font: 11px/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; color:#98a2b3; overflow-wrap:anywhere; }
        .placeholder { aspect-ratio:16/9; display:flex; flex-direction:column; justify-content:center; align-items:center; gap:6px; padding:10px; background:#f0f1f4; text-align:center; }
        .placeholder .error { color:var(--bad); font-size:12px; overflow-wrap:anywhere; max-height:5.8em; overflow:hidden; margin:0; }
        .body { padding:8px 10px 10px; }
        .prompt { margin:0 0 6px; display:-webkit-box; -webkit-line-clamp:2; line-clamp:2; -webkit-box-orient:vertical; overflow:hidden; overflow-wrap:anywhere; }
        .params { display:flex; flex-wrap:wrap; gap:4px; margin:0 0 6px; padding:0; list-style:none; }
        .params li { background:#eef1f6; border-radius:4px; padding:0 6px; font-size:12px; color:#344054; overflow-wrap:anywhere; }
        .facts { display:flex; justify-content:space-between; align-items:center; font-size:12px; color:var(--muted); }
        .facts .cost { color:var(--ink); font-weight:600; }
        .badge { display:inline-block; border-radius:999px; padding:1px 8px; font-size:11px; font-weight:600; text-transform:uppercase; letter-spacing:.04em; color:#fff; background:var(--idle); }
        .badge.warn { position:absolute; top:8px; right:8px; pointer-events:none; background:#b26a00; text-transform:none; }
        .warning { color:#b26a00; font-size:12px; margin:4px 0 0; overflow-wrap:anywhere; }
        .badge.succeeded { background:var(--ok); } .badge.failed, .badge.blocked { background:var(--bad); }
        .badge.submitting, .badge.submitted, .badge.running, .badge.generated { background:var(--wait); }
        .charts { display:grid; grid-template-columns:repeat(auto-fill, minmax(360px, 1fr)); gap:14px; }
        .chart { background:#fff; border:1px solid var(--line); border-radius:10px; padding:10px 12px; margin:0; }
        .chart h3 { margin:0 0 6px; font-size:13px; font-weight:600; }
        .chart svg { display:block; width:100%; height:auto; }
        .chart text { font-size:12px; fill:#344054; }
        .chart rect.track { fill:#f0f2f5; }
        .chart.cost rect.bar { fill:var(--accent); } .chart.latency rect.bar { fill:#7a5af8; }
        footer { color:var(--muted); font-size:12px; margin-top:24px; }
        [hidden] { display:none !important; }
        """;

    public const string Script = """
        (function () {
          'use strict';
          var data = JSON.parse(document.getElementById('job-data').textContent);
          var cards = Array.prototype.slice.call(document.querySelectorAll('.card[data-job]'));
          var selects = Array.prototype.slice.call(document.querySelectorAll('select[data-axis]'));
          var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-row]'));
          var shown = document.getElementById('shown');

          function matches(job, filters) {
            for (var i = 0; i < filters.length; i++) {
              if (job.axes[filters[i].axis] !== filters[i].value) { return false; }
            }
            return true;
          }

          function applyFilters() {
            var filters = selects.filter(function (s) { return s.value !== ''; })
              .map(function (s) { return { axis: s.getAttribute('data-axis'), value: s.value }; });
            var count = 0;
            cards.forEach(function (card) {
              var visible = matches(data.jobs[Number(card.getAttribute('data-job'))], filters);
              card.hidden = !visible;
              if (!visible) {
                Array.prototype.forEach.call(card.querySelectorAll('video'), function (video) { video.pause(); });
              } else {
                count++;
              }
            });
            Array.prototype.forEach.call(document.querySelectorAll('td.cell'), function (cell) {
              cell.classList.toggle('empty', cell.querySelector('.card:not([hidden])') === null);
            });
            rows.forEach(function (row) {
              row.hidden = row.querySelector('.card:not([hidden])') === null;
            });
            shown.textContent = count + ' of ' + cards.length + ' jobs shown';
          }

          function visibleVideos() {
            return cards.filter(function (c) { return !c.hidden; })
              .reduce(function (all, c) { return all.concat(Array.prototype.slice.call(c.querySelectorAll('video'))); }, []);
          }

          document.getElementById('play-all').addEventListener('click', function () {
            visibleVideos().forEach(function (v) {
              v.currentTime = 0;
              var playing = v.play();
              if (playing && typeof playing.catch === 'function') { playing.catch(function () { /* unplayable file: its cell shows the native error */ }); }
            });
          });
          document.getElementById('pause-all').addEventListener('click', function () {
            visibleVideos().forEach(function (v) { v.pause(); });
          });
          selects.forEach(function (s) { s.addEventListener('change', applyFilters); });
          // Preset filters from the address: contact-sheet.html#provider=segmind&style=clay
          var preset = new URLSearchParams(window.location.hash.replace(/^#/, ''));
          selects.forEach(function (s) {
            var wanted = preset.get(s.getAttribute('data-axis'));
            if (wanted !== null && Array.prototype.some.call(s.options, function (o) { return o.value === wanted; })) {
              s.value = wanted;
            }
          });
          applyFilters();
          document.body.setAttribute('data-ready', '1');
        })();
        """;
}
