/*
 * The edge's own check of signed rendition URLs: streaming.signing.verify, in njs.
 *
 *     /s/{expires}/{cap}/{signature}/renditions/{track_id}/{version}/{file...}
 *
 * signature is the unpadded base64url HMAC-SHA256, under EDGE_SIGNING_KEY, of
 * "{expires}:{cap}:/renditions/{track_id}/{version}/": one token covers a whole version
 * folder, so the relative URIs inside an HLS playlist carry it too, but no file named
 * for a bitrate above the listener's cap (kbit/s). The key comes from the environment
 * (the main config's `env EDGE_SIGNING_KEY;`), never from a file.
 *
 * A good URL is redirected internally to /renditions/{track_id}/{version}/{file...},
 * the object's key without the token, which edge.conf proxies to the origin and caches
 * under that key. Anything else is refused with 403, a one-word reason in the
 * X-Edge-Refused header (malformed, expired, signature, path, bitrate) and verify's
 * message in the body.
 *
 * Two deliberate differences from the Python, both for URLs signed_url never makes:
 * digits are ASCII only (Python's \d takes any Unicode digit), and a path ending in a
 * newline is refused (Python's $ matches before it and drops it).
 */

const crypto = require('crypto');

// streaming.signing.TOKEN_PATH; [^\n] is what Python's `.` matches.
const TOKEN_PATH =
    /^s\/([0-9]{1,12})\/([0-9]{1,4})\/([A-Za-z0-9_-]{43})\/(renditions\/[0-9]+\/[A-Za-z0-9]+\/)([^\n]*)$/;

const REFUSALS = {
    malformed: 'The URL is not signed.',
    expired: 'The URL has expired.',
    signature: 'The signature does not match.',
    path: 'The URL names no file in its folder.',
    bitrate: 'The URL does not cover this bitrate.',
};

function signature(scope, expires, cap, key) {
    return crypto.createHmac('sha256', key).update(`${expires}:${cap}:/${scope}`).digest('base64url');
}

// streaming.signing.BITRATE_IN_PATH: files named for a bitrate (aac_160.m4a, hls/aac_160/...,
// hls/master_160.m3u8); true if any of them is above the cap.
function aboveCap(rest, cap) {
    const bitrates = /(?:aac|master)_([0-9]+)/g;
    let match;
    while ((match = bitrates.exec(rest)) !== null) {
        if (Number(match[1]) > cap) {
            return true;
        }
    }
    return false;
}

// Looks at every character whatever the first difference, so the time a refusal takes
// does not tell a forger how much of the signature was right.
function sameString(a, b) {
    if (a.length !== b.length) {
        return false;
    }
    let diff = 0;
    for (let i = 0; i < a.length; i++) {
        diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
    }
    return diff === 0;
}

// The path as the client sent it, percent-decoded once, without its leading slash.
// Not $uri: nginx has already resolved the ".." segments there, hiding them from the check.
function tokenPath(r) {
    const raw = r.variables.request_uri.split('?')[0];
    try {
        return decodeURIComponent(raw).slice(1);
    } catch (e) {
        return null; // a broken %-escape
    }
}

// The object key a token path grants, or the name of the reason to refuse it.
function verify(path, key, now) {
    const match = path === null ? null : TOKEN_PATH.exec(path);
    if (match === null) {
        return { refused: 'malformed' };
    }
    const scope = match[4];
    const rest = match[5];
    const expires = Number(match[1]);
    if (expires < now) {
        return { refused: 'expired' };
    }
    // Numbers, not the digits as sent: "0160" signs as 160, as in Python.
    const cap = Number(match[2]);
    if (!sameString(signature(scope, expires, cap, key), match[3])) {
        return { refused: 'signature' };
    }
    if (rest === '' || rest.startsWith('/') || rest.split('/').includes('..')) {
        return { refused: 'path' };
    }
    if (aboveCap(rest, cap)) {
        return { refused: 'bitrate' };
    }
    return { objectKey: scope + rest };
}

const CONTENT_TYPES = {
    m3u8: 'application/vnd.apple.mpegurl',
    m4s: 'video/iso.segment',
    mp4: 'audio/mp4',
    m4a: 'audio/mp4',
};

// The headers of every response under /s/, the objects' included (js_header_filter).
// Set here because add_header appends: when a range past the end turns a response into
// a 416 after its headers are made, nginx runs the header filters a second time, and
// every header would go out twice (two Access-Control-Allow-Origin lines fail CORS).
function headers(r) {
    const out = r.headersOut;
    out['X-Edge'] = r.variables.edge_region;
    if (r.variables.upstream_cache_status) {
        out['X-Cache-Status'] = r.variables.upstream_cache_status;
    }
    // The web player lives on another origin.
    out['Access-Control-Allow-Origin'] = '*';
    out['Access-Control-Expose-Headers'] = 'Content-Length, Content-Range';
    if (r.status === 200 || r.status === 206 || r.status === 304) {
        // The origin's Content-Type is whatever the uploader set; players need these.
        const extension = r.uri.slice(r.uri.lastIndexOf('.') + 1);
        if (Object.prototype.hasOwnProperty.call(CONTENT_TYPES, extension)) {
            out['Content-Type'] = CONTENT_TYPES[extension];
        }
        // A version folder never changes: a new transcode writes a new one.
        out['Cache-Control'] = 'public, max-age=31536000, immutable';
    } else {
        delete out['Cache-Control'];
    }
}

function refuse(r, reason) {
    r.headersOut['X-Edge-Refused'] = reason;
    r.return(403, `${REFUSALS[reason]}\n`);
}

function serve(r) {
    if (r.method === 'OPTIONS') {
        // The CORS preflight of a player on another origin (hls.js may send Range).
        r.headersOut['Access-Control-Allow-Methods'] = 'GET, HEAD, OPTIONS';
        r.headersOut['Access-Control-Allow-Headers'] = 'Range';
        r.headersOut['Access-Control-Max-Age'] = '86400';
        r.return(204);
        return;
    }
    if (r.method !== 'GET' && r.method !== 'HEAD') {
        r.headersOut['Allow'] = 'GET, HEAD, OPTIONS';
        r.return(405, 'The edge only reads.\n');
        return;
    }
    const key = process.env.EDGE_SIGNING_KEY;
    if (!key) {
        r.error('EDGE_SIGNING_KEY is not in the environment: no signed URL can be checked');
        r.return(503, 'The edge cannot check signatures.\n');
        return;
    }
    const result = verify(tokenPath(r), key, Math.floor(Date.now() / 1000));
    if (result.refused) {
        refuse(r, result.refused);
        return;
    }
    // internalRedirect takes an escaped URI: escape each segment so a '%' or '?' in a
    // file's name reaches the origin as part of the name.
    r.internalRedirect('/' + result.objectKey.split('/').map(encodeURIComponent).join('/'));
}

export default { serve, headers };
