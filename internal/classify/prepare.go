package classify

import (
	"regexp"
	"strings"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/stackframe"
)

// level is one exception of a chain: its type and message, original and lower case.
type level struct {
	typ      string // original spelling, without a leading '*'
	typLower string
	msgLower string
}

// prepared is an Evidence with its texts lower-cased once and its exception
// chain unwrapped, plus the context in which its words are read.
type prepared struct {
	ev  *diagnosis.Evidence
	ctx ctxMask
	// origin is the library the exception came from (nil: unknown).
	origin *stackframe.Library
	// system is the database family (postgresql, mysql, mssql, oracle,
	// mongodb, redis) from db.system or inferred from the text; "" if unknown.
	system string
	// levels: the exception chain, innermost cause first, ending with the
	// reported exception itself.
	levels []level
	// context: exceptions that were being handled when the chain was raised
	// (Python's "During handling of the above exception, another exception
	// occurred"): read only when the chain itself says nothing specific.
	context []level
	// statusLower is the lower-cased span status description.
	statusLower string
	// stackLower is the lower-cased stack trace.
	stackLower string
	// all is every lower-cased text of the evidence, for co-occurrence checks.
	all string
}

func (p *prepared) db() bool { return p.ctx == ctxDB }

// maxChain bounds the number of wrapped causes examined.
const maxChain = 8

func prepare(ev *diagnosis.Evidence, p *prepared) {
	*p = prepared{ev: ev, levels: p.levels[:0], context: p.context[:0]}
	var b strings.Builder
	b.Grow(len(ev.ExceptionType) + len(ev.ExceptionMessage) + len(ev.Stacktrace) + len(ev.StatusMessage) + len(ev.ErrorType) + len(ev.SpanName) + 8)
	top := level{typ: strings.TrimLeft(ev.ExceptionType, "*")}
	top.typLower = strings.ToLower(top.typ)
	top.msgLower = strings.ToLower(ev.ExceptionMessage)
	p.statusLower = strings.ToLower(ev.StatusMessage)
	p.stackLower = strings.ToLower(ev.Stacktrace)
	b.WriteString(top.typLower)
	b.WriteByte('\n')
	b.WriteString(top.msgLower)
	b.WriteByte('\n')
	b.WriteString(p.statusLower)
	b.WriteByte('\n')
	b.WriteString(strings.ToLower(ev.ErrorType))
	b.WriteByte('\n')
	b.WriteString(p.stackLower)
	p.all = b.String()

	// The chain, innermost first.
	if ev.Stacktrace != "" {
		p.levels, p.context = parseChain(ev.Stacktrace, p.levels, p.context)
	}
	// SQLAlchemy puts the DBAPI error type at the head of its message:
	// "(psycopg2.errors.UndefinedTable) relation ...".
	// Rails and others prefix the wrapped error's type: "PG::UndefinedTable: ERROR: ...".
	if t, rest, ok := parenType(ev.ExceptionMessage); ok {
		p.levels = append(p.levels, level{typ: t, typLower: strings.ToLower(t), msgLower: strings.ToLower(rest)})
	} else if l, ok := headerLevel(ev.ExceptionMessage); ok && l.msgLower != "" && (strings.Contains(l.typ, ".") || strings.Contains(l.typ, "::")) {
		p.levels = append(p.levels, l)
	}
	p.levels = append(p.levels, top)

	// Context. The database hints are looked for once, where a case reads them.
	unnamed, client, db := unnamedCall(ev), ev.Kind == diagnosis.KindClient, ev.Kind == diagnosis.KindDB || ev.DBSystem != ""
	hint := (unnamed || (!client && !db)) && hasDBHint(hintText(p.all))
	switch {
	case unnamed && hint:
		p.ctx = ctxDB
	case client:
		p.ctx = ctxClient
	case db:
		p.ctx = ctxDB
	case hint:
		p.ctx = ctxDB
	case ev.Kind == diagnosis.KindSpan && bareDial(p.all):
		p.ctx = ctxDB
	default:
		p.ctx = ctxPlain
	}
	p.origin = stackframe.LibraryNamed(ev.Origin)
	p.ctx = originContext(p.origin, ev, p.ctx)
	p.system = dbFamily(ev.DBSystem)
	if p.system == "" && p.ctx == ctxDB && p.origin != nil {
		p.system = p.origin.System
	}
	if p.system == "" && p.ctx == ctxDB {
		p.system = inferSystem(p.all)
	}
}

