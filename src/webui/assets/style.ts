// The web UI's one stylesheet, served as /assets/style.css (a module, so the build carries it
// without a copy step). System fonts only; nothing from elsewhere.
export const STYLE_CSS = `
:root { --ok: #1b7f3b; --down: #b3261e; --unknown: #6b6b6b; --line: #d0d4d9; --text: #1d2125; --muted: #5a6169; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--text); background: #f6f7f9; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: .75rem 1.25rem; background: #fff; border-bottom: 1px solid var(--line); }
.product { font-weight: 600; }
.language { display: flex; gap: .5rem; align-items: center; }
main { max-width: 48rem; margin: 0 auto; padding: 1.25rem; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
.question { color: var(--muted); margin-top: 0; }
.verdict { font-size: 1.25rem; font-weight: 600; padding: .75rem 1rem; border-radius: .5rem; background: #fff; border-left: .5rem solid var(--unknown); }
.verdict.ok { border-left-color: var(--ok); }
.verdict.down { border-left-color: var(--down); }
.chain { list-style: none; padding: 0; display: grid; gap: .75rem; }
.link { display: grid; grid-template-columns: 1fr auto; gap: .25rem 1rem; background: #fff; padding: .75rem 1rem; border-radius: .5rem; border-left: .5rem solid var(--unknown); }
.link.ok { border-left-color: var(--ok); }
.link.down { border-left-color: var(--down); }
.link .name { font-weight: 600; }
.link .state { text-align: right; font-weight: 600; }
.link.ok .state { color: var(--ok); }
.link.down .state { color: var(--down); }
.link .reason, .link .since { grid-column: 1 / -1; color: var(--muted); }
.checked { color: var(--muted); font-size: .875rem; }
.error { font-weight: 600; color: var(--down); }
footer { max-width: 48rem; margin: 0 auto; padding: 1.25rem; color: var(--muted); font-size: .875rem; }
.fingerprint { word-break: break-all; }
button, select, input { font: inherit; padding: .375rem .625rem; }
.product { color: inherit; text-decoration: none; }
.account { display: flex; gap: 1rem; align-items: center; }
.account form { margin: 0; }
.stacked { display: grid; gap: .5rem; max-width: 24rem; }
.stacked button { justify-self: start; margin-top: .5rem; }
.notice { padding: .75rem 1rem; background: #fff7d6; border-radius: .5rem; }
.success { font-weight: 600; color: var(--ok); }
.pages { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: .5rem 1.25rem; background: #fff; border-bottom: 1px solid var(--line); }
.pages a { padding: .25rem 0; }
.pages a[aria-current="page"] { font-weight: 600; border-bottom: 3px solid #1a5fb4; }
section { margin-top: 1.5rem; }
h2 { font-size: 1.125rem; margin: 0 0 .5rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; background: #fff; padding: .75rem 1rem; border-radius: .5rem; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.list { width: 100%; border-collapse: collapse; background: #fff; border-radius: .5rem; }
.list th, .list td { text-align: left; padding: .5rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
@media (max-width: 40rem) { .list { display: block; overflow-x: auto; } .facts { grid-template-columns: 1fr; } }
.reach.reachable { color: var(--ok); }
.reach.unreachable { color: var(--down); }
.since, .detail { color: var(--muted); font-size: .875rem; }
.warnings { list-style: none; padding: 0; display: grid; gap: .5rem; }
.warning { background: #fff; padding: .5rem .75rem; border-radius: .5rem; border-left: .5rem solid var(--unknown); }
.warning.critical { border-left-color: var(--down); }
.warning.warning { border-left-color: #c77c02; }
pre.command { background: #1d2125; color: #f6f7f9; padding: .75rem; border-radius: .5rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.actions form { margin: 0; }
.wizard-steps { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; margin: 0; list-style: none; counter-reset: step; }
.wizard-steps li { counter-increment: step; }
.wizard-steps li::before { content: counter(step) ". "; color: var(--muted); }
.wizard-steps li.complete::before { content: "✓ "; color: var(--ok); }
.wizard-steps a[aria-current="step"] { font-weight: 600; }
fieldset { border: 1px solid var(--line); border-radius: .5rem; display: grid; gap: .25rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
.pending { background: #fff7d6; padding: .75rem 1rem; border-radius: .5rem; border-left: .5rem solid #c77c02; }
.stacked fieldset { display: grid; gap: .5rem; border: 1px solid var(--line); border-radius: .5rem; padding: .5rem .75rem .75rem; }
pre { background: #fff; padding: .75rem; border-radius: .5rem; overflow-x: auto; font-size: .875rem; }
.verdict.check-pass { border-left-color: var(--ok); }
.verdict.check-warn { border-left-color: #c77c02; }
.verdict.check-fail { border-left-color: var(--down); }
.checks { width: 100%; border-collapse: collapse; background: #fff; }
.checks th, .checks td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
.checks td p { margin: 0 0 .25rem; }
.check-pass { color: var(--ok); font-weight: 600; }
.check-warn { color: #8a5600; font-weight: 600; }
.check-fail { color: var(--down); font-weight: 600; }
.check-skipped { color: var(--muted); }
.running { font-weight: 600; padding: .5rem .75rem; background: #fff; border-left: .5rem solid var(--unknown); }
`;
