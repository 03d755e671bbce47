extension Assets {
    /// The console's stylesheet: plain CSS, no framework, no external fonts or imports (the Content-Security-Policy
    /// allows styles from this file only). Breakpoints: 640px (phones: stacked cards and controls), 900px (activity
    /// rows on two lines), 1400px (header on one row).
    static let css = #"""
        /* Palette (contrast on white): ink 14.7:1, muted 7.6:1, accent 6.7:1, field borders 4.8:1, bad 6.5:1. */
        :root {
          --bg: #f5f6f8; --surface: #fff; --ink: #1f2937; --muted: #4b5563; --line: #d9dce1; --rule: #e8eaee;
          --field: #6b7280; --accent: #1d4ed8; --accent-hover: #1e3a8a; --accent-soft: #eff6ff; --focus: #2563eb;
          --bad: #b91c1c; --bad-soft: #fef2f2; --good: #166534; --good-soft: #dcfce7; --radius: 6px;
          --mono: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); color-scheme: light;
        }
        *, *::before, *::after { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); font-size: .9375rem; line-height: 1.5; overflow-wrap: break-word; }
        h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; }
        h2 { font-size: 1.125rem; line-height: 1.3; margin: 2rem 0 .75rem; }
        h1 small, h2 small { font-size: .65em; font-weight: 400; }
        h1 .status, h1 .badge { vertical-align: .3em; }
        p { margin: .75rem 0; }
        small, .muted { color: var(--muted); }
        small { font-size: .85em; }
        /* Links: accent colour whether visited or not, always underlined, a heavier darker line on hover. */
        a { color: var(--accent); text-decoration: underline 1px; text-underline-offset: .15em; }
        a:hover { color: var(--accent-hover); text-decoration-thickness: 2px; }
        :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
        code { font-family: var(--mono); font-size: .875em; overflow-wrap: anywhere; background: #eef0f3; padding: .05em .3em;
          border-radius: 4px; }

        /* Header: two compact rows below 1400px (the nav scrolls sideways on its own row), one row above. */
        .bar { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; grid-template-areas: "brand org out" "nav nav nav";
          align-items: center; column-gap: .75rem; padding: .45rem 1.5rem .3rem; background: var(--surface);
          border-bottom: 1px solid var(--line); }
        .bar .brand { grid-area: brand; font-weight: 700; font-size: 1.05rem; color: var(--ink); text-decoration: none; }
        /* Scroll shadows (nav, table wrappers): a soft edge shows on a side only while more content hides there. */
        .bar nav, .table-wrap { background: linear-gradient(to right, #fff 40%, #fff0) left / 2rem 100% no-repeat local,
            linear-gradient(to left, #fff 40%, #fff0) right / 2rem 100% no-repeat local,
            radial-gradient(farthest-side at 0 50%, #11182733, #11182700) left / .6rem 100% no-repeat scroll,
            radial-gradient(farthest-side at 100% 50%, #11182733, #11182700) right / .6rem 100% no-repeat scroll, #fff; }
        .bar nav { grid-area: nav; display: flex; margin-top: .3rem; padding: .125rem 0; overflow-x: auto; white-space: nowrap;
          scrollbar-width: thin; }
        .bar nav a { flex: none; padding: .3rem .55rem; border-radius: var(--radius); color: #374151; font-size: .875rem;
          text-decoration: none; }
        .bar nav a:hover { background: #f1f3f5; color: var(--ink); text-decoration: underline; }
        .bar nav a[aria-current="page"] { background: var(--accent-soft); color: var(--accent); font-weight: 600; }
        .bar nav a:focus-visible { outline-offset: -3px; }
        .org-switch { grid-area: org; display: flex; justify-content: flex-end; align-items: center; gap: .375rem; min-width: 0;
          margin: 0; }
        .org-switch label { margin: 0; font-size: .8125rem; font-weight: 400; color: var(--muted); white-space: nowrap; }
        .bar select { width: auto; min-width: 0; max-width: 14rem; margin: 0; padding: .2rem .4rem; font-size: .875rem; }
        .sign-out { grid-area: out; display: flex; align-items: center; gap: .5rem; min-width: 0; margin: 0;
          color: var(--muted); font-size: .875rem; }
        .sign-out span { min-width: 0; max-width: 12rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .bar button { flex: none; padding: .2rem .6rem; font-size: .8125rem; }
        /* Label and name hide visually (screen readers still get them) where space is short. */
        @media (min-width: 1400px) {
          .bar { grid-template-columns: auto minmax(0, 1fr) auto auto; grid-template-areas: "brand nav org out";
            column-gap: .5rem; padding: .35rem 1rem; }
          .bar nav { margin: 0; }
          .bar nav a { padding-inline: .4rem; font-size: .8125rem; }
          .bar select { max-width: 9rem; }
        }
        @media (max-width: 639.98px), (min-width: 1400px) and (max-width: 1599.98px) {
          .org-switch label, .sign-out span { position: absolute; width: 1px; height: 1px; overflow: hidden;
            clip-path: inset(50%); white-space: nowrap; }
        }

        main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
        .heading { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem 1rem;
          margin-bottom: 1rem; }
        .heading h1 { margin: 0; }
        .narrow, .confirm { max-width: 28rem; margin: 2.5rem auto; padding: 1.75rem; background: var(--surface);
          border: 1px solid var(--line); border-radius: 10px; box-shadow: 0 1px 3px rgb(17 24 39 / .06); }
        .narrow-form { max-width: 40rem; }
        .steps li { margin: .4rem 0; }

        /* Forms */
        label { display: block; margin: .75rem 0; font-weight: 600; }
        input, select, textarea { display: block; width: 100%; margin-top: .25rem; padding: .4rem .6rem; font: inherit;
          font-weight: 400; line-height: 1.25; color: var(--ink); background: var(--surface); border: 1px solid var(--field);
          border-radius: var(--radius); }
        textarea { line-height: 1.45; resize: vertical; }
        ::placeholder { color: #6b7280; font-style: italic; opacity: 1; }
        input[type=checkbox], input[type=radio] { display: inline-block; width: auto; margin: 0 .4rem 0 0;
          vertical-align: -.15em; accent-color: var(--accent); }
        label:has(> input[type=checkbox]) { font-weight: 400; }
        button, .button { display: inline-block; padding: .4rem .85rem; font: inherit; font-weight: 500; line-height: 1.25;
          color: var(--ink); background: var(--surface); border: 1px solid var(--field); border-radius: var(--radius);
          cursor: pointer; text-decoration: none; white-space: nowrap; vertical-align: middle; }
        button:hover, .button:hover { background: #f1f3f5; color: var(--ink); }
        .primary, .primary:hover { color: #fff; background: var(--accent); border-color: var(--accent); }
        .primary:hover { background: var(--accent-hover); border-color: var(--accent-hover); }
        button.danger { color: #fff; background: var(--bad); border-color: var(--bad); }
        button.danger:hover { color: #fff; background: #991b1b; }
        button:disabled, .button[aria-disabled="true"], .button[aria-disabled="true"]:hover { color: #6b7280;
          background: #f3f4f6; border: 1px dashed #c4c8cf; cursor: not-allowed; }
        .search, .filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .5rem; margin: 1rem 0; }
        :is(.search, .filters) :is(input, select) { width: auto; max-width: 100%; margin: 0; }
        :is(.search, .filters) :is(input[type=search], input[type=text]) { flex: 1 1 16rem; }
        :is(.search, .filters) label { margin: 0; font-size: .8125rem; font-weight: 600; color: var(--muted); }
        :is(.search, .filters) label :is(input, select) { margin-top: .2rem; }
        .actions { display: flex; flex-direction: column; gap: .75rem; margin-top: 1.5rem; }
        .actions form { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem .75rem; margin: 0; }
        .actions label { margin: 0; font-weight: 400; }

        /* Messages and badges */
        .notice, .flash { margin: 1rem 0; padding: .6rem .9rem; color: var(--ink); background: var(--accent-soft);
          border: 1px solid #bfdbfe; border-left: 4px solid var(--accent); border-radius: var(--radius); }
        .notice.error { color: #7f1d1d; background: var(--bad-soft); border-color: #fecaca; border-left-color: var(--bad); }
        .notice.warning { color: #713f12; background: #fffbeb; border-color: #fde68a; border-left-color: #b45309; }
        .notice.success, .flash { color: #14532d; background: #f0fdf4; border-color: #bbf7d0; border-left-color: #15803d; }
        .status, .badge, .outcome { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-size: .75rem;
          font-weight: 600; line-height: 1.6; white-space: nowrap; color: var(--good); background: var(--good-soft); }
        .status.off { color: #374151; background: #e5e7eb; }
        .badge { color: #1e3a8a; background: #dbeafe; }
        .outcome.failed { color: #991b1b; background: #fee2e2; }

        /* Tables: scroll inside their wrapper, never the page. */
        .table-wrap { overflow-x: auto; margin: 1rem 0; border: 1px solid var(--line); border-radius: 8px;
          scrollbar-width: thin; }
        table { width: 100%; border-collapse: collapse; margin: 1rem 0; font-size: .875rem; background: var(--surface);
          border: 1px solid var(--line); }
        .table-wrap > table { margin: 0; border: 0; background: none; }
        th, td { padding: .5rem .75rem; text-align: left; vertical-align: top; border-bottom: 1px solid var(--rule); }
        thead th { padding-block: .45rem; color: var(--muted); background: #f8f9fa; font-size: .8125rem; font-weight: 600;
          white-space: nowrap; border-bottom-color: var(--line); }
        tbody tr:last-child > * { border-bottom: 0; }
        tbody tr:hover > * { background: #f9fafb; }
        tbody th { font-weight: 600; }
        tr.failed > td, tr.failed:hover > td { background: var(--bad-soft); }
        .attributes td { overflow-wrap: anywhere; }
        .attributes th[scope=row] { width: 30%; }
        table.changes { table-layout: fixed; }
        table.changes th:first-child { width: 28%; }
        table.changes td { overflow-wrap: anywhere; }
        del, ins { padding: 0 .2em; border-radius: 3px; -webkit-box-decoration-break: clone; box-decoration-break: clone; }
        del { color: #7f1d1d; background: #fee2e2; text-decoration: line-through 1px; }
        ins { color: #14532d; background: #dcfce7; text-decoration: none; }
        pre { max-width: 100%; overflow-x: auto; font-family: var(--mono); font-size: .8125rem; line-height: 1.5; }
        pre code { background: none; padding: 0; font-size: 1em; }
        pre.detail { margin: .75rem 0; padding: .75rem 1rem; white-space: pre-wrap; overflow-wrap: anywhere;
          background: #fbfbfc; border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: var(--radius); }

        /* Label/value lists */
        dl { display: grid; grid-template-columns: minmax(8rem, 14rem) minmax(0, 1fr); gap: .5rem 1.25rem; margin: 1rem 0; }
        dt { font-weight: 600; }
        dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
        dl.facts { gap: 0 1.25rem; padding: .25rem 1rem; background: var(--surface); border: 1px solid var(--line);
          border-radius: 8px; }
        dl.facts > dt { color: var(--muted); }
        dl.facts > :is(dt, dd) { padding: .45rem 0; border-top: 1px solid var(--rule); }
        dl.facts > :is(dt, dd):nth-child(-n+2) { border-top: 0; }
        .copyable dd code { display: inline-block; max-width: 100%; padding: .15rem .4rem; background: var(--surface); border: 1px solid var(--line); }
        .copyable dd button { margin-block: .2rem; padding: .15rem .55rem; font-size: .8125rem; }
        .endpoint-note { display: block; margin-top: .25rem; }

        /* Person */
        .profile { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; margin: 0 0 1.25rem; }
        .profile > div:not(.avatar) { flex: 1 1 12rem; min-width: 0; }
        .profile h1 { margin: 0; overflow-wrap: anywhere; }
        .profile .meta { margin: .2rem 0 0; color: var(--muted); overflow-wrap: anywhere; }
        .avatar { flex: none; display: grid; place-items: center; width: 3.25rem; height: 3.25rem; border-radius: 50%;
          color: #1e3a8a; background: #dbeafe; font-size: 1.15rem; font-weight: 700; letter-spacing: .02em; }

        /* Activity: one line per request on wide screens, two on small ones. */
        ol.activity { list-style: none; margin: 1rem 0; padding: 0; font-size: .875rem; background: var(--surface);
          border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
        ol.activity > li + li { border-top: 1px solid var(--rule); }
        .activity-row { display: grid; grid-template-columns: 8rem 5.5rem minmax(0, 1fr) minmax(0, 12rem) 4.5rem;
          grid-template-areas: "time client summary subject outcome"; align-items: baseline; gap: .25rem 1rem;
          padding: .5rem .9rem; color: var(--ink); text-decoration: none; }
        .activity-row:hover { color: var(--ink); background: #f6f8fb; }
        .activity-row:hover .summary { color: var(--accent); text-decoration: underline; }
        .activity-row:focus-visible { outline-offset: -3px; }
        .activity-row:has(.outcome.failed), .activity-row.failed { background: #fef6f6; box-shadow: inset 3px 0 0 var(--bad); }
        .activity-row:has(.outcome.failed):hover { background: #fdeeee; }
        .activity-row > * { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .activity-row time { grid-area: time; color: var(--muted); font-variant-numeric: tabular-nums; }
        .activity-row .client { grid-area: client; color: var(--muted); }
        .activity-row .summary { grid-area: summary; }
        .activity-row .subject { grid-area: subject; font-weight: 600; }
        .activity-row .outcome { grid-area: outcome; justify-self: end; overflow: visible; }

        /* Boxes */
        .danger-zone { margin: 2rem 0 1rem; padding: .25rem 1.25rem 1rem; background: #fffafa; border: 1px solid #f0b4b4;
          border-radius: 8px; }
        .danger-zone h2 { margin: .75rem 0 .5rem; color: var(--bad); font-size: 1rem; }
        .confirm h1 { font-size: 1.25rem; }
        .confirm form, .confirm .buttons { display: flex; flex-wrap: wrap; align-items: center; gap: .75rem; margin: 1.25rem 0 0; }
        .danger-zone input:not([type=checkbox]) { max-width: 24rem; }
        .inline-confirm > summary { display: inline-block; padding: .2rem .6rem; font-size: .8125rem; color: var(--bad);
          background: var(--surface); border: 1px solid var(--field); border-radius: var(--radius); cursor: pointer;
          list-style: none; }
        .inline-confirm > summary::-webkit-details-marker { display: none; }
        .inline-confirm[open] > summary { background: #f1f3f5; }
        .inline-confirm form { max-width: 24rem; margin-top: .5rem; padding: .6rem .75rem; background: var(--bad-soft);
          border: 1px solid #fecaca; border-radius: var(--radius); }
        .inline-confirm p { margin: 0 0 .5rem; }
        .token-list { margin: .5rem 0; padding: 0; list-style: none; }
        .token-list li { padding: .35rem 0; border-top: 1px solid var(--rule); }
        .token-list li:first-child { border-top: 0; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: .75rem; margin: 1rem 0 1.5rem; }
        .card { display: block; padding: .9rem 1.1rem; color: var(--ink); background: var(--surface);
          border: 1px solid var(--line); border-radius: 8px; text-decoration: none; }
        .card:hover { color: var(--ink); border-color: var(--accent); box-shadow: 0 1px 4px rgb(29 78 216 / .15); }
        .card strong { display: block; font-size: 1.75rem; line-height: 1.2; color: var(--accent); }
        .pager { display: flex; flex-wrap: wrap; align-items: center; justify-content: center; gap: .5rem 1rem; margin: 1rem 0; }
        .pager > span:not(.button) { color: var(--muted); font-size: .875rem; }
        .pager a.button { color: var(--accent); border-color: var(--accent); font-weight: 600; }
        .pager a.button:hover { color: var(--accent-hover); background: var(--accent-soft); border-color: var(--accent-hover); }

        @media (max-width: 899.98px) {
          main table:not(.table-wrap > table) { display: block; overflow-x: auto; }
          .activity-row { grid-template-columns: auto auto minmax(0, 1fr) fit-content(40%); column-gap: .6rem;
            grid-template-areas: "time client . outcome" "summary summary summary subject"; }
          .activity-row :is(.summary, .subject) { white-space: normal; overflow-wrap: anywhere; }
          .activity-row .subject { text-align: right; }
        }
        @media (max-width: 639.98px) {
          .bar { column-gap: .5rem; padding-inline: .75rem; }
          .bar select { max-width: 9rem; }
          main { padding: 1rem .75rem; }
          h1 { font-size: 1.3rem; }
          .narrow, .confirm { margin: 1rem auto; padding: 1.25rem; }
          :is(.search, .filters) > *, :is(.search, .filters) :is(input, select, button) { flex: 1 1 100%; width: 100%; }
          dl, dl.facts { grid-template-columns: minmax(0, 1fr); }
          dl > dt { margin-top: .5rem; font-size: .8125rem; }
          dl.facts > dt { margin: 0; padding-bottom: 0; }
          dl.facts > dd { padding-top: .1rem; border-top: 0; }
          dl.facts > dt:nth-child(n+2) { border-top: 1px solid var(--rule); }
          .table-wrap:has(> table.list) { overflow: visible; background: none; border: 0; }
          table.list, table.list :is(tbody, tr, td, th) { display: block; width: auto; }
          table.list { border: 0; background: none; }
          table.list thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
            white-space: nowrap; }
          table.list tr { margin: 0 0 .6rem; padding: .45rem .75rem; background: var(--surface); border: 1px solid var(--line);
            border-radius: 8px; }
          table.list tbody tr:last-child { margin-bottom: 0; }
          table.list tr.failed { background: var(--bad-soft); border-color: #fecaca; }
          table.list :is(td, th) { position: relative; padding: .2rem 0 .2rem 7.25rem; border: 0; overflow-wrap: anywhere; }
          table.list tbody tr:hover > *, table.list tr.failed > td { background: none; }
          table.list :is(td, th)::before { content: attr(data-label); position: absolute; left: 0; top: .3rem; width: 6.75rem;
            color: var(--muted); font-size: .75rem; font-weight: 600; line-height: 1.45; overflow-wrap: normal; }
          table.list :is(td, th):not([data-label]), table.list :is(td, th)[data-label=""] { padding-left: 0; }
          table.list td:empty { display: none; }
        }
        """#
}
