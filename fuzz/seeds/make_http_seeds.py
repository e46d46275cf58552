#!/usr/bin/env python3
"""Writes the seed corpora of the server fuzz targets (idp_request, mcp_request,
emulator_request): raw HTTP/1.1 requests as clients send them, using the default fixtures'
tenants, clients and keys (all public test values), plus the framing attacks the server must
refuse. The hosts and ports are the fixed public URLs the targets give the servers.
Run from anywhere: python3 fuzz/seeds/make_http_seeds.py
"""
import json
import os
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "corpus")
TENANT = "9fb93534-081c-4253-b1e2-73a87984a8ab"
WRONG_ADMIN_KEY = "not-the-admin-key"


def request(method, target, host, headers=(), body=None):
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers]
    data = b"" if body is None else (body if isinstance(body, bytes) else body.encode())
    if body is not None:
        lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def form(**fields):
    return urllib.parse.urlencode(fields)


FORM = [("Content-Type", "application/x-www-form-urlencoded")]
JSON = [("Content-Type", "application/json")]


def framing_attacks(host):
    return {
        "smuggle_cl_te": (f"POST /x HTTP/1.1\r\nHost: {host}\r\nContent-Length: 4\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").encode(),
        "smuggle_two_cl": (f"POST /x HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1\r\n"
                           "Content-Length: 2\r\n\r\nab").encode(),
        "chunked_pipelined": (f"POST /x HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n"
                              f"\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: {host}\r\n\r\n").encode(),
        "http10_no_host": b"GET / HTTP/1.0\r\n\r\n",
        "absolute_form": f"GET http://evil.example/ HTTP/1.1\r\nHost: {host}\r\n\r\n".encode(),
    }


def idp_seeds():
    host = "localhost:4781"
    token = f"/{TENANT}/oauth2/v2.0/token"
    return {
        "discovery": request("GET", f"/{TENANT}/v2.0/.well-known/openid-configuration", host),
        "jwks": request("GET", f"/{TENANT}/discovery/v2.0/keys", host),
        "client_credentials": request("POST", token, host, FORM, form(
            grant_type="client_credentials", client_id="1b0b5a92-ca9f-4dae-85e1-fb5bb643edf4",
            client_secret="foundry-secret-5da24106-869b-4c3d", scope="https://ai.azure.com/.default")),
        "password_grant": request("POST", token, host, FORM, form(
            grant_type="password", client_id="4bcee26a-6a9d-449c-8954-549c429fdbf7",
            username="alice@contoso.onmicrosoft.com", password="alice-Passw0rd!",
            scope="openid offline_access api://d561cab7-7e4d-473d-b44d-04cb5f0f2c02/Tools.Read")),
        "authorization_code_replay": request("POST", token, host, FORM, form(
            grant_type="authorization_code", client_id="4bcee26a-6a9d-449c-8954-549c429fdbf7",
            code="0.not-a-code", redirect_uri="https://localhost/callback",
            code_verifier="dBjftJeZ4CVP-mJ92K9Zgt8-nQ0P3i5C6qxs4x1Cgqs")),
        "refresh_token": request("POST", token, host, FORM, form(
            grant_type="refresh_token", client_id="4bcee26a-6a9d-449c-8954-549c429fdbf7",
            refresh_token="1.not-a-refresh-token")),
        "authorize": request("GET", f"/{TENANT}/oauth2/v2.0/authorize?" + form(
            client_id="4bcee26a-6a9d-449c-8954-549c429fdbf7", response_type="code",
            redirect_uri="https://localhost/callback", scope="openid profile", state="s1",
            code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            code_challenge_method="S256"), host),
        "devicecode": request("POST", f"/{TENANT}/oauth2/v2.0/devicecode", host, FORM, form(
            client_id="4bcee26a-6a9d-449c-8954-549c429fdbf7", scope="openid")),
        "register": request("POST", f"/{TENANT}/oauth2/v2.0/register", host, JSON, json.dumps({
            "redirect_uris": ["http://127.0.0.1:33418/callback"], "client_name": "fuzz",
            "token_endpoint_auth_method": "none"})),
        "msi_token": request("GET", "/msi/token?resource=https%3A%2F%2Fai.azure.com&api-version=2019-08-01",
                             "localhost:4782", [("X-IDENTITY-HEADER", "wrong")]),
        "admin_without_key": request("POST", "/_admin/reset", host),
        "admin_wrong_key": request("GET", "/_admin/state", host,
                                   [("Authorization", f"Bearer {WRONG_ADMIN_KEY}")]),
        **framing_attacks(host),
    }


