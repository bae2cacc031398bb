package redact

import (
	"regexp"
	"strings"
)

// Built-in patterns. Each runs on the whole cleaned text and masks only the
// secret part; the union of what they all find is masked:
//
//	private-key        -----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----
//	                   (PEM/PGP/OpenSSH blocks; an unterminated block is masked to the end)
//	authorization-digest  Authorization: Digest *** (all fields)
//	url-userinfo       postgres://app:***@db:5432/shop (any scheme://user:pass@host:
//	                   postgres(ql), mysql, mariadb, mongodb(+srv), redis(s), amqp(s),
//	                   jdbc:mysql, http(s), ...; the password runs to the last '@' before the host)
//	dsn-userinfo       app:***@db.example.com (no scheme)
//	go-mysql-dsn       app:***@tcp(db:3306)/shop, app:***@/shop (any character but space)
//	oracle-jdbc        jdbc:oracle:thin:scott/***@//db:1521/svc, scott/"***"@db:1521:SID
//	oracle-logon       scott/***@db:1521/svc, scott/"***"@//db/svc (in a text about Oracle)
//	authorization      Authorization: Bearer ***, Proxy-Authorization: Basic ***,
//	                   authorization="***" (whatever the scheme)
//	bearer-basic       Bearer ***, Basic *** anywhere, when the credential looks like one
//	jwt                eyJ....eyJ....sig → ***
//	aws-access-key-id  AKIA***, ASIA*** (and the other AWS key id prefixes)
//	aws-secret-key     a 40-character mixed-case base64 word in a text mentioning aws/secret
//	gcp-api-key        AIza***
//	github-token       ghp_***, gho_***, ghs_***, ghu_***, ghr_***, github_pat_***
//	gitlab-token       glpat-***
//	slack-token        xoxb-***, xoxp-***, ..., hooks.slack.com/services/***
//	stripe-key         sk_live_***, sk_test_***, rk_live_***, rk_test_***, whsec_***
//	misc-token         npm_***, ya29.***, sk-*** (OpenAI-style), SG.*** (SendGrid)
//	key-value          a secret key, its separator, and the value to its end as the grammar
//	                   around the key defines it (keyvalue.go, value.go): ';' lists of SQL
//	                   Server JDBC, ADO.NET and ODBC with "..""..", '..''..' and {..}}..};
//	                   URL queries (?user=app&password=***&ssl=true); libpq's password='a\' b';
//	                   JSON, JSON in JSON, Python dicts, YAML, JAAS (password="a\"b"), CLI
//	                   flags, environment variables. Keys: *password*, passwd, passphrase,
//	                   pwd, pass, secret, token, api key, access key, secret key, private key,
//	                   account key, auth, credential(s), session id, cookie, sig, signature
//	                   (with prefixes and _/-/. suffixes: client_secret, X-Api-Key, auth_token)
//	xml-element        <password>***</password>
//	sql-password       IDENTIFIED BY ***, WITH PASSWORD '***'
//	email              ***@example.com (the local part is masked, the domain kept: it
//	                   tells which system was involved and is rarely personal)
//	credit-card        13-19 digits (spaces/dashes allowed) starting with 2-6 and
//	                   Luhn-valid → ***; order numbers that fail Luhn are kept
//
// Not masked on purpose: "password authentication failed for user "app""
// (user names are not secrets) and the YES/NO of MySQL's "(using password: YES)".
//
// Each pattern has trigger substrings (lower case); a pattern runs only when
// one of its triggers occurs in the lower-cased text, or, for credit cards,
// when the text holds at least 13 ASCII digits.
type pattern struct {
	name      string
	re        *regexp.Regexp
	triggers  []string
	minDigits int
	mask      maskFunc
	// find, when set, replaces matching re and calling mask on each match:
	// it appends the ranges to mask in s to dst, which holds those of the
	// patterns before it.
	find func(s string, dst []maskRange) []maskRange
}

// hostPort is what follows the '@' of user:password@: a host name, an IPv6
// literal or a Go MySQL tcp(...)/unix(...) address, an optional port, then
// the end of the authority. Greedy password groups before it back off to the
// last '@' that is followed by a host, so a password holding '@' or '/' is
// masked whole.
const hostPort = `((?:tcp|unix|udp)\([^()\s]*\)|\[[0-9a-f:.]+\]|(?:[a-z0-9_\-]+\.)*[a-z0-9_\-]+)(?::[0-9]{1,5})?(?:[^a-z0-9_\-@]|$)`

