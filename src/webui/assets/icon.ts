// The web UI's icon, served as /assets/icon.svg (every page links it) and as /favicon.ico, which
// browsers ask for by themselves: the chain of the status page, three links joined, in the page's
// text colour. A few hundred bytes of our own, no file to copy in the build, no script in it.
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="6" fill="#1d2125"/>
<path d="M6 16h20" stroke="#f6f7f9" stroke-width="2"/>
<circle cx="7" cy="16" r="3.5" fill="#1b7f3b"/>
<circle cx="16" cy="16" r="3.5" fill="#1b7f3b"/>
<circle cx="25" cy="16" r="3.5" fill="#1b7f3b"/>
</svg>
`;
