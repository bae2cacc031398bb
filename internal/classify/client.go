package classify

import "strings"

// grpcRows: gRPC status codes of an outgoing RPC (rpc.grpc.status_code as
// text, or the code name as Connect RPC reports it). Rule "grpc.status.<code>".
var grpcRows = []struct {
	code, name, rule string
	out              outcome
}{
	{"4", "deadline_exceeded", "grpc.status.4", depTimeout},
	{"14", "unavailable", "grpc.status.14", depUnreachable},
	{"8", "resource_exhausted", "grpc.status.8", depRateLimited},
	{"*", "", "grpc.status.other", depRPC},
}

// httpClientRows: the response status of an outgoing HTTP call. 599 is no
// server's answer: Tornado's client reports it when no response came
// (tornado/httpclient.py HTTPClientError: "Error code 599 is used when no
// HTTP response was received, e.g. for a timeout"; simple_httpclient.py's
// HTTPTimeoutError and HTTPStreamClosedError, curl_httpclient's CurlError),
// as do proxies for a connect timeout behind them; the exception it raised
// says which.
var httpClientRows = []struct {
	min, max int
	rule     string
	out      outcome
}{
	{429, 429, "http.client.429", depRateLimited},
	{500, 598, "http.client.5xx", dep5xx},
}

// errorTypeRows: well-known error.type values (lower case) that are neither
// exception types nor phrases of the pattern table.
var errorTypeRows = []struct {
	value, rule string
	ctxOutcomes
}{
	{"timeout", "errortype.timeout", ctxOutcomes{out: depTimeout, db: dbStatementTimeout}},
	{"connection_refused", "errortype.connection_refused", ctxOutcomes{out: depUnreachable, db: connRefused}},
	{"connection_reset", "errortype.connection_reset", ctxOutcomes{out: depUnreachable, db: connReset}},
	{"name_resolution_error", "errortype.dns", ctxOutcomes{out: depUnreachable, db: connDNS}},
	{"dns_error", "errortype.dns", ctxOutcomes{out: depUnreachable, db: connDNS}},
	{"tls_error", "errortype.tls", ctxOutcomes{out: depTLS, db: connTLS}},
	{"cancelled", "errortype.canceled", ctxOutcomes{db: dbCanceled, skip: ctxPlain | ctxClient}},
	{"canceled", "errortype.canceled", ctxOutcomes{db: dbCanceled, skip: ctxPlain | ctxClient}},
}

// gatewayRows: the target's own 502/503/504 (GatewayMatch).
var gatewayRows = []struct {
	status int
	rule   string
	out    outcome
}{
	{502, "gateway.502", o(catDep, "bad_upstream_response")},
	{503, "gateway.503", o(catDep, "service_unavailable")},
	{504, "gateway.504", depTimeout},
}

// matchGRPC reads the status of an outgoing RPC.
func matchGRPC(code string) (string, outcome, bool) {
	c := strings.ToLower(strings.TrimSpace(code))
	c = strings.TrimPrefix(c, "statuscode.")
	if c == "" || c == "0" || c == "ok" {
		return "", none, false
	}
	for _, r := range grpcRows {
		if r.code == "*" || r.code == c || r.name == c {
			return r.rule, r.out, true
		}
	}
	return "", none, false
}

func matchHTTPClient(status int) (string, outcome, bool) {
	for _, r := range httpClientRows {
		if status >= r.min && status <= r.max {
			return r.rule, r.out, true
		}
	}
	return "", none, false
}

// securityRows: payloads that turn a query or file error into a suspected
// attack. SQL rows apply to syntax/data/undefined-column errors of a
// database; path rows to file and generic application errors.
var securityRows = []struct {
	rule  string
	sql   bool
	any   []string
	check func(s string) bool
}{
	{rule: "security.sqli.tautology", sql: true, any: []string{"or 1=1", "or '1'='1", "'1'='1", "or 'a'='a", "' or ''='", "\" or \"\"=\"", "or true--", "' or 'x'='x"}},
	{rule: "security.sqli.union", sql: true, any: []string{"union select", "union all select", "union%20select"}},
	{rule: "security.sqli.stacked", sql: true, any: []string{"; drop table", ";drop table", "; delete from", "; insert into", "; shutdown", "; exec ", "xp_cmdshell", "; truncate "}},
	{rule: "security.sqli.comment", sql: true, check: quoteComment},
	{rule: "security.sqli.quote_break", sql: true, check: quoteBreak},
	{rule: "security.sqli.time", sql: true, any: []string{"pg_sleep(", "sleep(", "benchmark(", "waitfor delay", "dbms_pipe.receive_message"}},
	{rule: "security.sqli.probe", sql: true, any: []string{"@@version", "load_file(", "into outfile", "extractvalue(", "updatexml("}, check: catalogProbe},
	{rule: "security.path_traversal", any: []string{"../../", "..\\..\\", "%2e%2e%2f", "%2e%2e/", "..%2f", "%252e%252e", "/etc/passwd", "\\windows\\win.ini", "/proc/self/environ"}},
}

// catalogProbe: the catalog named where a statement does not read from it. An unknown column 'information_schema'
// (the input taken as an identifier) is a probe; "from information_schema.columns" is the application's own
// introspection, which Laravel's and Doctrine's schema builders and Hibernate's validation run
// (mrmarchone/laravel-auto-crud#1: a column that PostgreSQL's catalog lacks).
func catalogProbe(s string) bool {
	const catalog = "information_schema"
	for i := 0; ; {
		j := strings.Index(s[i:], catalog)
		if j < 0 {
			return false
		}
		j += i
		head := strings.TrimRight(s[:j], " \t\n`\"")
		if !strings.HasSuffix(head, "from") && !strings.HasSuffix(head, "join") {
			return true
		}
		i = j + len(catalog)
	}
}

// quoteBreak: MySQL's parse error (ER_PARSE_ERROR, "... to use near '%s' at
// line %d") whose fragment starts with a quote character: the parser failed
// on the quote that closed the query's string literal early, the input's own
// (sqlmapproject/sqlmap#2814, opencart/opencart#3398). An empty fragment,
// the end of the query, is not.
func quoteBreak(s string) bool {
	for {
		i := strings.Index(s, "near ''")
		if i < 0 {
			return false
		}
		if j := i + len("near ''"); j < len(s) && s[j] != ' ' {
			return true
		}
		s = s[i+1:]
	}
}

// quoteComment: a quote immediately followed by an SQL comment (' --, '#, '/*).
func quoteComment(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '\'' && s[i] != '"' {
			continue
		}
		rest := strings.TrimLeft(s[i+1:min(len(s), i+4)], " )")
		if strings.HasPrefix(rest, "--") || strings.HasPrefix(rest, "#") || strings.HasPrefix(rest, "/*") {
			return true
		}
	}
	return false
}
