// Package redacttest generates secrets with every printable special
// character and the connection strings and driver messages that carry them,
// each written as its grammar requires (percent-encoded in a URL, braced in
// ODBC, quoted and escaped in libpq, JSON, YAML, JAAS...). The redactor's
// property test, its fuzz seeds and the processor's end-to-end redaction
// test share them.
package redacttest // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/redact/redacttest"

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
)

// looksLikeKey matches a secret key and its separator.
var looksLikeKey = regexp.MustCompile(`(?i)(pass|pwd|secret|token|key|auth|credential|session|sessid|cookie|sig)[a-z0-9_.\-]*\s*[:=]`)

// Case is one secret in one message.
type Case struct {
	// Grammar names the connection-string grammar and the value form.
	Grammar string
	// Text is the message: a driver's error around the connection string.
	Text string
	// Secret is the secret itself; Written is how Text spells it (encoded,
	// escaped, without the quotes or braces around it).
	Secret, Written string
	// Keep are parts of Text that must stay readable: host, port,
	// database, user, error code.
	Keep []string
}

// Specials are the printable ASCII characters that are not letters or
// digits: every one may occur in a generated secret.
const Specials = "&@#/:;= \"'{}\\!$%^*()[]<>?,.|~+-_`"

// wrapper is a driver's message around a connection string (%s), with the
// parts of it that must stay readable.
type wrapper struct {
	format string
	keep   []string
}

// Driver messages, by family of connection string. They are shaped like
// what the drivers print (codes, quoting, brackets); the connection string
// is where an application or pool adds it to the message.
var (
	jdbcWrappers = []wrapper{
		{"Cannot create PoolableConnectionFactory (%s)", []string{"Cannot create PoolableConnectionFactory ("}},
		{"HikariPool-1 - Exception during pool initialization. jdbcUrl=%s: org.postgresql.util.PSQLException: FATAL: password authentication failed for user \"shop\" (SQLSTATE 28P01)",
			[]string{"HikariPool-1", "SQLSTATE 28P01"}},
		{"com.microsoft.sqlserver.jdbc.SQLServerException: Login failed for user 'sa'. ClientConnectionId:6f1b2c3d [url %s] (error 18456)",
			[]string{"Login failed for user 'sa'", "error 18456"}},
		{"java.sql.SQLException: Access denied for user 'app'@'10.0.0.12' (using password: YES) url=%s errorCode=1045",
			[]string{"(using password: YES)", "errorCode=1045"}},
	}
	pythonWrappers = []wrapper{
		{"sqlalchemy.exc.ArgumentError: Could not parse SQLAlchemy URL from string '%s'", []string{"sqlalchemy.exc.ArgumentError"}},
		{"pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on 'mysql-0' ([Errno 111] Connection refused)\") dsn=%s",
			[]string{"(2003,", "Errno 111"}},
		{"psycopg.OperationalError: connection failed: connection to server at \"10.0.3.7\", port 5432 failed: FATAL:  password authentication failed for user \"shop\" (dsn %s) SQLSTATE 28P01",
			[]string{"10.0.3.7", "SQLSTATE 28P01"}},
		{"pymongo.errors.ServerSelectionTimeoutError: mongo-0:27017: [Errno 111] Connection refused, Timeout: 30s uri=%s",
			[]string{"mongo-0:27017", "Errno 111"}},
	}
	nodeWrappers = []wrapper{
		{"error: password authentication failed for user \"shop\" (connectionString %s) code: '28P01'", []string{"code: '28P01'"}},
		{"Error: Access denied for user 'app'@'172.18.0.5' (using password: YES) code: 'ER_ACCESS_DENIED_ERROR' errno: 1045 uri: %s",
			[]string{"ER_ACCESS_DENIED_ERROR", "errno: 1045"}},
		{"[ioredis] Unhandled error event: ReplyError: WRONGPASS invalid username-password pair or user is disabled. (%s)",
			[]string{"WRONGPASS"}},
	}
	dotnetWrappers = []wrapper{
		{"Microsoft.Data.SqlClient.SqlException (0x80131904): Login failed for user 'shopapp'. Error Number:18456,State:1,Class:14 ConnectionString: %s",
			[]string{"0x80131904", "Error Number:18456"}},
		{"System.Data.Odbc.OdbcException (0x80131937): ERROR [28000] [Microsoft][ODBC Driver 18 for SQL Server]Login failed for user 'app'. conn=\"%s\"",
			[]string{"ERROR [28000]", "ODBC Driver 18 for SQL Server"}},
	}
	goWrappers = []wrapper{
		{"failed to connect to `%s`: server error (FATAL: password authentication failed for user \"shop\" (SQLSTATE 28P01))",
			[]string{"SQLSTATE 28P01"}},
		{"Error 1045 (28000): Access denied for user 'app'@'10.0.0.12' (using password: YES) dsn=%s", []string{"Error 1045 (28000)"}},
		{"redis: WRONGPASS invalid username-password pair (url %s)", []string{"redis: WRONGPASS"}},
	}
	kafkaWrappers = []wrapper{
		{"org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512 (config %s)",
			[]string{"SaslAuthenticationException", "SCRAM-SHA-512"}},
		{"KafkaException: Failed to create producer: %s", []string{"Failed to create producer"}},
	}
	oracleWrappers = []wrapper{
		{"java.sql.SQLException: ORA-01017: invalid username/password; logon denied (url %s)", []string{"ORA-01017"}},
		{"oracledb.exceptions.DatabaseError: DPY-6005: cannot connect to database: %s (ORA-12541)", []string{"DPY-6005", "ORA-12541"}},
	}
	anyWrappers = concat(jdbcWrappers, pythonWrappers, nodeWrappers, dotnetWrappers, goWrappers)
)

