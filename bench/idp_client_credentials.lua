-- wrk script: every request is a form POST with the body in BENCH_BODY (a client_credentials
-- token request); wrk counts non-2xx answers itself.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
