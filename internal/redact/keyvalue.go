package redact

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
)

// The key-value pattern: a key that names a secret, its separator, then a
// value masked to its end as the grammar around the key defines it
// (value.go). The regular expression finds only the key and the separator,
// so every key is found, including one inside another key's value, and the
// union of their values is masked.

// kvKeys are the key names whose values are secrets. A key may carry any
// prefix (db_password, PGPASSWORD, client_secret, X-Api-Key) and suffixes led
// by _ . or - (secret_access_key, auth-token), but not a glued suffix, so
// "passwordless", "tokenizer" and "author" are not keys.
const kvKeys = `password|passwd|passphrase|pwd|secret|secret[_\-]?key|token|api[_\-]?key|access[_\-]?key|` +
	`private[_\-]?key|account[_\-]?key|shared[_\-]?access[_\-]?key|auth|credentials?|session[_\-]?id|sessid|cookie|sig|signature`

// kvShortKey is a key too common inside words to take a glued prefix
// ("bypass", "compass"): the whole key, or led by _ . - (db_pass,
// redis.pass). The regular expression lets any prefix through (one simple
// prefix is cheaper to match); isGluedShortKey drops the glued ones.
const kvShortKey = `pass`

// keyPattern is a whole key.
const keyPattern = `[a-z0-9_.\-]*?(?:` + kvKeys + `|` + kvShortKey + `)(?:[_.\-][a-z0-9]+)*`

// longKeys are the keys of kvKeys that contain kvShortKey.
var longKeys = []string{"password", "passwd", "passphrase"}

// isGluedShortKey reports whether key is kvShortKey glued to a word
// ("bypass") rather than a key.
func isGluedShortKey(key string) bool {
	k := strings.ToLower(key)
	i := strings.Index(k, kvShortKey)
	if i <= 0 {
		return false
	}
	for _, long := range longKeys {
		if strings.Contains(k, long) {
			return false
		}
	}
	return isAlnumByte(k[i-1])
}

func isAlnumByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// keyValueRe finds a key and its separator: key=value, key: value,
// "key":"value", 'key' => 'value', key := value, \"key\":\"value\", with
// spaces around the separator (libpq's "password = 'x'"). Group 1 is the
// key, group 2 the separator with the key's closing quote.
var keyValueRe = regexp.MustCompile(`(?i)\b(` + keyPattern + `)(\\*["']?\s*(?:=>|:=|[:=])\s*)`)

// secretKey is a whole key of the key-value pattern.
var secretKey = regexp.MustCompile(`(?i)^` + keyPattern + `$`)

// libpqKeys are the libpq keywords that tell a conninfo string from free
// text: "host=db port=5432 user=app password=x".
var libpqKeys = regexp.MustCompile(`(?i)(?:^|\s|['"` + "`" + `])(?:host|hostaddr|port|dbname|user|sslmode|connect_timeout|application_name|target_session_attrs)\s*=`)

// listItem is "keyword=" at the start of an item of a ';' list: one word,
// or Title Case words as ADO.NET writes them ("Initial Catalog=").
var listItem = regexp.MustCompile(`^\s*(?:[A-Za-z][A-Za-z0-9_]*|[A-Z][A-Za-z0-9_]*(?: [A-Z][A-Za-z0-9_]*){1,3})\s*=`)

// isPortThenProperties reports whether s is a port and ';' properties
// ("1433;databaseName=hr;password=p@ss"), as in a SQL Server JDBC URL.
func isPortThenProperties(s string) bool {
	i := strings.IndexByte(s, ';')
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		if s[j] < '0' || s[j] > '9' {
			return false
		}
	}
	return semicolonKeyIn(s[i:])
}