func concat(ws ...[]wrapper) []wrapper {
	var out []wrapper
	for _, w := range ws {
		out = append(out, w...)
	}
	return out
}

// form is one way of writing a secret in one grammar: which secrets it can
// carry, how it spells them, the connection string around them.
type form struct {
	grammar string
	// specials are the special characters the form can carry (all of
	// Specials when empty); allowed reports whether it can carry a secret
	// made of them (where they may stand).
	specials string
	allowed  func(secret string) bool
	// write spells the secret as the grammar requires.
	write func(secret string) string
	// conn returns the connection string with the written secret and what
	// of it must stay readable.
	conn     func(written string) (string, []string)
	wrappers []wrapper
}

var forms = buildForms()

// Forms is the number of grammar forms; Generate cycles through them.
func Forms() int { return len(forms) }

// Generate returns n cases, cycling through every form and its driver
// messages, with secrets drawn from rng.
func Generate(rng *rand.Rand, n int) []Case {
	out := make([]Case, 0, n)
	for i := 0; len(out) < n; i++ {
		f := forms[i%len(forms)]
		secret := secretFor(rng, f.specials, f.allowed)
		written := f.write(secret)
		conn, keep := f.conn(written)
		w := f.wrappers[(i/len(forms))%len(f.wrappers)]
		out = append(out, Case{
			Grammar: f.grammar,
			Text:    fmt.Sprintf(w.format, conn),
			Secret:  secret,
			Written: written,
			Keep:    append(append([]string(nil), keep...), w.keep...),
		})
	}
	return out
}

// secretFor draws secrets until one is allowed: 8 to 24 characters, at
// least four of them special, no two spaces in a row (texts are folded to
// one line) and no space at either end.
func secretFor(rng *rand.Rand, specials string, allowed func(string) bool) string {
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for {
		n := 8 + rng.IntN(17)
		b := make([]byte, n)
		for i := range b {
			if rng.IntN(2) == 0 {
				b[i] = specials[rng.IntN(len(specials))]
			} else {
				b[i] = alnum[rng.IntN(len(alnum))]
			}
		}
		s := string(b)
		nSpecial := 0
		for i := range b {
			if !isAlnum(b[i]) {
				nSpecial++
			}
		}
		if nSpecial < 4 || strings.Contains(s, "  ") || s[0] == ' ' || s[len(s)-1] == ' ' {
			continue
		}
		if looksLikeKey.MatchString(s) {
			continue // a key inside the secret masks what follows it: not this test's subject
		}
		if allowed == nil || allowed(s) {
			return s
		}
	}
}

