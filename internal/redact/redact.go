// Package redact masks secrets in free text before it is written to a span
// attribute (diagnosis.evidence and friends) and bounds the size of every
// attribute the processor writes.
//
// The rule of the package: nothing secret may leave a span in a new
// attribute. Redact therefore errs on the side of masking: a value next to a
// key that looks like a credential is masked even when it is harmless, and a
// truncated input loses its trailing partial word rather than risk exposing
// the head of a secret.
//
// Output of Redact and Cap is always:
//   - valid UTF-8 (invalid sequences become U+FFFD),
//   - one line: runs of white space and control characters (newlines, tabs,
//     carriage returns, ...) become a single space, leading and trailing
//     space is trimmed,
//   - at most maxLength runes; a result that was cut ends with "…" (U+2026),
//     which counts towards maxLength.
//
// Secrets are replaced by "***", keeping enough context to read the evidence:
// postgres://app:***@db:5432/shop, Password=***;, Bearer ***, ***@example.com,
// AKIA***. See patterns.go for the full list of built-in patterns.
//
// Bounded cost: at most max(8 × maxLength, 1024) bytes of the input are looked
// at; Go's regexp package is linear in the input, and a cheap scan for trigger
// substrings skips every pattern that cannot match, so an input without any
// trigger is only cleaned and capped.
package redact

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/memo"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/textutil"
)

const (
	// DefaultMaxLength is used when maxLength <= 0 (DESIGN §4: evidence is at
	// most 256 characters).
	DefaultMaxLength = 256
	// Mask replaces every secret.
	Mask = "***"
	// Ellipsis ends a result that was cut.
	Ellipsis = "…"

	// inputFactor × maxLength bytes of input are processed at most.
	inputFactor = 8
	// minInputBytes keeps enough context around secrets for small maxLength.
	minInputBytes = 1024
	// maxInputBytes bounds the work per call whatever maxLength is.
	maxInputBytes = 1 << 20
	// trimBackWindow: when the input is cut, the trailing partial word (at
	// most this many bytes back to a white space) is dropped so that the head
	// of a secret cut in the middle cannot escape its pattern.
	trimBackWindow = 256
)

// Redactor masks secrets and caps lengths. It is safe for concurrent use.
type Redactor struct {
	maxLength  int
	inputBytes int
	extra      []*regexp.Regexp
	// redacted memoizes redact: the same evidence text repeats in bursts.
	redacted *memo.Memo[string, string]
}

// New compiles the built-in patterns plus extra user regexes (Go RE2 syntax,
// case-sensitive unless the pattern says (?i)). When an extra pattern has
// capturing groups, only the text of its groups is masked (so `ssn=(\d+)`
// gives ssn=***); otherwise the whole match is masked. Extra patterns run
// before the built-in ones, on the cleaned one-line text.
//
// An invalid extra pattern returns an error naming the pattern and why; the
// config layer wraps it with the field name. maxLength <= 0 means
// DefaultMaxLength.
func New(extraPatterns []string, maxLength int) (*Redactor, error) {
	if maxLength <= 0 {
		maxLength = DefaultMaxLength
	}
	r := &Redactor{maxLength: maxLength, inputBytes: maxInputBytes}
	if maxLength <= maxInputBytes/inputFactor {
		r.inputBytes = max(inputFactor*maxLength, minInputBytes)
	}
	var errs []error
	for i, p := range extraPatterns {
		if strings.TrimSpace(p) == "" {
			errs = append(errs, fmt.Errorf("extra pattern [%d] %q: empty pattern", i, p))
			continue
		}
		re, err := regexp.Compile(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("extra pattern [%d] %q: %w", i, p, err))
			continue
		}
		if re.MatchString("") {
			errs = append(errs, fmt.Errorf("extra pattern [%d] %q: matches the empty string", i, p))
			continue
		}
		r.extra = append(r.extra, re)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	r.redacted = memo.New(10, r.redact)
	return r, nil
}

// MustNew is New for tests and built-in configurations; it panics on error.
func MustNew(extraPatterns []string, maxLength int) *Redactor {
	r, err := New(extraPatterns, maxLength)
	if err != nil {
		panic(err)
	}
	return r
}

// MaxLength is the effective cap in runes.
func (r *Redactor) MaxLength() int { return r.maxLength }

// Redact masks secrets and caps the result (see the package documentation).
func (r *Redactor) Redact(s string) string {
	return r.redacted.Get(s)
}

func (r *Redactor) redact(s string) string {
	s, cut := r.clip(s, true)
	s = textutil.OneLine(s)
	s = r.mask(s)
	return r.capRunes(s, cut)
}

