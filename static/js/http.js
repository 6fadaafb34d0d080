/*
 * Talking to the site's own API from any page: the session cookie, the CSRF
 * token, JSON both ways, and the one error shape every endpoint answers,
 * {"error": {"status", "code", "message", "details"}}.
 */

// The page's CSRF token: the form's own when one is named, else the cookie's, else any form's on the page.
export function csrfToken(form) {
  const own = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  if (own) {
    return own.value;
  }
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) {
    return decodeURIComponent(match[1]);
  }
  const any = document.querySelector("input[name=csrfmiddlewaretoken]");
  return any ? any.value : "";
}

/*
 * One request, answered as {status, ok, data}: data is the JSON body, or null
 * when there is none (204, 304) or it is not JSON. `json` is sent as JSON,
 * `body` (a FormData) as it is, with the type the browser gives it; `form` names the form whose token to send.
 * A request that never reaches the server rejects, as fetch does.
 */
export async function request(method, url, options = {}) {
  // The API answers (its error messages) in the page's language, which may be the profile's rather than the browser's.
  const headers = {
    Accept: "application/json",
    "Accept-Language": document.documentElement.lang || "en",
    "X-CSRFToken": csrfToken(options.form),
  };
  let body = options.body;
  if (body === undefined) {
    headers["Content-Type"] = "application/json";
    body = options.json === undefined ? undefined : JSON.stringify(options.json);
  }
  const response = await fetch(url, {
    method: method,
    credentials: "same-origin",
    keepalive: Boolean(options.keepalive),
    headers: headers,
    body: body,
  });
  let data = null;
  if (response.status !== 204 && response.status !== 304) {
    data = await response.json().catch(() => null);
  }
  return { status: response.status, ok: response.ok, data: data };
}

// The error of an answer's body, or null when it holds none.
export function apiError(body) {
  return (body && body.error) || null;
}

/*
 * What went wrong, for a person: the first message about the first field of an
 * invalid request, else the error's message, else `fallback`. Without an error
 * body: the status the server answered, or that the connection failed.
 */
export function errorMessage(body, status, fallback) {
  const error = apiError(body);
  if (!error) {
    return status
      ? interpolate(gettext("The server answered %(status)s; please try again."), { status: status }, true)
      : gettext("The connection failed; please try again.");
  }
  const details = error.details || {};
  const fields = Object.keys(details);
  if (error.code === "invalid" && fields.length && details[fields[0]] && details[fields[0]].length) {
    return String(details[fields[0]][0]);
  }
  return error.message || fallback || gettext("That did not work.");
}
