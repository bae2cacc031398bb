package main

// The faults every blind stack answers, one route each (test/blind/README.md
// says what each route must do). The labels are written from the fault that
// the route induces, before the processor has seen a trace of it. A stack run
// with -db mariadb induces each database fault on MariaDB, so its labels are
// the same: the statement timeout is max_statement_time (MAX_EXECUTION_TIME
// on MySQL) cutting a SLEEP(2), the lock timeout innodb_lock_wait_timeout
// (1 s) running out on the locked row.

const (
	appEx   = "application_exception"
	dbConn  = "database_connection"
	dbTime  = "database_timeout"
	dbQuery = "database_query"
	dep     = "dependency_failure"
	config  = "configuration_error"
	unknown = "unknown"
)

// want is the label of one 500 server span of a case's trace: the entry
// span (the one the driver's request reached) or the one a call of it
// reached downstream.
type want struct {
	Entry             bool
	Category, Cause   string
	RootCauseCategory string // for a dependency failure whose downstream is in the trace
}

// blindCase is one request and the labels of the 500 server spans it causes.
type blindCase struct {
	Name, Method, Path string
	Status             int
	Needs              string // "redis", "timeout", "unknownhost", "template": only for stacks run with -redis, -timeout, -unknownhost, -template
	LockRow            bool   // the driver holds items row 1 locked while the request runs
	Want               []want
}

func entry(category, cause string) []want {
	return []want{{Entry: true, Category: category, Cause: cause}}
}

var cases = []blindCase{
	{Name: "healthy_items", Method: "GET", Path: "/items", Status: 200},
	{Name: "healthy_404", Method: "GET", Path: "/items/424242", Status: 404},
	// A pool whose URL names a port nothing listens on: the database is down.
	{Name: "db_refused", Method: "GET", Path: "/db/refused", Status: 500, Want: entry(dbConn, "connection_refused")},
	// A pool whose host (DB_HOST_UNKNOWN, in the reserved .invalid domain)
	// resolves nowhere; the stack resolves names from a hosts file of its own
	// (no DNS query leaves the machine).
	{Name: "db_unknown_host", Method: "GET", Path: "/db/unknown-host", Status: 500, Needs: "unknownhost", Want: entry(dbConn, "dns_failure")},
	{Name: "db_wrong_password", Method: "GET", Path: "/db/auth", Status: 500, Want: entry(dbConn, "authentication_failed")},
	// A pool of one: the handler holds its connection and borrows a second.
	{Name: "db_pool_exhausted", Method: "GET", Path: "/db/pool", Status: 500, Want: entry(dbConn, "pool_exhausted")},
	{Name: "db_statement_timeout", Method: "GET", Path: "/db/statement-timeout", Status: 500, Want: entry(dbTime, "statement_timeout")},
	{Name: "db_lock_timeout", Method: "GET", Path: "/db/lock-timeout", Status: 500, LockRow: true, Want: entry(dbTime, "lock_timeout")},
	{Name: "db_undefined_table", Method: "GET", Path: "/db/undefined-table", Status: 500, Want: entry(dbQuery, "undefined_table")},
	{Name: "db_undefined_column", Method: "GET", Path: "/db/undefined-column", Status: 500, Want: entry(dbQuery, "undefined_column")},
	{Name: "db_unique_violation", Method: "POST", Path: "/db/unique", Status: 500, Want: entry(dbQuery, "constraint_violation")},
	// PAGE_SIZE=twenty in the environment, read as an integer per request.
	{Name: "config_not_an_int", Method: "GET", Path: "/config/int", Status: 500, Want: entry(config, "invalid_config")},
	// PAYMENTS_URL is a required setting and is not set.
	{Name: "config_missing", Method: "GET", Path: "/config/missing", Status: 500, Want: entry(config, "missing_config")},
	// A template the view renders is not deployed: a file the application
	// needs at run time is missing (DESIGN.md §3: configuration drift).
	{Name: "template_missing", Method: "GET", Path: "/template/missing", Status: 500, Needs: "template", Want: entry(config, "missing_config")},
	{Name: "null_dereference", Method: "GET", Path: "/null", Status: 500, Want: entry(appEx, "null_reference")},
	// The service calls its own /null over HTTP.
	{Name: "downstream_500", Method: "GET", Path: "/downstream/500", Status: 500, Want: []want{
		{Entry: true, Category: dep, Cause: "upstream_5xx", RootCauseCategory: appEx},
		{Category: appEx, Cause: "null_reference"},
	}},
	// The service calls its own /slow (2 s) with a client timeout of 500 ms;
	// the callee answers 200 once the caller has gone.
	{Name: "downstream_timeout", Method: "GET", Path: "/downstream/timeout", Status: 500, Needs: "timeout", Want: entry(dep, "upstream_timeout")},
	// The service calls a port nothing listens on.
	{Name: "downstream_refused", Method: "GET", Path: "/downstream/refused", Status: 500, Want: entry(dep, "upstream_unreachable")},
	{Name: "bare_500", Method: "GET", Path: "/bare500", Status: 500, Want: entry(unknown, "no_evidence")},
	// A Redis client whose URL names a port nothing listens on.
	{Name: "cache_refused", Method: "GET", Path: "/cache/refused", Status: 500, Needs: "redis", Want: entry(dbConn, "connection_refused")},
	{Name: "healthy_cache", Method: "GET", Path: "/cache/ping", Status: 200, Needs: "redis"},
}