// Cap only cleans and truncates, with the same rules as Redact, for
// attributes that are not free text but must still respect the size bound.
func (r *Redactor) Cap(s string) string {
	s, cut := r.clip(s, false)
	s = textutil.OneLine(s)
	return r.capRunes(s, cut)
}

// clip cuts s to the input budget without splitting a UTF-8 sequence. When
// dropPartial is set, the trailing partial word is dropped too (see
// trimBackWindow).
func (r *Redactor) clip(s string, dropPartial bool) (string, bool) {
	if len(s) <= r.inputBytes {
		return s, false
	}
	s = textutil.CutAtRune(s, r.inputBytes)
	if dropPartial {
		lo := max(0, len(s)-trimBackWindow)
		if i := strings.LastIndexFunc(s[lo:], isBreak); i >= 0 {
			s = s[:lo+i]
		}
	}
	return s, true
}

func isBreak(r rune) bool { return r < 0x80 && (r <= ' ' || r == 0x7f) }

// capRunes truncates clean s to maxLength runes, ending with Ellipsis when
// it was cut here or before (cut).
func (r *Redactor) capRunes(s string, cut bool) string {
	n := utf8.RuneCountInString(s)
	if n <= r.maxLength && !cut {
		return s
	}
	keep := min(n, r.maxLength-1)
	end := 0
	for i := 0; i < keep; i++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	return strings.TrimRight(s[:end], " ") + Ellipsis
}

// mask applies the extra patterns, then the built-in ones whose triggers
// occur in s.
func (r *Redactor) mask(s string) string {
	for _, re := range r.extra {
		s = replaceAll(re, s, maskGroups)
	}
	if s == "" {
		return s
	}
	t := scan(s)
	for i := range builtins {
		p := &builtins[i]
		if !t.wants(p) {
			continue
		}
		s = replaceAll(p.re, s, p.repl)
	}
	return s
}

// replaceFunc returns the replacement of the match m (submatch indices into
// s) and whether to replace at all.
type replaceFunc func(s string, m []int) (string, bool)

// replaceAll is regexp.ReplaceAllStringFunc with access to submatches, the
// option to keep a match, and no replacement of empty matches.
func replaceAll(re *regexp.Regexp, s string, fn replaceFunc) string {
	ms := re.FindAllStringSubmatchIndex(s, -1)
	if len(ms) == 0 {
		return s
	}
	var b strings.Builder
	last, changed := 0, false
	for _, m := range ms {
		if m[0] == m[1] {
			continue
		}
		rep, ok := fn(s, m)
		if !ok {
			continue
		}
		if !changed {
			b.Grow(len(s))
			changed = true
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(rep)
		last = m[1]
	}
	if !changed {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskAll masks the whole match.
func maskAll(string, []int) (string, bool) { return Mask, true }

// maskGroups masks every participating, non-empty capturing group of the
// match (merged where they overlap), or the whole match when the pattern has
// no groups.
func maskGroups(s string, m []int) (string, bool) {
	if len(m) == 2 {
		return Mask, true
	}
	var b strings.Builder
	pos := m[0] // next byte of s to copy
	masked := false
	for g := 2; g+1 < len(m); g += 2 {
		lo, hi := m[g], m[g+1]
		if lo < 0 || lo == hi || hi <= pos {
			continue
		}
		if lo < pos { // overlaps the previous group: extend it
			lo = pos
		} else {
			b.WriteString(s[pos:lo])
			b.WriteString(Mask)
		}
		pos = hi
		masked = true
	}
	if !masked {
		return "", false
	}
	b.WriteString(s[pos:m[1]])
	return b.String(), true
}

// maskGroup returns a replaceFunc that masks capturing group g and keeps the
// rest of the match; empty values and harmless words are kept.
func maskGroup(g int) replaceFunc {
	return func(s string, m []int) (string, bool) {
		lo, hi := m[2*g], m[2*g+1]
		if lo < 0 || lo == hi {
			return "", false
		}
		return s[m[0]:lo] + Mask + s[hi:m[1]], true
	}
}

// maskFirstGroup masks the first participating, non-empty group among gs
// (alternative value syntaxes), unless its value is a harmless word.
func maskFirstGroup(gs ...int) replaceFunc {
	return func(s string, m []int) (string, bool) {
		for _, g := range gs {
			lo, hi := m[2*g], m[2*g+1]
			if lo < 0 {
				continue
			}
			if lo == hi || harmless(s[lo:hi]) {
				return "", false
			}
			return s[m[0]:lo] + Mask + s[hi:m[1]], true
		}
		return "", false
	}
}