def mcp_seeds():
    host = "localhost:4783"
    accept = [("Accept", "application/json, text/event-stream"),
              ("MCP-Protocol-Version", "2025-06-18")] + JSON
    init = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "fuzz", "version": "1"}}})
    call = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                       "params": {"name": "echo", "arguments": {"text": "hi"}}})
    listing = json.dumps({"jsonrpc": "2.0", "id": 3, "method": "tools/list"})
    return {
        "initialize_open": request("POST", "/mcp/open", host, accept, init),
        "initialize_then_list": request("POST", "/mcp/open", host, accept, init) +
                                request("POST", "/mcp/open", host, accept, listing),
        "tools_call_conformance": request("POST", "/mcp/conformance", host, accept, call),
        "api_key": request("POST", "/mcp/api-key", host,
                           accept + [("X-API-Key", "tak-primary-5b9d2e71c0a84f36")], init),
        "api_key_wrong": request("POST", "/mcp/functions", host,
                                 accept + [("x-functions-key", "wrong")], init),
        "bearer_forged": request("POST", "/mcp/bearer", host, accept + [(
            "Authorization", "Bearer eyJhbGciOiJub25lIiwia2lkIjoieCJ9.eyJzdWIiOiJ4In0.")], init),
        "get_stream": request("GET", "/mcp/open", host, [("Accept", "text/event-stream")]),
        "delete_session": request("DELETE", "/mcp/open", host, [("Mcp-Session-Id", "nope")]),
        "resource_metadata": request("GET", "/.well-known/oauth-protected-resource/mcp/bearer", host),
        "rebinding_host": request("POST", "/mcp/open", "evil.example", accept, init),
        "admin_without_key": request("POST", "/_admin/mounts", host, JSON, '{"name":"x"}'),
        **framing_attacks(host),
    }


def emulator_seeds():
    host = "localhost:4780"
    auth = [("Authorization", "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJhdWQiOiJ4In0.c2ln")]
    base = "/api/projects/alpha"
    return {
        "list_connections": request("GET", f"{base}/connections?api-version=v1", host, auth),
        "no_api_version": request("GET", f"{base}/agents", host, auth),
        "create_agent": request("POST", f"{base}/agents?api-version=v1", host, auth + JSON, json.dumps({
            "name": "fuzz-agent", "definition": {"kind": "prompt", "model": "gpt-4o", "tools": [{
                "type": "mcp", "server_label": "notes", "server_url": "https://localhost:4783/mcp/open",
                "project_connection_id": "notes"}]}})),
        "responses": request("POST", f"{base}/openai/v1/responses", host, auth + JSON, json.dumps({
            "model": "gpt-4o", "input": "hello", "stream": False,
            "agent": {"name": "fuzz-agent", "type": "agent_reference"}})),
        "responses_stream": request("POST", f"{base}/openai/v1/responses", host, auth + JSON,
                                    json.dumps({"model": "gpt-4o", "input": "hi", "stream": True})),
        "conversation": request("POST", f"{base}/openai/v1/conversations", host, auth + JSON, "{}"),
        "oauth_callback": request("GET", "/oauth/callback?code=abc&state=unknown", host),
        "arm_connection": request("GET", "/subscriptions/3994693e-a3ae-4e68-9323-451b4a95902a/"
                                  "resourceGroups/toolauth/providers/Microsoft.CognitiveServices/"
                                  "accounts/toolauth/projects/alpha/connections/notes?"
                                  "api-version=2025-06-01", host, auth),
        "admin_without_key": request("GET", "/_admin/vault", host),
        **framing_attacks(host),
    }


def main():
    for target, seeds in (("idp_request", idp_seeds()), ("mcp_request", mcp_seeds()),
                          ("emulator_request", emulator_seeds())):
        folder = os.path.join(CORPUS, target)
        os.makedirs(folder, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(folder, "seed_" + name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