// ---- how grammars write a value -----------------------------------------

func anything(string) bool { return true }

// without returns Specials without the bytes of chars.
func without(chars string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(chars, r) {
			return -1
		}
		return r
	}, Specials)
}

// notFirst: a value starting with one of chars reads as quoted.
func notFirst(chars string) func(string) bool {
	return func(s string) bool { return !strings.ContainsRune(chars, rune(s[0])) }
}

func all(fs ...func(string) bool) func(string) bool {
	return func(s string) bool {
		for _, f := range fs {
			if !f(s) {
				return false
			}
		}
		return true
	}
}

// noCloserAtWordEnd: in an unquoted value, a closing bracket or quote
// followed by the end of a word is where a message's own bracket or quote
// around the connection string closes; the grammar gives no other end, so
// such a value is not written unquoted.
func noCloserAtWordEnd(s string) bool {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(")]}>\"'`", rune(s[i])) {
			continue
		}
		if i+1 == len(s) || strings.ContainsRune(" .,;:!?)]}>\"'`", rune(s[i+1])) {
			return false
		}
	}
	return true
}

// noKeyAfter: a ',' ';' or '&' followed by words and '=' or ':' starts
// another key in free text ("x;user=y", "x;Initial Catalog=y"), and so does
// one at the end of the value, before the next key of the text.
func noKeyAfter(s string) bool {
	if strings.ContainsRune(",;&", rune(s[len(s)-1])) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(",;&", rune(s[i])) {
			continue
		}
		j := i + 1
		for j < len(s) && (isAlnum(s[j]) || strings.ContainsRune("_-. ", rune(s[j]))) {
			j++
		}
		if j > i+1 && j < len(s) && (s[j] == '=' || s[j] == ':') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// percentEncode encodes every byte but the unreserved ones and those of
// keep (RFC 3986).
func percentEncode(keep string) func(string) string {
	return func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			c := s[i]
			if isAlnum(c) || strings.IndexByte("-._~"+keep, c) >= 0 {
				b.WriteByte(c)
				continue
			}
			fmt.Fprintf(&b, "%%%02X", c)
		}
		return b.String()
	}
}