var builtins = []pattern{
	{
		name:     "private-key",
		re:       regexp.MustCompile(`-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----(?s:.*?)(-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)`),
		triggers: []string{"private key"},
		mask: func(_ string, m []int, dst []maskRange) []maskRange {
			// Keep the armour lines, mask the body.
			body := m[3] + len("PRIVATE KEY-----")
			if m[4] >= 0 {
				body = m[5] + len("-----")
			}
			return append(dst, maskRange{body, m[6]})
		},
	},
	{
		// scheme://user:password@host — the password runs to the last '@'
		// that is followed by a host (and optional port) and the end of the
		// authority, so a password holding '@' or '/' is masked whole.
		name:     "url-userinfo",
		re:       regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]*://)([^\s:@/?#"'<>]*):([^\s"<>?]*)@` + hostPort),
		triggers: []string{"://"},
		mask: func(s string, m []int, dst []maskRange) []maskRange {
			// jdbc:sqlserver://host:1433;user=sa;password=p@ss is a host, a port
			// and properties, not user:password@host.
			scheme, user, pw := s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]
			if semicolonKeyIn(user) || isPortThenProperties(pw) && strings.Contains(strings.ToLower(scheme), "sqlserver") {
				return dst
			}
			return maskGroup(3)(s, m, dst)
		},
	},
	{
		// user:password@host without a scheme (Go MySQL DSN, ssh-style).
		name:     "dsn-userinfo",
		re:       regexp.MustCompile(`(?i)(?:^|[\s"'=(,;\[{])([a-z0-9_.\-]+):([^\s/"'<>]+)@` + hostPort),
		triggers: []string{"@"},
		mask:     maskGroup(2),
	},
	{
		// Go's MySQL driver: user:password@tcp(host:port)/db, where the
		// password may hold any character but white space; it runs to the
		// last '@' before an address or the database.
		name: "go-mysql-dsn",
		re: regexp.MustCompile(`(?i)(?:^|[\s"'=(,;\[{<])[^\s:@/()"'<>]*:((?:[^\s/]|/[^\s/])\S*)@(?:tcp|udp|unix)[46]?\([^()\s]*\)` +
			// user:password@/dbname (the default address): no '/' or quote in the
			// password, or a URL or JSON text would look like one.
			`|(?:^|[\s=])[^\s:@/()"'<>]+:([^\s"'/]+)@/(?:[^/]|$)`),
		triggers: []string{"@tcp(", "@unix(", "@udp(", "@tcp4(", "@tcp6(", "@/"},
		mask:     maskGroups,
	},
	{
		// Oracle JDBC thin/OCI: jdbc:oracle:thin:user/password@//host:1521/svc,
		// @host:1521:SID or @(DESCRIPTION=...). A password with special
		// characters is double-quoted ("p@ss w/rd"); an unquoted one runs to
		// the last '@' before the address.
		name:     "oracle-jdbc",
		re:       regexp.MustCompile(`(?i)\bjdbc:oracle:(?:thin|oci8?|kprb):([^\s/@:"'()]*)/(?:"([^"]*)"|([^\s"]*))@(?://|\(|` + hostPort + `)`),
		triggers: []string{"jdbc:oracle:"},
		mask:     maskFirstGroup(2, 3),
	},
	{
		// Oracle Easy Connect and SQL*Plus logons: user/password@host:1521/svc,
		// user/"p@ss"@//host/svc, in a text that talks about Oracle.
		name:     "oracle-logon",
		re:       regexp.MustCompile(`(?i)(?:^|[\s"'=(,:])[a-z][a-z0-9_$#]*/(?:"([^"]*)"|([^\s"/]+))@(?://)?` + hostPort),
		triggers: []string{"oracle", "ora-", "sqlplus", "tns", "dpy-", "ezconnect"},
		mask:     maskFirstGroup(1, 2),
	},
	{
		// Digest credentials are a list of fields: mask all that follows.
		name:     "authorization-digest",
		re:       regexp.MustCompile(`(?i)\b((?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?digest\s+)(.+)`),
		triggers: []string{"digest"},
		mask:     maskGroup(2),
	},
	{
		name:     "authorization",
		re:       regexp.MustCompile(`(?i)\b((?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?)(?:((?:bearer|basic|digest|negotiate|ntlm|token|bot|apikey|sharedkey|sharedaccesssignature|hmac|aws4-hmac-sha256|gosign)\s+))?([^\s"'\\,;]+)`),
		triggers: []string{"authorization"},
		mask:     maskGroup(3),
	},
	{
		name:     "bearer-basic",
		re:       regexp.MustCompile(`(?i)\b(bearer|basic)\s+([A-Za-z0-9\-._~+/]+=*)`),
		triggers: []string{"bearer", "basic"},
		mask: func(s string, m []int, dst []maskRange) []maskRange {
			// "Basic auth_token=" is a word and the next key, not a
			// credential: masking it would hide the key of the secret after it.
			if v := s[m[4]:m[5]]; !looksLikeCredential(v) || looksLikeKey(v) {
				return dst
			}
			return maskGroup(2)(s, m, dst)
		},
	},
	{
		name:     "jwt",
		re:       regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}(?:\.[A-Za-z0-9_\-]*)*`),
		triggers: []string{"eyj"},
		mask:     maskAll,
	},
	{
		name:     "aws-access-key-id",
		re:       regexp.MustCompile(`\b(AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AKPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}\b`),
		triggers: []string{"akia", "asia", "abia", "acca", "agpa", "aida", "aipa", "akpa", "anpa", "anva", "aroa", "apka", "asca"},
		mask:     keepGroupThenMask(1),
	},
	{
		// A bare 40-character secret access key, in a text that talks about
		// AWS or secrets. Mixed case and a digit, '/' or '+' are required so
		// that a git SHA or a long identifier is kept.
		name:     "aws-secret-key",
		re:       regexp.MustCompile(`[A-Za-z0-9/+]{40}`),
		triggers: []string{"aws", "secret", "amazon"},
		mask: func(s string, m []int, dst []maskRange) []maskRange {
			if (m[0] > 0 && isB64(s[m[0]-1])) || (m[1] < len(s) && (isB64(s[m[1]]) || s[m[1]] == '=')) {
				return dst
			}
			if !mixedCase(s[m[0]:m[1]]) || !strings.ContainsAny(s[m[0]:m[1]], "0123456789/+") {
				return dst
			}
			return maskAll(s, m, dst)
		},
	},
	{
		name:     "gcp-api-key",
		re:       regexp.MustCompile(`\b(AIza)[0-9A-Za-z_\-]{35}`),
		triggers: []string{"aiza"},
		mask:     keepGroupThenMask(1),
	},
	{
		name:     "github-token",
		re:       regexp.MustCompile(`\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}`),
		triggers: []string{"ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_"},
		mask:     keepGroupThenMask(1),
	},
	{
		name:     "gitlab-token",
		re:       regexp.MustCompile(`\b(glpat-)[A-Za-z0-9_\-]{20,}`),
		triggers: []string{"glpat-"},
		mask:     keepGroupThenMask(1),
	},
	{
		name:     "slack-token",
		re:       regexp.MustCompile(`\b(xox[abposre]-|xapp-)[A-Za-z0-9\-]{10,}|(hooks\.slack\.com/(?:services|workflows)/)[A-Za-z0-9/_\-]+`),
		triggers: []string{"xox", "xapp-", "hooks.slack.com"},
		mask: func(s string, m []int, dst []maskRange) []maskRange {
			if m[2] >= 0 {
				return keepGroupThenMask(1)(s, m, dst)
			}
			return keepGroupThenMask(2)(s, m, dst)
		},
	},
	{
		name:     "stripe-key",
		re:       regexp.MustCompile(`\b((?:sk|rk)_(?:live|test)_|whsec_)[A-Za-z0-9]{10,}`),
		triggers: []string{"k_live_", "k_test_", "whsec_"},
		mask:     keepGroupThenMask(1),
	},
	{
		name:     "misc-token",
		re:       regexp.MustCompile(`\b(npm_)[A-Za-z0-9]{30,}|\b(ya29\.)[0-9A-Za-z_\-]{20,}|\b(sk-)[A-Za-z0-9_\-]{20,}|\b(SG\.)[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}`),
		triggers: []string{"npm_", "ya29.", "sk-", "sg."},
		mask: func(s string, m []int, dst []maskRange) []maskRange {
			for g := 1; 2*g+1 < len(m); g++ {
				if m[2*g] >= 0 {
					return keepGroupThenMask(g)(s, m, dst)
				}
			}
			return maskAll(s, m, dst)
		},
	},
	{
		// key=value and its relatives: the regular expression finds the key,
		// the value scanner its end (keyvalue.go, value.go).
		name:     "key-value",
		re:       keyValueRe,
		triggers: []string{"pass", "pwd", "secret", "token", "key", "auth", "credential", "session", "sessid", "cookie", "sig"},
		find:     findKeyValues,
	},
	{
		name:     "xml-element",
		re:       regexp.MustCompile(`(?i)<((?:[a-z0-9_\-]+:)?[a-z0-9_.\-]*?(?:` + kvKeys + `)(?:[_.\-][a-z0-9]+)*)>([^<]*)`),
		triggers: []string{"pass", "pwd", "secret", "token", "key", "auth", "credential", "session", "sessid", "cookie", "sig"},
		mask:     maskFirstGroup(2),
	},
	{
		name: "sql-password",
		// A quoted value runs to the first quote that ends a word (or to
		// the end): an unbalanced quote before it must not hide the real
		// value behind the match (PASSWORD ' ... PASSWORD 'secret').
		re:       regexp.MustCompile(`(?i)\b(?:identified\s+by\s+(?:'(.*?)(?:'(?:[\s;,)]|$)|$)|"(.*?)(?:"(?:[\s;,)]|$)|$)|([^\s;,]+))|password\s+(?:'(.*?)(?:'(?:[\s;,)]|$)|$)|"(.*?)(?:"(?:[\s;,)]|$)|$)))`),
		triggers: []string{"identified", "password"},
		mask:     maskFirstGroup(1, 2, 3, 4, 5),
	},
	{
		name:     "email",
		re:       regexp.MustCompile(`[A-Za-z0-9._%+\-]+@((?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})\b`),
		triggers: []string{"@"},
		mask: func(_ string, m []int, dst []maskRange) []maskRange {
			return append(dst, maskRange{m[0], m[2] - 1}) // the local part, before '@'
		},
	},
	{
		name:      "credit-card",
		re:        regexp.MustCompile(`\b[2-6](?:[ \-]?[0-9]){12,18}\b`),
		minDigits: 13,
		mask: func(s string, m []int, dst []maskRange) []maskRange {
			if !luhn(s[m[0]:m[1]]) {
				return dst
			}
			return maskAll(s, m, dst)
		},
	},
}

// keepGroupThenMask keeps group g (a prefix such as AKIA or ghp_) and masks
// the rest of the match.
func keepGroupThenMask(g int) maskFunc {
	return func(_ string, m []int, dst []maskRange) []maskRange {
		return append(dst, maskRange{m[2*g+1], m[1]})
	}
}

// harmlessValues are values next to a secret key that are not secrets and
// carry the meaning of the evidence ("using password: YES").
var harmlessValues = map[string]bool{
	"yes": true, "no": true, "true": true, "false": true, "null": true, "nil": true, "none": true,
	"empty": true, "redacted": true, "[redacted]": true, "<redacted>": true, "masked": true, "hidden": true,
	"invalid": true, "expired": true, "missing": true, "required": true, "incorrect": true, "wrong": true,
	"unset": true, "undefined": true, "not": true, "n/a": true,
	// log severities and outcomes that drivers print after "auth:" or
	// "password:" ("failed SASL auth: FATAL: password authentication failed").
	"fatal": true, "error": true, "panic": true, "warning": true, "failed": true, "denied": true,
	"refused": true, "rejected": true,
}

// harmless reports whether a value needs no mask: masked before it reached
// the collector (only '*'), or a word from harmlessValues
// (ignoring trailing closing brackets and dots). A value that another
// pattern masks is left to that pattern (see maskFirstGroup).
func harmless(v string) bool {
	if strings.Trim(v, "*") == "" {
		return true
	}
	v = strings.TrimRight(v, ").]}>:,;")
	if len(v) > 12 {
		return false
	}
	return harmlessValues[strings.ToLower(v)]
}

// looksLikeCredential keeps "Basic authentication" and "Bearer token" but
// masks "Basic dXNlcjpwYXNz" and "Bearer 8f3a...": at least 8 characters and
// a digit, a symbol or an upper-case letter after the first character.
func looksLikeCredential(v string) bool {
	if len(v) < 8 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9', c == '-', c == '.', c == '_', c == '~', c == '+', c == '/', c == '=':
			return true
		case c >= 'A' && c <= 'Z' && i > 0:
			return true
		}
	}
	return false
}

// looksLikeKey reports whether v is a key of the key-value pattern followed
// by '=' (auth_token=, PGPASSWORD=), rather than base64 with padding.
func looksLikeKey(v string) bool {
	k := strings.TrimRight(v, "=")
	return k != v && secretKey.MatchString(k)
}

func isB64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
}

func mixedCase(s string) bool {
	upper, lower := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		upper = upper || c >= 'A' && c <= 'Z'
		lower = lower || c >= 'a' && c <= 'z'
	}
	return upper && lower
}

// luhn checks the Luhn sum of the digits of s (other bytes are skipped).
func luhn(s string) bool {
	sum, n, double := 0, 0, false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
		n++
	}
	return n >= 13 && n <= 19 && sum%10 == 0
}

// triggers is the result of one cheap pass over the text.
type triggers struct {
	lower  string
	digits int
}

// scan lower-cases the ASCII letters of s (one allocation) and counts its
// ASCII digits.
func scan(s string) triggers {
	var t triggers
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= '0' && c <= '9':
			t.digits++
		}
		b.WriteByte(c)
	}
	t.lower = b.String()
	return t
}

// wants reports whether pattern p may match: one of its triggers occurs in
// the text, which every pattern runs on as it is.
func (t *triggers) wants(p *pattern) bool {
	if p.minDigits > 0 && t.digits >= p.minDigits {
		return true
	}
	for _, tr := range p.triggers {
		if strings.Contains(t.lower, tr) {
			return true
		}
	}
	return false
}
