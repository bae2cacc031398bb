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
// AKIA***. A value is masked to its end as the grammar of the text around it
// defines it (quotes, doubled quotes, braces, backslash escapes, separators):
// a secret is never cut at a character its grammar allows in it. See
// patterns.go for the full list of built-in patterns.
//
// Bounded cost: at most max(8 × maxLength, 1024) bytes of the input are looked
// at; Go's regexp package is linear in the input, and a cheap scan for trigger
// substrings skips every pattern that cannot match, so an input without any
// trigger is only cleaned and capped.
package redact

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/memo"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/textutil"
)

const (
	// DefaultMaxLength is used when maxLength <= 0: the attribute contract's
	// default cap.
	DefaultMaxLength = contract.DefaultMaxLength
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
// gives ssn=***); otherwise the whole match is masked. Extra and built-in
// patterns all run on the cleaned one-line text; what any of them finds is
// masked.
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
	if !cut && len(s) <= r.maxLength {
		return s // no more runes than bytes: spares counting them
	}
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

// mask runs the extra patterns and the built-in ones whose triggers occur in
// s, each on the whole of s, and masks the union of what they find. Run one
// after another on each other's output, a pattern could hide from a later
// one the key of the secret after it (the later pattern then no longer sees
// "password=" in front of the value).
func (r *Redactor) mask(s string) string {
	if s == "" {
		return s
	}
	var ranges []maskRange
	for _, re := range r.extra {
		ranges = findRanges(re, s, maskGroups, ranges)
	}
	t := scan(s)
	for i := range builtins {
		p := &builtins[i]
		if !t.wants(p) {
			continue
		}
		if p.find != nil {
			ranges = p.find(s, ranges)
			continue
		}
		ranges = findRanges(p.re, s, p.mask, ranges)
	}
	return applyRanges(s, ranges)
}

// maskRange is a part of the text to mask, [lo, hi) in bytes; lo == hi puts
// a mask at lo (an empty body between armour lines, for one).
type maskRange struct{ lo, hi int }

// maskFunc appends to dst the ranges to mask in the match m (submatch
// indices into s); it appends none to keep the match.
type maskFunc func(s string, m []int, dst []maskRange) []maskRange

// findRanges collects the ranges fn masks in every non-empty match of re.
func findRanges(re *regexp.Regexp, s string, fn maskFunc, dst []maskRange) []maskRange {
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		if m[0] < m[1] {
			dst = fn(s, m, dst)
		}
	}
	return dst
}

// applyRanges replaces each run of overlapping or touching ranges by one
// Mask.
func applyRanges(s string, ranges []maskRange) string {
	if len(ranges) == 0 {
		return s
	}
	slices.SortFunc(ranges, func(a, b maskRange) int { return cmp.Or(cmp.Compare(a.lo, b.lo), cmp.Compare(a.hi, b.hi)) })
	var b strings.Builder
	b.Grow(len(s))
	last := 0 // next byte of s to copy
	for i := 0; i < len(ranges); {
		lo, hi := ranges[i].lo, ranges[i].hi
		for i++; i < len(ranges) && ranges[i].lo <= hi; i++ {
			hi = max(hi, ranges[i].hi)
		}
		b.WriteString(s[last:lo])
		b.WriteString(Mask)
		last = hi
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskAll masks the whole match.
func maskAll(_ string, m []int, dst []maskRange) []maskRange {
	return append(dst, maskRange{m[0], m[1]})
}

// maskGroups masks every participating, non-empty capturing group of the
// match, or the whole match when the pattern has no groups.
func maskGroups(_ string, m []int, dst []maskRange) []maskRange {
	if len(m) == 2 {
		return append(dst, maskRange{m[0], m[1]})
	}
	for g := 2; g+1 < len(m); g += 2 {
		if lo, hi := m[g], m[g+1]; lo >= 0 && lo < hi {
			dst = append(dst, maskRange{lo, hi})
		}
	}
	return dst
}

// maskGroup returns a maskFunc that masks capturing group g and keeps the
// rest of the match; an empty value is kept.
func maskGroup(g int) maskFunc {
	return func(_ string, m []int, dst []maskRange) []maskRange {
		if lo, hi := m[2*g], m[2*g+1]; lo >= 0 && lo < hi {
			dst = append(dst, maskRange{lo, hi})
		}
		return dst
	}
}

// maskFirstGroup masks the first participating group among gs (alternative
// value syntaxes), unless its value is empty, a harmless word, or starts with
// a secret that an earlier pattern masks already: in
// https://x-access-token:ghp_…@github.com/org/repo.git url-userinfo masks the
// token, and the host after it is context, not part of the secret.
func maskFirstGroup(gs ...int) maskFunc {
	return func(s string, m []int, dst []maskRange) []maskRange {
		for _, g := range gs {
			lo, hi := m[2*g], m[2*g+1]
			if lo < 0 {
				continue
			}
			if lo == hi || harmless(s[lo:hi]) || masked(dst, lo) {
				return dst
			}
			return append(dst, maskRange{lo, hi})
		}
		return dst
	}
}

// masked reports whether byte i is in one of the ranges.
func masked(ranges []maskRange, i int) bool {
	for _, r := range ranges {
		if r.lo <= i && i < r.hi {
			return true
		}
	}
	return false
}