// semicolonKeyIn reports whether s holds a ';' that starts an item of a
// ';' list.
func semicolonKeyIn(s string) bool {
	for i := strings.IndexByte(s, ';'); i >= 0; {
		if listItem.MatchString(s[i+1:]) {
			return true
		}
		j := strings.IndexByte(s[i+1:], ';')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// libpqWindow is how far from a key another libpq keyword is looked for.
const libpqWindow = 256

// openersWindow bounds how far back the brackets and quotes left open
// before a key are counted.
const openersWindow = 512

// findKeyValues masks the value after every key and separator in s. dst
// holds the ranges of the patterns before this one: a value that starts in
// one of them is theirs, and the text after it is context (in
// https://x-access-token:ghp_…@github.com url-userinfo and github-token mask
// the token; the host is not part of it).
func findKeyValues(s string, dst []maskRange) []maskRange {
	kv := keyValues{s: s, prior: merged(dst), nextSemi: -1}
	for _, m := range keyValueRe.FindAllStringSubmatchIndex(s, -1) {
		keyStart, sepStart, v := m[2], m[4], m[1]
		if kv.prior.contains(v) || isGluedShortKey(s[keyStart:m[3]]) {
			continue
		}
		g := kv.grammarAt(keyStart, sepStart, v)
		opened := openedBefore(s, max(0, keyStart-openersWindow), keyStart)
		lo, hi, ok := g.value(s, v, &opened)
		if !ok || harmless(s[lo:hi]) {
			continue
		}
		dst = append(dst, maskRange{lo, hi})
		if hi == len(s) {
			break // every later key is inside this value
		}
	}
	return dst
}

// keyValues is the state of one findKeyValues pass.
type keyValues struct {
	s     string
	prior sortedRanges
	// nextSemi caches the index of the first ';' at or after a value start
	// (len(s) when none): values come in increasing order.
	nextSemi int
	// libpq: 0 not known yet, 1 the text holds a libpq keyword, -1 it does not.
	libpq int8
}

// mayBeLibpq reports whether the text holds a libpq keyword anywhere (one
// scan, then the windows around each key are looked at).
func (kv *keyValues) mayBeLibpq() bool {
	if kv.libpq == 0 {
		kv.libpq = -1
		if libpqKeys.MatchString(kv.s) {
			kv.libpq = 1
		}
	}
	return kv.libpq > 0
}

// semiAfter returns the index of the first ';' at or after v, or len(s).
func (kv *keyValues) semiAfter(v int) int {
	if kv.nextSemi < v {
		if j := strings.IndexByte(kv.s[v:], ';'); j >= 0 {
			kv.nextSemi = v + j
		} else {
			kv.nextSemi = len(kv.s)
		}
	}
	return kv.nextSemi
}

// grammarAt decides the grammar of the value of the key at s[keyStart:]
// from what is around it.
func (kv *keyValues) grammarAt(keyStart, sepStart, v int) *grammar {
	s := kv.s
	sep := s[sepStart:v]
	before := byte(0)
	if keyStart > 0 {
		before = s[keyStart-1]
	}
	switch before {
	case '"':
		if strings.Contains(sep, ":") {
			return grammarJSON
		}
	case '\'':
		if strings.Contains(sep, ":") || strings.Contains(sep, "=>") {
			return grammarJSON // a Python dict, a JavaScript or Ruby object
		}
	case '?', '&':
		return grammarQuery
	}
	if i := lastNonSpace(s, keyStart); i >= 0 && s[i] == ';' {
		return grammarSemicolon
	}
	if strings.Contains(sep, ":") && !strings.Contains(sep, ":=") {
		return grammarYAML
	}
	if libpqLed(s, keyStart) && kv.mayBeLibpq() && isLibpq(s, keyStart, v) {
		return grammarLibpq
	}
	// The first item of a ';' list: "Password=a b;Server=db".
	if j := kv.semiAfter(v); j < len(s) && listItem.MatchString(s[j+1:]) {
		if !strings.ContainsAny(s[v:j], `"'{`) {
			return grammarSemicolon
		}
	}
	return grammarGeneric
}

// sortedRanges are ranges sorted by lo and merged: none overlaps another.
type sortedRanges []maskRange

// merged returns the ranges sorted and merged, in a new slice.
func merged(ranges []maskRange) sortedRanges {
	if len(ranges) == 0 {
		return nil
	}
	out := slices.Clone(ranges)
	slices.SortFunc(out, func(a, b maskRange) int { return cmp.Compare(a.lo, b.lo) })
	n := 0
	for _, r := range out[1:] {
		if r.lo <= out[n].hi {
			out[n].hi = max(out[n].hi, r.hi)
			continue
		}
		n++
		out[n] = r
	}
	return out[:n+1]
}

// contains reports whether byte i is in one of the ranges.
func (rs sortedRanges) contains(i int) bool {
	j, _ := slices.BinarySearchFunc(rs, i, func(r maskRange, i int) int { return cmp.Compare(r.lo, i) })
	// rs[j-1] is the last range starting at or before i (rs[j] when it
	// starts at i).
	if j < len(rs) && rs[j].lo == i {
		return rs[j].lo < rs[j].hi
	}
	return j > 0 && i < rs[j-1].hi
}

// libpqLed reports whether the key at keyStart is led as a libpq keyword
// is: by white space, a quote, a bracket or the start of the text.
func libpqLed(s string, keyStart int) bool {
	if keyStart == 0 {
		return true
	}
	switch s[keyStart-1] {
	case ' ', '"', '\'', '`', '(':
		return true
	}
	return false
}

// isLibpq reports whether another libpq keyword is within libpqWindow
// bytes of the key: "host=db port=5432 user=app password=x".
func isLibpq(s string, keyStart, v int) bool {
	lo, hi := max(0, keyStart-libpqWindow), min(len(s), v+libpqWindow)
	return libpqKeys.MatchString(s[lo:hi])
}

// lastNonSpace is the index of the last byte before i that is not a space,
// or -1.
func lastNonSpace(s string, i int) int {
	i--
	for i >= 0 && s[i] == ' ' {
		i--
	}
	return i
}
