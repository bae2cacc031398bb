package fingerprint

import (
	"regexp"
	"strings"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/memo"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/textutil"
)

const (
	// MaxNormalizedLen bounds the result of Normalize, in bytes.
	MaxNormalizedLen = 512
	// maxInputLen bounds the bytes of a message that Normalize looks at.
	maxInputLen = 4096
)

// Placeholders written by Normalize. They hold no digit, quote or white
// space, so Normalize leaves them alone when run again.
const (
	phNum   = "<num>"   // numbers and hex ids (0x1f, 4bf92f35, 1234)
	phToken = "<token>" // words of 16+ characters holding a digit (session ids, base64 keys)
	phUUID  = "<uuid>"
	phTime  = "<ts>" // dates, date-times, times of day
	phIP    = "<ip>" // IPv4/IPv6 address, with its port if any
	phEmail = "<email>"
	phStr   = "<str>" // a quoted value: 'x', "x", `x`
)

// urlRE finds URLs: scheme, then everything up to white space, a quote or
// an angle bracket (so that it stops before a placeholder).
var urlRE = regexp.MustCompile(`[a-z][a-z0-9+.\-]*://[^\s'"<>` + "`" + `]*`)

// tokenAlternatives are tried left to right at each position, the first one
// that matches wins (RE2 leftmost-first). The text is lower case already and
// holds no URL.
var tokenAlternatives = []string{
	// 1, 2: a quoted value, when the quote opens: at the start or after white
	// space or ( [ { = : , ; — not after a letter ("can't") or a digit.
	`(^|[\s(\[{=:,;])('[^']*'|"[^"]*"|` + "`[^`]*`" + `)`,
	// 3: UUID.
	`([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`,
	// 4: date with optional time and zone, or a time of day.
	`([0-9]{4}[-/][0-9]{2}[-/][0-9]{2}(?:[t ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:[.,][0-9]+)?)?(?:z|[+\-][0-9]{2}:?[0-9]{2})?|[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?)`,
	// 5: IPv6 candidate (checked in code), optionally bracketed with a port.
	`(\[?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%[a-z0-9]+)?\]?(?::[0-9]{1,5})?)`,
	// 6: IPv4 with an optional port.
	`([0-9]{1,3}(?:\.[0-9]{1,3}){3}(?::[0-9]{1,5})?)`,
	// 7: e-mail address.
	`([a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,})`,
	// 8: a word holding a digit: number, hex id, long token, or word with digits.
	`([a-z0-9_]*[0-9][a-z0-9_]*)`,
}

// tokenizer is a regexp built from tokenAlternatives[first:]; shift maps its
// group numbers to those of the full list.
type tokenizer struct {
	re    *regexp.Regexp
	shift int
}

func newTokenizer(first int) *tokenizer {
	re := regexp.MustCompile(strings.Join(tokenAlternatives[first:], "|"))
	shift := 0
	for _, a := range tokenAlternatives[:first] {
		shift += regexp.MustCompile(a).NumSubexp()
	}
	return &tokenizer{re: re, shift: shift}
}

var (
	// all is used between URLs.
	all = newTokenizer(0)
	// inURL is used inside a URL: no quoted value.
	inURL = newTokenizer(1)
	// words is used inside a rejected IPv6 candidate: words with digits only.
	words = newTokenizer(len(tokenAlternatives) - 1)
)

// Normalize rewrites a message so that only its shape remains, for grouping
// errors: lower case; URLs keep scheme://host/path (query string, fragment
// and user info dropped); quoted values → <str>; UUIDs → <uuid>; dates and
// times → <ts>; IPv4/IPv6 addresses with their port → <ip>; e-mail addresses
// → <email>; words of 16+ characters with a digit → <token>; numbers and hex
// ids → <num> (both, so that an id that happens to hold only digits groups
// with one that does not); other digit runs inside words → <num> (user42 →
// user<num>). White space and control characters collapse to single spaces;
// the result is at most MaxNormalizedLen bytes of valid UTF-8 and holds no
// ASCII digit. Only the first 4096 bytes of msg are looked at.
//
// Normalize(Normalize(x)) == Normalize(x) (checked by FuzzNormalize).
//
// Changing Normalize changes fingerprints (and so diagnosis.regression, which
// compares them): treat any change to it as a breaking change and update the
// golden test on purpose.
func Normalize(msg string) string {
	return normalized.Get(msg)
}

// normalized memoizes Normalize: the same messages repeat in bursts.
var normalized = memo.New(12, normalize).OwnKeys(strings.Clone)

