extension Assets {
    /// Plain CSS: readable on a laptop screen, no framework.
    static let css = #"""
        :root { --ink: #1d2433; --muted: #5b6478; --line: #d9dde6; --accent: #2f5fd0; --bad: #b42318; --good: #17663a;
          font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); }
        body { margin: 0; background: #f6f7fa; }
        .bar { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; background: #fff;
          border-bottom: 1px solid var(--line); flex-wrap: wrap; }
        .brand { font-weight: 700; font-size: 1.1rem; color: var(--ink); text-decoration: none; }
        nav a { color: var(--muted); text-decoration: none; margin-right: 1rem; }
        nav a[aria-current="page"] { color: var(--accent); font-weight: 600; }
        .sign-out { margin-left: auto; color: var(--muted); }
        main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
        h1 small, h2 small { color: var(--muted); font-weight: 400; }
        .narrow { max-width: 26rem; margin: 3rem auto; background: #fff; padding: 2rem; border: 1px solid var(--line);
          border-radius: 8px; }
        label { display: block; margin: .8rem 0; font-weight: 600; }
        textarea { display: block; width: 100%; box-sizing: border-box; font: inherit; margin-top: .3rem; }
        .narrow-form { max-width: 40rem; }
        input, select { display: block; width: 100%; box-sizing: border-box; padding: .45rem; margin-top: .3rem;
          font: inherit; border: 1px solid var(--line); border-radius: 4px; }
        input[type=checkbox] { display: inline; width: auto; }
        button, .button { font: inherit; padding: .45rem .9rem; border: 1px solid var(--line); border-radius: 4px;
          background: #fff; cursor: pointer; color: var(--ink); text-decoration: none; display: inline-block; }
        .primary { background: var(--accent); border-color: var(--accent); color: #fff; }
        button.danger { border-color: var(--bad); color: var(--bad); }
        .heading { display: flex; align-items: center; justify-content: space-between; }
        table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); margin: 1rem 0; }
        th, td { text-align: left; padding: .5rem .7rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        thead th { background: #eef0f5; font-size: .9rem; }
        tr.failed td { background: #fff4f2; }
        code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .9em; word-break: break-all; }
        .notice { padding: .7rem 1rem; border-radius: 6px; background: #eef2fd; border: 1px solid #cbd6f5; }
        .notice.error { background: #fdeceb; border-color: #f3c3bf; color: var(--bad); }
        .notice.success { background: #e9f6ee; border-color: #b9e0c7; color: var(--good); }
        .status { padding: .1rem .5rem; border-radius: 999px; background: #e9f6ee; color: var(--good); font-size: .85rem; }
        .status.off { background: #eceef2; color: var(--muted); }
        dl { display: grid; grid-template-columns: 14rem 1fr; gap: .5rem 1rem; }
        dt { font-weight: 600; }
        dd { margin: 0; }
        .copyable dd code { background: #fff; border: 1px solid var(--line); padding: .25rem .4rem; border-radius: 4px; }
        .actions { display: flex; flex-direction: column; gap: 1rem; margin-top: 1.5rem; }
        .actions form { display: flex; align-items: center; gap: .8rem; }
        .actions label { margin: 0; font-weight: 400; }
        .search { display: flex; gap: .5rem; align-items: center; }
        .search input, .search select { width: auto; margin: 0; }
        .search input[type=search] { flex: 1; }
        .pager { display: flex; gap: 1rem; align-items: center; }
        .cards { display: flex; gap: 1rem; }
        .card { flex: 1; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem;
          color: var(--ink); text-decoration: none; }
        .card strong { font-size: 1.8rem; }
        .steps li { margin: .5rem 0; }
        """#
}
