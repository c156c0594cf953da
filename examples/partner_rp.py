"""A minimal partner system that signs its users in with their Hetao Virtual Park account.

    python examples/partner_rp.py --issuer http://127.0.0.1:8000 --client-id demo-partner --port 8765

then open http://127.0.0.1:8765/ (the demo park registers `demo-partner` with this redirect URI). It uses the
authorization code flow with PKCE, verifies the ID token against the park's JWKS, shows the claims, and
logs out through the park (RP-initiated logout). Needs `authlib` and `requests`; nothing else.
"""

import argparse
import html
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt


class PartnerApp:
    def __init__(self, issuer: str, client_id: str, port: int, scope: str = "openid profile email"):
        self.issuer, self.client_id, self.port, self.scope = issuer.rstrip("/"), client_id, port, scope
        self.base = f"http://127.0.0.1:{port}"
        self.pending: dict[str, tuple[str, str]] = {}  # state → (code verifier, nonce)
        self.sessions: dict[str, dict] = {}  # cookie → {"claims": ..., "id_token": ...}

    def metadata(self) -> dict:
        return requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=10).json()

    def oauth(self) -> OAuth2Session:
        return OAuth2Session(client_id=self.client_id, redirect_uri=f"{self.base}/callback", scope=self.scope,
                             code_challenge_method="S256")

    def login_url(self) -> str:
        verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
        url, state = self.oauth().create_authorization_url(self.metadata()["authorization_endpoint"],
                                                           code_verifier=verifier, nonce=nonce)
        self.pending[state] = (verifier, nonce)
        return url

    def finish(self, callback_url: str, state: str) -> dict:
        verifier, nonce = self.pending.pop(state)
        meta = self.metadata()
        token = self.oauth().fetch_token(meta["token_endpoint"], authorization_response=callback_url,
                                         code_verifier=verifier)
        keys = JsonWebKey.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
        claims = jwt.decode(token["id_token"], keys,
                            claims_options={"iss": {"essential": True, "value": self.issuer},
                                            "aud": {"essential": True, "value": self.client_id},
                                            "nonce": {"essential": True, "value": nonce}})
        claims.validate()
        return {"claims": dict(claims), "id_token": token["id_token"]}


def handler_for(app: PartnerApp):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def page(self, body: str, status: int = 200, headers: dict | None = None):
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(f"<!DOCTYPE html><html><body>{body}</body></html>".encode())

        def redirect(self, url: str, headers: dict | None = None):
            self.send_response(302)
            self.send_header("Location", url)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()

        def session(self) -> dict | None:
            for part in self.headers.get("Cookie", "").split(";"):
                name, _sep, value = part.strip().partition("=")
                if name == "partner_session":
                    return app.sessions.get(value)
            return None

        def do_GET(self):
            path, _sep, query = self.path.partition("?")
            if path == "/login":
                return self.redirect(app.login_url())
            if path == "/callback":
                params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
                if "error" in params:
                    return self.page(f"<h1>Sign-in refused</h1><p id='error'>{html.escape(params['error'])}</p>", 400)
                try:
                    result = app.finish(f"{app.base}{self.path}", params.get("state", ""))
                except Exception as exc:  # shown to the developer trying the example
                    return self.page(f"<h1>Sign-in failed</h1><pre>{html.escape(str(exc))}</pre>", 400)
                cookie = secrets.token_urlsafe(16)
                app.sessions[cookie] = result
                return self.redirect("/", {"Set-Cookie": f"partner_session={cookie}; HttpOnly; Path=/"})
            if path == "/logout":
                session = self.session() or {}
                end = app.metadata()["end_session_endpoint"]
                return self.redirect(end + "?" + urlencode({
                    "id_token_hint": session.get("id_token", ""), "client_id": app.client_id,
                    "post_logout_redirect_uri": f"{app.base}/"}),
                    {"Set-Cookie": "partner_session=; Max-Age=0; Path=/"})
            session = self.session()
            if session is None:
                return self.page("<h1>Partner system</h1><p><a id='login' href='/login'>Sign in with Hetao Virtual "
                                 "Park</a></p>")
            claims = session["claims"]
            return self.page(f"<h1 id='hello'>Hello, {html.escape(str(claims.get('name')))}</h1>"
                             f"<pre id='claims'>{html.escape(json.dumps(claims, ensure_ascii=False, indent=2))}</pre>"
                             "<p><a id='logout' href='/logout'>Sign out</a></p>")

    return Handler


def serve(app: PartnerApp) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", app.port), handler_for(app))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issuer", default="http://127.0.0.1:8000")
    parser.add_argument("--client-id", default="demo-partner")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    partner = PartnerApp(args.issuer, args.client_id, args.port)
    print(f"Partner system on {partner.base}/ — signs in with {partner.issuer}")
    ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(partner)).serve_forever()