func normalize(msg string) string {
	if len(msg) > maxInputLen {
		msg = textutil.CutAtRune(msg, maxInputLen)
	}
	s := strings.ToLower(textutil.OneLine(msg))
	// A pass can leave a token that the next pass would replace (a rejected
	// IPv6 candidate ending in ':' hides the opening of a quoted value after
	// it): repeat to a fixed point so that Normalize is idempotent.
	for range maxPasses {
		next := tokenize(s)
		if next == s {
			break
		}
		s = next
	}
	return s
}

// maxPasses bounds the passes of normalize; one or two are the rule.
const maxPasses = 4

// tokenize is one pass: URLs, then the tokens between them; capped.
func tokenize(s string) string {
	// URLs first, so that no other token can take a part of one; the text
	// between URLs is tokenized on its own.
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, m := range urlRE.FindAllStringIndex(s, -1) {
		b.WriteString(all.replace(s[last:m[0]]))
		b.WriteString(normalizeURL(s[m[0]:m[1]]))
		last = m[1]
	}
	b.WriteString(all.replace(s[last:]))
	s = b.String()
	if len(s) > MaxNormalizedLen {
		s = strings.TrimRight(textutil.CutAtRune(s, MaxNormalizedLen), " ")
	}
	return s
}

// replace rewrites every match of t in s.
func (t *tokenizer) replace(s string) string {
	ms := t.re.FindAllStringSubmatchIndex(s, -1)
	if len(ms) == 0 {
		return s
	}
	group := func(m []int, g int) (int, int) {
		g -= t.shift
		if g < 1 {
			return -1, -1
		}
		return m[2*g], m[2*g+1]
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m[0]])
		last = m[1]
		switch {
		case has(group(m, 1)):
			lo, hi := group(m, 1)
			b.WriteString(s[lo:hi]) // the character before the quote
			b.WriteString(phStr)
		case has(group(m, 3)):
			b.WriteString(phUUID)
		case has(group(m, 4)):
			b.WriteString(phTime)
		case has(group(m, 5)):
			if lo, hi := group(m, 5); isIPv6(s, lo, hi) {
				b.WriteString(phIP)
			} else {
				b.WriteString(words.replace(s[lo:hi]))
			}
		case has(group(m, 6)):
			b.WriteString(phIP)
		case has(group(m, 7)):
			b.WriteString(phEmail)
		case has(group(m, 8)):
			lo, hi := group(m, 8)
			b.WriteString(normalizeWord(s[lo:hi]))
		default: // not reached
			b.WriteString(s[m[0]:m[1]])
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

func has(lo, _ int) bool { return lo >= 0 }

// normalizeURL keeps scheme://host/path, drops user info, query string and
// fragment, and normalizes what is left (ids in hosts and paths).
func normalizeURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	sep := strings.Index(u, "://") + len("://")
	rest := u[sep:]
	authEnd := strings.IndexByte(rest, '/')
	if authEnd < 0 {
		authEnd = len(rest)
	}
	if at := strings.LastIndexByte(rest[:authEnd], '@'); at >= 0 {
		rest = rest[at+1:]
	}
	return inURL.replace(u[:sep] + rest)
}

// isIPv6 accepts an IPv6 candidate s[lo:hi]: it holds a digit, a "::" or 7
// colons, and does not continue a word or a colon list (C++/PHP/Rust
// "Class::method" is not an address).
func isIPv6(s string, lo, hi int) bool {
	c := s[lo:hi]
	if !strings.ContainsAny(c, "0123456789") {
		return false
	}
	inner := strings.TrimPrefix(c, "[")
	if i := strings.IndexByte(inner, ']'); i >= 0 {
		inner = inner[:i]
	}
	if !strings.Contains(inner, "::") && strings.Count(inner, ":") != 7 {
		return false
	}
	if lo > 0 {
		p := s[lo-1]
		if p == ':' || p == '_' || p == '.' || p >= 'a' && p <= 'z' || p >= '0' && p <= '9' {
			return false
		}
	}
	return true
}

// normalizeWord rewrites a word holding a digit.
func normalizeWord(w string) string {
	if isHexID(w) {
		return phNum
	}
	if len(w) >= 16 {
		return phToken
	}
	var b strings.Builder
	for i := 0; i < len(w); {
		if w[i] >= '0' && w[i] <= '9' {
			for i < len(w) && w[i] >= '0' && w[i] <= '9' {
				i++
			}
			b.WriteString(phNum)
			continue
		}
		b.WriteByte(w[i])
		i++
	}
	return b.String()
}

// isHexID: digits only, 0x followed by hex digits, or 6+ hex digits.
func isHexID(w string) bool {
	digitsOnly := true
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			digitsOnly = false
			break
		}
	}
	if digitsOnly {
		return true
	}
	h := w
	if strings.HasPrefix(w, "0x") && len(w) > 2 {
		h = w[2:]
	} else if len(w) < 6 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