// backslashEscape escapes backslash and the given quote with a backslash.
func backslashEscape(q string) func(string) string {
	return func(s string) string {
		s = strings.ReplaceAll(s, `\`, `\\`)
		return strings.ReplaceAll(s, q, `\`+q)
	}
}

// jsonInJSON is a JSON string value inside another JSON string.
func jsonInJSON(s string) string {
	return backslashEscape(`"`)(backslashEscape(`"`)(s))
}

// doubled doubles the quote (ADO.NET, YAML single quotes) or brace (ODBC).
func doubled(q string) func(string) string {
	return func(s string) string { return strings.ReplaceAll(s, q, q+q) }
}

func same(s string) string { return s }

// libpqUnquoted escapes backslash, quote and space with a backslash.
func libpqUnquoted(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	return strings.ReplaceAll(s, ` `, `\ `)
}

// userinfoKeep: the sub-delimiters and ':' that RFC 3986 allows unencoded
// in the password of a URL's userinfo.
const userinfoKeep = "!$&'()*+,;=:"

// queryKeep: what a form-encoded query value keeps unencoded.
const queryKeep = "!$*+,;:@/?="

// secretKeys are the spellings of secret keys the key-value forms use.
var secretKeys = []string{"password", "passwd", "pwd", "pass", "secret", "token", "api_key", "apikey", "api-key",
	"access_key", "client_secret", "secret_key", "auth_token", "DB_PASSWORD", "Password", "X-Api-Key"}

func buildForms() []form {
	var fs []form
	// URL userinfo, one form per scheme.
	for _, u := range []struct{ scheme, user, host string }{
		{"postgres", "app", "db.internal:5432/shop"},
		{"postgresql", "svc_orders", "10.0.3.7/orders"},
		{"mysql", "root", "mysql-primary:3306/app"},
		{"mariadb", "app", "mariadb-0:3306/shop"},
		{"jdbc:mysql", "app", "mysql:3306/db"},
		{"mongodb", "reader", "mongo-0:27017,mongo-1:27017/shop?replicaSet=rs0"},
		{"mongodb+srv", "admin", "cluster0.ab1cd.mongodb.net/prod?retryWrites=true"},
		{"redis", "", "cache.svc.cluster.local:6379/0"},
		{"rediss", "default", "redis.example.com:6380"},
		{"amqp", "guest", "rabbitmq:5672/vhost"},
		{"amqps", "orders", "mq.example.com:5671/prod"},
		{"https", "proxyuser", "proxy.corp.example:8080"},
	} {
		fs = append(fs, form{
			grammar: "url-userinfo " + u.scheme,
			write:   percentEncode(userinfoKeep),
			conn: func(w string) (string, []string) {
				return u.scheme + "://" + u.user + ":" + w + "@" + u.host, []string{u.scheme + "://" + u.user + ":", "@" + u.host}
			},
			wrappers: anyWrappers,
		})
	}
	// URL query parameters.
	for _, q := range []struct{ prefix, key, suffix string }{
		{"jdbc:postgresql://db:5432/shop?user=shop&", "password", "&ssl=true"},
		{"jdbc:mysql://mysql:3306/orders?user=app&", "password", "&useSSL=false"},
		{"jdbc:mariadb://mariadb-0:3306/shop?user=app&", "password", ""},
		{"mongodb://mongo-0:27017/shop?authSource=admin&", "tlsCertificateKeyFilePassword", "&tls=true"},
		{"https://api.example.com/v1/orders?", "access_token", "&expand=items"},
		{"https://bucket.s3.amazonaws.com/k?X-Amz-Expires=60&", "X-Amz-Signature", ""},
	} {
		fs = append(fs, form{
			grammar: "url-query " + q.key,
			write:   percentEncode(queryKeep),
			conn: func(w string) (string, []string) {
				return q.prefix + q.key + "=" + w + q.suffix, []string{q.prefix + q.key + "=", q.suffix}
			},
			wrappers: anyWrappers,
		})
	}
	// SQL Server JDBC: ';' properties, {braced} values.
	sqlserver := func(w string) (string, []string) {
		return "jdbc:sqlserver://sql01:1433;databaseName=hr;user=sa;password=" + w + ";encrypt=true",
			[]string{"jdbc:sqlserver://sql01:1433;databaseName=hr;user=sa;password=", ";encrypt=true"}
	}
	sqlserverLast := func(w string) (string, []string) {
		return "jdbc:sqlserver://sql01;databaseName=hr;user=sa;password=" + w, []string{"jdbc:sqlserver://sql01;databaseName=hr;user=sa;password="}
	}
	jdbcSpecials := without(";{}\"' ")
	fs = append(fs,
		form{grammar: "sqlserver-jdbc unquoted", specials: jdbcSpecials, allowed: noCloserAtWordEnd, write: same, conn: sqlserver, wrappers: jdbcWrappers},
		form{grammar: "sqlserver-jdbc unquoted last", specials: jdbcSpecials, allowed: noCloserAtWordEnd, write: same, conn: sqlserverLast, wrappers: jdbcWrappers},
		form{grammar: "sqlserver-jdbc braced", write: doubled("}"), conn: braces(sqlserver), wrappers: jdbcWrappers},
		form{grammar: "sqlserver-jdbc braced last", write: doubled("}"), conn: braces(sqlserverLast), wrappers: jdbcWrappers},
	)
	// ADO.NET: ';' keywords, "..." and '...' with doubled quotes, unquoted
	// values with inner spaces.
	adonet := func(w string) (string, []string) {
		return "Server=tcp:sql.example.net,1433;Initial Catalog=shop;User ID=shopapp;Password=" + w + ";Encrypt=True;",
			[]string{"Server=tcp:sql.example.net,1433;Initial Catalog=shop;User ID=shopapp;Password=", ";Encrypt=True;"}
	}
	fs = append(fs,
		form{grammar: "ado.net unquoted", specials: without(";\"'{"), allowed: noCloserAtWordEnd, write: same, conn: adonet, wrappers: dotnetWrappers},
		form{grammar: "ado.net double-quoted", write: doubled(`"`), conn: quotes(`"`, adonet), wrappers: dotnetWrappers},
		form{grammar: "ado.net single-quoted", write: doubled(`'`), conn: quotes(`'`, adonet), wrappers: dotnetWrappers},
	)
	// ODBC: {braced} values with }} for '}'.
	odbc := func(w string) (string, []string) {
		return "Driver={ODBC Driver 18 for SQL Server};Server=db01;Database=shop;UID=app;PWD=" + w + ";TrustServerCertificate=yes",
			[]string{"Driver={ODBC Driver 18 for SQL Server};Server=db01;Database=shop;UID=app;PWD=", ";TrustServerCertificate=yes"}
	}
	fs = append(fs,
		form{grammar: "odbc braced", write: doubled("}"), conn: braces(odbc), wrappers: dotnetWrappers},
		form{grammar: "odbc unquoted", specials: without(";{}\"' "), allowed: noCloserAtWordEnd, write: same, conn: odbc, wrappers: dotnetWrappers},
	)
	// libpq keyword/value.
	libpq := func(w string) (string, []string) {
		return "host=db port=5432 user=app password=" + w + " dbname=shop sslmode=require", []string{"host=db port=5432 user=app password=", " dbname=shop sslmode=require"}
	}
	fs = append(fs,
		form{grammar: "libpq single-quoted", write: backslashEscape(`'`), conn: quotes(`'`, libpq), wrappers: concat(pythonWrappers, goWrappers, nodeWrappers)},
		form{grammar: "libpq unquoted", allowed: all(noCloserAtWordEnd, notFirst(`"`)), write: libpqUnquoted, conn: libpq, wrappers: concat(pythonWrappers, goWrappers)},
	)
	// Oracle.
	// An unquoted Oracle password is an identifier: a letter, then letters,
	// digits, _ $ #.
	oracleUnquoted := func(s string) bool { return isAlnum(s[0]) && (s[0] < '0' || s[0] > '9') }
	for _, o := range []struct{ name, prefix, suffix string }{
		{"oracle-jdbc service", "jdbc:oracle:thin:scott/", "@//db.example.com:1521/ORCLPDB1"},
		{"oracle-jdbc sid", "jdbc:oracle:thin:scott/", "@db01:1521:ORCL"},
		{"oracle logon", "scott/", "@db.example.com:1521/ORCLPDB1"},
	} {
		conn := func(w string) (string, []string) { return o.prefix + w + o.suffix, []string{o.prefix, o.suffix} }
		fs = append(fs,
			form{grammar: o.name + " unquoted", specials: "_$#", allowed: oracleUnquoted, write: same, conn: conn, wrappers: oracleWrappers},
			form{grammar: o.name + " quoted", specials: without(`"`), write: same, conn: quotes(`"`, conn), wrappers: oracleWrappers},
		)
	}
	// Go's MySQL DSN: anything but white space.
	// A password starting with "//" reads as a URL's authority.
	fs = append(fs, form{grammar: "go-mysql-dsn", specials: without(" "), allowed: func(s string) bool { return !strings.HasPrefix(s, "//") }, write: same, conn: func(w string) (string, []string) {
		return "app:" + w + "@tcp(mysql:3306)/orders?parseTime=true", []string{"app:", "@tcp(mysql:3306)/orders?parseTime=true"}
	}, wrappers: goWrappers})
	// Kafka SASL JAAS.
	fs = append(fs, form{grammar: "kafka-jaas", write: backslashEscape(`"`), conn: func(w string) (string, []string) {
		return `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="` + w + `";`,
			[]string{`ScramLoginModule required username="alice" password="`, `";`}
	}, wrappers: kafkaWrappers})
	// key=value, key: value, JSON, YAML, Python, escaped JSON.
	for i, k := range secretKeys {
		kv := func(sep, opening, closing string) func(string) (string, []string) {
			return func(w string) (string, []string) {
				return "user=svc " + k + sep + opening + w + closing + " host=db", []string{"user=svc " + k + sep + opening, closing + " host=db"}
			}
		}
		genericSpecials, genericUnquoted := without(" \"'\\"), all(noKeyAfter, noCloserAtWordEnd)
		w := anyWrappers[i%len(anyWrappers):]
		fs = append(fs,
			form{grammar: "key=value unquoted " + k, specials: genericSpecials, allowed: all(genericUnquoted, notFirst(">")), write: same, conn: kv("=", "", ""), wrappers: w},
			form{grammar: "key=value double-quoted " + k, write: backslashEscape(`"`), conn: kv("=", `"`, `"`), wrappers: w},
			form{grammar: "key: value unquoted " + k, specials: genericSpecials, allowed: genericUnquoted, write: same, conn: kv(": ", "", ""), wrappers: w},
			form{grammar: "yaml single-quoted " + k, write: doubled(`'`), conn: kv(": ", `'`, `'`), wrappers: w},
			form{grammar: "yaml double-quoted " + k, write: backslashEscape(`"`), conn: kv(": ", `"`, `"`), wrappers: w},
			form{grammar: "json " + k, write: backslashEscape(`"`), conn: func(w string) (string, []string) {
				return `{"user":"svc","` + k + `":"` + w + `","host":"db"}`, []string{`{"user":"svc","` + k + `":"`, `","host":"db"}`}
			}, wrappers: w},
			form{grammar: "json in json " + k, write: jsonInJSON, conn: func(w string) (string, []string) {
				return `body={\"user\":\"svc\",\"` + k + `\":\"` + w + `\",\"host\":\"db\"}`, []string{`{\"user\":\"svc\",\"` + k + `\":\"`, `\",\"host\":\"db\"}`}
			}, wrappers: w},
			form{grammar: "python dict " + k, write: backslashEscape(`'`), conn: func(w string) (string, []string) {
				return `{'user': 'svc', '` + k + `': '` + w + `', 'host': 'db'}`, []string{`{'user': 'svc', '` + k + `': '`, `', 'host': 'db'}`}
			}, wrappers: w},
		)
	}
	for i := range fs {
		if fs[i].allowed == nil {
			fs[i].allowed = anything
		}
		if fs[i].specials == "" {
			fs[i].specials = Specials
		}
	}
	return fs
}

// braces puts the written value between { and }.
func braces(conn func(string) (string, []string)) func(string) (string, []string) {
	return quotesPair("{", "}", conn)
}

// quotes puts the written value between quotes q.
func quotes(q string, conn func(string) (string, []string)) func(string) (string, []string) {
	return quotesPair(q, q, conn)
}

func quotesPair(opening, closing string, conn func(string) (string, []string)) func(string) (string, []string) {
	return func(w string) (string, []string) {
		c, keep := conn(opening + w + closing)
		// The readable context around the value includes its delimiters.
		out := make([]string, len(keep))
		for i, k := range keep {
			switch i {
			case 0:
				out[i] = k + opening
			default:
				out[i] = closing + k
			}
		}
		return c, out
	}
}

// Mask is what the redactor writes in place of a secret.
const Mask = "***"

// Context is the text of c with the written secret replaced by Mask.
func (c Case) Context() string { return strings.Replace(c.Text, c.Written, Mask, 1) }

// Leaks returns the character sequences of length 3 or more of the secret,
// as written and as it is, that out holds and no text of context holds
// (context: the message without the secret, and what the redactor made of
// it). Empty when nothing of the secret survives.
func Leaks(out string, c Case, context ...string) []string {
	ctx := strings.Join(append(context, c.Context()), "\x00")
	var leaks []string
	seen := map[string]bool{}
	for _, s := range []string{c.Written, c.Secret} {
		for i := 0; i+3 <= len(s); i++ {
			g := s[i : i+3]
			if seen[g] {
				continue
			}
			seen[g] = true
			if strings.Contains(out, g) && !strings.Contains(ctx, g) {
				leaks = append(leaks, g)
			}
		}
	}
	return leaks
}

// Lost returns the parts of c.Keep that out does not hold.
func Lost(out string, c Case) []string {
	var lost []string
	for _, k := range c.Keep {
		if !strings.Contains(out, oneSpace(k)) {
			lost = append(lost, k)
		}
	}
	return lost
}

// oneSpace folds runs of spaces as the redactor's one-line output does.
func oneSpace(s string) string {
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return s
}