// parseChain extracts the wrapped exceptions of a stack trace, innermost
// first: Java "Caused by: X: msg", .NET "X: msg ---> Y: msg", Python chains
// (printed innermost first), and any unindented "pkg.Type: message" header.
// Python exceptions printed before the last "During handling of the above
// exception, another exception occurred" were being handled, not wrapped
// (redis-py's pool catches IndexError from an empty list, then raises
// MaxConnectionsError): they go to ctx.
func parseChain(stack string, out, ctx []level) ([]level, []level) {
	start := len(out)
	python := strings.Contains(stack, "Traceback (most recent call last)")
	handling := -1
	lines := 0
	for len(stack) > 0 && len(out)-start < maxChain && lines < 400 {
		lines++
		var line string
		if i := strings.IndexByte(stack, '\n'); i >= 0 {
			line, stack = stack[:i], stack[i+1:]
		} else {
			line, stack = stack, ""
		}
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		indented := line[0] == ' ' || line[0] == '\t'
		t := strings.TrimSpace(line)
		if python && strings.HasPrefix(t, "During handling of the above exception") {
			handling = len(out)
			continue
		}
		switch {
		case strings.HasPrefix(t, "Caused by: "):
			t = t[len("Caused by: "):]
		case strings.Contains(t, "---> "):
			// .NET inner exceptions on one line.
			for _, part := range strings.Split(t, "---> ") {
				if l, ok := headerLevel(strings.TrimSpace(part)); ok {
					out = append(out, l)
				}
			}
			continue
		case indented || strings.HasPrefix(t, "at "):
			continue
		}
		if l, ok := headerLevel(t); ok {
			out = append(out, l)
		}
	}
	if !python {
		// Java and .NET print the outermost exception first.
		for i, j := start, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	if handling > start {
		ctx = append(ctx, out[start:handling]...)
		out = append(out[:start], out[handling:]...)
	}
	return out, ctx
}

// headerLevel parses "pkg.Type: message", "pkg.Type (0x80004005): message"
// or a bare "pkg.Type".
func headerLevel(s string) (level, bool) {
	end := 0
	for end < len(s) && isTypeByte(s[end]) {
		if s[end] == ':' {
			if end+1 < len(s) && s[end+1] == ':' {
				end += 2
				continue
			}
			break
		}
		end++
	}
	if end == 0 {
		return level{}, false
	}
	t := s[:end]
	rest := s[end:]
	// .NET: "Type (0x80004005): msg", "SocketException (111): msg".
	if strings.HasPrefix(rest, " (") {
		if i := strings.IndexByte(rest, ')'); i > 2 && i < 16 && isHexish(rest[2:i]) {
			rest = rest[i+1:]
		}
	}
	switch {
	case rest == "":
	case strings.HasPrefix(rest, ": "):
		rest = rest[2:]
	case rest == ":":
		rest = ""
	default:
		return level{}, false
	}
	if !looksLikeType(t) {
		return level{}, false
	}
	return level{typ: t, typLower: strings.ToLower(t), msgLower: strings.ToLower(rest)}, true
}

func isTypeByte(c byte) bool {
	return c == '.' || c == '_' || c == '$' || c == ':' || c == '\\' || c == '`' ||
		(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// looksLikeType accepts qualified names and names that end like an exception.
func looksLikeType(t string) bool {
	t = strings.TrimRight(t, ":")
	if t == "" || t[0] >= '0' && t[0] <= '9' {
		return false
	}
	if strings.Contains(t, ".") || strings.Contains(t, "::") || strings.Contains(t, "\\") {
		return !strings.HasSuffix(t, ".")
	}
	for _, s := range []string{"Error", "Exception", "Exit", "Interrupt", "Warning", "Failure", "Fault", "Timeout", "Refused"} {
		if strings.HasSuffix(t, s) {
			return true
		}
	}
	return false
}

// parenType reads SQLAlchemy's "(pkg.Type) message".
func parenType(msg string) (string, string, bool) {
	if len(msg) < 4 || msg[0] != '(' {
		return "", "", false
	}
	i := strings.IndexByte(msg, ')')
	if i < 2 {
		return "", "", false
	}
	t := msg[1:i]
	for j := 0; j < len(t); j++ {
		if !isTypeByte(t[j]) {
			return "", "", false
		}
	}
	if !strings.Contains(t, ".") {
		return "", "", false
	}
	return t, strings.TrimSpace(msg[i+1:]), true
}

// dbHints are lower-case fragments that show a database driver, ORM or
// server is involved: they switch a plain span to database context.
var dbHints = []string{
	"sqlstate", "psycopg", "asyncpg", "pgconn", "pgx", "lib/pq", "pq: ", "org.postgresql", "psqlexception",
	"npgsql", "postgres", "sqlclient", "sqlexception", "sql server", "mysql", "mariadb", "pymysql",
	"go-sql-driver", "sqlalchemy", "django.db", "activerecord", "sequel", "pdoexception", "doctrine",
	"hibernate", "jdbc", "cx_oracle", "oracledb", "oracle.", "ora-0", "ora-1", "ora-2", "ora-3",
	"mongo", "redis", "lettuce", "jedis", "knex", "prisma", "typeorm", "entityframework", "pg::",
	"sqlite", "database", "pg-pool", "node_modules/pg/", "mysql2", "mongoose", "ioredis", "sql: ", "hikari", "cassandra", "datastax", "mssql", "tedious",
	// sqlx's Error::Database and Error::Io (sqlx-core error.rs).
	"error returned from database", "error communicating with database",
	// tokio-postgres src/error/mod.rs Display of Kind::Connect "error connecting to server", Timeout, Io and Tls
	// (postgres, deadpool-postgres, bb8-postgres; since 0.7.14 without the source after it); deadpool
	// src/managed/errors.rs PoolError::Backend "Error occurred while creating a new object: <the backend's error>" and
	// its recycle's, the connect of deadpool-postgres, deadpool-redis, deadpool-diesel.
	"error connecting to server", "timeout waiting for server", "error communicating with the server", "error performing tls handshake",
	"error occurred while creating a new object: ", "error occurred while recycling an object: ",
	// libpq's connection failure (psycopg, the pg gem, PDO pgsql): "connection to server at \"h\" (ip), port N failed".
	"connection to server at \"",
	":5432", ":3306", ":1433", ":1521", ":27017", ":6379", ":6432", ":26257", ":9042", ":5433",
	"port 5432", "port 3306", ".s.pgsql", "mysql.sock",
	// Python socket addresses: asyncpg, aiomysql, redis.asyncio "Connect call failed ('127.0.0.1', 5432)".
	", 5432)", ", 3306)", ", 6379)", ", 27017)", ", 1433)",
}

// Go's net.OpError of a dial ("dial tcp 10.0.0.5:5432: connect: connection refused", "dial tcp: lookup db: no such
// host", net/net.go OpError.Error)
// reaches a handler bare from the clients that dial their server themselves and return the dial's error as it is:
// lib/pq (conn.go dial), go-pg (pool.go dialConn), go-sql-driver/mysql (connector.go Connect), go-redis
// (options.go NewDialer), redigo (redis/conn.go DialContext). Go's HTTP and RPC clients wrap it in their own words:
// net/http's url.Error `Get "http://...": ` (net/url/url.go Error.Error, also under resty and go-retryablehttp;
// before Go 1.14 the URL unquoted, `Get http://...: `, as aws-sdk-go's "send request failed" carries it),
// grpc-go's "connection error: desc = \"transport: Error while dialing: ...\"". A message broker's or a mail
// server's client may return the dial bare too (amqp091 DialConfig, net/smtp Dial): their names keep a call's reading.
var (
	reGoDial     = regexp.MustCompile(`\bdial (?:tcp|unix)[ :]`)
	reGoCallWrap = regexp.MustCompile(`\b(?:get|post|put|patch|delete|head|options) (?:"[^"]*"|https?://\S+): |rpc error: |while dialing|\b(?:amqp|rabbitmq|smtp|nats|kafka|sarama|mqtt)\b`)
)

// bareDial reports whether the text holds a Go dial error that no HTTP or
// RPC client wrapped: a database's or a cache's own connect.
func bareDial(all string) bool {
	return reGoDial.MatchString(all) && !reGoCallWrap.MatchString(all)
}

// reQuotedURL is an HTTP call's URL in quotes, as golang/go src/net/url/url.go Error.Error prints it (`%s %q: %s`:
// `Post "http://host:9201/write": dial tcp: lookup host ...`) and Spring's RestTemplate ("I/O error on POST request
// for \"http://...\""): the called peer, whose host name (prometheus_postgresql_adapter) names no database, there
// or in the dial error after it.
var reQuotedURL = regexp.MustCompile(`"https?://([^"\s/:?#]*)[^"\s]*"`)

// hintText is the evidence text database hints are looked for in: without the URLs of HTTP calls and their hosts.
func hintText(all string) string {
	if !strings.Contains(all, "\"http") {
		return all
	}
	ms := reQuotedURL.FindAllStringSubmatch(all, 4)
	if ms == nil {
		return all
	}
	all = reQuotedURL.ReplaceAllLiteralString(all, `""`)
	for _, m := range ms {
		if m[1] != "" {
			all = strings.ReplaceAll(all, m[1], "")
		}
	}
	return all
}

func hasDBHint(all string) bool {
	for _, h := range dbHints {
		if strings.Contains(all, h) {
			return true
		}
	}
	return false
}

// dbFamily normalises db.system / db.system.name to the family used by the
// code tables.
func dbFamily(sys string) string {
	s := strings.ToLower(sys)
	switch s {
	case "":
		return ""
	case "postgresql", "postgres", "cockroachdb", "redshift", "pgx", "greenplum", "yugabytedb", "timescaledb":
		return "postgresql"
	case "mysql", "mariadb", "tidb", "aurora-mysql", "percona":
		return "mysql"
	case "mssql", "microsoft.sql_server", "sqlserver", "mssqlcompact", "azuresql":
		return "mssql"
	case "oracle", "oracle.db":
		return "oracle"
	case "mongodb", "documentdb", "cosmosdb":
		return "mongodb"
	case "redis", "valkey", "keydb", "dragonfly":
		return "redis"
	}
	return s
}

// systemHints infer the database family from the text when db.system is absent.
var systemHints = []struct{ needle, system string }{
	{"postgres", "postgresql"}, {"psycopg", "postgresql"}, {"asyncpg", "postgresql"}, {"pgconn", "postgresql"},
	{"pgx", "postgresql"}, {"pq: ", "postgresql"}, {"npgsql", "postgresql"}, {"pg::", "postgresql"},
	{":5432", "postgresql"}, {"mysql", "mysql"}, {"mariadb", "mysql"}, {":3306", "mysql"},
	{"sqlclient", "mssql"}, {"sql server", "mssql"}, {"mssql", "mssql"}, {":1433", "mssql"},
	{"ora-", "oracle"}, {"oracle", "oracle"}, {"mongo", "mongodb"}, {":27017", "mongodb"},
	{"redis", "redis"}, {"jedis", "redis"}, {"lettuce", "redis"}, {":6379", "redis"},
}

func inferSystem(all string) string {
	for _, h := range systemHints {
		if strings.Contains(all, h.needle) {
			return h.system
		}
	}
	return ""
}

func isHexish(s string) bool {
	s = strings.TrimPrefix(s, "0x")
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return s != ""
}
