package redact

import "strings"

// The value scanner: where a secret value that starts at a given byte ends,
// as the grammar of the text around it defines it. Regular expressions find
// the keys (keyvalue.go); the end of a value needs quoting, escaping, braces
// and brackets that a regular expression cannot follow.

// quoteRule is how a quote character is written inside a value quoted with
// it.
type quoteRule uint8

const (
	// quoteLiteral: the character does not open a quoted value (URL query:
	// a quote is an ordinary character of the value).
	quoteLiteral quoteRule = iota
	// quoteBackslash: \" inside "..." (JSON, YAML double quotes, JAAS,
	// libpq's '...', Python and JavaScript literals).
	quoteBackslash
	// quoteDoubled: "" inside "..." (ADO.NET, ODBC, YAML single quotes, SQL).
	quoteDoubled
	// quoteEither: the grammar is not known; the value ends where neither
	// rule can go on, so it is masked whole under both.
	quoteEither
)

// grammar says how a value ends in one family of connection strings or
// key/value texts.
type grammar struct {
	name string
	// double and single say how "..." and '...' values are escaped.
	double, single quoteRule
	// braces: {value} with }} for '}' (ODBC, ADO.NET, SQL Server JDBC).
	braces bool
	// stop are the bytes that always end an unquoted value; white space
	// always does unless spaceInside is set.
	stop string
	// stopBeforeKey are the bytes that end an unquoted value when another
	// key follows them ("password=x,user=y"); otherwise they belong to it.
	stopBeforeKey string
	// noQuotes: an unquoted value cannot hold a quote or a backslash
	// before a quote (a value with quotes must be quoted).
	noQuotes bool
	// spaceInside: an unquoted value runs over white space to the next stop
	// byte, and ends at white space only when no stop byte follows (ADO.NET
	// and ODBC allow "Password=a b;").
	spaceInside bool
	// backslash: in an unquoted value a backslash escapes the next byte,
	// white space included (libpq).
	backslash bool
}

// The grammars of keyvalue.go's table.
var (
	// generic is free text: key=value, key: value, CLI flags, environment
	// variables, JAAS options, Java's Map.toString.
	grammarGeneric = &grammar{name: "generic", double: quoteEither, single: quoteEither,
		stopBeforeKey: ",;&", noQuotes: true}
	// semicolon is a ';'-separated keyword list: ADO.NET, ODBC, SQL Server
	// JDBC properties.
	grammarSemicolon = &grammar{name: "semicolon", double: quoteDoubled, single: quoteDoubled, braces: true,
		stop: ";", spaceInside: true}
	// query is a URL query string or form body: '&' separates, a value's
	// special characters are percent-encoded.
	grammarQuery = &grammar{name: "query", stop: "&#"}
	// libpq is PostgreSQL's keyword/value conninfo: '...' with \' and \\,
	// backslash escapes in unquoted values too.
	// A "..." value is read as quoted too: logfmt lines look the same
	// (user=svc password="a b" host=db).
	grammarLibpq = &grammar{name: "libpq", double: quoteEither, single: quoteBackslash, backslash: true}
	// json is "key": value (and JavaScript/Python objects with quoted
	// keys): strings with backslash escapes.
	grammarJSON = &grammar{name: "json", double: quoteBackslash, single: quoteBackslash,
		stopBeforeKey: ",;&", noQuotes: true}
	// yaml is key: value with a bare key: '...' doubles its quote, "..."
	// uses backslashes.
	grammarYAML = &grammar{name: "yaml", double: quoteBackslash, single: quoteDoubled,
		stopBeforeKey: ",;&", noQuotes: true}
)

