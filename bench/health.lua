-- health.lua — GET /api/v1/health: the server's own ceiling (no authentication, one read).
dofile(os.getenv("SHOUHOU_BENCH_DIR") .. "/common.lua")
wrk.headers["Authorization"] = nil
wrk.path = "/api/v1/health"
