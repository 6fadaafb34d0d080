/*
 * Navigation with htmx: only the page content (<main id="main">) is swapped, so
 * the player bar and its audio stay. Pages htmx should not swap load whole;
 * a swapped-in page gets the stylesheets and scripts it needs that this one
 * lacks; focus and scroll go where a new page puts them. This runs on every
 * page, signed in or out.
 */
const NOT_BOOSTED = /^\/(accounts|studio|admin|api|edge|stream|media)\//;

export function navigationStart() {
  document.addEventListener("htmx:beforeProcessNode", (event) => {
    const node = event.target;
    if (!(node instanceof Element)) {
      return;
    }
    let path = null;
    if (node.tagName === "A") {
      path = node.getAttribute("href");
    } else if (node.tagName === "FORM") {
      path = node.getAttribute("action") || location.pathname;
    }
    if (path !== null) {
      try {
        const url = new URL(path, location.href);
        if (url.origin !== location.origin || NOT_BOOSTED.test(url.pathname) || node.hasAttribute("download")) {
          node.setAttribute("hx-boost", "false");
        }
      } catch (error) {
        node.setAttribute("hx-boost", "false");
      }
    }
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const detail = event.detail;
    if (!detail.boosted) {
      return;
    }
    const html = detail.serverResponse || "";
    const signedInThere = /id=["']?player["'\s>]/.test(html);
    const signedInHere = Boolean(document.getElementById("player"));
    if (!/id=["']?main["'\s>]/.test(html) || signedInThere !== signedInHere) {
      // Not one of our pages, or signed in or out on the way: let the browser load it whole.
      event.preventDefault();
      window.location.assign(detail.pathInfo.responsePath || detail.requestConfig.path);
      return;
    }
    if (detail.isError) {
      detail.shouldSwap = true; // our error pages are pages too
      detail.isError = false;
    }
    loadAssets(html);
  });

  document.addEventListener("htmx:historyCacheMissLoad", (event) => {
    // A page fetched again for the back button: only its content goes into <main>.
    const page = new DOMParser().parseFromString(event.detail.response, "text/html");
    const main = page.getElementById("main");
    if (main) {
      event.detail.response = main.innerHTML;
      document.title = page.title;
    }
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail && event.detail.boosted && event.target && event.target.id === "main") {
      afterNavigation(false);
    }
  });
  document.addEventListener("htmx:historyRestore", () => afterNavigation(true));
}

function loadAssets(html) {
  // Stylesheets and scripts a swapped-in page needs that this one did not have.
  const page = new DOMParser().parseFromString(html, "text/html");
  page.querySelectorAll("link[rel=stylesheet][href]").forEach((link) => {
    if (!document.querySelector('link[rel=stylesheet][href="' + link.getAttribute("href") + '"]')) {
      document.head.appendChild(link.cloneNode());
    }
  });
  page.querySelectorAll("script[src]").forEach((script) => {
    if (!document.querySelector('script[src="' + script.getAttribute("src") + '"]')) {
      const copy = document.createElement("script");
      Array.from(script.attributes).forEach((attr) => copy.setAttribute(attr.name, attr.value));
      document.body.appendChild(copy);
    }
  });
}

function afterNavigation(fromHistory) {
  const main = document.getElementById("main");
  if (fromHistory) {
    markCurrentNav();
  }
  if (main) {
    main.focus({ preventScroll: true });
    if (!fromHistory) {
      window.scrollTo(0, 0);
    }
  }
  document.dispatchEvent(new CustomEvent("sc:navigated", { detail: { fromHistory: fromHistory } }));
}

function markCurrentNav() {
  // After the back button no fresh sidebar comes from the server: the longest matching link is current.
  const links = Array.from(document.querySelectorAll("#sidebar-nav a[href]"));
  let best = null;
  links.forEach((link) => {
    const path = new URL(link.href).pathname;
    if ((location.pathname === path || (path !== "/" && location.pathname.startsWith(path))) && (!best || path.length > new URL(best.href).pathname.length)) {
      best = link;
    }
  });
  links.forEach((link) => (link === best ? link.setAttribute("aria-current", "page") : link.removeAttribute("aria-current")));
}