// value is the part of s to mask for a value that starts at v: [lo, hi),
// without the quotes or braces around it. ok is false for an empty value.
func (g *grammar) value(s string, v int, opened *openers) (lo, hi int, ok bool) {
	if v >= len(s) {
		return 0, 0, false
	}
	if q, depth, n := escapedQuote(s, v); n > 0 && !g.backslash {
		// \"...\" (2^depth-1 backslashes): a quoted value inside an escaped
		// string, JSON in JSON or a %q-quoted log message.
		return quoted(s, v+n, q, quoteBackslash, depth)
	}
	switch c := s[v]; {
	case c == '"' && g.double != quoteLiteral:
		return quoted(s, v+1, '"', g.double, 0)
	case c == '\'' && g.single != quoteLiteral:
		return quoted(s, v+1, '\'', g.single, 0)
	case c == '{' && g.braces:
		return braced(s, v+1)
	}
	hi = g.unquoted(s, v, opened)
	return v, hi, hi > v
}

// escapedQuote reports whether s[v:] starts with 2^depth-1 backslashes
// (depth >= 1) and a quote; n is the length of that opening.
func escapedQuote(s string, v int) (q byte, depth, n int) {
	r := 0
	for v+r < len(s) && s[v+r] == '\\' {
		r++
	}
	if r == 0 || v+r >= len(s) || (s[v+r] != '"' && s[v+r] != '\'') || (r+1)&r != 0 {
		return 0, 0, 0
	}
	for d := 1; ; d++ {
		if 1<<d-1 == r {
			return s[v+r], d, r + 1
		}
	}
}

// quoted returns the inside of a quoted value whose first byte is at i:
// up to the closing quote q, or to the end of s when it is not closed (a cut
// or malformed text: the rest may be the secret). depth counts the levels of
// backslash escaping the value sits in (1 for \"...\" in a JSON string).
func quoted(s string, i int, q byte, rule quoteRule, depth int) (lo, hi int, ok bool) {
	var end int
	switch rule {
	case quoteBackslash:
		end = closeBackslash(s, i, q, depth)
	case quoteDoubled:
		end = closeDoubled(s, i, q)
	default:
		end = closeEither(s, i, q, depth)
	}
	return i, end, end > i
}

// closeBackslash returns the index of the quote q that closes a value
// starting at i under backslash escaping at the given depth: at depth d the
// closing quote is preceded by 2^d-1 backslashes modulo 2^(d+1) (0 mod 2 for
// "...", 1 mod 4 for \"...\" where \\\" is a quote inside). len(s) when none.
func closeBackslash(s string, i int, q byte, depth int) int {
	mod := 2 << depth
	want := mod/2 - 1
	run := 0 // backslashes just before s[j]
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '\\':
			run++
			continue
		case q:
			if run%mod == want {
				return j - want
			}
		}
		run = 0
	}
	return len(s)
}

// closeDoubled returns the index of the quote q that closes a value starting
// at i where qq is a quote inside; len(s) when none.
func closeDoubled(s string, i int, q byte) int {
	for j := i; j < len(s); j++ {
		if s[j] != q {
			continue
		}
		if j+1 < len(s) && s[j+1] == q {
			j++
			continue
		}
		return j
	}
	return len(s)
}

// closeEither returns the closing quote when the rule is not known. The
// backslash rule's end, when a word ends after it and it is not the first
// quote of a doubled one (then the value goes on under the other rule);
// else the doubled rule's end, when a word ends after it; else the later
// of the two. Where backslashes close later, their end covers both.
func closeEither(s string, i int, q byte, depth int) int {
	b, d := closeBackslash(s, i, q, depth), closeDoubled(s, i, q)
	switch {
	case b < len(s) && endsWord(s, b+1) && s[min(b+1, len(s)-1)] != q || b+1 == len(s):
		return b
	case d < len(s) && endsWord(s, d+1):
		return d
	}
	return max(b, d)
}

// braced returns the inside of {value}, where }} is a '}' of the value.
func braced(s string, i int) (lo, hi int, ok bool) {
	end := closeDoubled(s, i, '}')
	return i, end, end > i
}

// unquoted returns the end of an unquoted value starting at v.
func (g *grammar) unquoted(s string, v int, opened *openers) int {
	spaceEnds := !g.spaceInside
	if g.spaceInside && !strings.ContainsAny(s[v:], g.stop) {
		spaceEnds = true // the last item of the list: the text after it is not part of it
	}
	var inside openers // brackets and quotes opened inside the value
	for j := v; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '\\' && g.backslash:
			j++ // the next byte is part of the value, white space included
			continue
		case c == ' ' && spaceEnds:
			return j
		case strings.IndexByte(g.stop, c) >= 0:
			return j
		case strings.IndexByte(g.stopBeforeKey, c) >= 0 && keyFollows(s, j+1):
			return j
		case g.noQuotes && (c == '"' || c == '\'' || c == '\\' && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\'')):
			return j
		}
		if k := closerKind(c); k >= 0 {
			if inside.closes(k) {
				continue
			}
			// A closer that nothing in the value opened, after a text that
			// left one open, followed by the end of a word: it closes the
			// text's bracket or quote, not the value.
			if opened.count[k] > 0 && endsWord(s, j+1) {
				return j
			}
			if k >= kindDouble {
				inside.count[k] = 1 // a quote opened inside the value
			}
			continue
		}
		if k := openerKind(c); k >= 0 {
			inside.count[k]++
		}
	}
	return len(s)
}

// Brackets and quotes that may enclose a connection string in a message.
const (
	kindParen = iota
	kindSquare
	kindCurly
	kindAngle
	kindDouble
	kindSingle
	kindBacktick
	numKinds
)

// openers counts the brackets left open (and the quotes left open: 1 when
// an odd number) in a text.
type openers struct{ count [numKinds]int }

func openerKind(c byte) int {
	switch c {
	case '(':
		return kindParen
	case '[':
		return kindSquare
	case '{':
		return kindCurly
	case '<':
		return kindAngle
	}
	return -1
}

func closerKind(c byte) int {
	switch c {
	case ')':
		return kindParen
	case ']':
		return kindSquare
	case '}':
		return kindCurly
	case '>':
		return kindAngle
	case '"':
		return kindDouble
	case '\'':
		return kindSingle
	case '`':
		return kindBacktick
	}
	return -1
}

// closes reports whether a closer of kind k closes a bracket or quote
// opened inside the value (then the value goes on), and records it.
func (o *openers) closes(k int) bool {
	if o.count[k] == 0 {
		return false
	}
	o.count[k]--
	return true
}

// openedBefore counts what the text s[lo:hi] leaves open: brackets not
// closed, quotes of odd count.
func openedBefore(s string, lo, hi int) openers {
	var o openers
	for j := lo; j < hi; j++ {
		c := s[j]
		if k := openerKind(c); k >= 0 {
			o.count[k]++
			continue
		}
		if k := closerKind(c); k >= 0 {
			if k >= kindDouble {
				o.count[k] ^= 1
			} else if o.count[k] > 0 {
				o.count[k]--
			}
		}
	}
	return o
}

// endsWord reports whether s[j:] starts with the end of a word: the end of
// the text, white space, punctuation or another closer.
func endsWord(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	switch s[j] {
	case ' ', '.', ',', ';', ':', '!', '?', ')', ']', '}', '>', '"', '\'', '`':
		return true
	}
	return false
}

// keyFollows reports whether s[j:] starts (after spaces) with a key and its
// separator: "user=", "Encrypt =", "host:" (not "host://").
func keyFollows(s string, j int) bool {
	for j < len(s) && s[j] == ' ' {
		j++
	}
	k := j
	for k < len(s) && isKeyByte(s[k]) {
		k++
	}
	if k == j {
		return false
	}
	for k < len(s) && s[k] == ' ' {
		k++
	}
	if k >= len(s) {
		return false
	}
	switch s[k] {
	case '=':
		return true
	case ':':
		return !strings.HasPrefix(s[k:], "://")
	}
	return false
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}
